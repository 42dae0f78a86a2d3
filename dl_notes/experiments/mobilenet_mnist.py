r"""A small MobileNet-style network against the course's SimpleConvNet on MNIST: size, cost, speed, accuracy.

Both networks are trained on the same images, with the same optimizer (Adam), learning rate,
mini-batches (drawn from the same seed) and number of iterations; a shorter schedule than the
course's exercise 2_6 (1,000 iterations), to keep the chapter's experiments within their time
budget. For each network the experiment records:

- ``params``: the number of parameters;
- ``mult_adds``: multiply-adds per image of the forward pass, counted on the layers by
  `dl_notes.mobilenet.network_multiply_adds`;
- ``ms_per_step``: the median CPU time (``time.process_time``: the time this process computed,
  which other work on a shared machine disturbs less than the wall clock) of one training step
  (forward, backward, Adam update) on a batch, over ``timing_rounds`` rounds in which the two
  networks take turns, on fresh copies of the networks, and ``time_share``: how
  that time splits over the kinds of layers (depthwise, pointwise, conv, batchnorm, affine, other),
  next to ``mult_adds_by_kind``, how the multiply-adds split;
- the test and training accuracy curves and the final accuracies.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.conv import Convolution
from dl_notes.depthwise import DepthwiseConvolution, PointwiseConvolution
from dl_notes.layers import Affine, BatchNormalization
from dl_notes.mobilenet import SmallMobileNet, multiply_adds, network_multiply_adds
from dl_notes.nets import SimpleConvNet, layer_forward
from dl_notes.optim import Adam

from ._plotting import check_lang, note, style, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, mnist, train

TITLE = {"ja": "小さな MobileNet と SimpleConvNet（MNIST）", "en": "A small MobileNet against SimpleConvNet (MNIST)"}

NETS = ("mobilenet", "simple")


@dataclass(frozen=True)
class Config:
    """Data, the two networks' sizes, the shared schedule and the timing."""

    n_train: int = 5000
    n_test: int = 1000
    stem_channels: int = 8
    blocks: tuple[tuple[int, int], ...] = ((16, 1), (32, 2), (64, 1))
    filter_num: int = 30          # SimpleConvNet: the course's settings
    filter_size: int = 5
    hidden_size: int = 100
    iterations: int = 300
    batch_size: int = 100
    lr: float = 0.01
    eval_every: int = 50
    timing_rounds: int = 7
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_train=200, n_test=50, stem_channels=2, blocks=((4, 1), (4, 2)), filter_num=3, hidden_size=8,
              iterations=6, batch_size=10, eval_every=3, timing_rounds=2)


def _build(name: str, config: Config):
    if name == "mobilenet":
        return SmallMobileNet((1, 28, 28), config.stem_channels, config.blocks, seed=config.seed)
    net = SimpleConvNet((1, 28, 28), {"filter_num": config.filter_num, "filter_size": config.filter_size},
                        hidden_size=config.hidden_size, seed=config.seed)
    net.layers["Conv1"].input_grad = False  # as SmallMobileNet's first layer: the data needs no gradient
    return net


def _kind(layer) -> str:
    """The group a layer's time and multiply-adds are reported under."""
    return {DepthwiseConvolution: "depthwise", PointwiseConvolution: "pointwise", Convolution: "conv",
            BatchNormalization: "batchnorm", Affine: "affine"}.get(type(layer), "other")


def _timed_step(net, optimizer, x: np.ndarray, t: np.ndarray, seconds: dict[str, float]) -> None:
    """One training step as `Network.gradient` does it, adding each layer's forward and backward time
    to ``seconds[kind]`` (the loss and the update under "other")."""
    def clock(kind: str, start: float) -> float:
        now = time.process_time()
        seconds[kind] = seconds.get(kind, 0.0) + now - start
        return now

    start = time.process_time()
    h = x
    for layer in net.layers.values():
        h = layer_forward(layer, h, train_flg=True)
        start = clock(_kind(layer), start)
    net.last_layer.forward(h, t)
    dout = net.last_layer.backward(1)
    start = clock("other", start)
    for layer in reversed(net.layers.values()):
        dout = layer.backward(dout)
        start = clock(_kind(layer), start)
    optimizer.update(net.params, net.stored_gradients())
    clock("other", start)


def _timing(config: Config, x: np.ndarray, t: np.ndarray) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Median milliseconds of one training step per network, the networks taking turns each round, and
    each network's time split by layer kind (fractions of the summed rounds)."""
    nets = {name: _build(name, config) for name in NETS}
    optimizers = {name: Adam(lr=config.lr) for name in NETS}
    times: dict[str, list[float]] = {name: [] for name in NETS}
    split: dict[str, dict[str, float]] = {name: {} for name in NETS}
    for round_ in range(config.timing_rounds + 1):  # round 0 warms up (first allocations)
        for name, net in nets.items():
            seconds: dict[str, float] = {}
            _timed_step(net, optimizers[name], x, t, seconds)
            if round_:
                times[name].append(sum(seconds.values()))
                for kind, s in seconds.items():
                    split[name][kind] = split[name].get(kind, 0.0) + s
    shares = {name: {kind: s / sum(split[name].values()) for kind, s in split[name].items()} for name in NETS}
    return {name: 1000 * float(np.median(ts)) for name, ts in times.items()}, shares


def run(config: Config) -> Result:
    (x, t), (x_test, t_test) = mnist(config.source, n_train=config.n_train, n_test=config.n_test,
                                     flatten=False)  # x: (n_train, 1, 28, 28)
    batch = x[:config.batch_size], t[:config.batch_size]
    arrays, final, params, mult_adds, by_kind = {}, {}, {}, {}, {}
    for name in NETS:
        net = _build(name, config)
        params[name] = int(sum(p.size for p in net.params.values()))
        images = x_test[:10]
        mult_adds[name] = network_multiply_adds(net, images)
        by_kind[name] = {}
        for layer in net.layers.values():  # the counts of that forward pass, grouped
            by_kind[name][_kind(layer)] = by_kind[name].get(_kind(layer), 0) + multiply_adds(layer) / len(images)
        curves = train(net, ((x, t), (x_test, t_test)), iterations=config.iterations, batch_size=config.batch_size,
                       lr=config.lr, eval_every=config.eval_every, seed=config.seed, optimizer="Adam")
        arrays.update(curve_arrays(name, curves, ("iterations", "test_acc", "train_acc", "batch_loss")))
        final[name] = {"train": float(curves["train_acc"][-1]), "test": float(curves["test_acc"][-1])}
    ms, time_share = _timing(config, *batch)
    values = {
        "nets": list(NETS), "final": final, "params": params, "mult_adds": mult_adds, "ms_per_step": ms,
        "time_share": time_share, "mult_adds_by_kind": by_kind,
        "params_ratio": params["simple"] / params["mobilenet"],
        "mult_adds_ratio": mult_adds["simple"] / mult_adds["mobilenet"],
        "time_ratio": ms["mobilenet"] / ms["simple"],
        "accuracy_gap": final["simple"]["test"] - final["mobilenet"]["test"],
        "n_train": len(x), "n_test": len(x_test), "iterations": config.iterations, "batch_size": config.batch_size,
        "lr": config.lr, "eval_every": config.eval_every, "timing_rounds": config.timing_rounds,
        "epochs": config.iterations * config.batch_size / len(x),
        "stem_channels": config.stem_channels, "blocks": [list(b) for b in config.blocks],
        "filter_num": config.filter_num, "filter_size": config.filter_size, "hidden_size": config.hidden_size,
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"mobilenet": "小さな MobileNet", "simple": "SimpleConvNet"},
    en={"mobilenet": "small MobileNet", "simple": "SimpleConvNet"},
)


def plot_accuracy(result: Result, lang: str):
    """Test (solid) and training (dashed) accuracy against iterations, both networks."""
    import matplotlib.pyplot as plt

    text, a = TEXT[check_lang(lang)], result.arrays
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for i, name in enumerate(result.values["nets"]):
            its = a[f"{name}/iterations"]
            ax.plot(its, a[f"{name}/test_acc"], "-", color=f"C{i}", linewidth=1.6,
                    label=note(text[name], text["test"], lang))
            ax.plot(its, a[f"{name}/train_acc"], "--", color=f"C{i}", linewidth=1.0,
                    label=note(text[name], text["train"], lang))
        ax.set(xlabel=text["iteration"], ylabel=text["acc"], ylim=(0, 1))
        ax.legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"accuracy": plot_accuracy}
