r"""Synchronous data parallelism: K workers with batch B each take the steps of one worker with batch K·B.

For each number of workers $K$, two copies of the same float64 `MultiLayerNet` (same initial
weights) train with `SGD` on the same mini-batches of $K B$ MNIST images: one as $K$ simulated
workers (`dl_notes.parallel.sync_sgd_step`: each computes the gradient of its $B$ images, the
gradients are averaged, one update), the other as one worker on all $K B$ images. It records
both loss curves and the largest difference between their parameters after the last step,
which is rounding (the sums are taken in another order), not a different algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet
from dl_notes.optim import SGD
from dl_notes.parallel import sync_sgd_step

from ._plotting import check_lang, note, panels, texts
from ._result import Result
from ._toolkit import describe, mnist

TITLE = {"ja": "同期型のデータ並列：K 個のワーカとバッチ K 倍の 1 ワーカ",
         "en": "Synchronous data parallelism: K workers against one worker with a K-times batch"}


@dataclass(frozen=True)
class Config:
    """Worker counts, the batch of one worker, the network, SGD and the number of steps."""

    workers: tuple[int, ...] = (1, 2, 4, 8)
    batch_per_worker: int = 25
    hidden: tuple[int, ...] = (50,)
    lr: float = 0.1
    steps: int = 50
    n_train: int = 2000
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(workers=(1, 2, 4), batch_per_worker=4, hidden=(8,), steps=5, n_train=100)


def run(config: Config) -> Result:
    (x, t), _ = mnist(config.source, n_train=config.n_train, n_test=1)
    arrays, difference, loss_difference = {}, {}, {}
    for K in config.workers:
        nets = {name: MultiLayerNet(x.shape[1], list(config.hidden), 10, dtype=np.float64, seed=config.seed)
                for name in ("workers", "one")}
        optimizers = {name: SGD(lr=config.lr) for name in nets}
        rng = np.random.default_rng(config.seed)  # the same batches for both nets
        losses = {name: [] for name in nets}
        for _ in range(config.steps):
            batch = rng.choice(len(x), K * config.batch_per_worker, replace=False)
            for name, net in nets.items():
                split = K if name == "workers" else 1
                losses[name].append(sync_sgd_step(net, optimizers[name], x[batch], t[batch], split))
        for name in nets:
            arrays[f"K{K}/{name}"] = np.array(losses[name])
        difference[str(K)] = max(float(np.abs(nets["workers"].params[key] - nets["one"].params[key]).max())
                                 for key in nets["one"].params)
        loss_difference[str(K)] = float(np.abs(arrays[f"K{K}/workers"] - arrays[f"K{K}/one"]).max())
    values = {
        "workers": list(config.workers), "batch_per_worker": config.batch_per_worker,
        "batches": {str(K): K * config.batch_per_worker for K in config.workers},
        "hidden": list(config.hidden), "lr": config.lr, "steps": config.steps, "n_train": len(x),
        "max_param_difference": difference,
        "max_loss_difference": loss_difference,
        "largest_difference": max(difference.values()),
        "final_loss": {str(K): float(arrays[f"K{K}/workers"][-1]) for K in config.workers},
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"step": "ステップ", "loss": "ミニバッチの損失", "workers": "{K} ワーカ × バッチ {B}",
        "one": "1 ワーカ × バッチ {KB}", "title": "K = {K}"},
    en={"step": "step", "loss": "mini-batch loss", "workers": "{K} workers × batch {B}",
        "one": "1 worker × batch {KB}", "title": "K = {K}"},
)


def plot(result: Result, lang: str):
    """One panel per K: the K-worker loss curve (line) and the one-worker K·B curve (markers) on top of it."""
    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    Ks = v["workers"]
    steps = np.arange(1, v["steps"] + 1)
    every = max(1, v["steps"] // 12)
    with panels(lang, len(Ks), cols=2, size=(3.2, 2.3), sharex=True, sharey=True) as (figure, axes):
        for ax, K in zip(axes.flat, Ks):
            ax.plot(steps, a[f"K{K}/workers"], "-", color="C0", linewidth=1.6,
                    label=text["workers"].format(K=K, B=v["batch_per_worker"]))
            ax.plot(steps[::every], a[f"K{K}/one"][::every], "o", color="C1", markersize=4, fillstyle="none",
                    label=text["one"].format(KB=v["batches"][str(K)]))
            ax.set_title(text["title"].format(K=K), fontsize="small")
            ax.legend(fontsize="x-small", loc="upper right")
        for ax in axes[-1]:
            ax.set_xlabel(text["step"])
        for ax in axes[:, 0]:
            ax.set_ylabel(text["loss"])
    return figure


FIGURES = {"curves": plot}
