r"""Logic gates as perceptrons: the decision boundaries of AND, NAND and OR, XOR from two layers.

No data and no training: every number comes from `dl_notes.perceptron` with the book's weights.

- ``gates``: each gate's weights, bias and truth table, and its boundary line b + w1 x1 + w2 x2 = 0;
- ``bias``: the same weights (0.5, 0.5) with several biases, and how many of the four inputs fire;
- ``xor``: the two-layer circuit's intermediate outputs s1 = NAND, s2 = OR and its output y;
- ``search``: how many (w1, w2, b) on a grid give each gate's truth table (none for XOR), and
  how many of the 16 two-input tables one unit can compute on that grid;
- arrays: each gate evaluated on a grid of the plane, which the figures colour.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from dl_notes.perceptron import GATES, XOR, Perceptron, search_parameters, truth_table

from ._plotting import PALETTE, check_lang, panels
from ._result import Result

TITLE = {"ja": "パーセプトロンで作る論理回路", "en": "Logic gates made of perceptrons"}

ORDER = ("AND", "NAND", "OR")


@dataclass(frozen=True)
class Config:
    """The plotted square, its resolution, the biases compared, and the grid of the search."""

    extent: tuple[float, float] = (-0.5, 1.5)
    resolution: int = 201
    bias_weights: tuple[float, float] = (0.5, 0.5)
    biases: tuple[float, ...] = (-0.1, -0.7, -20.0)
    search_range: tuple[float, float] = (-1.0, 1.0)
    search_values: int = 41          # each of w1, w2, b on linspace(*search_range, search_values)
    seed: int = 0                    # nothing is random; kept for the experiment contract


DEFAULT = Config()
TINY = Config(resolution=21, search_values=9)


def boundary(unit: Perceptron) -> dict:
    """The line b + w1 x1 + w2 x2 = 0 as numbers, and the truth table of the unit."""
    (w1, w2), b = unit.w, unit.b
    return {"w": [w1, w2], "b": b, "table": truth_table(unit)}


def run(config: Config) -> Result:
    lo, hi = config.extent
    axis = np.linspace(lo, hi, config.resolution)
    x1, x2 = np.meshgrid(axis, axis)                              # (R, R), x2 along the rows
    arrays = {"axis": axis}
    for name in ORDER:
        arrays[name] = GATES[name](x1, x2)
    arrays["XOR"] = XOR(x1, x2)
    values = {"order": list(ORDER), "extent": list(config.extent),
              "gates": {name: boundary(GATES[name]) for name in ORDER}}
    values["xor"] = {"s1": truth_table(GATES["NAND"]), "s2": truth_table(GATES["OR"]), "y": truth_table(XOR)}
    bias = []
    for b in config.biases:
        unit = Perceptron(config.bias_weights, b)
        table = truth_table(unit)
        bias.append({"b": b, "table": table, "fires": sum(table), "threshold": -b,
                     "largest_sum": sum(config.bias_weights)})
    values["bias"] = {"w": list(config.bias_weights), "cases": bias}
    grid = np.linspace(*config.search_range, config.search_values)
    counts = {name: len(search_parameters(truth_table(unit), grid)) for name, unit in GATES.items()}
    counts["XOR"] = len(search_parameters(truth_table(XOR), grid))
    tables = [list(t) for t in itertools.product([0, 1], repeat=4)]
    computable = [t for t in tables if len(search_parameters(t, grid))]
    values["search"] = {"range": list(config.search_range), "per_parameter": config.search_values, "triples": config.search_values ** 3, "counts": counts,
                        "tables": len(tables), "computable": len(computable),
                        "not_computable": ["".join(map(str, t)) for t in tables if t not in computable]}
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"fires": "出力 1", "silent": "出力 0", "line": "境界 $b + w_1x_1 + w_2x_2 = 0$",
           "layer1": "第 1 層：NAND と OR", "layer2": "第 2 層（AND）の出力：XOR",
           "nand": "NAND の境界（下側で $s_1 = 1$）", "or": "OR の境界（上側で $s_2 = 1$）"},
    "en": {"fires": "output 1", "silent": "output 0", "line": "boundary $b + w_1x_1 + w_2x_2 = 0$",
           "layer1": "layer 1: NAND and OR", "layer2": "layer 2 (AND) output: XOR",
           "nand": "NAND boundary ($s_1 = 1$ below)", "or": "OR boundary ($s_2 = 1$ above)"},
}
FIRE, REGION = PALETTE[0], "#c6dbef"


def _points(ax, table, text, legend=True):
    """The four inputs: filled where the output is 1, open where it is 0."""
    for (x1, x2), y in zip(((0, 0), (1, 0), (0, 1), (1, 1)), table):
        ax.scatter([x1], [x2], s=70, zorder=3, color=FIRE if y else "white", edgecolors="black",
                   label=(text["fires"] if y else text["silent"]) if legend else None)


def _line(ax, w, b, extent, **kwargs):
    """b + w1 x1 + w2 x2 = 0 across the square (w2 != 0 for every gate drawn here)."""
    x = np.array(extent)
    ax.plot(x, -(b + w[0] * x) / w[1], **kwargs)


def _square(ax, extent):
    ax.set_xlim(*extent)
    ax.set_ylim(*extent)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])


def _shade(ax, axis, region, color, alpha=0.8):
    ax.contourf(axis, axis, region, levels=[0.5, 1.5], colors=[color], alpha=alpha)


def _legend_below(figure, ax, ncols):
    """One legend under the panels, so that no input point is hidden."""
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    figure.legend(unique.values(), unique.keys(), loc="outside lower center", ncols=ncols, fontsize=8, frameon=False)


def _gate_panel(ax, name, g, axis, region, extent, text):
    """One unit: the region where it outputs 1, its boundary line and the four inputs."""
    _shade(ax, axis, region, REGION)
    if g["w"][1] != 0:
        _line(ax, g["w"], g["b"], extent, color="black", lw=1.5, label=text["line"])
    _points(ax, g["table"], text)
    _square(ax, extent)
    ax.set_title(f"{name}\n$(w_1, w_2, b) = ({g['w'][0]:g}, {g['w'][1]:g}, {g['b']:g})$", fontsize=9)


def plot_gates(result: Result, lang: str):
    """AND, NAND, OR: the region where the unit outputs 1, its boundary line and the four inputs."""
    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    with panels(lang, len(v["order"]), size=(2.6, 2.9)) as (figure, axes):
        for ax, name in zip(axes[0], v["order"]):
            _gate_panel(ax, name, v["gates"][name], a["axis"], a[name], v["extent"], text)
        _legend_below(figure, axes[0, 0], 3)
    return figure


def plot_unit(unit: Perceptron, lang: str, title: str = "", extent=DEFAULT.extent, resolution=DEFAULT.resolution):
    """Any two-input `Perceptron` drawn like the gates: for the notebook's experiments with weights."""
    text = TEXT[check_lang(lang)]
    axis = np.linspace(*extent, resolution)
    with panels(lang, 1, size=(3.0, 3.3)) as (figure, axes):
        _gate_panel(axes[0, 0], title, boundary(unit), axis, unit(*np.meshgrid(axis, axis)), list(extent), text)
        _legend_below(figure, axes[0, 0], 3)
    return figure


def plot_xor(result: Result, lang: str):
    """XOR: the two boundaries of layer 1 (NAND and OR) and the band between them where XOR is 1."""
    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    nand, or_ = v["gates"]["NAND"], v["gates"]["OR"]
    with panels(lang, 2, size=(3.2, 3.3)) as (figure, axes):
        left, right = axes[0]
        _shade(left, a["axis"], a["NAND"], PALETTE[3], alpha=0.18)
        _shade(left, a["axis"], a["OR"], PALETTE[2], alpha=0.18)
        _line(left, nand["w"], nand["b"], v["extent"], color=PALETTE[3], lw=1.5, label=text["nand"])
        _line(left, or_["w"], or_["b"], v["extent"], color=PALETTE[2], lw=1.5, ls="--", label=text["or"])
        _points(left, v["xor"]["y"], text)
        left.set_title(text["layer1"], fontsize=9)
        _shade(right, a["axis"], a["XOR"], REGION)
        _points(right, v["xor"]["y"], text, legend=False)
        right.set_title(text["layer2"], fontsize=9)
        _legend_below(figure, left, 4)
        for ax in (left, right):
            _square(ax, v["extent"])
    return figure


FIGURES = {"gates": plot_gates, "xor": plot_xor}
