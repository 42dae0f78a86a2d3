r"""The course's optimizer exercise on MNIST, and a learning-rate sweep.

Exercise 2_4 of the course trains ``MultiLayerNet(784, [40, 20], 10, 'sigmoid',
weight_init_std=0.01)`` for 1,000 iterations (batch 100) with SGD, Momentum, AdaGrad, RMSProp
and Adam, every one with learning rate 0.01, and asks the reader to add dropout. This
experiment runs the five optimizers on the same initial weights and the same mini-batches,
without and with dropout (ratio 0.15), through the experiments' shared loop
(`dl_notes.experiments._toolkit.train`).

The sweep trains one network (ReLU, He initialisation) with plain SGD at learning rates from
far too small to far too large. A run whose loss stops being finite is recorded with the
iteration where that happened (`dl_notes.train.TrainingDiverged`), not raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet

from ._plotting import check_lang, panels, style, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, mnist, train

TITLE = {"ja": "MNIST での最適化手法と学習率", "en": "Optimizers and learning rates on MNIST"}

OPTIMIZERS = (("sgd", "SGD"), ("momentum", "Momentum"), ("adagrad", "AdaGrad"), ("rmsprop", "RMSProp"),
              ("adam", "Adam"))
NAMES = dict(OPTIMIZERS)

# The course's solution notebook (2_4_optimizer_after) gives each optimizer its own settings.
# Its AdaGrad starts h at 1e-4 (the course's theta) and, unlike this class, adds no g² on the first
# iteration and no epsilon; from the second iteration on the two are the same rule.
COURSE_SOLUTION = (
    ("sgd", "SGD", (("lr", 0.01),)),
    ("momentum", "Momentum", (("lr", 0.3), ("momentum", 0.9))),
    ("adagrad", "AdaGrad", (("lr", 0.1), ("initial_accumulator_value", 1e-4))),
    ("rmsprop", "RMSProp", (("lr", 0.01), ("decay_rate", 0.99))),
    ("adam", "Adam", (("lr", 0.01), ("beta1", 0.9), ("beta2", 0.999))),
)


@dataclass(frozen=True)
class Config:
    """The course's network and settings, the dropout ratios to run, and the sweep.

    ``dropout`` lists dropout ratios (0 = no dropout); every optimizer runs once per ratio.
    ``sweep_lrs`` are the SGD learning rates of the sweep, on a ``sweep_activation`` network.
    ``solution`` lists (key, optimizer, settings) run once more without dropout: the course
    solution's own learning rates, each optimizer its own.
    """

    hidden: tuple[int, ...] = (40, 20)
    activation: str = "sigmoid"
    weight_init_std: float = 0.01
    optimizers: tuple[tuple[str, str], ...] = OPTIMIZERS
    lr: float = 0.01
    dropout: tuple[float, ...] = (0.0, 0.15)
    solution: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = COURSE_SOLUTION
    iterations: int = 1000
    batch_size: int = 100
    eval_every: int = 20
    sweep_activation: str = "relu"
    sweep_init: str = "he"
    sweep_lrs: tuple[float, ...] = (0.001, 0.01, 0.1, 1.0, 3.0, 30.0, 1e4)
    sweep_iterations: int = 500
    train_subset: int | None = None
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(iterations=20, eval_every=10, sweep_lrs=(0.01, 1e4), sweep_iterations=20,
              train_subset=500)


def case_key(optimizer: str, dropout: float) -> str:
    """``'adam'``, or ``'adam+dropout0.15'`` with dropout.

    >>> case_key("sgd", 0.15), case_key("sgd", 0.0)
    ('sgd+dropout0.15', 'sgd')
    """
    return optimizer + (f"+dropout{dropout:g}" if dropout else "")


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.train_subset)
    (x, t), _ = data
    common = dict(iterations=config.iterations, batch_size=config.batch_size, eval_every=config.eval_every,
                  seed=config.seed)
    arrays, final, order, diverged = {}, {}, [], {}
    for ratio in config.dropout:
        for key, name in config.optimizers:
            net = MultiLayerNet(x.shape[1], list(config.hidden), 10, activation=config.activation,
                                weight_init_std=config.weight_init_std, use_dropout=ratio > 0,
                                dropout_ratio=ratio, seed=config.seed)
            curves = train(net, data, lr=config.lr, optimizer=name, **common)
            case = case_key(key, ratio)
            order.append(case)
            arrays.update(curve_arrays(case, curves, ("iterations", "test_acc", "train_acc")))
            final[case] = curves["test_acc"][-1]
            diverged[case] = curves["diverged_at"]

    solution_acc = {}
    for key, name, kwargs in config.solution:
        net = MultiLayerNet(x.shape[1], list(config.hidden), 10, activation=config.activation,
                            weight_init_std=config.weight_init_std, seed=config.seed)
        settings = dict(kwargs)
        curves = train(net, data, lr=settings.pop("lr"), optimizer=name, optimizer_param=settings, **common)
        arrays.update(curve_arrays(f"solution/{key}", curves, ("iterations", "test_acc", "train_acc")))
        solution_acc[key] = curves["test_acc"][-1]
        diverged[f"solution/{key}"] = curves["diverged_at"]

    sweep_final, sweep_diverged, sweep_loss, sweep_peak = {}, {}, {}, {}
    for lr in config.sweep_lrs:
        net = MultiLayerNet(x.shape[1], list(config.hidden), 10, activation=config.sweep_activation,
                            weight_init_std=config.sweep_init, seed=config.seed)
        curves = train(net, data, lr=lr, optimizer="SGD", iterations=config.sweep_iterations,
                       batch_size=config.batch_size, eval_every=config.eval_every, seed=config.seed)
        key = f"{lr:g}"
        arrays.update(curve_arrays(f"sweep/{key}", curves, ("iterations", "test_acc", "loss")))
        sweep_final[key] = curves["test_acc"][-1]
        sweep_diverged[key] = curves["diverged_at"]
        sweep_loss[key] = curves["loss"][-1] if curves["loss"] else None
        sweep_peak[key] = max(curves["loss"]) if curves["loss"] else None

    finished = [k for k in sweep_final if sweep_diverged[k] is None]
    best_lr = max(finished, key=lambda k: sweep_final[k]) if finished else None
    plain = [case_key(k, 0.0) for k, _ in config.optimizers]
    values = {
        "order": order,
        "optimizers": [k for k, _ in config.optimizers],
        "names": NAMES,
        "dropout": [r for r in config.dropout if r],
        "final_test_acc": final,
        "solution_order": [key for key, _, _ in config.solution],
        "solution_settings": {key: ", ".join(f"{k}={v:g}" for k, v in kwargs) for key, _, kwargs in config.solution},
        "solution_test_acc": solution_acc,
        "diverged_at": diverged,
        "ranking": sorted(plain, key=lambda k: -final[k]),
        "hidden": list(config.hidden),
        "activation": config.activation,
        "weight_init_std": config.weight_init_std,
        "lr": config.lr,
        "iterations": config.iterations,
        "batch_size": config.batch_size,
        "eval_every": config.eval_every,
        "sweep_lrs": [f"{lr:g}" for lr in config.sweep_lrs],
        "sweep_final_test_acc": sweep_final,
        "sweep_diverged_at": sweep_diverged,
        "sweep_final_loss": sweep_loss,
        "sweep_peak_loss": sweep_peak,
        "sweep_best_lr": best_lr,
        "sweep_iterations": config.sweep_iterations,
        "sweep_activation": config.sweep_activation,
        "n_train": len(x),
        "n_test": len(data[1][0]),
        "epochs": config.iterations * config.batch_size / len(x),
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"loss": "訓練損失（ミニバッチの平均）", "plain": "ドロップアウトなし", "solution": "講義の解答例の学習率",
        "lr": "学習率 {lr}",
        "diverged": "学習率 {lr}：{it} イテレーション目で発散", "final_acc": "最後のテスト正解率"},
    en={"loss": "training loss (mini-batch mean)", "plain": "no dropout", "solution": "the course solution's rates",
        "lr": "learning rate {lr}",
        "diverged": "learning rate {lr}: diverged at iteration {it}", "final_acc": "final test accuracy"},
)


def plot(result: Result, lang: str):
    """Test accuracy against iterations, one panel per dropout setting, one colour per optimizer."""
    text = TEXT[check_lang(lang)]
    v = result.values
    # (title, case key of each optimizer): one panel per dropout ratio, then the course solution's rates
    columns = [(text["dropout"].format(r=ratio) if ratio else text["plain"],
                {key: case_key(key, ratio) for key in v["optimizers"]}) for ratio in [0.0, *v["dropout"]]]
    if v["solution_order"]:
        columns.append((text["solution"], {key: f"solution/{key}" for key in v["solution_order"]}))
    with panels(lang, len(columns), size=(4.6, 3.4), sharey=True) as (figure, axes):
        for ax, (title, cases) in zip(axes[0], columns):
            for i, key in enumerate(v["optimizers"]):
                if key in cases:
                    ax.plot(result.arrays[f"{cases[key]}/iterations"], result.arrays[f"{cases[key]}/test_acc"],
                            color=f"C{i}", linewidth=1.4, label=v["names"][key])
            ax.set(ylim=(0, 1), xlabel=text["iteration"], title=title)
            ax.title.set_fontsize("medium")
        axes[0, 0].set_ylabel(text["test_acc"])
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


def plot_sweep(result: Result, lang: str):
    """Left: training loss against iterations per SGD learning rate (× where the loss stopped being
    finite). Right: final test accuracy against the learning rate."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    with style(lang):
        figure, (ax, right) = plt.subplots(1, 2, figsize=(9.6, 3.6), layout="constrained",
                                           gridspec_kw={"width_ratios": [1.6, 1]})
        for i, lr in enumerate(v["sweep_lrs"]):
            its = result.arrays[f"sweep/{lr}/iterations"]
            loss = result.arrays[f"sweep/{lr}/loss"]
            at = v["sweep_diverged_at"][lr]
            label = text["lr"].format(lr=lr) if at is None else text["diverged"].format(lr=lr, it=at)
            # loss[k] is the mean over the iterations between its[k] and its[k + 1]: plot it at the end.
            ax.plot(its[1:len(loss) + 1], loss, color=f"C{i}", linewidth=1.4, label=label)
            if at is not None:
                ax.plot([at], [v["sweep_peak_loss"][lr] or 1.0], marker="x", markersize=10, markeredgewidth=2,
                        color=f"C{i}", linestyle="none")
            acc = v["sweep_final_test_acc"][lr]
            right.plot([float(lr)], [acc], marker="x" if at is not None else "o", markersize=8, color=f"C{i}",
                       linestyle="none")
        lrs = [float(lr) for lr in v["sweep_lrs"]]
        right.plot(lrs, [v["sweep_final_test_acc"][lr] for lr in v["sweep_lrs"]], color="#999999",
                   linewidth=0.8, zorder=0)
        ax.set(yscale="log", xlabel=text["iteration"], ylabel=text["loss"])
        ax.legend(fontsize="x-small", loc="upper right")
        right.set(xscale="log", ylim=(0, 1), xlabel=text["lr_axis"], ylabel=text["final_acc"])
    return figure


FIGURES = {"curves": plot, "lr_sweep": plot_sweep}
