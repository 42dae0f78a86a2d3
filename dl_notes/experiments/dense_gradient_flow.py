r"""How the gradient reaches each layer of a plain stack, a residual stack and a dense block of the same depth.

Three networks share everything but how their $L$ units are connected: a 3×3 convolution to
$k$ channels on MNIST (then 2×2 average pooling to 14×14), $L$ units BN → ReLU → 3×3
convolution to $k$ channels (`dl_notes.densenet.DenseLayer`), global average pooling and an
Affine layer to the ten classes. The plain stack chains the units (`ConvStack`), the residual
stack adds each unit's input to its output (`ConvStack(shortcut=True)`), the dense block feeds
each unit the concatenation of all earlier outputs and passes all of them to the head
(`DenseBlock`). At initialisation, on one mini-batch, the gradient of the cross-entropy with
respect to each unit's filters is measured by its root mean square,

$$
g_l = \sqrt{\tfrac{1}{|W_l|} \textstyle\sum \bigl(\partial L / \partial W_l\bigr)^2}
$$

(a mean, because the dense block's filters grow with $l$), geometric mean over ``inits``
random initialisations and batches. ``spread`` is $\max_l g_l / \min_l g_l$: 1 if every unit
gets a gradient of the same size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.conv import Convolution
from dl_notes.densenet import ConvStack, DenseBlock
from dl_notes.init import init_weight
from dl_notes.layers import Affine
from dl_notes.nets import Network
from dl_notes.pooling import GlobalAveragePooling, Pooling

from ._plotting import check_lang, panels, texts
from ._result import Result
from ._toolkit import describe, mnist

TITLE = {"ja": "プレーンな積み重ね・残差・デンスブロックで各層に届く勾配", "en": "Gradients reaching each layer: plain, residual, dense"}

KINDS = ("plain", "residual", "dense")


@dataclass(frozen=True)
class Config:
    """Depth L, growth rate k (every unit's output channels), the batch, how many initialisations."""

    num_layers: int = 24
    growth_rate: int = 6
    batch_size: int = 16
    inits: int = 3
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(num_layers=3, growth_rate=2, batch_size=4, inits=1)


def build(kind: str, num_layers: int, k: int, rng: np.random.Generator) -> tuple[Network, object]:
    """The network of ``kind`` (float32) and its body (the stack or the block)."""
    net = Network(dtype=np.float32)

    def zeros(n: int) -> np.ndarray:
        return np.zeros(n, dtype=np.float32)

    net.add_layer("Conv0", Convolution(init_weight((k, 1, 3, 3), "he", rng=rng, dtype=np.float32), zeros(k), pad=1,
                                       input_grad=False), W="W0", b="b0")
    net.add_layer("Pool0", Pooling(2, 2, mode="avg"))
    body = (DenseBlock(num_layers, k, k, rng=rng) if kind == "dense"
            else ConvStack(num_layers, k, k, shortcut=kind == "residual", rng=rng))
    net.add_layer("Body", body, **{p: f"{p}_body" for p in body.parameter_names})
    net.add_layer("GAP", GlobalAveragePooling())
    net.add_layer("Affine", Affine(init_weight((body.out_channels, 10), "xavier", rng=rng, dtype=np.float32),
                                   zeros(10)), W="W_out", b="b_out")
    return net, body


def run(config: Config) -> Result:
    (x, t), _ = mnist(config.source, flatten=False)
    L, k = config.num_layers, config.growth_rate
    logs = {kind: np.zeros(L) for kind in KINDS}
    for i in range(config.inits):
        batch = np.random.default_rng([config.seed, i]).choice(len(x), config.batch_size, replace=False)
        for kind in KINDS:
            net, body = build(kind, L, k, np.random.default_rng([config.seed, i, KINDS.index(kind)]))
            grads = net.gradient(x[batch], t[batch])
            rms = np.array([np.sqrt(np.mean(np.square(grads[f"W{l}_body"], dtype=np.float64))) for l in range(1, L + 1)])
            logs[kind] += np.log(rms) / config.inits
    arrays, values = {}, {"kinds": list(KINDS), "config": asdict(config), "description": describe(config.source), "spread": {},
                          "first_over_last": {}, "head_channels": {}}
    for kind in KINDS:
        g = np.exp(logs[kind])
        arrays[f"{kind}/rms"] = g
        values["spread"][kind] = float(g.max() / g.min())
        values["first_over_last"][kind] = float(g[0] / g[-1])
        values["head_channels"][kind] = k * (L + 1) if kind == "dense" else k
    values["spread_ratio"] = values["spread"]["plain"] / values["spread"]["dense"]
    return Result(arrays=arrays, values=values)


TEXT = texts(ja={"x": "層 l（1 が入力側）", "y": "∂L/∂W_l の二乗平均平方根（対数目盛）",
                 "plain": "プレーン（連結なし）", "residual": "残差（足し算）", "dense": "デンスブロック（連結）"},
             en={"x": "layer l (1 is next to the input)", "y": "RMS of ∂L/∂W_l (log scale)",
                 "plain": "plain (no shortcuts)", "residual": "residual (addition)", "dense": "dense block (concatenation)"})


def plot(result: Result, lang: str):
    """One line per network: the gradient of each unit's filters, from the input side to the head."""
    text = TEXT[check_lang(lang)]
    with panels(lang, size=(6.0, 3.4)) as (figure, axes):
        ax = axes[0, 0]
        for kind, marker in zip(result.values["kinds"], "osD"):
            g = result.arrays[f"{kind}/rms"]
            ax.plot(np.arange(1, len(g) + 1), g, marker=marker, markersize=3.5, label=text[kind])
        ax.set_yscale("log")
        ax.set_xlabel(text["x"])
        ax.set_ylabel(text["y"])
        ax.legend(fontsize="small")
    return figure


FIGURES = {"layers": plot}
