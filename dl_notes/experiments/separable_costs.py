r"""What a depthwise separable convolution saves: multiply-adds counted on the layers, against 1/M + 1/K².

For each filter size K and number of output channels M, three layers of `dl_notes` run once on
the same seeded input of C channels and H×W pixels (``pad = K // 2``, so the output is H×W too):

- a standard convolution `dl_notes.conv.Convolution` with M filters of shape (C, K, K);
- a depthwise convolution `dl_notes.depthwise.DepthwiseConvolution`, one K×K filter per channel;
- a pointwise convolution `dl_notes.depthwise.PointwiseConvolution` from C to M channels.

`dl_notes.mobilenet.multiply_adds` reads what each forward pass computed from the shapes of
its products; the experiment records those counts, the formulas of `dl_notes.mobilenet` for
the same geometry, and the measured ratio (depthwise + pointwise) / standard next to
1/M + 1/K². ``quiz`` is the course's confirmation test on one concrete geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.conv import Convolution
from dl_notes.depthwise import DepthwiseConvolution, PointwiseConvolution
from dl_notes.mobilenet import (
    depthwise_conv_cost, multiply_adds, pointwise_conv_cost, separable_cost_ratio, standard_conv_cost,
)

from ._plotting import check_lang, style, texts
from ._result import Result

TITLE = {"ja": "深さ方向分離可能畳み込みの計算量", "en": "Cost of a depthwise separable convolution"}


@dataclass(frozen=True)
class Config:
    """The geometry: output size H×W, input channels C, output channels Ms, filter sizes Ks."""

    H: int = 14
    W: int = 14
    C: int = 32
    Ms: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512)
    Ks: tuple[int, ...] = (3, 5)
    quiz: tuple[int, int] = (64, 3)   # (M, K) of the worked confirmation test
    seed: int = 0


DEFAULT = Config()
TINY = Config(H=5, W=4, C=3, Ms=(2, 4, 8), Ks=(3,), quiz=(4, 3))


def _counts(x: np.ndarray, M: int, K: int, rng: np.random.Generator) -> dict[str, int]:
    """Run the three layers on ``x`` once; the multiply-adds each performed (per image)."""
    C = x.shape[1]
    layers = {
        "standard": Convolution(rng.standard_normal((M, C, K, K)), np.zeros(M), pad=K // 2),
        "depthwise": DepthwiseConvolution(rng.standard_normal((C, 1, K, K)), pad=K // 2),
        "pointwise": PointwiseConvolution(rng.standard_normal((M, C, 1, 1))),
    }
    layers["standard"].forward(x)
    layers["pointwise"].forward(layers["depthwise"].forward(x))
    return {name: multiply_adds(layer) // len(x) for name, layer in layers.items()}


def run(config: Config) -> Result:
    c = config
    rng = np.random.default_rng(c.seed)
    x = rng.standard_normal((1, c.C, c.H, c.W))                           # (1, C, H, W): one image
    measured, formula = {}, {}
    for K in c.Ks:
        rows = [_counts(x, M, K, rng) for M in c.Ms]
        measured[str(K)] = {name: [row[name] for row in rows] for name in ("standard", "depthwise", "pointwise")}
        formula[str(K)] = {
            "standard": [standard_conv_cost(c.H, c.W, c.C, M, K) for M in c.Ms],
            "depthwise": [depthwise_conv_cost(c.H, c.W, c.C, K) for _ in c.Ms],
            "pointwise": [pointwise_conv_cost(c.H, c.W, c.C, M) for M in c.Ms],
        }
    ratio = {K: [(d + p) / s for s, d, p in zip(m["standard"], m["depthwise"], m["pointwise"])]
             for K, m in measured.items()}
    ratio_formula = {str(K): [separable_cost_ratio(M, K) for M in c.Ms] for K in c.Ks}
    pointwise_share = {K: [p / (d + p) for d, p in zip(m["depthwise"], m["pointwise"])] for K, m in measured.items()}
    M, K = c.quiz
    q = _counts(x, M, K, rng)
    quiz = {
        "H": c.H, "W": c.W, "C": c.C, "M": M, "K": K, **q,
        "separable": q["depthwise"] + q["pointwise"],
        "ratio": (q["depthwise"] + q["pointwise"]) / q["standard"],
        "ratio_formula": separable_cost_ratio(M, K),
        "depthwise_over_standard": q["depthwise"] / q["standard"],   # 1/M
        "pointwise_over_standard": q["pointwise"] / q["standard"],   # 1/K^2
        "pointwise_share": q["pointwise"] / (q["depthwise"] + q["pointwise"]),
        "speedup": q["standard"] / (q["depthwise"] + q["pointwise"]),
    }
    values = {
        "H": c.H, "W": c.W, "C": c.C, "Ms": list(c.Ms), "Ks": list(c.Ks),
        "measured": measured, "formula": formula, "ratio": ratio, "ratio_formula": ratio_formula,
        "pointwise_share": pointwise_share,
        "counts_match": measured == formula,
        "max_ratio_error": max(abs(a - b) for K in ratio for a, b in zip(ratio[K], ratio_formula[K])),
        "quiz": quiz,
    }
    arrays = {f"ratio/{K}": np.asarray(r) for K, r in ratio.items()}
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"x": "出力チャネル数 M（対数目盛）", "y": "計算量の比（分離可能 ÷ 標準）",
        "measured": "レイヤで数えた値（K = {K}）", "formula": "1/M + 1/K²（K = {K}）", "floor": "1/K²（K = {K}）"},
    en={"x": "output channels M (log scale)", "y": "cost ratio (separable / standard)",
        "measured": "counted on the layers (K = {K})", "formula": "1/M + 1/K² (K = {K})", "floor": "1/K² (K = {K})"},
)


def plot_ratio(result: Result, lang: str):
    """The measured ratio (markers) against 1/M + 1/K² (line) and its floor 1/K² (dotted), per K."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    Ms = np.asarray(v["Ms"])
    fine = np.geomspace(Ms.min(), Ms.max(), 200)
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for i, K in enumerate(v["Ks"]):
            ax.plot(fine, 1 / fine + 1 / K**2, "-", color=f"C{i}", linewidth=1.2, label=text["formula"].format(K=K))
            ax.axhline(1 / K**2, color=f"C{i}", linestyle=":", linewidth=1.0, label=text["floor"].format(K=K))
            ax.plot(Ms, result.arrays[f"ratio/{K}"], "o", color=f"C{i}", markersize=5,
                    label=text["measured"].format(K=K))
        ax.set_xscale("log", base=2)
        ax.set_xticks(Ms, [str(M) for M in Ms])
        ax.set(xlabel=text["x"], ylabel=text["y"], ylim=(0, None))
        ax.legend(fontsize="small", ncol=2)
    return figure


FIGURES = {"ratio": plot_ratio}
