r"""The course's grid on MNIST: sigmoid/ReLU × Gaussian (std 0.01)/Xavier/He, shallow and deep.

Exercise 2_2 of the course trains ``MultiLayerNet(784, [40, 20], 10)`` with plain SGD
(lr 0.1, batch 100, 2,000 iterations) for each activation and initialisation, and asks the
reader to try a deeper net, ``[40, 20] + [20] * 4``. This experiment runs every case with the
same initial random stream and the same mini-batches, and records the test accuracy (on the
whole test set) and the training loss along the way. Every case runs twice, without and with
batch normalisation (``use_batchnorm``): the weight-initialisation page reads the first half,
the batch-normalisation page compares the two. One experiment rather than two, so that no run
is computed twice and the chapter stays within its time budget. The course report's own version
of the grid (seed 004) used lr 0.01 and 1,000 iterations; the shallow cases also run at those
settings (``report``), so that a student can compare with either notebook.

`train_case` builds each case's `dl_notes.nets.MultiLayerNet` (float32) and trains it with the
experiments' shared loop, `dl_notes.experiments._toolkit.train` (`dl_notes.train.Trainer`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet

from ._plotting import ACT_NAMES, INIT_NAMES, check_lang, label_edges, note, panels, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, mnist, train

TITLE = {"ja": "活性化関数 × 重みの初期値（MNIST）", "en": "Activation × initialisation (MNIST)"}

# (key, weight_init_std as MultiLayerNet takes it)
INITS = (("std0.01", 0.01), ("xavier", "xavier"), ("he", "he"))
DEPTHS = (("shallow", (40, 20)), ("deep", (40, 20, 20, 20, 20, 20)))


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
    # The course report's own grid (seed 004) used lr 0.01 for 1,000 iterations: the first depth's
    # six cases (no batch normalisation) also run at these settings; report_lr=None skips them.
    report_lr: float | None = 0.01
    report_iterations: int = 1000
    train_subset: int | None = None  # use only the first n training images (for tests)
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(depths=(("shallow", (10,)),), iterations=20, eval_every=10, report_iterations=10, train_subset=500)


def case_key(depth: str, activation: str, init: str, batchnorm: bool = False) -> str:
    """``'shallow/relu/he'``, with ``'+bn'`` for batch normalisation: the key of one run.

    >>> case_key("deep", "sigmoid", "xavier", True)
    'deep/sigmoid/xavier+bn'
    """
    return f"{depth}/{activation}/{init}" + ("+bn" if batchnorm else "")


def train_case(data, hidden: tuple[int, ...], activation: str, weight_init_std, *, batchnorm: bool = False,
               iterations: int, batch_size: int, lr: float, eval_every: int, seed: int) -> dict:
    """Build a `MultiLayerNet` for ``data`` (initial weights from ``seed``), `train` it, return its curves.

    The curves are those of `dl_notes.experiments._toolkit.train`.

    >>> import numpy as np
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


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.train_subset)
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
                    arrays.update(curve_arrays(key, curves, ("test_acc", "loss", "iterations")))
                    final[key] = curves["test_acc"][-1]
                    best[key] = max(curves["test_acc"])
                    # The first measurement after training started: how fast each case gets going.
                    early[key] = curves["test_acc"][1] if len(curves["test_acc"]) > 1 else None
                    loss_final[key] = curves["loss"][-1] if curves["loss"] else None
                    diverged[key] = curves["diverged_at"]
                    labels[key] = {"depth": depth, "activation": activation, "init": init, "batchnorm": bn}
    report = run_report(config, data, arrays) if config.report_lr is not None else None
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
        "act_labels": ACT_NAMES,
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
        "description": describe(config.source),
        "report": report,
    }
    return Result(arrays=arrays, values=values)


def run_report(config: Config, data, arrays: dict) -> dict:
    """The first depth's cases without batch norm at the report's ``report_lr`` and ``report_iterations``.

    Their curves go into ``arrays`` under ``report/<case key>/...``; returns their final test
    accuracies and the settings.
    """
    depth, hidden = config.depths[0]
    final = {}
    for activation in config.activations:
        for init, std in config.inits:
            key = case_key(depth, activation, init)
            curves = train_case(data, hidden, activation, std, iterations=config.report_iterations,
                                batch_size=config.batch_size, lr=config.report_lr, eval_every=config.eval_every,
                                seed=config.seed)
            arrays.update(curve_arrays(f"report/{key}", curves, ("test_acc", "iterations")))
            final[key] = curves["test_acc"][-1]
    return {"lr": config.report_lr, "iterations": config.report_iterations, "depth": depth,
            "final_test_acc": final}


def ranked(values: dict, depth: str, batchnorm: bool = False) -> list[str]:
    """Keys of one depth's cases, best final test accuracy first."""
    keys = [k for k in values["order"] if values["cases"][k]["depth"] == depth and values["cases"][k]["batchnorm"] == batchnorm]
    return sorted(keys, key=lambda k: -values["final_test_acc"][k])


TEXT = texts(
    ja={"title": "{act}、隠れ層 {depth} 層（{hidden}）", "bn": "バッチ正規化あり", "nobn": "なし"},
    en={"title": "{act}, {depth} hidden layers {hidden}", "bn": "with batch norm", "nobn": "without"},
)


def curve_grid(result: Result, lang: str, batchnorm_styles: dict):
    """Panels (depth × activation) of test-accuracy curves, one colour per initialisation.

    ``batchnorm_styles`` maps each ``use_batchnorm`` setting to draw to its line style.
    """
    text = TEXT[check_lang(lang)]
    v = result.values
    depths, acts = v["depth_order"], v["activations"]
    with panels(lang, len(depths) * len(acts), len(acts), size=(4.2, 3.1), sharex=True, sharey=True) as (figure, axes):
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
                            label = note(label, text["bn"] if bn else text["nobn"], lang)
                        ax.plot(result.arrays[f"{key}/iterations"], result.arrays[f"{key}/test_acc"],
                                line, color=f"C{i}", linewidth=1.4, label=label)
                ax.set(ylim=(0, 1), title=text["title"].format(act=ACT_NAMES[lang][act], depth=len(hidden),
                                                              hidden="-".join(map(str, hidden))))
                ax.title.set_fontsize("medium")
        label_edges(axes, text["iteration"], text["test_acc"])
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


def plot(result: Result, lang: str):
    """The course's figure: test accuracy against iterations for every case, without batch norm."""
    return curve_grid(result, lang, {False: "-"})


def plot_batchnorm(result: Result, lang: str):
    """The same panels with batch normalisation (solid) and without (dashed)."""
    return curve_grid(result, lang, {True: "-", False: "--"})


FIGURES = {"accuracy": plot, "batchnorm": plot_batchnorm}
