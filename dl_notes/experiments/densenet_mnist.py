r"""A tiny DenseNet trained briefly on MNIST, its accuracy and its parameters next to SimpleConvNet's count.

The network: a 3×3 convolution to $k_0$ channels and 2×2 average pooling (28×28 to 14×14), dense
blocks of ``layers`` (growth rate $k$) with a transition layer (compression $\theta$) between
them, then BN, ReLU, global average pooling and an Affine layer to the ten classes: DenseNet's
layout at MNIST's size, built from `dl_notes.densenet` with `dl_notes.nets.Network.add_layer`.
It is trained with Adam for a few hundred iterations. SimpleConvNet is not trained here: its
parameters are counted, and the page quotes its accuracy from the cached result of
``convnet_training``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.conv import Convolution
from dl_notes.densenet import DenseBlock, TransitionLayer
from dl_notes.init import init_weight
from dl_notes.layers import Affine, Relu
from dl_notes.nets import Network, SimpleConvNet
from dl_notes.normalization import BatchNormalization
from dl_notes.pooling import GlobalAveragePooling, Pooling

from ._plotting import check_lang, panels, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, mnist, train

TITLE = {"ja": "小さな DenseNet を MNIST で学習する", "en": "A tiny DenseNet trained on MNIST"}


@dataclass(frozen=True)
class Config:
    """The network (k0, k, layers per block, theta), the training (Adam), the data."""

    k0: int = 8
    growth_rate: int = 8
    layers: tuple[int, ...] = (3, 3)
    compression: float = 0.5
    iterations: int = 200
    batch_size: int = 32
    lr: float = 0.01
    eval_every: int = 50
    n_test: int = 500
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(k0=2, growth_rate=2, layers=(1, 1), iterations=4, batch_size=4, eval_every=2, n_test=8)


def tiny_densenet(k0: int, growth_rate: int, layers: tuple[int, ...], compression: float, *,
                  dtype=np.float32, rng: np.random.Generator) -> Network:
    """Conv 3×3 → avg pool → [dense block → transition] ... → dense block → BN → ReLU → GAP → Affine."""
    net = Network(dtype=dtype)
    net.add_layer("Conv0", Convolution(init_weight((k0, 1, 3, 3), "he", rng=rng, dtype=dtype), np.zeros(k0, dtype),
                                       pad=1, input_grad=False), W="W0", b="b0")
    net.add_layer("Pool0", Pooling(2, 2, mode="avg"))
    c = k0
    for i, L in enumerate(layers, 1):
        block = DenseBlock(L, c, growth_rate, dtype=dtype, rng=rng)
        net.add_layer(f"Dense{i}", block, **{name: f"{name}_dense{i}" for name in block.parameter_names})
        c = block.out_channels
        if i < len(layers):
            transition = net.add_layer(f"Trans{i}", TransitionLayer(c, compression, dtype=dtype, rng=rng),
                                       gamma=f"gamma_t{i}", beta=f"beta_t{i}", W=f"W_t{i}", b=f"b_t{i}")
            c = transition.out_channels
    net.add_layer("NormLast", BatchNormalization(np.ones(c, dtype), np.zeros(c, dtype)), gamma="gamma_last",
                  beta="beta_last")
    net.add_layer("ReluLast", Relu())
    net.add_layer("GAP", GlobalAveragePooling())
    net.add_layer("Affine", Affine(init_weight((c, 10), "xavier", rng=rng, dtype=dtype), np.zeros(10, dtype)),
                  W="W_out", b="b_out")
    return net


def run(config: Config) -> Result:
    (x, t), (x_test, t_test) = mnist(config.source, n_test=config.n_test, flatten=False)   # x: (N, 1, 28, 28)
    net = tiny_densenet(config.k0, config.growth_rate, config.layers, config.compression,
                        rng=np.random.default_rng(config.seed))
    curves = train(net, ((x, t), (x_test, t_test)), iterations=config.iterations, batch_size=config.batch_size,
                   lr=config.lr, eval_every=config.eval_every, seed=config.seed, optimizer="Adam")
    simple = SimpleConvNet(seed=config.seed)
    params = int(sum(p.size for p in net.params.values()))
    values = {
        "config": asdict(config), "description": describe(config.source),
        "params": params, "simple_conv_net": int(sum(p.size for p in simple.params.values())),
        "test_acc": float(curves["test_acc"][-1]), "train_acc": float(curves["train_acc"][-1]),
        "epochs": config.iterations * config.batch_size / len(x), "n_test": len(x_test),
        "channels": [layer.out_channels for layer in net.layers.values() if hasattr(layer, "out_channels")],
    }
    return Result(arrays=curve_arrays("densenet", curves, ("iterations", "train_acc", "test_acc")), values=values)


TEXT = texts(ja={"train_acc": "訓練データの正解率", "title": "小さな DenseNet（パラメータ {n} 個）"},
             en={"train_acc": "training accuracy", "title": "tiny DenseNet ({n} parameters)"})


def plot(result: Result, lang: str):
    """Training and test accuracy against iterations."""
    text, a = TEXT[check_lang(lang)], result.arrays
    with panels(lang, size=(5.0, 3.0)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(a["densenet/iterations"], a["densenet/test_acc"], marker="o", label=text["test_acc"])
        ax.plot(a["densenet/iterations"], a["densenet/train_acc"], marker="s", linestyle="--", label=text["train_acc"])
        ax.set_xlabel(text["iteration"])
        ax.set_ylabel(text["acc"])
        ax.set_ylim(0, 1)
        ax.set_title(text["title"].format(n=f"{result.values['params']:,}"), fontsize="medium")
        ax.legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"accuracy": plot}
