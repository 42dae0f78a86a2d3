r"""Asynchronous SGD: the same training with gradients computed on parameters τ updates old.

A `MultiLayerNet` trains with `SGD` at one learning rate on MNIST, once per staleness $\tau$:
the update at step $t$ uses the gradient computed on the parameters of step $t - \tau$
(`dl_notes.parallel.StaleGradients`), as when $\tau$ other asynchronous workers have updated
the parameters while one worker computed its gradient. Every run sees the same mini-batches and
starts from the same weights; $\tau = 0$ is plain SGD. It records the test accuracy curves (on
the first test images), the mini-batch losses, the iteration at which each run first reaches
``target`` test accuracy, and the iteration at which a run's loss stopped being finite, if one
did (`_toolkit.train`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet
from dl_notes.parallel import StaleGradients

from ._plotting import check_lang, panels, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, mnist, train

TITLE = {"ja": "非同期型の SGD：古い勾配が学習に与える影響", "en": "Asynchronous SGD: what stale gradients do to training"}


@dataclass(frozen=True)
class Config:
    """The staleness values, the network, SGD's learning rate and the schedule."""

    staleness: tuple[int, ...] = (0, 1, 2, 4, 8, 16, 32)
    hidden: tuple[int, ...] = (50,)
    lr: float = 0.1
    iterations: int = 400
    batch_size: int = 50
    eval_every: int = 20
    target: float = 0.85
    n_train: int = 2000
    n_test: int = 500
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(staleness=(0, 4), hidden=(8,), iterations=20, batch_size=10, eval_every=5, target=0.2,
              n_train=100, n_test=50)


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.n_train, n_test=config.n_test)
    arrays, reached, final, diverged = {}, {}, {}, {}
    for tau in config.staleness:
        net = StaleGradients(MultiLayerNet(784, list(config.hidden), 10, seed=config.seed), tau)
        curves = train(net, data, iterations=config.iterations, batch_size=config.batch_size, lr=config.lr,
                       eval_every=config.eval_every, seed=config.seed)
        arrays.update(curve_arrays(f"tau{tau}", curves, ("iterations", "test_acc", "batch_loss")))
        hits = [i for i, acc in zip(curves["iterations"], curves["test_acc"]) if acc >= config.target]
        reached[str(tau)] = hits[0] if hits else None
        final[str(tau)] = float(np.mean(curves["test_acc"][-3:]))  # the last three measurements
        diverged[str(tau)] = curves["diverged_at"]
    values = {
        "staleness": list(config.staleness), "hidden": list(config.hidden), "lr": config.lr,
        "iterations": config.iterations, "batch_size": config.batch_size, "eval_every": config.eval_every,
        "target": config.target, "n_train": config.n_train, "n_test": config.n_test,
        "reached": reached, "final": final, "diverged_at": diverged,
        "stable": [tau for tau in config.staleness if reached[str(tau)] is not None],
        "failed": [tau for tau in config.staleness if reached[str(tau)] is None],
        "start": float(arrays[f"tau{config.staleness[0]}/test_acc"][0]),
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"tau": "τ = {tau}", "staleness": "古さ τ（ステップ）", "final": "最後の正解率",
        "target": "目標 {p}%"},
    en={"tau": "τ = {tau}", "staleness": "staleness τ (steps)", "final": "final accuracy",
        "target": "target {p}%"},
)


def plot(result: Result, lang: str):
    """Left: test accuracy against iterations, one line per τ. Right: the final accuracy against τ."""
    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    taus = v["staleness"]
    with panels(lang, 2, size=(3.3, 2.6), gridspec_kw={"width_ratios": [1.6, 1]}) as (figure, axes):
        left, right = axes[0]
        import matplotlib

        colours = matplotlib.colormaps["viridis"](np.linspace(0, 0.9, len(taus)))
        for tau, colour in zip(taus, colours):
            left.plot(a[f"tau{tau}/iterations"], a[f"tau{tau}/test_acc"], "-", color=colour, linewidth=1.4,
                      label=text["tau"].format(tau=tau))
        left.axhline(v["target"], color="0.5", linestyle=":", linewidth=1)
        left.set(xlabel=text["iteration"], ylabel=text["test_acc"], ylim=(0, 1))
        left.legend(fontsize="x-small", loc="lower right", ncol=2)
        positions = np.arange(len(taus))
        right.bar(positions, [v["final"][str(tau)] for tau in taus], color=colours)
        right.axhline(v["target"], color="0.5", linestyle=":", linewidth=1,
                      label=text["target"].format(p=round(100 * v["target"])))
        right.set_xticks(positions, [str(tau) for tau in taus])
        right.set(xlabel=text["staleness"], ylabel=text["final"], ylim=(0, 1))
        right.legend(fontsize="x-small", loc="upper right")
    return figure


FIGURES = {"accuracy": plot}
