r"""How up-sampling layers place their output, and how dilation widens the receptive field; computed, not drawn.

Three parts, all exact (nothing is trained):

- **Transposed convolution.** A 2×2 input with a kernel of ones at stride 2 (`dl_notes.upsampling.
  TransposedConvolution`): each input pixel stamps the kernel, and where stamps overlap they add.
  On a larger input of ones the output counts how many stamps cover each pixel: a 3×3 kernel
  at stride 2 (kernel not a multiple of the stride) gives an uneven, checkerboard count; a 4×4
  kernel at stride 2 covers every inner pixel equally.
- **Max unpooling.** A small map, its 2×2 max pooling with switches and the unpooled map
  (`dl_notes.upsampling.MaxPoolingWithSwitches`, `MaxUnpooling`).
- **Dilated convolution.** Stacks of 3×3 `dl_notes.dilated.DilatedConvolution` layers with
  dilations 1, 2, 4, ... against the same depth with dilation 1: the input pixels that feed the
  centre output, found by backpropagating a one through weights of ones, and the receptive field
  against depth, compared with the closed form $1 + (K - 1) \sum_l d_l$
  (`dl_notes.wavenet.receptive_field`, per axis).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.dilated import DilatedConvolution
from dl_notes.upsampling import MaxPoolingWithSwitches, MaxUnpooling, TransposedConvolution
from dl_notes.wavenet import receptive_field

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "転置畳み込み・逆プーリング・膨張畳み込みの幾何", "en": "The geometry of transposed convolution, unpooling and dilation"}


@dataclass(frozen=True)
class Config:
    """The sizes of the drawn examples and the deepest dilated stack measured."""

    ones_size: int = 4
    unpool_size: int = 4
    figure_depth: int = 3
    max_depth: int = 5
    kernel_size: int = 3
    seed: int = 0


DEFAULT = Config()
TINY = Config(ones_size=3, figure_depth=2, max_depth=3)


def _stamp(x: np.ndarray, K: int, S: int, P: int = 0) -> np.ndarray:
    """Transposed convolution of one map with a K×K kernel of ones."""
    return TransposedConvolution(np.ones((1, 1, K, K)), np.zeros(1), S, P).forward(x[None, None])[0, 0]


def _field_map(dilations: list[int], K: int, size: int | None = None) -> np.ndarray:
    """How many paths lead from each input pixel to the centre output of the stack (weights 1, 'same' padding).

    Zero outside the receptive field. ``size`` defaults to the field plus a margin of 2.
    """
    size = receptive_field(K, dilations) + 4 if size is None else size
    layers = [DilatedConvolution(np.ones((1, 1, K, K)), np.zeros(1), pad=(K - 1) // 2 * d, dilation=d)
              for d in dilations]
    h = np.zeros((1, 1, size, size))
    for layer in layers:
        h = layer.forward(h)
    dout = np.zeros_like(h)
    dout[0, 0, size // 2, size // 2] = 1
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return dout[0, 0]


def _measured(field_map: np.ndarray) -> int:
    rows = np.flatnonzero((field_map > 0).any(axis=1))
    return int(rows[-1] - rows[0] + 1)


def run(config: Config) -> Result:
    K = config.kernel_size
    rng = np.random.default_rng(config.seed)
    two = np.arange(1.0, 5.0).reshape(2, 2)                                   # the 2x2 input 1, 2, 3, 4
    ones = np.ones((config.ones_size, config.ones_size))
    arrays = {"two": two, "two_k3_s2": _stamp(two, 3, 2), "two_k2_s2": _stamp(two, 2, 2),
              "ones_k3_s2": _stamp(ones, 3, 2), "ones_k4_s2_p1": _stamp(ones, 4, 2, 1)}
    inner = arrays["ones_k3_s2"][2:-2, 2:-2]                                  # away from the border
    # Unpooling: a random map with distinct values.
    n = config.unpool_size
    x = rng.permutation(n * n).reshape(1, 1, n, n).astype(np.float64)
    pool = MaxPoolingWithSwitches(2)
    pooled = pool.forward(x)
    arrays.update({"unpool_x": x[0, 0], "unpool_pooled": pooled[0, 0], "unpool_switches": pool.switches[0, 0],
                   "unpool_u": MaxUnpooling(pool).forward(pooled)[0, 0]})
    # Dilated stacks.
    depths = np.arange(1, config.max_depth + 1)
    schedule = {"dilated": lambda L: [2 ** l for l in range(L)], "plain": lambda L: [1] * L}
    for stack, dilations in schedule.items():
        arrays[f"{stack}/field"] = np.array([receptive_field(K, dilations(int(L))) for L in depths])
        arrays[f"{stack}/measured"] = np.array([_measured(_field_map(dilations(int(L)), K)) for L in depths])
        # both drawn on the canvas of the dilated (larger) field
        canvas = receptive_field(K, schedule["dilated"](config.figure_depth)) + 4
        arrays[f"{stack}/map"] = _field_map(dilations(config.figure_depth), K, canvas)
    arrays["depths"] = depths
    L = config.figure_depth
    values = {
        "kernel_size": K, "figure_depth": L, "max_depth": config.max_depth,
        "figure_dilations": schedule["dilated"](L),
        "two_k3_s2_shape": list(arrays["two_k3_s2"].shape), "two_k2_s2_shape": list(arrays["two_k2_s2"].shape),
        "checkerboard": {"min": float(inner.min()), "max": float(inner.max())},
        "even": {"min": float(arrays["ones_k4_s2_p1"][1:-1, 1:-1].min()),
                 "max": float(arrays["ones_k4_s2_p1"][1:-1, 1:-1].max())},
        "ones_size": config.ones_size,
        "unpool": {"size": n, "kept": int(np.count_nonzero(arrays["unpool_u"])), "zeros": int(np.sum(arrays["unpool_u"] == 0))},
        "field": {"dilated": int(arrays["dilated/field"][L - 1]), "plain": int(arrays["plain/field"][L - 1]),
                  "deepest_dilated": int(arrays["dilated/field"][-1]), "deepest_plain": int(arrays["plain/field"][-1])},
        "measured_equals_formula": bool(all((arrays[f"{s}/field"] == arrays[f"{s}/measured"]).all() for s in schedule)),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"input": "入力（2×2）", "k3": "3×3 のカーネル、ストライド 2", "k2": "2×2 のカーネル、ストライド 2",
        "ones_k3": "すべて 1 の {n}×{n} 入力\n3×3、ストライド 2", "ones_k4": "すべて 1 の {n}×{n} 入力\n4×4、ストライド 2、パディング 1",
        "x": "入力 {n}×{n}", "pooled": "最大値プーリング 2×2", "unpooled": "逆プーリング（スイッチの位置へ）",
        "dilated": "膨張率 {d}：受容野 {r}×{r}", "plain": "膨張率 1：受容野 {r}×{r}",
        "depth": "層の数", "field": "受容野（1 辺の画素数）", "field_title": "受容野と深さ（3×3 の層）",
        "dilated_line": "膨張率 1, 2, 4, …", "plain_line": "膨張率 1", "measured": "逆伝播で測った値"},
    en={"input": "input (2x2)", "k3": "3x3 kernel, stride 2", "k2": "2x2 kernel, stride 2",
        "ones_k3": "{n}x{n} input of ones\n3x3, stride 2", "ones_k4": "{n}x{n} input of ones\n4x4, stride 2, pad 1",
        "x": "input {n}x{n}", "pooled": "2x2 max pooling", "unpooled": "unpooled (at the switches)",
        "dilated": "dilations {d}: field {r}x{r}", "plain": "dilation 1: field {r}x{r}",
        "depth": "number of layers", "field": "receptive field (pixels a side)", "field_title": "receptive field and depth (3x3 layers)",
        "dilated_line": "dilations 1, 2, 4, ...", "plain_line": "dilation 1", "measured": "measured by backpropagation"},
)


def _grid(ax, values: np.ndarray, title: str, cmap: str = "Blues", highlight: np.ndarray | None = None) -> None:
    ax.imshow(values, cmap=cmap, vmin=0, vmax=max(float(values.max()), 1) * 1.3, interpolation="nearest")
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=8,
                color="black" if highlight is None or highlight[i, j] else "#aaaaaa")
    ax.set_xticks([]), ax.set_yticks([])
    ax.set_title(title, fontsize=9)


def plot_transposed(result: Result, lang: str):
    """The 2×2 input, its two up-samplings, and the overlap counts on an input of ones."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    n = v["ones_size"]
    with panels(lang, 5, 3, size=(2.4, 2.5)) as (figure, axes):
        _grid(axes[0, 0], a["two"], text["input"])
        _grid(axes[0, 1], a["two_k2_s2"], text["k2"])
        _grid(axes[0, 2], a["two_k3_s2"], text["k3"])
        _grid(axes[1, 0], a["ones_k3_s2"], text["ones_k3"].format(n=n), "Oranges")
        _grid(axes[1, 1], a["ones_k4_s2_p1"], text["ones_k4"].format(n=n), "Greens")
    return figure


def plot_unpooling(result: Result, lang: str):
    """A map, its 2×2 max pooling, and the unpooled map: the maxima back at their places, zeros elsewhere."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    kept = a["unpool_u"] != 0
    with panels(lang, 3, size=(2.2, 2.4)) as (figure, axes):
        _grid(axes[0, 0], a["unpool_x"], text["x"].format(n=v["unpool"]["size"]), highlight=kept)
        _grid(axes[0, 1], a["unpool_pooled"], text["pooled"])
        _grid(axes[0, 2], a["unpool_u"], text["unpooled"], highlight=kept)
    return figure


def plot_dilation(result: Result, lang: str):
    """The input pixels feeding one output of each stack, and the receptive field against depth."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    with panels(lang, 3, size=(2.8, 2.8)) as (figure, axes):
        for ax, stack in zip(axes[0, :2], ("dilated", "plain")):
            m = a[f"{stack}/map"]
            ax.imshow(m, cmap="Blues", vmin=0, vmax=m.max() * 1.2, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            r = _measured(m)
            d = ", ".join(map(str, v["figure_dilations"]))
            ax.set_title(text[stack].format(d=d, r=r), fontsize=9)
        ax = axes[0, 2]
        for i, stack in enumerate(("dilated", "plain")):
            ax.plot(a["depths"], a[f"{stack}/field"], "-", color=PALETTE[i], label=text[f"{stack}_line"])
            ax.plot(a["depths"], a[f"{stack}/measured"], "o", color=PALETTE[i], ms=4)
        ax.plot([], [], "o", color="#555555", ms=4, label=text["measured"])
        ax.set(xlabel=text["depth"], ylabel=text["field"], title=text["field_title"], xticks=a["depths"])
        ax.legend(fontsize="small")
    return figure


FIGURES = {"transposed": plot_transposed, "unpooling": plot_unpooling, "dilation": plot_dilation}
