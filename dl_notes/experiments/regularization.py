r"""The course's overfitting exercise: 300 training images, a 7-layer network, and its remedies.

Exercise 2_5 of the course trains ``MultiLayerNet(784, [100] * 6, 10)`` (ReLU, He initial
weights) on the first 300 training images for 1,000 iterations (batch 100, about 333 epochs)
and compares plain SGD with L2 weight decay (λ = 0.1), L1 (λ = 0.005), dropout (ratio 0.15) and
dropout with L1; its "try" cell swaps the dropout run's SGD for Momentum, AdaGrad or Adam (the
cell's commented lines: learning rate 0.01, Adam at its default 0.001). This experiment runs every
case with the same initial weights and mini-batches through `_toolkit.train`, records training and
test accuracy along the way, and keeps the trained weights' histogram (for L1's sparsity).

Two corrections to the course's notebook are built in: its L1/L2 loops update only the hidden
layers (the output layer's ``W7``, ``b7`` never change), and its L2 penalty uses the norm
$\lVert W \rVert$ where the gradient $\lambda W$ belongs to $\frac{\lambda}{2}\lVert W \rVert^2$.
Here every parameter is updated and the penalty is `dl_notes.regularizers.L2`.

For early stopping, the unregularised case is run once more, measuring the accuracy on
validation images (training images not among the 300) instead of the test set. The batches
and weights are the same, so the test curve of the first run is the test curve of this one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet
from dl_notes.regularizers import L1, L2

from ._plotting import check_lang, label_edges, panels, style, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, train

TITLE = {"ja": "過学習と正則化（MNIST）", "en": "Overfitting and regularisation (MNIST)"}

# (key, learning rate, "l1"/"l2"/None, λ, dropout ratio, optimizer): the course's cases and its "try" variants.
CASES = (
    ("none", 0.01, None, 0.0, 0.0, "SGD"),
    ("l2_0.1", 0.01, "l2", 0.1, 0.0, "SGD"),
    ("l2_0.15", 0.01, "l2", 0.15, 0.0, "SGD"),
    ("none_lr0.1", 0.1, None, 0.0, 0.0, "SGD"),
    ("l1_0.005", 0.1, "l1", 0.005, 0.0, "SGD"),
    ("dropout_0.15", 0.01, None, 0.0, 0.15, "SGD"),
    ("dropout_0.2", 0.01, None, 0.0, 0.2, "SGD"),
    ("dropout_0.08+l1_0.004", 0.01, "l1", 0.004, 0.08, "SGD"),
    # "[try] optimizer と dropout_ratio": the dropout 0.15 cell with the cell's other optimizers.
    ("dropout_0.15+momentum", 0.01, None, 0.0, 0.15, "Momentum"),
    ("dropout_0.15+adagrad", 0.01, None, 0.0, 0.15, "AdaGrad"),
    ("dropout_0.15+adam", 0.001, None, 0.0, 0.15, "Adam"),
)
OPTIMIZER_CASES = ("dropout_0.15", "dropout_0.15+momentum", "dropout_0.15+adagrad", "dropout_0.15+adam")
PENALTIES = {"l1": L1, "l2": L2}
BINS = np.linspace(-0.5, 0.5, 101)


@dataclass(frozen=True)
class Config:
    """The course's network, data size and settings; ``cases`` as in `CASES`.

    ``near_zero``: a weight with $|w|$ below it counts as (near) zero; ``n_val``: validation
    images taken from the end of the training set, for early stopping.
    """

    n_train: int = 300
    n_val: int = 2000
    hidden: tuple[int, ...] = (100,) * 6
    cases: tuple[tuple[str, float, str | None, float, float, str], ...] = CASES
    iterations: int = 1000
    batch_size: int = 100
    eval_every: int = 10
    near_zero: float = 1e-3
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_train=60, n_val=100, hidden=(10, 10), iterations=20, eval_every=10,
              cases=(CASES[0], CASES[1], CASES[4], CASES[5], CASES[10]))


def make_net(config: Config, penalty: str | None, lam: float, dropout: float) -> MultiLayerNet:
    """The course's network with the case's penalty (`L1`/`L2`) and dropout, weights from ``seed``."""
    return MultiLayerNet(784, list(config.hidden), 10, regularizer=PENALTIES[penalty](lam) if penalty else None,
                         use_dropout=dropout > 0, dropout_ratio=dropout, seed=config.seed)


def weights(net: MultiLayerNet) -> np.ndarray:
    """All weights (not biases) of ``net`` in one flat array."""
    return np.concatenate([net.params[k].ravel() for k in net.params if k.startswith("W")])


def run(config: Config) -> Result:
    (x, t), test = datasets.load_mnist(source=config.source)
    data = ((x[:config.n_train], t[:config.n_train]), test)
    common = dict(iterations=config.iterations, batch_size=config.batch_size, eval_every=config.eval_every,
                  seed=config.seed)
    arrays, values = {}, {"order": [], "cases": {}, "final_train_acc": {}, "final_test_acc": {}, "gap": {},
                          "best_test_acc": {}, "near_zero_fraction": {}, "weight_std": {}, "weight_max": {}}
    for key, lr, penalty, lam, dropout, optimizer in config.cases:
        net = make_net(config, penalty, lam, dropout)
        curves = train(net, data, lr=lr, optimizer=optimizer, **common)
        w = weights(net)
        arrays.update(curve_arrays(key, curves, ("iterations", "train_acc", "test_acc")))
        arrays[f"{key}/hist"] = np.histogram(np.clip(w, BINS[0], BINS[-1]), BINS)[0]
        values["order"].append(key)
        values["cases"][key] = {"lr": lr, "penalty": penalty, "lam": lam, "dropout": dropout, "optimizer": optimizer}
        values["final_train_acc"][key] = curves["train_acc"][-1]
        values["final_test_acc"][key] = curves["test_acc"][-1]
        values["gap"][key] = curves["train_acc"][-1] - curves["test_acc"][-1]
        values["best_test_acc"][key] = max(curves["test_acc"])
        values["near_zero_fraction"][key] = float(np.mean(np.abs(w) < config.near_zero))
        values["weight_std"][key] = float(w.std())
        values["weight_max"][key] = float(np.abs(w).max())

    # Early stopping: the first case again, measured on held-out training images.
    key, lr, penalty, lam, dropout, optimizer = config.cases[0]
    val = (x[-config.n_val:], t[-config.n_val:])
    curves = train(make_net(config, penalty, lam, dropout), (data[0], val), lr=lr, optimizer=optimizer, **common)
    val_acc = np.asarray(curves["test_acc"])
    best = int(np.argmax(val_acc))
    test_acc = arrays[f"{key}/test_acc"]
    arrays["early_stopping/val_acc"] = val_acc
    values["early_stopping"] = {
        "case": key,
        "best_iteration": int(curves["iterations"][best]),
        "best_epoch": curves["iterations"][best] * config.batch_size / config.n_train,
        "val_acc_at_best": float(val_acc[best]),
        "val_acc_final": float(val_acc[-1]),
        "test_acc_at_best": float(test_acc[best]),
        "test_acc_final": float(test_acc[-1]),
    }
    values.update({
        "n_train": config.n_train,
        "n_val": config.n_val,
        "n_test": len(test[0]),
        "hidden": list(config.hidden),
        "layers": len(config.hidden) + 1,
        "iterations": config.iterations,
        "batch_size": config.batch_size,
        "eval_every": config.eval_every,
        "epochs": config.iterations * config.batch_size / config.n_train,
        "near_zero": config.near_zero,
        "n_weights": int(sum(a * b for a, b in zip((784, *config.hidden), (*config.hidden, 10)))),
        "optimizer_cases": [k for k in OPTIMIZER_CASES if k in values["cases"]],
        "description": describe(config.source),
    })
    arrays["bins"] = BINS
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"weight": "重みの値", "count": "重みの数（対数目盛）", "best": "検証正解率が最大", "none": "正則化なし",
        "l2": "L2（λ = {lam:g}）", "l1": "L1（λ = {lam:g}）", "plus": " ＋ ", "lr": "（学習率 {lr:g}）", "comma": "、"},
    en={"weight": "weight value", "count": "number of weights (log scale)", "best": "best validation accuracy",
        "none": "no regularisation", "l2": "L2 (λ = {lam:g})", "l1": "L1 (λ = {lam:g})", "plus": " + ",
        "lr": " (learning rate {lr:g})", "comma": ", "},
)


def case_label(case: dict, lang: str, with_lr: bool = False) -> str:
    """A case's name in ``lang``, e.g. ``'L1 (λ = 0.005)'``; the optimizer is named when it is not SGD.

    >>> case_label({"lr": 0.1, "penalty": "l1", "lam": 0.005, "dropout": 0.08}, "en", with_lr=True)
    'dropout 0.08 + L1 (λ = 0.005) (learning rate 0.1)'
    >>> case_label({"lr": 0.001, "penalty": None, "lam": 0.0, "dropout": 0.15, "optimizer": "Adam"}, "en")
    'Adam, dropout 0.15'
    """
    text = TEXT[check_lang(lang)]
    optimizer = case.get("optimizer", "SGD")
    parts = [] if optimizer == "SGD" else [optimizer + text["comma"]]
    if case["dropout"]:
        parts.append(text["dropout"].format(r=case["dropout"]))
    if case["penalty"]:
        parts.append(text[case["penalty"]].format(lam=case["lam"]))
    label = parts[0] + text["plus"].join(parts[1:]) if optimizer != "SGD" else text["plus"].join(parts)
    label = label or text["none"]
    return label + (text["lr"].format(lr=case["lr"]) if with_lr else "")


def plot(result: Result, lang: str):
    """Training (dashed) and test (solid) accuracy against iterations, one panel per case."""
    text = TEXT[check_lang(lang)]
    v = result.values
    order = [k for k in v["order"] if k not in v["optimizer_cases"][1:]]
    with panels(lang, len(order), 4, size=(3.2, 2.6), sharex=True, sharey=True) as (figure, axes):
        for ax, key in zip(axes.flat, order):
            its = result.arrays[f"{key}/iterations"]
            ax.plot(its, result.arrays[f"{key}/train_acc"], "--", color="C0", linewidth=1.3, label=text["train"])
            ax.plot(its, result.arrays[f"{key}/test_acc"], color="C1", linewidth=1.3, label=text["test"])
            ax.set(ylim=(0, 1.02), title=case_label(v["cases"][key], lang, with_lr=True))
            ax.title.set_fontsize("small")
        label_edges(axes, text["iteration"], text["acc"])
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


def plot_histograms(result: Result, lang: str):
    """Histograms of the trained weights without a penalty, with L2 and with L1."""
    text = TEXT[check_lang(lang)]
    v = result.values
    keys = [k for k in ("none_lr0.1", "l2_0.1", "l1_0.005") if k in v["order"]]
    bins = result.arrays["bins"]
    centres = (bins[:-1] + bins[1:]) / 2
    with panels(lang, len(keys), size=(3.4, 2.8), sharey=True) as (figure, axes):
        for i, (ax, key) in enumerate(zip(axes[0], keys)):
            ax.bar(centres, np.maximum(result.arrays[f"{key}/hist"], 0.8), width=bins[1] - bins[0], color=f"C{i}",
                   log=True)
            ax.set(xlabel=text["weight"], title=case_label(v["cases"][key], lang, with_lr=True), xlim=(-0.5, 0.5),
                   ylim=(0.8, None))
            ax.title.set_fontsize("small")
        axes[0, 0].set_ylabel(text["count"])
    return figure


def plot_early_stopping(result: Result, lang: str):
    """The unregularised case: training, validation and test accuracy, with the best validation point."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    e = v["early_stopping"]
    key = e["case"]
    its = result.arrays[f"{key}/iterations"]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
        ax.plot(its, result.arrays[f"{key}/train_acc"], "--", color="C0", linewidth=1.3, label=text["train"])
        ax.plot(its, result.arrays["early_stopping/val_acc"], color="C2", linewidth=1.3, label=text["val"])
        ax.plot(its, result.arrays[f"{key}/test_acc"], color="C1", linewidth=1.0, alpha=0.8, label=text["test"])
        ax.axvline(e["best_iteration"], color="#666666", linestyle=":", linewidth=1)
        ax.plot([e["best_iteration"]], [e["val_acc_at_best"]], "o", color="C2", label=text["best"])
        ax.set(ylim=(0, 1.02), xlabel=text["iteration"], ylabel=text["acc"])
        ax.legend(fontsize="small", loc="lower right")
    return figure


def plot_optimizers(result: Result, lang: str):
    """The course's "try": dropout 0.15 with each optimizer, training (dashed) and test (solid) accuracy."""
    text = TEXT[check_lang(lang)]
    v = result.values
    keys = v["optimizer_cases"]
    with panels(lang, len(keys), len(keys), size=(3.0, 2.6), sharex=True, sharey=True) as (figure, axes):
        for ax, key in zip(axes.flat, keys):
            its = result.arrays[f"{key}/iterations"]
            ax.plot(its, result.arrays[f"{key}/train_acc"], "--", color="C0", linewidth=1.3, label=text["train"])
            ax.plot(its, result.arrays[f"{key}/test_acc"], color="C1", linewidth=1.3, label=text["test"])
            case = v["cases"][key]
            ax.set(ylim=(0, 1.02), title=f"{case['optimizer']}{text['lr'].format(lr=case['lr'])}")
            ax.title.set_fontsize("small")
        label_edges(axes, text["iteration"], text["acc"])
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"curves": plot, "histograms": plot_histograms, "early_stopping": plot_early_stopping,
           "optimizers": plot_optimizers}
