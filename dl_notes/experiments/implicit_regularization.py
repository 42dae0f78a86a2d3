r"""Implicit regularisation: does the mini-batch size or the learning rate change the gap?

A ``MultiLayerNet(784, [100, 100], 10)`` (ReLU, He initial weights, plain SGD) is trained on the
first 1,000 training images, few enough to be memorised, for the same number of epochs in every
setting: (a) across mini-batch sizes at one learning rate, (b) across learning rates at one
mini-batch size. Every setting starts from the same initial weights (``seed``) and draws its
batches from the same seed, through `_toolkit.train`. After the last epoch it records the
accuracy and the loss on the training images and on all test images, and the gap

$$
\text{gap} = \text{acc}_\text{train} - \text{acc}_\text{test}.
$$

The same number of epochs means the same number of examples seen, not the same number of
updates: a batch of 8 makes 64 times as many updates as a batch of 512. That is how the
settings are usually compared, and the page says so. A setting shared by both sweeps is trained
once. One seed, one small subset: this is a measurement, not a law.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet

from ._plotting import check_lang, panels, texts
from ._result import Result
from ._toolkit import describe, mnist, train

TITLE = {"ja": "陰的正則化：ミニバッチの大きさと学習率（MNIST）",
         "en": "Implicit regularisation: batch size and learning rate (MNIST)"}


@dataclass(frozen=True)
class Config:
    """The network, the training subset, the epochs and the two sweeps.

    ``batch_sizes`` run at learning rate ``lr``; ``lrs`` run with mini-batches of ``batch_size``.
    Every setting trains for ``epochs`` epochs of ``n_train`` images.
    """

    n_train: int = 1000
    hidden: tuple[int, ...] = (100, 100)
    epochs: int = 64
    batch_sizes: tuple[int, ...] = (8, 32, 128, 512)
    lr: float = 0.1
    lrs: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3)
    batch_size: int = 32
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_train=64, hidden=(10,), epochs=2, batch_sizes=(8, 32), lrs=(0.01, 0.1), batch_size=8)


def setting_key(batch_size: int, lr: float) -> str:
    """``'b32_lr0.1'``: the key of one (mini-batch size, learning rate) setting.

    >>> setting_key(512, 0.03)
    'b512_lr0.03'
    """
    return f"b{batch_size}_lr{lr:g}"


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.n_train)
    (x_train, t_train), (x_test, t_test) = data
    settings = [(b, config.lr) for b in config.batch_sizes] + [(config.batch_size, lr) for lr in config.lrs]
    values = {"settings": {}, "final_train_acc": {}, "final_test_acc": {}, "gap": {}, "train_loss": {},
              "test_loss": {}, "updates": {}, "diverged_at": {}}
    for batch_size, lr in settings:
        key = setting_key(batch_size, lr)
        if key in values["settings"]:  # shared by both sweeps: same weights, same batches, same numbers
            continue
        iterations = round(config.epochs * config.n_train / batch_size)
        net = MultiLayerNet(784, list(config.hidden), 10, activation="relu", weight_init_std="he", seed=config.seed)
        # Evaluate only before the first and after the last iteration: the final numbers are what we compare.
        curves = train(net, data, iterations=iterations, batch_size=batch_size, lr=lr, eval_every=iterations,
                       seed=config.seed)
        values["settings"][key] = {"batch_size": batch_size, "lr": lr}
        values["final_train_acc"][key] = curves["train_acc"][-1]
        values["final_test_acc"][key] = curves["test_acc"][-1]
        values["gap"][key] = curves["train_acc"][-1] - curves["test_acc"][-1]
        values["train_loss"][key] = float(net.loss(x_train, t_train))
        values["test_loss"][key] = float(net.loss(x_test, t_test))
        values["updates"][key] = iterations
        values["diverged_at"][key] = curves["diverged_at"]
    values.update({
        # Explicit orders: the cache gives dicts back with sorted keys.
        "batch_order": [setting_key(b, config.lr) for b in config.batch_sizes],
        "lr_order": [setting_key(config.batch_size, lr) for lr in config.lrs],
        "batch_sizes": list(config.batch_sizes),
        "lrs": list(config.lrs),
        "lr": config.lr,
        "batch_size": config.batch_size,
        "epochs": config.epochs,
        "n_train": config.n_train,
        "n_test": len(x_test),
        "hidden": list(config.hidden),
        "description": describe(config.source),
    })
    return Result(arrays={}, values=values)


TEXT = texts(
    ja={"batch": "ミニバッチの大きさ（対数目盛）", "at_lr": "学習率 {lr:g}", "at_batch": "ミニバッチの大きさ {b}"},
    en={"batch": "mini-batch size (log scale)", "at_lr": "learning rate {lr:g}", "at_batch": "mini-batch of {b}"},
)


def plot(result: Result, lang: str):
    """Final training (dashed) and test (solid) accuracy: left against the mini-batch size, right
    against the learning rate."""
    text = TEXT[check_lang(lang)]
    v = result.values
    sweeps = (
        (v["batch_sizes"], v["batch_order"], text["batch"], text["at_lr"].format(lr=v["lr"])),
        (v["lrs"], v["lr_order"], text["lr_axis"], text["at_batch"].format(b=v["batch_size"])),
    )
    # The accuracies differ by a few points: start the axis just below the lowest, in steps of 0.05.
    lowest = min(min(v["final_train_acc"].values()), min(v["final_test_acc"].values()))
    bottom = np.floor((lowest - 0.02) * 20) / 20
    with panels(lang, 2, size=(4.8, 3.4), sharey=True) as (figure, axes):
        for ax, (xs, keys, xlabel, title) in zip(axes[0], sweeps):
            ax.plot(xs, [v["final_train_acc"][k] for k in keys], "--o", color="C0", linewidth=1.3, markersize=5,
                    label=text["train"])
            ax.plot(xs, [v["final_test_acc"][k] for k in keys], "-o", color="C1", linewidth=1.3, markersize=5,
                    label=text["test"])
            ax.set_xscale("log")
            ax.set_xticks(xs, [f"{x:g}" for x in xs])
            ax.minorticks_off()
            ax.set(xlabel=xlabel, title=title, ylim=(max(bottom, 0), 1.01))
            ax.title.set_fontsize("medium")
        axes[0, 0].set_ylabel(text["acc"])
        axes[0, 0].legend(fontsize="small", loc="lower left")
    return figure


FIGURES = {"sweeps": plot}
