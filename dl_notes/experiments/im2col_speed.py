r"""How much faster is convolution as one matrix product? A loop, the course's im2col and a strided view, timed.

Three ways to compute the same convolution (forward pass) of a small batch:

- ``naive``: `dl_notes.conv.conv2d_naive`, one Python iteration per output value;
- ``loop_im2col``: the course's ``common/util.py`` algorithm (`dl_notes.windows.im2col_loop`): a Python
  loop over the $FH \times FW$ filter offsets fills a (N, C, FH, FW, OH, OW) array with one
  strided slice each, which is transposed to (N·OH·OW, C·FH·FW); then one matrix product;
- ``strided_im2col``: `dl_notes.windows.im2col`, which takes every window at once as a strided
  view (``sliding_window_view``) and copies it in one call; then the same matrix product.

Each is run ``repeats`` times on the same seeded input and the median is kept (timings vary
from run to run; the median ignores the slow outliers). The results are measurements of the
machine that built the site; its CPU count and NumPy version are recorded with them.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass

import numpy as np

from dl_notes.conv import conv2d_naive
from dl_notes.windows import conv_output_size, im2col, im2col_loop

from ._plotting import check_lang, style
from ._result import Result

TITLE = {"ja": "畳み込みの計算時間：ループ、im2col、ストライド付きビュー",
         "en": "Convolution time: loops, im2col and a strided view"}

METHODS = ("naive", "loop_im2col", "strided_im2col")


@dataclass(frozen=True)
class Config:
    """The input (N, C, H, W), the filters (FN, FH = FW), and how often each method is timed."""

    N: int = 8
    C: int = 3
    H: int = 28
    FN: int = 8
    F: int = 5
    repeats: int = 7
    seed: int = 0


DEFAULT = Config()
TINY = Config(N=2, C=1, H=6, FN=2, F=3, repeats=2)


def conv_by_matmul(col: np.ndarray, W: np.ndarray, b: np.ndarray, N: int, OH: int, OW: int) -> np.ndarray:
    """Convolution from an im2col matrix: one product, then back to (N, FN, OH, OW)."""
    FN = W.shape[0]
    out = col @ W.reshape(FN, -1).T + b                                   # (N*OH*OW, FN)
    return out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)               # (N, FN, OH, OW)


def _median_seconds(function, repeats: int) -> tuple[float, np.ndarray]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    x = rng.standard_normal((config.N, config.C, config.H, config.H), dtype=np.float32)
    W = rng.standard_normal((config.FN, config.C, config.F, config.F), dtype=np.float32)
    b = rng.standard_normal(config.FN, dtype=np.float32)
    N, F = config.N, config.F
    O = conv_output_size(config.H, F)
    methods = {
        "naive": lambda: conv2d_naive(x, W, b),
        "loop_im2col": lambda: conv_by_matmul(im2col_loop(x, F, F), W, b, N, O, O),
        "strided_im2col": lambda: conv_by_matmul(im2col(x, F, F), W, b, N, O, O),
    }
    seconds, outputs = {}, {}
    for name in METHODS:
        seconds[name], outputs[name] = _median_seconds(methods[name], config.repeats)
    reference = outputs["naive"]
    values = {
        "methods": list(METHODS),
        "seconds": seconds,
        "speedup_vs_naive": {name: seconds["naive"] / seconds[name] for name in METHODS},
        "strided_vs_loop": seconds["loop_im2col"] / seconds["strided_im2col"],
        "max_abs_difference": {name: float(np.abs(outputs[name] - reference).max()) for name in METHODS},
        "input_shape": list(x.shape), "filter_shape": list(W.shape), "output_shape": list(reference.shape),
        "col_shape": [N * O * O, config.C * F * F],
        "naive_iterations": N * config.FN * O * O,
        "repeats": config.repeats,
        "machine": {"cpu_count": os.cpu_count() or 0, "numpy": np.__version__,
                    "python": platform.python_version(), "arch": platform.machine()},
    }
    return Result(arrays={"seconds": np.array([seconds[m] for m in METHODS])}, values=values)


NAMES = {
    "ja": {"naive": "ループ（conv2d_naive）", "loop_im2col": "講義の im2col + 行列積",
           "strided_im2col": "ストライド付きビューの im2col + 行列積", "x": "計算時間の中央値（ミリ秒、対数目盛）"},
    "en": {"naive": "loops (conv2d_naive)", "loop_im2col": "course's im2col + matmul",
           "strided_im2col": "strided-view im2col + matmul", "x": "median time (ms, log scale)"},
}


def plot(result: Result, lang: str):
    """Median time of each method, as horizontal bars on a log scale."""
    import matplotlib.pyplot as plt

    names = NAMES[check_lang(lang)]
    v = result.values
    ms = [1000 * v["seconds"][m] for m in v["methods"]]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 2.2), layout="constrained")
        bars = ax.barh(range(len(ms)), ms, color=[f"C{i}" for i in range(len(ms))])
        ax.set_yticks(range(len(ms)), [names[m] for m in v["methods"]])
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel(names["x"])
        ax.set_xlim(min(ms) / 2, max(ms) * 4)
        for bar, value in zip(bars, ms):
            ax.text(bar.get_width() * 1.1, bar.get_y() + bar.get_height() / 2, f"{value:.3g}", va="center",
                    fontsize="small")
    return figure


FIGURES = {"times": plot}
