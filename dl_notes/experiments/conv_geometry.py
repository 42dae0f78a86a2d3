r"""Geometry of convolution and pooling: output sizes, padding, stride, channels, im2col and overlaps.

No training and no data: everything here is computed by `dl_notes.conv` from small, seeded
inputs, so that the diagrams of the convolution and im2col pages show what the library does.

- ``grid``: `conv_output_size` over input sizes × filter sizes × strides × pads, and for the
  settings where the stride does not divide, how many input rows the rounded-down windows drop;
- ``report``: the course report's im2col check (seed 004, case C: 6×6, 3×3, stride 2), its
  printout produced by running the report's own ``show_im2col``, and the dropped row and column;
- ``pool_strides``: the output of ``Pooling(k, k)`` on SimpleConvNet's 24×24 maps with the
  course's default stride (1), the book's (2) and dl_notes' (the window);
- ``edge_rule``: over a grid of stride-1 settings, whether edge pixels are in as many windows as
  central ones exactly when P = F − 1;
- the course's quiz (6×6 input, 2×2 filter, stride 1, pad 1) and "same" padding;
- the diagrams: padding, stride, channels, max/average pooling of a small map, the im2col
  layout of a 4×4 image, and the overlap-count maps that `col2im` of ones gives.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

import numpy as np

from dl_notes.conv import Convolution, col2im, conv_output_size, im2col
from dl_notes.pooling import Pooling

from ._plotting import check_lang, panels, style
from ._result import Result

TITLE = {"ja": "畳み込みの出力サイズとパディング・ストライド・チャネル", "en": "Convolution geometry: sizes, padding, stride, channels"}


@dataclass(frozen=True)
class Config:
    """The grid of settings for the output-size table, and the examples drawn."""

    inputs: tuple[int, ...] = (6, 7, 28)
    filters: tuple[int, ...] = (2, 3, 5)
    strides: tuple[int, ...] = (1, 2)
    pads: tuple[int, ...] = (0, 1)
    quiz: tuple[int, int, int, int] = (6, 2, 1, 1)   # H, F, S, P of the course's quiz
    # (H, F, S, P): no padding; P = F - 1; "same" padding; the report's case C (rounded down)
    overlaps: tuple[tuple[int, int, int, int], ...] = ((4, 2, 1, 0), (4, 2, 1, 1), (5, 3, 1, 1), (6, 3, 2, 0))
    report: tuple[int, int, int, int] = (6, 3, 2, 0)   # H, F, S, P of the report's case C
    pool_map: int = 24                                  # SimpleConvNet: 28 - 5 + 1
    pool_windows: tuple[int, ...] = (2, 3)
    seed: int = 0


DEFAULT = Config()
TINY = Config(inputs=(6, 7), filters=(2, 3), strides=(1, 2), pads=(0, 1))


def coverage(H: int, F: int, S: int, P: int) -> np.ndarray:
    """How many windows cover each pixel of an H×H image: ``col2im(im2col(ones))``."""
    ones = np.ones((1, 1, H, H))
    return col2im(im2col(ones, F, F, stride=S, pad=P), ones.shape, F, F, stride=S, pad=P)[0, 0]


def size_cell(H: int, F: int, S: int, P: int) -> dict:
    """One setting: the output size, whether S divides H + 2P - F, and the input rows no window reaches.

    >>> size_cell(6, 2, 1, 1)
    {'output': 7, 'exact': True, 'dropped': 0}
    >>> size_cell(6, 3, 2, 0)
    {'output': 2, 'exact': False, 'dropped': 1}
    """
    exact = True
    try:
        conv_output_size(H, F, S, P, strict=True)
    except ValueError:
        exact = False
    dropped = int((coverage(H, F, S, P)[:, 0] == 0).sum())
    return {"output": conv_output_size(H, F, S, P), "exact": exact, "dropped": dropped}


def show_im2col(input_shape, filter_shape, stride, pad):
    """The course report's im2col check (seed 004, notebook 2_6), as the report writes it."""
    N, C, H, W = input_shape
    FH, FW = filter_shape
    x = np.arange(N*C*H*W).reshape(N, C, H, W)
    col = im2col(x, FH, FW, stride=stride, pad=pad)
    OH = (H + 2*pad - FH)//stride + 1
    OW = (W + 2*pad - FW)//stride + 1
    print()
    print("x.shape =", x.shape)
    print("FH,FW =", (FH, FW), " stride =", stride, " pad =", pad)
    print("OH,OW =", (OH, OW))
    print("col.shape =", col.shape) # 期待: (N*OH*OW, C*FH*FW)
    print("col (先頭5行)\n", col[:5])


def report_case(H: int, F: int, S: int, P: int) -> dict:
    """The report's case: its printout, the sizes, and the rows and values no window reaches."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        show_im2col((1, 1, H, H), (F, F), stride=S, pad=P)
    x = np.arange(H * H).reshape(H, H)
    dropped = [int(r) for r in np.flatnonzero(coverage(H, F, S, P)[:, 0] == 0)]
    O = conv_output_size(H, F, S, P)
    return {"H": H, "F": F, "S": S, "P": P, "printout": printed.getvalue().strip("\n"),
            "ratio": (H + 2 * P - F) / S + 1, "output": O, "rows": O * O, "columns": F * F,
            "last_reached": (O - 1) * S + F - 1 - P, "dropped": dropped,
            "dropped_row": x[dropped[0]].tolist() if dropped else [],
            "dropped_column": x[:, dropped[0]].tolist() if dropped else []}


def edge_rule(sizes=range(5, 9), filters=range(1, 5)) -> dict:
    """At stride 1 and inputs larger than the filter, is every pixel in as many windows as every
    other exactly when P = F - 1? (An input that holds a single window is trivially uniform.)"""
    checked, holds = 0, True
    for H in sizes:
        for F in filters:
            for P in range(F):
                counts = coverage(H, F, 1, P)
                holds &= bool((counts.min() == counts.max()) == (P == F - 1))
                checked += 1
    return {"holds": holds, "settings": checked}


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    grid = []
    for F in config.filters:
        for S in config.strides:
            for P in config.pads:
                grid.append({"F": F, "S": S, "P": P,
                             "sizes": {str(H): size_cell(H, F, S, P) for H in config.inputs}})
    H, F, S, P = config.quiz
    same = {str(F_): {"pad": (F_ - 1) // 2, "output": conv_output_size(28, F_, 1, (F_ - 1) // 2)}
            for F_ in (3, 5, 7)}
    # pooling of a small map of integers
    x = rng.integers(0, 10, (1, 1, 4, 4)).astype(np.float64)
    pooled = {mode: Pooling(2, 2, stride=2, mode=mode).forward(x)[0, 0] for mode in ("max", "avg")}
    # channels: 3 input channels, 2 filters
    xc = rng.integers(0, 3, (1, 3, 5, 5)).astype(np.float64)
    Wc = rng.integers(-1, 2, (2, 3, 3, 3)).astype(np.float64)
    bc = np.array([0.0, 1.0])
    yc = Convolution(Wc, bc).forward(xc)[0]
    arrays = {"pool_input": x[0, 0], "pool_max": pooled["max"], "pool_avg": pooled["avg"],
              "channels_x": xc[0], "channels_W": Wc, "channels_b": bc, "channels_y": yc}
    overlaps = []
    for k, (h, f, s, p) in enumerate(config.overlaps):
        counts = coverage(h, f, s, p)
        arrays[f"overlap{k}"] = counts
        reached = counts[counts > 0]
        overlaps.append({"panel": k + 1, "H": h, "F": f, "S": s, "P": p,
                         "max": int(counts.max()), "min": int(reached.min()),
                         "centre": int(counts[h // 2, h // 2]), "corner": int(counts[0, 0]),
                         "uniform": bool(counts.min() == counts.max()),
                         "dropped": int((counts[:, 0] == 0).sum())})
    maps = np.zeros((1, 1, config.pool_map, config.pool_map))
    pool_strides = {str(k): {who: Pooling(k, k, stride=stride).forward(maps).shape[2]
                             for who, stride in (("course", 1), ("book", 2), ("dl_notes", None))}
                    for k in config.pool_windows}
    x16 = np.arange(16).reshape(1, 1, 4, 4)
    arrays["layout_col"] = im2col(x16, 2, 2)
    values = {
        "inputs": list(config.inputs),
        "grid": grid,
        "inexact": sum(not cell["exact"] for row in grid for cell in row["sizes"].values()),
        "inexact_dropping": sum(cell["dropped"] > 0 for row in grid for cell in row["sizes"].values()),
        "cells": len(grid) * len(config.inputs),
        "quiz": {"H": H, "F": F, "S": S, "P": P, "output": conv_output_size(H, F, S, P)},
        "same": same,
        "pool": {"max": pooled["max"].tolist(), "avg": pooled["avg"].tolist(), "input": x[0, 0].tolist()},
        "channels": {"x": list(xc.shape[1:]), "W": list(Wc.shape), "y": list(yc.shape),
                     "params": int(Wc.size + bc.size)},
        "overlaps": overlaps,
        "report": report_case(*config.report),
        "pool_strides": {"map": config.pool_map, "outputs": pool_strides},
        "edge_rule": edge_rule(),
        "padding_example": {"H": H, "F": F, "P": P, "output": conv_output_size(H, F, 1, P)},
        "stride_example": {"H": 7, "F": 3, "outputs": {str(s_): conv_output_size(7, 3, s_) for s_ in (1, 2)}},
    }
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"input": "入力", "output": "出力", "pad": "パディング", "stride": "ストライド",
           "filters": "フィルタ", "bias": "バイアス", "max": "最大値プーリング", "avg": "平均値プーリング",
           "col": "im2col の行列 col", "windows": "2×2 の窓", "row": "行",
           "overlap": "{h}×{h}、フィルタ {f}×{f}、S={s}、P={p}"},
    "en": {"input": "input", "output": "output", "pad": "padding", "stride": "stride",
           "filters": "filters", "bias": "bias", "max": "max pooling", "avg": "average pooling",
           "col": "im2col matrix col", "windows": "2×2 windows", "row": "row",
           "overlap": "{h}×{h}, filter {f}×{f}, S={s}, P={p}"},
}
COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")


def _cells(ax, rows, cols, x0=0.0, y0=0.0, shade=None, labels=None, size=1.0, fontsize=8):
    """Draw a rows × cols grid of squares with its top-left corner at (x0, y0), y growing downwards."""
    from matplotlib.patches import Rectangle

    for r in range(rows):
        for c in range(cols):
            color = shade(r, c) if shade else "white"
            ax.add_patch(Rectangle((x0 + c * size, y0 + r * size), size, size, facecolor=color,
                                   edgecolor="#555555", linewidth=0.6))
            if labels is not None:
                ax.text(x0 + (c + 0.5) * size, y0 + (r + 0.5) * size, labels(r, c), ha="center", va="center",
                        fontsize=fontsize)


def _outline(ax, x0, y0, w, h, color, lw=2.2, ls="-"):
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x0, y0), w, h, fill=False, edgecolor=color, linewidth=lw, linestyle=ls))


def _canvas(width, height, figsize):
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=figsize)
    ax.set_xlim(-0.5, width + 0.5)
    ax.set_ylim(height + 0.5, -1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    return figure, ax


def plot_padding(result: Result, lang: str):
    """The quiz: a 6×6 input padded by 1, the first 2×2 window, and the 7×7 output."""
    text, e = TEXT[check_lang(lang)], result.values["padding_example"]
    H, F, P, O = e["H"], e["F"], e["P"], e["output"]
    n = H + 2 * P
    with style(lang):
        figure, ax = _canvas(n + 3 + O, n, (6.4, 3.2))
        _cells(ax, n, n, shade=lambda r, c: "#dddddd" if min(r, c) < P or max(r, c) >= n - P else "#fff4cc",
               labels=lambda r, c: "0" if min(r, c) < P or max(r, c) >= n - P else "", fontsize=7)
        _outline(ax, 0, 0, F, F, COLORS[0])
        _outline(ax, 1, 0, F, F, COLORS[1], ls="--")
        ax.text(n / 2, -0.7, f"{text['input']} {H}×{H} + {text['pad']} {P} = {n}×{n}", ha="center")
        x0 = n + 3
        _cells(ax, O, O, x0=x0, shade=lambda r, c: "#f7c5c5" if (r, c) == (0, 0) else "#c6dbef" if (r, c) == (0, 1)
               else "white")
        ax.text(x0 + O / 2, -0.7, f"{text['output']} {O}×{O}", ha="center")
        ax.annotate("", xy=(x0 - 0.3, n / 2), xytext=(n + 0.3, n / 2), arrowprops={"arrowstyle": "->"})
        ax.text(n + 1.5, n / 2 - 0.4, f"{F}×{F}", ha="center", fontsize=9)
    return figure


def plot_stride(result: Result, lang: str):
    """A 3×3 filter on a 7×7 input at stride 1 and 2: the first windows of the top row and the outputs."""
    text, e = TEXT[check_lang(lang)], result.values["stride_example"]
    H, F = e["H"], e["F"]
    with style(lang):
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(1, 2, figsize=(6.4, 2.8))
        for ax, S in zip(axes, (1, 2)):
            O = e["outputs"][str(S)]
            ax.set_xlim(-0.5, H + 2 + O + 0.5)
            ax.set_ylim(H + 0.5, -1.5)
            ax.set_aspect("equal")
            ax.axis("off")
            _cells(ax, H, H)
            for k in range(min(3, O)):
                _outline(ax, k * S + 0.06 * k, 0.06 * k, F, F, COLORS[k], lw=1.8)
            _cells(ax, O, O, x0=H + 2, shade=lambda r, c: ("#f7c5c5", "#c6dbef", "#c7e9c0")[c] if r == 0 and c < 3
                   else "white")
            ax.text((H + 2 + O) / 2, -0.7, f"{text['stride']} S = {S}: {H}×{H} → {O}×{O}", ha="center", fontsize=9)
    return figure


def plot_channels(result: Result, lang: str):
    """(3, 5, 5) input, two (3, 3, 3) filters with a bias each, two 3×3 output maps, with their numbers."""
    text, a = TEXT[check_lang(lang)], result.arrays
    x, W, b, y = a["channels_x"], a["channels_W"], a["channels_b"], a["channels_y"]
    C, H, _ = x.shape
    FN, _, F, _ = W.shape
    O = y.shape[1]
    with style(lang):
        figure, ax = _canvas(H + 2 + 2 * (F + 1) * 1 + 2 + O + 4, C * (H + 1), (6.6, 5.0))
        for c in range(C):
            y0 = c * (H + 1)
            _cells(ax, H, H, y0=y0, shade=lambda r, q: "#fff4cc", labels=lambda r, q: f"{x[c, r, q]:.0f}", fontsize=7)
            ax.text(-0.6, y0 + H / 2, f"c={c}", ha="right", va="center", fontsize=8)
        ax.text(H / 2, -0.8, f"{text['input']} (C, H, W) = ({C}, {H}, {H})", ha="center", fontsize=9)
        for f in range(FN):
            x0 = H + 2 + f * (F + 1)
            for c in range(C):
                _cells(ax, F, F, x0=x0, y0=c * (H + 1) + 1, shade=lambda r, q: ("#f7c5c5", "#c6dbef")[f],
                       labels=lambda r, q: f"{W[f, c, r, q]:.0f}", fontsize=7)
            ax.text(x0 + F / 2, C * (H + 1) - 0.2, f"b={b[f]:.0f}", ha="center", fontsize=8)
        ax.text(H + 2 + FN * (F + 1) / 2, -0.8, f"{text['filters']} ({FN}, {C}, {F}, {F})", ha="center", fontsize=9)
        x0 = H + 3 + FN * (F + 1) + 1
        for f in range(FN):
            _cells(ax, O, O, x0=x0, y0=f * (H + 1) + 1, shade=lambda r, q: ("#f7c5c5", "#c6dbef")[f],
                   labels=lambda r, q: f"{y[f, r, q]:.0f}", fontsize=7)
        ax.text(x0 + O / 2, -0.8, f"{text['output']} ({FN}, {O}, {O})", ha="center", fontsize=9)
    return figure


def plot_pooling(result: Result, lang: str):
    """A 4×4 map, its 2×2 windows at stride 2, and the max- and average-pooled 2×2 outputs."""
    text, a = TEXT[check_lang(lang)], result.arrays
    x, mx, av = a["pool_input"], a["pool_max"], a["pool_avg"]
    block = ("#f7c5c5", "#c6dbef", "#c7e9c0", "#e5d4ef")
    shade = lambda r, c: block[(r // 2) * 2 + c // 2]  # noqa: E731
    with style(lang):
        figure, ax = _canvas(4 + 2 + 2 + 2 + 2, 4, (6.0, 2.4))
        _cells(ax, 4, 4, shade=shade, labels=lambda r, c: f"{x[r, c]:.0f}", fontsize=9)
        ax.text(2, -0.7, f"{text['input']} 4×4", ha="center", fontsize=9)
        _cells(ax, 2, 2, x0=6, y0=1, shade=lambda r, c: block[r * 2 + c], labels=lambda r, c: f"{mx[r, c]:.0f}", fontsize=9)
        ax.text(7, 0.3, text["max"], ha="center", fontsize=9)
        _cells(ax, 2, 2, x0=10, y0=1, shade=lambda r, c: block[r * 2 + c], labels=lambda r, c: f"{av[r, c]:g}", fontsize=9)
        ax.text(11, 0.3, text["avg"], ha="center", fontsize=9)
    return figure


def plot_layout(result: Result, lang: str):
    """im2col of np.arange(16) as a 4×4 image with 2×2 windows: the first three windows and their rows."""
    text, col = TEXT[check_lang(lang)], result.arrays["layout_col"]
    with style(lang):
        figure, ax = _canvas(4 + 3 + 4 + 2, 9, (5.6, 4.2))
        _cells(ax, 4, 4, labels=lambda r, c: f"{4 * r + c}", fontsize=9)
        for k in range(3):
            _outline(ax, k + 0.06 * k, 0.06 * k, 2, 2, COLORS[k], lw=2)
        ax.text(2, -0.7, f"{text['input']} 4×4, {text['windows']}", ha="center", fontsize=9)
        x0 = 7
        shade = lambda r, c: ("#f7c5c5", "#c6dbef", "#c7e9c0")[r] if r < 3 else "white"  # noqa: E731
        _cells(ax, col.shape[0], col.shape[1], x0=x0, shade=shade, labels=lambda r, c: f"{col[r, c]}", fontsize=9)
        for r in range(col.shape[0]):
            ax.text(x0 - 0.3, r + 0.5, f"{r}", ha="right", va="center", fontsize=7, color="#555555")
        ax.text(x0 + 2, -0.7, f"{text['col']} {col.shape[0]}×{col.shape[1]}", ha="center", fontsize=9)
    return figure


def plot_overlap(result: Result, lang: str):
    """col2im(im2col(ones)): how many windows cover each pixel, for each setting."""
    text = TEXT[check_lang(lang)]
    v, a = result.values, result.arrays
    with panels(lang, len(v["overlaps"]), size=(1.75, 2.3)) as (figure, axes):
        for k, (ax, o) in enumerate(zip(axes[0], v["overlaps"])):
            counts = a[f"overlap{k}"]
            ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(o["max"] for o in v["overlaps"]) * 1.3)
            for (r, c), value in np.ndenumerate(counts):
                ax.text(c, r, f"{value:.0f}", ha="center", va="center", fontsize=8)
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(text["overlap"].format(h=o["H"], f=o["F"], s=o["S"], p=o["P"]), fontsize=7.5)
    return figure


FIGURES = {"padding.png": plot_padding, "stride.png": plot_stride, "channels.png": plot_channels,
           "pooling.png": plot_pooling, "layout.png": plot_layout, "overlap.png": plot_overlap}
