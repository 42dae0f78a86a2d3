r"""The book's section 6.5: a random search for the learning rate and weight decay, judged on validation data.

As the book's ``ch06/hyperparameter_optimization.py`` does it: the first 500 MNIST training
images, shuffled, 20% of them set aside as validation data (`dl_notes.datasets.split_validation`);
``MultiLayerNet(784, [100] * 6, 10, weight_decay_lambda=λ)`` trained with SGD for 50 epochs in
mini-batches of 100; each trial draws $\lambda = 10^{U(-8, -4)}$ and the learning rate
$\eta = 10^{U(-6, -2)}$ (`log_uniform`). The book runs 100 trials; the site runs fewer (see
`DEFAULT`) to keep the build short. Every trial starts from the same initial weights and sees
the same mini-batches, so that trials differ only in their hyperparameters.

The test data is used once, at the end: the trial with the best final validation accuracy is
measured on it. That number is the honest estimate; the best validation accuracy itself is the
maximum over many noisy measurements and tends to be too high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes._checks import count, generator, positive
from dl_notes.nets import MultiLayerNet
from dl_notes.train import Trainer

from ._plotting import check_lang, label_edges, panels, texts
from ._result import Result
from ._toolkit import describe

TITLE = {"ja": "ハイパーパラメータのランダム探索（MNIST）", "en": "Random search for hyperparameters (MNIST)"}


@dataclass(frozen=True)
class Config:
    """The book's search, with ``trials`` random settings; ``top`` best trials name the good region.

    ``lr_range`` and ``wd_range`` are the (low, high) bounds of the log-uniform draws.
    """

    n_data: int = 500
    validation_rate: float = 0.2
    hidden: tuple[int, ...] = (100,) * 6
    epochs: int = 50
    batch_size: int = 100
    trials: int = 32
    lr_range: tuple[float, float] = (1e-6, 1e-2)
    wd_range: tuple[float, float] = (1e-8, 1e-4)
    top: int = 4
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_data=50, hidden=(10, 10), epochs=2, batch_size=10, trials=4, top=2)


def log_uniform(low: float, high: float, size: int | None = None, *, rng: np.random.Generator | None = None,
                seed: int | None = None) -> np.ndarray | float:
    r"""Draw from the log-uniform distribution on $[\text{low}, \text{high})$: $10^{U}$, $U \sim \mathcal{U}(\log_{10} \text{low}, \log_{10} \text{high})$.

    Every power of ten in the range gets the same share of the draws (the book's
    ``10 ** np.random.uniform(-6, -2)``), where a uniform draw on $[10^{-6}, 10^{-2})$ would put
    about 90% of them in the top decade alone.

    >>> lr = log_uniform(1e-6, 1e-2, size=100_000, seed=0)
    >>> bool(lr.min() >= 1e-6 and lr.max() < 1e-2)
    True
    >>> [round(float(np.mean((lr >= 10.0**k) & (lr < 10.0**(k + 1)))), 2) for k in range(-6, -2)]
    [0.25, 0.25, 0.25, 0.25]
    >>> log_uniform(0, 1e-2)
    Traceback (most recent call last):
    ...
    ValueError: low must be > 0, got 0.0
    """
    low, high = positive("low", low), positive("high", high)
    if not low < high:
        raise ValueError(f"log_uniform: low must be below high, got low={low:g}, high={high:g}")
    if size is not None:
        size = count("size", size)
    draws = 10.0 ** generator(rng, seed).uniform(math.log10(low), math.log10(high), size)
    return draws if size is not None else float(draws)


def train_trial(config: Config, data, lr: float, weight_decay: float) -> tuple[MultiLayerNet, Trainer]:
    """One trial: the book's network with ``weight_decay``, SGD at ``lr``, accuracies every epoch.

    ``data`` is ``((x_train, t_train), (x_val, t_val))``; the validation accuracy is the
    trainer's ``test_acc_list`` (the book passes the validation data as the test data).
    """
    (x, t), (x_val, t_val) = data
    net = MultiLayerNet(784, list(config.hidden), 10, weight_decay_lambda=weight_decay, seed=config.seed)
    trainer = Trainer(net, x, t, x_val, t_val, epochs=config.epochs, mini_batch_size=config.batch_size,
                      optimizer="sgd", optimizer_param={"lr": lr}, verbose=False, seed=config.seed)
    trainer.train()
    return net, trainer


def run(config: Config) -> Result:
    (x, t), (x_test, t_test) = datasets.load_mnist(source=config.source)
    rng = generator(seed=config.seed)
    data = datasets.split_validation(x[:config.n_data], t[:config.n_data], config.validation_rate, rng=rng)
    lrs = log_uniform(*config.lr_range, size=config.trials, rng=rng)
    wds = log_uniform(*config.wd_range, size=config.trials, rng=rng)
    val_acc, train_acc, best_net, best_val = [], [], None, -1.0
    for lr, wd in zip(lrs, wds):
        net, trainer = train_trial(config, data, float(lr), float(wd))
        val_acc.append(trainer.test_acc_list)
        train_acc.append(trainer.train_acc_list)
        if trainer.test_acc_list[-1] > best_val:   # the first of equals wins, as in the order below
            best_net, best_val = net, trainer.test_acc_list[-1]
    val_acc, train_acc = np.asarray(val_acc), np.asarray(train_acc)
    final = val_acc[:, -1]
    order = np.argsort(-final, kind="stable")
    top = order[:min(config.top, config.trials)]
    best = int(order[0])
    late = max(config.epochs // 5, 1)
    # The one look at the test data: the chosen setting, after the search is over.
    test_acc = float(best_net.accuracy(x_test, t_test))
    values = {
        "n_data": config.n_data, "n_train": len(data[0][0]), "n_val": len(data[1][0]), "n_test": len(x_test),
        "validation_rate": config.validation_rate, "hidden": list(config.hidden), "layers": len(config.hidden) + 1,
        "epochs": config.epochs, "batch_size": config.batch_size,
        "iterations": int(config.epochs * max(len(data[0][0]) / config.batch_size, 1)),
        "trials": config.trials, "book_trials": 100, "top": len(top),
        "lr_range": list(config.lr_range), "wd_range": list(config.wd_range),
        "order": order.tolist(),
        "best": {"trial": best, "lr": float(lrs[best]), "wd": float(wds[best]), "val_acc": float(final[best]),
                 "train_acc": float(train_acc[best, -1]), "test_acc": test_acc,
                 # what the training accuracy gained over the last fifth of the epochs: still learning?
                 "late_epochs": late, "late_gain": float(train_acc[best, -1] - train_acc[best, -1 - late])},
        "region": {"lr_min": float(lrs[top].min()), "lr_max": float(lrs[top].max()),
                   "wd_min": float(wds[top].min()), "wd_max": float(wds[top].max()),
                   "val_acc_min": float(final[top].min()),
                   "lr_decades": float(np.log10(lrs[top].max() / lrs[top].min())),
                   "wd_decades": float(np.log10(wds[top].max() / wds[top].min()))},
        "median_val_acc": float(np.median(final)),
        "learned_share": float(np.mean(final >= 0.5)),
        "corr_lr": _correlation(np.log10(lrs), final),
        "corr_wd": _correlation(np.log10(wds), final),
        "description": describe(config.source),
    }
    arrays = {"lr": lrs, "wd": wds, "val_acc": val_acc, "train_acc": train_acc}
    return Result(arrays=arrays, values=values)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's correlation of ``a`` and ``b``; 0 when either is constant."""
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


TEXT = texts(
    ja={"lr": "学習率（対数目盛）", "wd": "重み減衰の係数 λ（対数目盛）", "val_acc": "検証データの正解率",
        "epoch": "エポック", "top": "上位 {n} 件", "best": "{i} 位：学習率 {lr}、λ {wd}"},
    en={"lr": "learning rate (log scale)", "wd": "weight decay λ (log scale)", "val_acc": "validation accuracy",
        "epoch": "epoch", "top": "best {n}", "best": "#{i}: lr {lr}, λ {wd}"},
)


def _sci(value: float) -> str:
    """A value as ``3.2e-04`` style mathtext, ``3.2×10⁻⁴``, for titles.

    >>> _sci(0.00032)
    '$3.2\\\\times10^{-4}$'
    """
    mantissa, exponent = f"{value:.1e}".split("e")
    return rf"${mantissa}\times10^{{{int(exponent)}}}$"


def plot(result: Result, lang: str):
    """Left: every trial at its (learning rate, λ), coloured by validation accuracy, the best ringed.
    Right: validation accuracy against the learning rate alone."""
    text = TEXT[check_lang(lang)]
    a, v = result.arrays, result.values
    final = a["val_acc"][:, -1]
    top = v["order"][:v["top"]]
    with panels(lang, 2, size=(3.6, 3.0)) as (figure, axes):
        left, right = axes[0]
        points = left.scatter(a["lr"], a["wd"], c=final, cmap="viridis", vmin=0, vmax=1, s=28, edgecolors="none")
        left.scatter(a["lr"][top], a["wd"][top], s=90, facecolors="none", edgecolors="#d62728", linewidths=1.2,
                     label=text["top"].format(n=len(top)))
        left.set(xscale="log", yscale="log", xlabel=text["lr"], ylabel=text["wd"], xlim=v["lr_range"], ylim=v["wd_range"])
        left.legend(fontsize="small", loc="upper left")
        right.scatter(a["lr"], final, c=final, cmap="viridis", vmin=0, vmax=1, s=28, edgecolors="none")
        right.scatter(a["lr"][top], final[top], s=90, facecolors="none", edgecolors="#d62728", linewidths=1.2)
        right.set(xscale="log", xlabel=text["lr"], ylabel=text["val_acc"], xlim=v["lr_range"], ylim=(0, 1.02))
        figure.colorbar(points, ax=[left, right], label=text["val_acc"])
    return figure


def plot_best(result: Result, lang: str):
    """The best trials' validation (solid) and training (dashed) accuracy per epoch, best first."""
    text = TEXT[check_lang(lang)]
    a, v = result.arrays, result.values
    top = v["order"][:v["top"]]
    epochs = np.arange(a["val_acc"].shape[1])
    with panels(lang, len(top), min(len(top), 4), size=(2.6, 2.3), sharex=True, sharey=True) as (figure, axes):
        for i, (ax, trial) in enumerate(zip(axes.flat, top), start=1):
            ax.plot(epochs, a["val_acc"][trial], color="C1", linewidth=1.3, label=text["val"])
            ax.plot(epochs, a["train_acc"][trial], "--", color="C0", linewidth=1.3, label=text["train"])
            ax.set(ylim=(0, 1.02), title=text["best"].format(i=i, lr=_sci(a["lr"][trial]), wd=_sci(a["wd"][trial])))
            ax.title.set_fontsize("small")
        label_edges(axes, text["epoch"], text["acc"])
        axes.flat[0].legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"search": plot, "best": plot_best}
