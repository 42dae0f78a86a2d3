r"""Floating-point formats: their bit layouts, the memory of a large model, and their rounding error.

No training: float32 numbers spread log-uniformly over many powers of two are rounded to float16
and bfloat16 (round to nearest, ties to even), and the relative error of each is measured
against its machine epsilon. float16 overflows above 65,504 and loses precision below its
smallest normal number; bfloat16 keeps float32's range with a coarser significand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.quantization import FLOAT_FORMATS, memory_bytes, round_to_format

from ._plotting import check_lang, style, texts
from ._result import Result

TITLE = {"ja": "浮動小数点数の形式と丸め誤差", "en": "Floating-point formats and rounding error"}


@dataclass(frozen=True)
class Config:
    """How many numbers to round, over which powers of two, and the model size of the memory table."""

    n: int = 4000
    low: int = -30       # log2 of the smallest magnitude
    high: int = 20       # log2 of the largest magnitude
    n_params: int = 1024 ** 3
    rounded: tuple[str, ...] = ("float16", "bfloat16")
    seed: int = 0


DEFAULT = Config()
TINY = Config(n=50)


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    x = np.exp2(rng.uniform(config.low, config.high, config.n)).astype(np.float32)   # (n,), all > 0
    x.sort()
    arrays = {"x": x}
    values = {"formats": {}, "rounded": list(config.rounded), "n": config.n, "low": config.low, "high": config.high,
              "n_params": config.n_params}
    for f in FLOAT_FORMATS.values():
        values["formats"][f.name] = {
            "sign": f.sign, "exponent": f.exponent, "significand": f.significand, "bits": f.bits, "bytes": f.bytes,
            "epsilon": f.epsilon, "max": f.max, "tiny": f.tiny,
            "memory_bytes": memory_bytes(config.n_params, f), "memory_gib": memory_bytes(config.n_params, f) / 2 ** 30,
        }
    for name in config.rounded:
        y = round_to_format(x, name)
        with np.errstate(invalid="ignore"):
            err = np.abs(y.astype(np.float64) - x) / x                 # inf where y overflowed
        arrays[f"{name}/error"] = err
        f = FLOAT_FORMATS[name]
        normal = (x >= f.tiny) & (x <= f.max)
        values[name] = {
            "max_error_normal": float(err[normal].max()),               # <= epsilon / 2
            "half_epsilon": f.epsilon / 2,
            "overflow": int(np.isinf(y).sum()),
            "underflow_to_zero": int((y == 0).sum()),
        }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"sign": "符号部", "exponent": "指数部", "significand": "仮数部", "bits": "ビット", "x": "値の大きさ |x|（対数目盛）",
        "error": "相対誤差（対数目盛）", "half_eps": "$\\varepsilon/2$ = {v}", "max": "float16 の最大値 65,504"},
    en={"sign": "sign", "exponent": "exponent", "significand": "significand", "bits": "bits",
        "x": "magnitude |x| (log scale)", "error": "relative error (log scale)", "half_eps": "$\\varepsilon/2$ = {v}",
        "max": "largest float16, 65,504"},
)


def plot_layout(result: Result, lang: str):
    """One bar per format: its sign, exponent and significand bits, to scale."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    names = [name for name in FLOAT_FORMATS if name in v["formats"]]   # the table's order: the cache sorts dict keys
    with style(lang):
        figure, ax = plt.subplots(figsize=(7.0, 2.4), layout="constrained")
        colors = {"sign": "C3", "exponent": "C0", "significand": "C2"}
        for row, name in enumerate(names):
            f, start = v["formats"][name], 0
            for part in ("sign", "exponent", "significand"):
                width = f[part]
                ax.barh(row, width, left=start, color=colors[part], edgecolor="white",
                        label=text[part] if row == 0 else None)
                if width >= 3:
                    ax.text(start + width / 2, row, str(width), ha="center", va="center", color="white",
                            fontsize="small")
                start += width
        ax.set_yticks(range(len(names)), names)
        ax.set(xlabel=text["bits"], xlim=(0, 64), ylim=(len(names) - 0.5, -0.5))   # float64 on top
        figure.legend(loc="outside upper center", fontsize="small", ncol=3, frameon=False)
    return figure


def plot_error(result: Result, lang: str):
    """Relative rounding error against magnitude for float16 and bfloat16, with each ε/2."""
    import matplotlib.pyplot as plt

    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    x = a["x"]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for i, name in enumerate(v["rounded"]):
            err = a[f"{name}/error"]
            shown = np.clip(np.where(np.isfinite(err), err, 1.0), 2.0 ** -30, 1.0)   # exact and overflow at the edges
            ax.scatter(x, shown, s=3, color=f"C{i}", label=name, alpha=0.6, linewidths=0)
            half = v[name]["half_epsilon"]
            ax.axhline(half, color=f"C{i}", linewidth=0.9, linestyle="--",
                       label=f"{name}: " + text["half_eps"].format(v=f"$2^{{{int(np.log2(half))}}}$"))
        ax.axvline(v["formats"]["float16"]["max"], color="0.4", linewidth=0.8, linestyle=":")
        ax.text(v["formats"]["float16"]["max"] * 0.7, 2.0 ** -28, text["max"], rotation=90, ha="right",
                fontsize="x-small", color="0.3")
        ax.set(xscale="log", yscale="log", xlabel=text["x"], ylabel=text["error"], ylim=(2.0 ** -31, 2.0))
        ax.legend(loc="lower left", fontsize="small", markerscale=3)
    return figure


FIGURES = {"layout": plot_layout, "error": plot_error}
