r"""The receptive field of stacked causal convolutions: dilated (1, 2, 4, ...) against undilated.

For the figure stack (kernel size 2, dilations 1, 2, 4, 8, and the same depth with dilation 1),
`dl_notes.wavenet.influence` measures, by backpropagation through `CausalConv1D` layers, which
positions of every level feed the last output: the classic WaveNet drawing, computed, not drawn by
hand. For depths 1 to ``max_depth`` it measures the receptive field of both stacks the same way
and compares it with the closed form `dl_notes.wavenet.receptive_field`; with the parameter count
of a stack of ``channels`` channels (`dl_notes.wavenet.stack_parameters`, the same for both) it
gives the receptive field per parameter. Nothing is trained: the numbers are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.wavenet import (causal_stack, influence, layers_to_match, receptive_field, stack_parameters,
                              wavenet_dilations)

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "膨張因果的畳み込みの受容野：深さとパラメータあたりの受容野",
         "en": "The receptive field of dilated causal convolutions: depth and field per parameter"}

STACKS = ("dilated", "plain")


@dataclass(frozen=True)
class Config:
    """The kernel size, the depth of the drawn stack, the depths to measure, the channels counted."""

    kernel_size: int = 2
    figure_layers: int = 4
    max_depth: int = 10
    channels: int = 32
    paper_layers: int = 10
    paper_cycles: int = 3
    seed: int = 0


DEFAULT = Config()
TINY = Config(figure_layers=3, max_depth=4, channels=4)


def dilations_of(stack: str, depth: int) -> list[int]:
    """WaveNet's schedule for ``"dilated"``, dilation 1 in every layer for ``"plain"``."""
    return wavenet_dilations(depth) if stack == "dilated" else [1] * depth


def measured_field(kernel_size: int, dilations: list[int]) -> int:
    """The number of input steps with a nonzero gradient for the last output (weights 1, no cancelling)."""
    length = receptive_field(kernel_size, dilations) + 3   # longer than the field, so nothing is cut
    return int(influence(causal_stack(kernel_size, dilations, dtype=np.float64), length)[0].sum())


def run(config: Config) -> Result:
    K, L = config.kernel_size, config.figure_layers
    if K < 2 or L < 1 or config.max_depth < L:
        raise ValueError(f"kernel_size must be >= 2, figure_layers >= 1 and max_depth >= figure_layers, got {config}")
    depths = np.arange(1, config.max_depth + 1)
    arrays: dict[str, np.ndarray] = {"depths": depths}
    params = np.array([stack_parameters(K, int(n), config.channels) for n in depths])
    arrays["parameters"] = params
    for stack in STACKS:
        formula = np.array([receptive_field(K, dilations_of(stack, int(n))) for n in depths])
        arrays[f"{stack}/field"] = formula
        arrays[f"{stack}/measured"] = np.array([measured_field(K, dilations_of(stack, int(n))) for n in depths])
        arrays[f"{stack}/per_parameter"] = formula / params
    # The drawing: every level of both stacks over as many steps as the dilated field.
    T = receptive_field(K, dilations_of("dilated", L))
    for stack in STACKS:
        levels = influence(causal_stack(K, dilations_of(stack, L), dtype=np.float64), T)
        arrays[f"{stack}/levels"] = np.array(levels, dtype=np.int8)          # (L + 1, T): 1 where it feeds
    paper = wavenet_dilations(config.paper_layers, config.paper_cycles)
    block_field = receptive_field(K, wavenet_dilations(config.paper_layers))
    deepest = config.max_depth - 1
    figure_params = stack_parameters(K, L, config.channels)
    values = {
        "config": {"kernel_size": K, "figure_layers": L, "max_depth": config.max_depth, "channels": config.channels,
                   "figure_dilations": dilations_of("dilated", L), "paper_layers": config.paper_layers,
                   "paper_cycles": config.paper_cycles},
        "figure": {"steps": T, "dilated": receptive_field(K, dilations_of("dilated", L)),
                   "plain": receptive_field(K, dilations_of("plain", L)),
                   "parameters": figure_params,
                   "layers_to_match": layers_to_match(K, receptive_field(K, dilations_of("dilated", L)))},
        "deepest": {"depth": int(depths[deepest]), "dilated": int(arrays["dilated/field"][deepest]),
                    "plain": int(arrays["plain/field"][deepest]), "parameters": int(params[deepest]),
                    "per_parameter_dilated": float(arrays["dilated/per_parameter"][deepest]),
                    "per_parameter_plain": float(arrays["plain/per_parameter"][deepest]),
                    "ratio": float(arrays["dilated/field"][deepest] / arrays["plain/field"][deepest]),
                    "layers_to_match": layers_to_match(K, int(arrays["dilated/field"][deepest]))},
        "paper": {"layers": len(paper), "field": receptive_field(K, paper), "block_field": block_field,
                  "block_layers": config.paper_layers, "block_layers_to_match": layers_to_match(K, block_field),
                  "layers_to_match": layers_to_match(K, receptive_field(K, paper))},
        "measured_equals_formula": bool(all((arrays[f"{s}/field"] == arrays[f"{s}/measured"]).all() for s in STACKS)),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"dilated": "膨張あり（膨張率 {d}）", "plain": "膨張なし（膨張率はすべて 1）", "input": "入力",
        "output": "出力", "layer": "{i} 層目", "time": "時刻 t", "receptive": "受容野 R = {r}",
        "depth": "層の数 L", "field": "受容野（ステップ数、対数目盛）", "per_parameter": "パラメータ 1 個あたりの受容野（対数目盛）",
        "field_title": "受容野と深さ", "panel": "{label}：{field}", "per_title": "パラメータあたりの受容野（{c} チャネル）",
        "dilated_line": "膨張あり（1, 2, 4, …）", "plain_line": "膨張なし", "measured": "逆伝播で測った値"},
    en={"dilated": "dilated (dilations {d})", "plain": "undilated (every dilation 1)", "input": "input",
        "output": "output", "layer": "layer {i}", "time": "time step t", "receptive": "receptive field R = {r}",
        "depth": "number of layers L", "field": "receptive field (steps, log scale)",
        "per_parameter": "receptive field per parameter (log scale)",
        "field_title": "receptive field against depth", "panel": "{label}: {field}", "per_title": "receptive field per parameter ({c} channels)",
        "dilated_line": "dilated (1, 2, 4, ...)", "plain_line": "undilated", "measured": "measured by backpropagation"},
)


def plot_stack(result: Result, lang: str):
    """Both stacks as dots (levels × time steps) and edges; the last output's receptive field highlighted."""
    text = TEXT[check_lang(lang)]
    v = result.values
    K = v["config"]["kernel_size"]
    L = v["config"]["figure_layers"]
    T = v["figure"]["steps"]
    with panels(lang, 2, 1, size=(8.6, 2.5)) as (figure, axes):
        for ax, stack in zip(axes[:, 0], STACKS):
            levels = result.arrays[f"{stack}/levels"].astype(bool)                 # (L + 1, T)
            dilations = dilations_of(stack, L)
            for level in range(1, L + 1):
                d = dilations[level - 1]
                for t in range(T):
                    for k in range(K):   # the taps of node (level, t): t - (K-1-k) d on the level below
                        s = t - (K - 1 - k) * d
                        if s < 0:
                            continue
                        lit = levels[level, t]
                        ax.plot([s, t], [level - 1, level], color=PALETTE[3] if lit else "#dddddd",
                                lw=1.6 if lit else 0.6, zorder=2 if lit else 1)
            for level in range(L + 1):
                lit = levels[level]
                ax.scatter(np.flatnonzero(~lit), [level] * int((~lit).sum()), s=22, color="white",
                           edgecolor="#999999", zorder=3)
                ax.scatter(np.flatnonzero(lit), [level] * int(lit.sum()), s=30, color=PALETTE[3], zorder=4)
            names = [text["input"]] + [text["layer"].format(i=i) for i in range(1, L)] + [text["output"]]
            ax.set_yticks(range(L + 1), [f"{name}  d={d}" if i else name
                                          for i, (name, d) in enumerate(zip(names, [0] + dilations))])
            ax.set_xticks(range(0, T, 2))
            field = int(levels[0].sum())
            label = text[stack].format(d=", ".join(map(str, dilations)))
            ax.set_title(text["panel"].format(label=label, field=text["receptive"].format(r=field)), fontsize=10)
            ax.set(xlim=(-0.6, T - 0.4), ylim=(-0.5, L + 0.5))
            for side in ("top", "right", "left"):
                ax.spines[side].set_visible(False)
        axes[-1, 0].set_xlabel(text["time"])
    return figure


def plot_growth(result: Result, lang: str):
    """Receptive field against depth (exponential against linear) and receptive field per parameter."""
    text = TEXT[check_lang(lang)]
    a = result.arrays
    depths = a["depths"]
    with panels(lang, 2, size=(4.4, 3.4)) as (figure, axes):
        left, right = axes[0]
        for i, stack in enumerate(STACKS):
            line = text[f"{stack}_line"]
            left.plot(depths, a[f"{stack}/field"], "-", color=PALETTE[3 if i == 0 else 0], label=line)
            left.plot(depths, a[f"{stack}/measured"], "o", color=PALETTE[3 if i == 0 else 0], mfc="none")
            right.plot(depths, a[f"{stack}/per_parameter"], "o-", color=PALETTE[3 if i == 0 else 0], label=line)
        left.plot([], [], "o", color="#555555", mfc="none", label=text["measured"])   # one legend entry for both
        left.set(yscale="log", xlabel=text["depth"], ylabel=text["field"], title=text["field_title"])
        right.set(yscale="log", xlabel=text["depth"], ylabel=text["per_parameter"],
                  title=text["per_title"].format(c=result.values["config"]["channels"]))
        for ax in (left, right):
            ax.set_xticks(depths)
            ax.legend(fontsize="small")
    return figure


FIGURES = {"stack": plot_stack, "growth": plot_growth}
