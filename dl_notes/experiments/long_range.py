r"""A long-range dependency: RNN, LSTM and GRU of one hidden size on `first_symbol_task`.

Each cell is trained as a `RecurrentNet` (``output='last'``: one answer after the last step)
with Adam, the same number of updates on fresh mini-batches, for several sequence lengths T:
the class shown at step 1 must be named after T − 1 steps of Gaussian noise. Measured: the
accuracy on a held-out set per cell and length, the CPU seconds of training, the
parameter counts.

The gated cells start with their memory open: the LSTM's forget-gate bias is
``forget_bias`` ($f_t = \sigma(3) \approx 0.95$ at the start instead of $\sigma(0) = 0.5$,
as Gers et al. (2000) recommend a positive initial forget bias), the GRU's update-gate bias
$-$``forget_bias`` (in the course's convention $h_t = (1 - z_t) h_{t-1} + z_t \tilde h_t$, so
$1 - z_t \approx 0.95$ keeps the old state). With a zero bias both forget half of their
memory per step at the start, and the gradient from the answer back to step 1 shrinks like
$0.5^{T}$ for them too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.sequences import first_symbol_task

from ._plotting import check_lang, style, texts
from ._result import Result

TITLE = {"ja": "長期依存の課題：RNN・LSTM・GRU", "en": "A long-range dependency: RNN, LSTM and GRU"}

CELLS = ("rnn", "lstm", "gru")
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


@dataclass(frozen=True)
class Config:
    """The lengths T, the task, the network size, the Adam settings and the budget of updates."""

    lengths: tuple[int, ...] = (5, 10, 20, 40)
    cells: tuple[str, ...] = CELLS
    n_classes: int = 4
    noise: float = 0.5
    hidden_size: int = 16
    iterations: int = 800
    batch_size: int = 32
    lr: float = 0.01
    forget_bias: float = 3.0
    test_size: int = 1000
    repeats: int = 2  # training runs per cell and length (seeds), averaged
    seed: int = 0


DEFAULT = Config()
TINY = Config(lengths=(3, 6), hidden_size=4, iterations=6, batch_size=8, test_size=20, repeats=1)


def open_memory(net: RecurrentNet, forget_bias: float) -> None:
    """Set the bias that keeps a gated cell's memory: LSTM forget gate $+b$, GRU update gate $-b$.

    The gate blocks are (i, f, g, o) in the LSTM and (r, z, n) in the GRU, so both gates
    sit in the second block of ``b``. A simple RNN has no gate and is left unchanged.

    >>> net = RecurrentNet(2, 3, 2, cell="lstm", seed=0)
    >>> open_memory(net, 3.0)
    >>> net.params["b"].reshape(4, 3)[:, 0].tolist()        # i, f, g, o
    [0.0, 3.0, 0.0, 0.0]
    >>> net = RecurrentNet(2, 3, 2, cell="gru", seed=0)
    >>> open_memory(net, 3.0)
    >>> net.params["b"].reshape(3, 3)[:, 0].tolist()        # r, z, n
    [0.0, -3.0, 0.0]
    """
    H = net.params["Wh"].shape[0]
    if net.cell == "lstm":
        net.params["b"][H:2 * H] = forget_bias
    elif net.cell == "gru":
        net.params["b"][H:2 * H] = -forget_bias


def parameter_count(net: RecurrentNet) -> int:
    """The number of trained numbers: every entry of every array in ``net.params``.

    >>> parameter_count(RecurrentNet(4, 16, 4, cell="lstm", output="last", seed=0))    # 4·16·(4+16+1) + 16·4 + 4
    1412
    """
    return int(sum(p.size for p in net.params.values()))


def train_one(config: Config, cell: str, length: int, repeat: int = 0) -> dict:
    """Train one cell at one length: the final test accuracy, the CPU seconds of the updates, the size.

    Every cell of one (length, repeat) sees the same initial-weight seed, mini-batches and test set.
    """
    seeds = np.random.SeedSequence([config.seed, length, repeat])
    data_seed, net_seed, test_seed = seeds.spawn(3)
    net = RecurrentNet(config.n_classes, config.hidden_size, config.n_classes, cell=cell, output="last",
                       rng=np.random.default_rng(net_seed))
    open_memory(net, config.forget_bias)
    optimizer = Adam(lr=config.lr)
    rng = np.random.default_rng(data_seed)
    x_test, t_test = first_symbol_task(config.test_size, length, config.n_classes, config.noise,
                                       rng=np.random.default_rng(test_seed))
    seconds = 0.0
    for _ in range(config.iterations):
        xs, ts = first_symbol_task(config.batch_size, length, config.n_classes, config.noise, rng=rng)
        start = time.process_time()
        optimizer.update(net.params, net.gradient(xs, ts))
        seconds += time.process_time() - start
    return {"accuracy": float(net.accuracy(x_test, t_test)), "seconds": seconds, "parameters": parameter_count(net)}


def run(config: Config) -> Result:
    for cell in config.cells:
        if cell not in CELLS:
            raise ValueError(f"cells must be among {CELLS}, got {cell!r}")
    runs = {cell: [] for cell in config.cells}  # per length: the accuracies of the repeats
    seconds = {cell: [] for cell in config.cells}  # per length: CPU seconds of all repeats
    parameters = {}
    for length in config.lengths:
        for cell in config.cells:
            outs = [train_one(config, cell, length, r) for r in range(config.repeats)]
            runs[cell].append([out["accuracy"] for out in outs])
            seconds[cell].append(float(sum(out["seconds"] for out in outs)))
            parameters[cell] = outs[0]["parameters"]
    accuracy = {cell: [float(np.mean(a)) for a in runs[cell]] for cell in config.cells}
    # "learns": on average over the repeats, at least halfway from chance (1 / n_classes) to 100%.
    threshold = (1 + 1 / config.n_classes) / 2
    learned = {cell: [a >= threshold for a in accuracy[cell]] for cell in config.cells}
    updates = config.iterations * config.repeats
    keep = float(1 / (1 + np.exp(-config.forget_bias)))  # σ(b_f)
    values = {
        "lengths": list(config.lengths),
        "cells": list(config.cells),
        "accuracy": accuracy,
        "accuracy_runs": runs,
        "learned": learned,
        # the longest length at which each cell learns (None: at none)
        "longest_learned": {cell: max((T for T, ok in zip(config.lengths, learned[cell]) if ok), default=None)
                            for cell in config.cells},
        "seconds": {cell: float(sum(s)) for cell, s in seconds.items()},
        "seconds_per_length": seconds,
        "ms_per_update_longest": {cell: 1000 * s[-1] / updates for cell, s in seconds.items()},
        "parameters": parameters,
        "hidden_size": config.hidden_size,
        "n_classes": config.n_classes,
        "noise": config.noise,
        "chance": 1 / config.n_classes,
        "threshold": threshold,
        "iterations": config.iterations,
        "repeats": config.repeats,
        "batch_size": config.batch_size,
        "lr": config.lr,
        "forget_bias": config.forget_bias,
        # what is left of the memory after the longest sequence at the start of training: f^T for the
        # forget gate the gated cells start with, and for a zero bias (f = σ(0) = 0.5)
        "forget_start": keep,
        "memory_left": keep ** config.lengths[-1],
        "memory_left_zero_bias": 0.5 ** config.lengths[-1],
        "test_size": config.test_size,
        "longest": config.lengths[-1],
        "shortest": config.lengths[0],
    }
    return Result(values=values)


TEXT = texts(
    ja={"length": "系列長 T（最初の記号から答えまでのステップ数）", "chance": "当て推量（{p:.0%}）",
        "accuracy": "テストデータの正解率"},
    en={"length": "sequence length T (steps from the first symbol to the answer)", "chance": "chance ({p:.0%})",
        "accuracy": "test accuracy"},
)


def plot_accuracy(result: Result, lang: str):
    """Test accuracy against the length T, one line per cell, chance as a dashed line."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for i, cell in enumerate(v["cells"]):
            ax.plot(v["lengths"], v["accuracy"][cell], "o-", color=f"C{i}", label=CELL_NAMES[cell])
        ax.axhline(v["chance"], color="#777777", linestyle="--", linewidth=1,
                   label=text["chance"].format(p=v["chance"]))
        ax.set_xticks(v["lengths"])
        ax.set(xlabel=text["length"], ylabel=text["accuracy"], ylim=(0, 1.05))
        ax.legend(fontsize="small", loc="lower left")
    return figure


FIGURES = {"accuracy": plot_accuracy}
