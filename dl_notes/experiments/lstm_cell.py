r"""The LSTM cell as a diagram: the memory cell's path (the CEC) on top, the four gate blocks below.

Nothing is trained: ``run`` records the layout (which gate feeds which operation), and the
figure draws it. The diagram follows the formulas of `dl_notes.lstm.LSTM`:
$c_t = f_t \odot c_{t-1} + i_t \odot g_t$, $h_t = o_t \odot \tanh(c_t)$, with the optional
peephole connections dashed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._plotting import check_lang, style, texts
from ._result import Result

TITLE = {"ja": "LSTM のセルの図", "en": "The LSTM cell, drawn"}

# (key, activation, x position) of the four blocks, in the order of dl_notes.lstm (i, f, g, o)
BLOCKS = (("i", "σ", 4.6), ("f", "σ", 2.8), ("g", "tanh", 6.0), ("o", "σ", 7.7))


@dataclass(frozen=True)
class Config:
    """Whether to draw the peephole connections."""

    peephole: bool = True
    seed: int = 0


DEFAULT = Config()
TINY = Config()


def run(config: Config) -> Result:
    """The blocks in the gate order of `dl_notes.lstm.LSTM` and whether peepholes are drawn.

    >>> run(TINY).values["gates"]
    ['i', 'f', 'g', 'o']
    """
    return Result(values={"gates": [key for key, _, _ in BLOCKS], "peephole": config.peephole})


TEXT = texts(
    ja={"i": "入力ゲート", "f": "忘却ゲート", "g": "候補", "o": "出力ゲート", "cec": "記憶セルの経路（CEC）",
        "peephole": "のぞき穴結合（任意）"},
    en={"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate", "cec": "memory cell path (CEC)",
        "peephole": "peephole connections (optional)"},
)

CEC_COLOUR = "#d62728"


def _operation(ax, x, y, symbol):
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), 0.28, facecolor="white", edgecolor="#333333", linewidth=1.2, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=13, zorder=4)


def _arrow(ax, start, end, color="#333333", style="-|>", linestyle="-", width=1.2):
    ax.annotate("", end, start, arrowprops={"arrowstyle": style, "color": color, "linewidth": width,
                                            "linestyle": linestyle, "shrinkA": 0, "shrinkB": 0}, zorder=2)


def plot_cell(result: Result, lang: str):
    """The cell: c_{t-1} → × f → + i·g → c_t along the top; x_t and h_{t-1} feed the four blocks; h_t out."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    text = TEXT[check_lang(lang)]
    with style(lang):
        figure, ax = plt.subplots(figsize=(8.0, 4.6), layout="constrained")
        ax.set(xlim=(-0.2, 10.6), ylim=(-0.3, 6.2), aspect="equal")
        ax.axis("off")
        top, gate_y, bus = 5.0, 2.6, 1.0
        # the memory cell's path
        ax.plot([0.4, 10.0], [top, top], color=CEC_COLOUR, linewidth=3, zorder=1)
        _arrow(ax, (9.6, top), (10.2, top), CEC_COLOUR, width=3)
        ax.text(0.3, top, "$c_{t-1}$", ha="right", va="center", fontsize=12)
        ax.text(10.3, top, "$c_t$", ha="left", va="center", fontsize=12)
        ax.text(4.4, top + 0.45, text["cec"], ha="center", va="bottom", color=CEC_COLOUR, fontsize=10)
        # inputs: h_{t-1} along the bus, x_t from below
        ax.plot([0.4, 7.7], [bus, bus], color="#333333", linewidth=1.2)
        ax.text(0.3, bus, "$h_{t-1}$", ha="right", va="center", fontsize=12)
        _arrow(ax, (1.4, -0.1), (1.4, bus))
        ax.text(1.55, -0.1, "$x_t$", ha="left", va="center", fontsize=12)
        x = dict((key, pos) for key, _, pos in BLOCKS)
        for key, activation, pos in BLOCKS:
            _arrow(ax, (pos, bus), (pos, gate_y - 0.3))
            ax.add_patch(FancyBboxPatch((pos - 0.42, gate_y - 0.3), 0.84, 0.6, boxstyle="round,pad=0.02",
                                        facecolor="#e8eef9", edgecolor="#1f4e9c", linewidth=1.2, zorder=3))
            ax.text(pos, gate_y, activation, ha="center", va="center", fontsize=11, zorder=4)
            ax.text(pos, (bus + gate_y - 0.3) / 2, f"{text[key]} ${key}_t$", ha="center", va="center", fontsize=8.5,
                    zorder=4, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
        # f_t ⊙ c_{t-1}
        _arrow(ax, (x["f"], gate_y + 0.3), (x["f"], top - 0.28))
        _operation(ax, x["f"], top, "×")
        # i_t ⊙ g_t, added to the memory
        mul_y = 3.9
        _arrow(ax, (x["i"], gate_y + 0.3), (x["i"], mul_y))
        ax.plot([x["i"], x["g"] - 0.28], [mul_y, mul_y], color="#333333", linewidth=1.2)
        _arrow(ax, (x["g"], gate_y + 0.3), (x["g"], mul_y - 0.28))
        _operation(ax, x["g"], mul_y, "×")
        _arrow(ax, (x["g"], mul_y + 0.28), (x["g"], top - 0.28))
        _operation(ax, x["g"], top, "+")
        # h_t = o_t ⊙ tanh(c_t)
        out_x, tanh_y, h_y = 8.9, 3.9, gate_y
        _arrow(ax, (out_x, top), (out_x, tanh_y + 0.25))
        ax.add_patch(FancyBboxPatch((out_x - 0.38, tanh_y - 0.22), 0.76, 0.44, boxstyle="round,pad=0.02",
                                    facecolor="#fdf0e0", edgecolor="#b35c00", linewidth=1.2, zorder=3))
        ax.text(out_x, tanh_y, "tanh", ha="center", va="center", fontsize=10, zorder=4)
        _arrow(ax, (out_x, tanh_y - 0.22), (out_x, h_y + 0.28))
        _arrow(ax, (x["o"] + 0.42, h_y), (out_x - 0.28, h_y))
        _operation(ax, out_x, h_y, "×")
        ax.plot([out_x, out_x], [h_y - 0.28, 0.35], color="#333333", linewidth=1.2)
        _arrow(ax, (out_x, 0.35), (10.2, 0.35))
        ax.text(10.3, 0.35, "$h_t$", ha="left", va="center", fontsize=12)
        if result.values["peephole"]:
            grey = {"color": "#7f7f7f", "linestyle": "--", "width": 1}
            dashed = {"color": grey["color"], "linestyle": "--", "linewidth": 1}
            ax.plot([1.0, 1.0, x["f"] - 0.6], [top, gate_y, gate_y], **dashed)          # c_{t-1} → f
            _arrow(ax, (x["f"] - 0.6, gate_y), (x["f"] - 0.42, gate_y), **grey)
            ax.plot([1.0, 1.0], [gate_y, gate_y + 0.65], **dashed)
            ax.plot([1.0, x["i"] - 0.25, x["i"] - 0.25], [gate_y + 0.65, gate_y + 0.65, gate_y + 0.5], **dashed)
            _arrow(ax, (x["i"] - 0.25, gate_y + 0.5), (x["i"] - 0.25, gate_y + 0.3), **grey)  # c_{t-1} → i
            ax.plot([9.6, 9.6, x["o"] - 0.2, x["o"] - 0.2], [top, 3.3, 3.3, gate_y + 0.5], **dashed)
            _arrow(ax, (x["o"] - 0.2, gate_y + 0.5), (x["o"] - 0.2, gate_y + 0.3), **grey)  # c_t → o
            ax.text(1.15, 3.9, text["peephole"], ha="left", va="center", color=grey["color"], fontsize=8.5)
    return figure


FIGURES = {"cell": plot_cell}
