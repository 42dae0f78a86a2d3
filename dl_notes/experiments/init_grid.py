r"""The course's grid on MNIST: sigmoid/ReLU × Gaussian (std 0.01)/Xavier/He, shallow and deep.

Exercise 2_2 of the course trains ``MultiLayerNet(784, [40, 20], 10)`` with plain SGD
(lr 0.1, batch 100, 2,000 iterations) for each activation and initialisation, and asks the
reader to try a deeper net, ``[40, 20] + [20] * 4``. This experiment runs every case with the
same initial random stream and the same mini-batches, and records the test accuracy (on the
whole test set) and the training loss along the way. Every case runs twice, without and with
batch normalisation (``use_batchnorm``): the weight-initialisation page reads the first half,
the batch-normalisation page compares the two. One experiment rather than two, so that no run
is computed twice and the chapter stays within its time budget.

`train_case` is the one training loop of the chapter: `dl_notes.train.Trainer` on a
`dl_notes.nets.MultiLayerNet`, float32.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet
from dl_notes.train import Trainer, TrainingDiverged

from ._plotting import check_lang, style
from ._result import Result

TITLE = {"ja": "活性化関数 × 重みの初期値（MNIST）", "en": "Activation × initialisation (MNIST)"}

# (key, weight_init_std as MultiLayerNet takes it)
INITS = (("std0.01", 0.01), ("xavier", "xavier"), ("he", "he"))
DEPTHS = (("shallow", (40, 20)), ("deep", (40, 20, 20, 20, 20, 20)))
INIT_NAMES = {
    "ja": {"std0.01": "ガウス分布 (std 0.01)", "xavier": "Xavier", "he": "He"},
    "en": {"std0.01": "Gaussian (std 0.01)", "xavier": "Xavier", "he": "He"},
}
ACT_NAMES = {"sigmoid": "sigmoid", "relu": "ReLU", "tanh": "tanh"}


@dataclass(frozen=True)
class Config:
    """The grid (activations × initialisations × depths), the course's SGD settings and the data.

    ``batchnorm`` lists the settings of ``use_batchnorm`` to run (each case once per setting).
    ``eval_every``: iterations between two measurements of the test accuracy.
    """

    activations: tuple[str, ...] = ("sigmoid", "relu")
    inits: tuple[tuple[str, float | str], ...] = INITS
    depths: tuple[tuple[str, tuple[int, ...]], ...] = DEPTHS
    batchnorm: tuple[bool, ...] = (False, True)
    iterations: int = 2000
    batch_size: int = 100
    lr: float = 0.1
    eval_every: int = 100
    train_subset: int | None = None  # use only the first n training images (for tests)
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(depths=(("shallow", (10,)),), iterations=20, eval_every=10, train_subset=500)


def case_key(depth: str, activation: str, init: str, batchnorm: bool = False) -> str:
    """``'shallow/relu/he'``, with ``'+bn'`` for batch normalisation: the key of one run.

    >>> case_key("deep", "sigmoid", "xavier", True)
    'deep/sigmoid/xavier+bn'
    """
    return f"{depth}/{activation}/{init}" + ("+bn" if batchnorm else "")


def train_case(data, hidden: tuple[int, ...], activation: str, weight_init_std, *, batchnorm: bool = False,
               iterations: int, batch_size: int, lr: float, eval_every: int, seed: int) -> dict:
    """Build a `MultiLayerNet` for ``data`` (initial weights from ``seed``), `train` it, return its curves.

    >>> rng = np.random.default_rng(0)
    >>> x, t = rng.random((60, 4), dtype=np.float32), rng.integers(0, 3, 60)
    >>> run = train_case(((x, t), (x, t)), (5,), "relu", "he", iterations=4, batch_size=10, lr=0.1,
    ...                  eval_every=2, seed=0)
    >>> run["iterations"], len(run["test_acc"]), len(run["loss"]), run["diverged_at"]
    ([0, 2, 4], 3, 2, None)
    """
    (x, t), _ = data
    net = MultiLayerNet(x.shape[1], list(hidden), int(t.max()) + 1, activation=activation,
                        weight_init_std=weight_init_std, use_batchnorm=batchnorm, seed=seed)
    return train(net, data, iterations=iterations, batch_size=batch_size, lr=lr, eval_every=eval_every, seed=seed)


def train(net, data, *, iterations: int, batch_size: int, lr: float, eval_every: int, seed: int,
          optimizer: str = "SGD") -> dict:
    """Train ``net`` in place with ``optimizer`` (`dl_notes.train.Trainer`, batches drawn from ``seed``).

    ``data`` is ``((x_train, t_train), (x_test, t_test))`` as `load_mnist` gives it. The test
    accuracy is measured on the whole test set every ``eval_every`` iterations (and before the
    first); ``loss`` is the mean training loss of the mini-batches between two measurements.
    A run that diverges is recorded (``diverged_at``) instead of stopping the grid.
    """
    (x, t), (x_test, t_test) = data
    # evaluate_sample_num_per_epoch = the test set's size keeps the test set whole and measures
    # the training accuracy on as many training images.
    trainer = Trainer(net, x, t, x_test, t_test, mini_batch_size=batch_size, optimizer=optimizer,
                      optimizer_param={"lr": lr}, evaluate_sample_num_per_epoch=len(x_test), verbose=False,
                      iterations=iterations, eval_every=eval_every, seed=seed)
    diverged_at = None
    try:
        trainer.train()
    except TrainingDiverged as error:
        diverged_at = error.iteration
    losses = np.asarray(trainer.train_loss_list)
    windows = [losses[a:b].mean() for a, b in zip(trainer.eval_iterations, trainer.eval_iterations[1:])]
    return {
        "iterations": list(trainer.eval_iterations),
        "test_acc": list(trainer.test_acc_list),
        "train_acc": list(trainer.train_acc_list),
        "loss": [float(w) for w in windows],
        "diverged_at": diverged_at,
    }


def load_data(config) -> tuple:
    """The MNIST arrays of ``config.source``, the training set cut to ``train_subset`` if set."""
    (x, t), test = datasets.load_mnist(source=config.source)
    if config.train_subset is not None:
        x, t = x[:config.train_subset], t[:config.train_subset]
    return (x, t), test


def run(config: Config) -> Result:
    data = load_data(config)
    order, arrays, final, best, loss_final, diverged, labels, early = [], {}, {}, {}, {}, {}, {}, {}
    for depth, hidden in config.depths:
        for bn in config.batchnorm:
            for activation in config.activations:
                for init, std in config.inits:
                    key = case_key(depth, activation, init, bn)
                    curves = train_case(data, hidden, activation, std, batchnorm=bn,
                                        iterations=config.iterations, batch_size=config.batch_size,
                                        lr=config.lr, eval_every=config.eval_every, seed=config.seed)
                    order.append(key)
                    arrays[f"{key}/test_acc"] = np.asarray(curves["test_acc"])
                    arrays[f"{key}/loss"] = np.asarray(curves["loss"])
                    arrays[f"{key}/iterations"] = np.asarray(curves["iterations"])
                    final[key] = curves["test_acc"][-1]
                    best[key] = max(curves["test_acc"])
                    # The first measurement after training started: how fast each case gets going.
                    early[key] = curves["test_acc"][1] if len(curves["test_acc"]) > 1 else None
                    loss_final[key] = curves["loss"][-1] if curves["loss"] else None
                    diverged[key] = curves["diverged_at"]
                    labels[key] = {"depth": depth, "activation": activation, "init": init, "batchnorm": bn}
    n_train = len(data[0][0])
    # How far apart the initialisations and activations end, per depth, without and with batch norm.
    spread = {}
    for depth, _ in config.depths:
        for bn in config.batchnorm:
            accs = [final[k] for k in order if labels[k]["depth"] == depth and labels[k]["batchnorm"] == bn]
            spread[depth + ("+bn" if bn else "")] = max(accs) - min(accs)
    values = {
        "order": order,  # the cache returns dicts key-sorted: this is the order of the grid
        "depths": {depth: list(hidden) for depth, hidden in config.depths},
        "depth_order": [depth for depth, _ in config.depths],
        "activations": list(config.activations),
        "inits": [init for init, _ in config.inits],
        "batchnorm": list(config.batchnorm),
        "cases": labels,
        "final_test_acc": final,
        "best_test_acc": best,
        "early_test_acc": early,
        "early_iteration": config.eval_every,
        "final_spread": spread,
        "init_labels": INIT_NAMES,
        "final_loss": loss_final,
        "diverged_at": diverged,
        "iterations": config.iterations,
        "batch_size": config.batch_size,
        "lr": config.lr,
        "eval_every": config.eval_every,
        "n_train": n_train,
        "n_test": len(data[1][0]),
        "epochs": config.iterations * config.batch_size / n_train,
        "chance": 1 / 10,
        "description": {lang: datasets.describe_mnist(config.source, lang) for lang in ("ja", "en")},
    }
    return Result(arrays=arrays, values=values)


def ranked(values: dict, depth: str, batchnorm: bool = False) -> list[str]:
    """Keys of one depth's cases, best final test accuracy first."""
    keys = [k for k in values["order"] if values["cases"][k]["depth"] == depth and values["cases"][k]["batchnorm"] == batchnorm]
    return sorted(keys, key=lambda k: -values["final_test_acc"][k])


TEXT = {
    "ja": {"iteration": "イテレーション", "acc": "テストデータの正解率", "chance": "当て推量 (10%)",
           "title": "{act}、{depth}層 {hidden}", "bn": "バッチ正規化あり", "nobn": "なし"},
    "en": {"iteration": "iteration", "acc": "test accuracy", "chance": "chance (10%)",
           "title": "{act}, {depth} hidden layers {hidden}", "bn": "with batch norm", "nobn": "without"},
}


def curve_grid(result: Result, lang: str, batchnorm_styles: dict):
    """Panels (depth × activation) of test-accuracy curves, one colour per initialisation.

    ``batchnorm_styles`` maps each ``use_batchnorm`` setting to draw to its line style.
    """
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    depths, acts = v["depth_order"], v["activations"]
    with style(lang):
        figure, axes = plt.subplots(len(depths), len(acts), figsize=(4.2 * len(acts), 3.1 * len(depths)),
                                    layout="constrained", squeeze=False, sharex=True, sharey=True)
        for r, depth in enumerate(depths):
            hidden = v["depths"][depth]
            for c, act in enumerate(acts):
                ax = axes[r, c]
                ax.axhline(v["chance"], color="#999999", linewidth=0.8, linestyle=":")
                for i, init in enumerate(v["inits"]):
                    for bn, line in batchnorm_styles.items():
                        key = case_key(depth, act, init, bn)
                        label = INIT_NAMES[lang][init]
                        if len(batchnorm_styles) > 1:
                            label += f"（{text['bn'] if bn else text['nobn']}）" if lang == "ja" else \
                                f" ({text['bn'] if bn else text['nobn']})"
                        ax.plot(result.arrays[f"{key}/iterations"], result.arrays[f"{key}/test_acc"],
                                line, color=f"C{i}", linewidth=1.4, label=label)
                ax.set(ylim=(0, 1), title=text["title"].format(act=ACT_NAMES[act], depth=len(hidden),
                                                              hidden="-".join(map(str, hidden))))
                ax.title.set_fontsize("medium")
                if r == len(depths) - 1:
                    ax.set_xlabel(text["iteration"])
                if c == 0:
                    ax.set_ylabel(text["acc"])
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


def plot(result: Result, lang: str):
    """The course's figure: test accuracy against iterations for every case, without batch norm."""
    return curve_grid(result, lang, {False: "-"})


def plot_batchnorm(result: Result, lang: str):
    """The same panels with batch normalisation (solid) and without (dashed)."""
    return curve_grid(result, lang, {True: "-", False: "--"})


FIGURES = {"accuracy": plot, "batchnorm": plot_batchnorm}
