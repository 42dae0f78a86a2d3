r"""The sinusoidal positional encoding: its table, and the dot product of two encodings against their offset.

No training: `dl_notes.transformer.positional_encoding` for ``length`` positions and
``d_model`` dimensions, and $PE_t \cdot PE_{t+k}$ for several starting positions $t$ — the
curves coincide because the dot product depends on the offset $k$ only
(`dl_notes.transformer.shift_matrix` is a rotation). Also measured: the largest error of
$PE_{t+k} = M_k PE_t$ over every $t$ and $k$ of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.transformer import positional_encoding, shift_matrix

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "位置エンコーディングの表と内積", "en": "Positional encoding: the table and dot products"}


@dataclass(frozen=True)
class Config:
    length: int = 64
    d_model: int = 64
    starts: tuple[int, ...] = (0, 10, 30)
    max_offset: int = 30
    seed: int = 0  # nothing is random; the contract asks every experiment for one


DEFAULT = Config()
TINY = Config(length=12, d_model=8, starts=(0, 2), max_offset=5)


def run(config: Config) -> Result:
    if max(config.starts) + config.max_offset >= config.length:
        raise ValueError(f"starts + max_offset must stay below length = {config.length}, got "
                         f"{max(config.starts)} + {config.max_offset}")
    pe = positional_encoding(config.length, config.d_model)
    offsets = np.arange(config.max_offset + 1)
    dots = np.array([[pe[t] @ pe[t + k] for k in offsets] for t in config.starts])    # (starts, offsets)
    error = max(float(np.abs(pe[: config.length - k] @ shift_matrix(k, config.d_model).T - pe[k:]).max())
                for k in range(config.length))
    values = {"length": config.length, "d_model": config.d_model, "starts": list(config.starts), "max_offset": config.max_offset,
              "shift_error": error, "norm_squared": float(pe[0] @ pe[0]),
              "dot_spread": float(np.ptp(dots, axis=0).max()),
              "first_period": float(2 * np.pi), "longest_period": float(2 * np.pi * 10000 ** ((config.d_model - 2) / config.d_model))}
    return Result(arrays={"table": pe, "dots": dots, "offsets": offsets}, values=values)


TEXT = texts(
    ja={"position": "位置 $t$", "dimension": "次元", "offset": "位置の差 $k$", "dot": r"$PE_t \cdot PE_{t+k}$",
        "start": "$t = {t}$", "value": "値"},
    en={"position": "position $t$", "dimension": "dimension", "offset": "offset $k$", "dot": r"$PE_t \cdot PE_{t+k}$",
        "start": "$t = {t}$", "value": "value"},
)


def plot_table(result: Result, lang: str):
    """The table PE (positions × dimensions) as an image."""
    text = TEXT[check_lang(lang)]
    with panels(lang, 1, size=(6.4, 3.6)) as (figure, axes):
        ax = axes[0, 0]
        image = ax.imshow(result.arrays["table"], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
        ax.set(xlabel=text["dimension"], ylabel=text["position"])
        figure.colorbar(image, ax=ax, label=text["value"])
    return figure


def plot_dots(result: Result, lang: str):
    """PE_t · PE_{t+k} against k, one line per starting position t (the lines coincide)."""
    text = TEXT[check_lang(lang)]
    with panels(lang, 1, size=(6.4, 3.2)) as (figure, axes):
        ax = axes[0, 0]
        styles = ("-", "--", ":", "-.")
        for i, t in enumerate(result.values["starts"]):
            ax.plot(result.arrays["offsets"], result.arrays["dots"][i], styles[i % 4], color=f"C{i}",
                    linewidth=2.5 - 0.5 * i, label=text["start"].format(t=t))
        ax.set(xlabel=text["offset"], ylabel=text["dot"])
        ax.legend(fontsize="small")
    return figure


FIGURES = {"table.png": plot_table, "dots": plot_dots}
