r"""DenseNet's channels and parameters, counted by `dl_notes.densenet` (nothing is trained).

Three counts. The channels each layer of a dense block sees, $k_0 + k(l - 1)$, drawn as the
concatenation it is. The parameters of a dense block against depth, next to a plain stack of
3×3 convolutions (BN, ReLU, convolution, the same units) that ends with as many channels,
$k_0 + kL$, in every layer. And d2l's ``DenseNet()`` part by part, whose total the PyTorch
reference confirms, next to the course's ``SimpleConvNet``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.densenet import (DenseBlock, dense_block_parameters, dense_layer_parameters, densenet_parameters,
                               input_channels, transition_parameters)
from dl_notes.nets import SimpleConvNet

from ._plotting import PALETTE, check_lang, note, panels, texts
from ._result import Result

TITLE = {"ja": "DenseNet のチャネル数とパラメータ数", "en": "DenseNet's channels and parameters"}


@dataclass(frozen=True)
class Config:
    """The block of the diagram (L, k0, k), the depths of the comparison, d2l's DenseNet."""

    diagram_layers: int = 4
    k0: int = 16
    growth_rate: int = 12
    depths: tuple[int, ...] = (1, 2, 4, 6, 8, 12, 16, 24, 32)
    d2l_channels: int = 64
    d2l_growth_rate: int = 32
    d2l_arch: tuple[int, ...] = (4, 4, 4, 4)
    seed: int = 0


DEFAULT = Config()
TINY = Config(diagram_layers=2, depths=(1, 2, 3), d2l_arch=(2, 2))


def plain_stack_parameters(num_layers: int, in_channels: int, width: int) -> int:
    """BN → ReLU → 3×3 convolution units, the first from ``in_channels``, every one to ``width`` channels."""
    return sum(dense_layer_parameters(in_channels if l == 1 else width, width) for l in range(1, num_layers + 1))


def d2l_parts(config: Config) -> list[dict]:
    """d2l's DenseNet part by part: name, channels out, parameters (the sum is `densenet_parameters`)."""
    c, k = config.d2l_channels, config.d2l_growth_rate
    parts = [{"name": "stem", "channels": c, "params": 49 * c + c + 2 * c}]     # 7x7 conv from 1 channel, BN
    for i, L in enumerate(config.d2l_arch, 1):
        parts.append({"name": f"block{i}", "channels": input_channels(c, k, L + 1),
                      "params": dense_block_parameters(L, c, k)})
        c = input_channels(c, k, L + 1)
        if i != len(config.d2l_arch):
            parts.append({"name": f"transition{i}", "channels": c // 2, "params": transition_parameters(c, c // 2)})
            c //= 2
    parts.append({"name": "head", "channels": 10, "params": 2 * c + 10 * c + 10})   # BN, Affine to 10 classes
    return parts


def run(config: Config) -> Result:
    L, k0, k = config.diagram_layers, config.k0, config.growth_rate
    block = DenseBlock(L, k0, k, seed=config.seed)
    layers = [{"l": l, "in": input_channels(k0, k, l), "params": dense_layer_parameters(input_channels(k0, k, l), k)}
              for l in range(1, L + 1)]
    depths = np.array(config.depths)
    dense = np.array([dense_block_parameters(d, k0, k) for d in depths])
    plain = np.array([plain_stack_parameters(d, k0, input_channels(k0, k, d + 1)) for d in depths])
    parts = d2l_parts(config)
    total = densenet_parameters(config.d2l_channels, config.d2l_growth_rate, config.d2l_arch)
    simple = SimpleConvNet(seed=config.seed)
    deepest = int(depths[-1])
    values = {
        "block": {"L": L, "k0": k0, "k": k, "out": block.out_channels, "layers": layers,
                  "params": int(sum(p.size for p in block.params.values())),
                  "params_formula": dense_block_parameters(L, k0, k)},
        "depths": depths.tolist(),
        "deepest": {"L": deepest, "dense": int(dense[-1]), "plain": int(plain[-1]),
                    "channels": input_channels(k0, k, deepest + 1), "ratio": float(plain[-1] / dense[-1])},
        "d2l": {"parts": parts, "total": total, "sum": sum(p["params"] for p in parts),
                "channels": config.d2l_channels, "growth_rate": config.d2l_growth_rate,
                "arch": list(config.d2l_arch)},
        "simple_conv_net": int(sum(p.size for p in simple.params.values())),
    }
    return Result(arrays={"depths": depths, "dense": dense, "plain": plain}, values=values)


TEXT = texts(ja={"input": "ブロックの入力 x0", "layer": "層 {l} の出力 x{l}", "sees": "層 {l} の入力", "out": "ブロックの出力",
                 "channels": "チャネル数", "depth": "層の数 L", "params": "パラメータ数（対数目盛）",
                 "dense": "デンスブロック（k = {k}）", "plain": "プレーン（各層 k0 + kL チャネル）"},
             en={"input": "block input x0", "layer": "output x{l} of layer {l}", "sees": "input of layer {l}",
                 "out": "block output", "channels": "channels", "depth": "layers L", "params": "parameters (log scale)",
                 "dense": "dense block (k = {k})", "plain": "plain (k0 + kL channels per layer)"})


def plot_block(result: Result, lang: str):
    """The channels of every layer's input as the stacked slices of the concatenation."""
    from matplotlib.patches import Patch

    text, b = TEXT[check_lang(lang)], result.values["block"]
    rows = [(text["sees"].format(l=r["l"]), r["l"] - 1) for r in b["layers"]] + [(text["out"], b["L"])]
    with panels(lang, size=(7.0, 0.5 * len(rows) + 0.8)) as (figure, axes):
        ax = axes[0, 0]
        for y, (label, n_outputs) in enumerate(rows):
            widths = [b["k0"]] + [b["k"]] * n_outputs
            ax.barh(y, widths, left=np.cumsum([0] + widths[:-1]), color=PALETTE[:len(widths)], edgecolor="white",
                    height=0.6)
            ax.text(sum(widths) + 1, y, str(sum(widths)), va="center", fontsize="small")
        ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize="small")
        ax.invert_yaxis()
        ax.set_xlabel(text["channels"])
        ax.set_xlim(0, b["out"] * 1.15)
        handles = [Patch(color=PALETTE[0], label=note(text["input"], f'k0 = {b["k0"]}', lang))]
        handles += [Patch(color=PALETTE[l], label=note(text["layer"].format(l=l), f'k = {b["k"]}', lang))
                    for l in range(1, b["L"] + 1)]
        ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return figure


def plot_depth(result: Result, lang: str):
    """Parameters against depth: the dense block and the plain stack that ends with as many channels."""
    text, a, b = TEXT[check_lang(lang)], result.arrays, result.values["block"]
    with panels(lang, size=(5.0, 3.2)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(a["depths"], a["dense"], marker="D", markersize=4, label=text["dense"].format(k=b["k"]))
        ax.plot(a["depths"], a["plain"], marker="o", markersize=4, label=text["plain"])
        ax.set_yscale("log")
        ax.set_xlabel(text["depth"])
        ax.set_ylabel(text["params"])
        ax.legend(fontsize="small")
    return figure


FIGURES = {"block": plot_block, "depth": plot_depth}
