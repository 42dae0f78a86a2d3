r"""All-zero or all-equal initial weights: every hidden unit of a layer stays the same unit.

A `MultiLayerNet` is built as usual and then its weights are overwritten with one value
(0, or a small constant), and it is trained with the chapter's SGD loop
(`dl_notes.experiments._toolkit.train`) next to the same net with random (Xavier) weights.
Units that start equal compute the same output and receive the same gradient, so they stay
equal however long the training: the layer behaves like a single unit. The experiment counts
the distinct units of each hidden layer after training and records the first layer's outputs
on a few test images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet

from ._plotting import ACT_NAMES, check_lang, note, panels
from ._result import Result
from ._toolkit import describe, mnist, train

TITLE = {"ja": "重みをすべて同じ値にすると", "en": "All-equal initial weights"}

# (key, activation, constant for every weight or None for Xavier's random weights)
CASES = (
    ("sigmoid/zeros", "sigmoid", 0.0),
    ("sigmoid/equal", "sigmoid", 0.01),
    ("sigmoid/xavier", "sigmoid", None),
    ("relu/zeros", "relu", 0.0),
)


@dataclass(frozen=True)
class Config:
    """The cases, the network, the SGD settings, how many test images to show, and the data."""

    cases: tuple[tuple[str, str, float | None], ...] = CASES
    hidden: tuple[int, ...] = (40, 20)
    iterations: int = 1000
    batch_size: int = 100
    lr: float = 0.1
    eval_every: int = 100
    images: int = 20
    train_subset: int | None = None
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(hidden=(6, 4), iterations=20, eval_every=10, images=5, train_subset=300)


def distinct_units(W: np.ndarray, tol: float = 1e-4) -> int:
    """How many different columns (units) ``W`` has, up to ``tol`` relative to its largest entry.

    >>> distinct_units(np.array([[1.0, 1.0, 2.0], [3.0, 3.0, 0.0]]))
    2
    >>> distinct_units(np.zeros((4, 3)))
    1
    """
    scale = max(float(np.abs(W).max()), 1e-30)
    groups: list[np.ndarray] = []
    for column in W.T:
        if not any(np.abs(column - g).max() <= tol * scale for g in groups):
            groups.append(column)
    return len(groups)


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.train_subset)
    (x, t), (x_test, _) = data
    arrays, units, accuracy, spread, order = {}, {}, {}, {}, []
    for key, activation, constant in config.cases:
        init = "xavier" if constant is None else 1.0  # overwritten below when a constant is asked for
        net = MultiLayerNet(x.shape[1], list(config.hidden), 10, activation=activation, weight_init_std=init,
                            seed=config.seed)
        if constant is not None:
            for name, param in net.params.items():
                if name.startswith("W"):
                    param[...] = constant
        curves = train(net, data, iterations=config.iterations, batch_size=config.batch_size, lr=config.lr,
                       eval_every=config.eval_every, seed=config.seed)
        order.append(key)
        hidden_keys = [f"W{l}" for l in range(1, len(config.hidden) + 1)]
        units[key] = [distinct_units(net.params[k]) for k in hidden_keys]
        # The largest difference between two units' incoming weights, per hidden layer.
        spread[key] = [float(np.ptp(net.params[k], axis=1).max()) for k in hidden_keys]
        accuracy[key] = curves["test_acc"][-1]
        first = net.layers["Activation_function1"].forward(net.layers["Affine1"].forward(x_test[:config.images]))
        arrays[f"{key}/hidden1"] = first  # (images, units of layer 1)
        arrays[f"{key}/test_acc"] = np.asarray(curves["test_acc"])
    values = {
        "order": order,
        "cases": {key: {"activation": a, "constant": c} for key, a, c in config.cases},
        "hidden": list(config.hidden),
        "act_labels": ACT_NAMES,
        "distinct_units": units,
        "unit_spread": spread,
        "final_test_acc": accuracy,
        "iterations": config.iterations,
        "batch_size": config.batch_size,
        "lr": config.lr,
        "images": config.images,
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"zeros": "すべて 0", "equal": "すべて {c}", "xavier": "Xavier（乱数）", "unit": "第 1 層のユニット",
           "image": "テスト画像", "acc": "正解率 {acc:.0%}"},
    "en": {"zeros": "all 0", "equal": "all {c}", "xavier": "Xavier (random)", "unit": "unit of hidden layer 1",
           "image": "test image", "acc": "accuracy {acc:.0%}"},
}


def case_label(values: dict, key: str, lang: str) -> str:
    """``'sigmoid, all 0'``: a case as the figure names it."""
    text = TEXT[check_lang(lang)]
    case = values["cases"][key]
    c = case["constant"]
    init = text["xavier"] if c is None else text["zeros"] if c == 0 else text["equal"].format(c=f"{c:g}")
    return f"{ACT_NAMES[lang][case['activation']]}{'、' if lang == 'ja' else ', '}{init}"


def plot(result: Result, lang: str):
    """One heatmap per case: the first hidden layer's outputs (units × test images) after training."""
    text = TEXT[check_lang(lang)]
    v = result.values
    keys = v["order"]
    with panels(lang, len(keys), 2, size=(3.5, 3.2)) as (figure, axes):
        for ax, key in zip(axes.flat, keys):
            h = result.arrays[f"{key}/hidden1"].T  # (units, images)
            ax.imshow(h, aspect="auto", cmap="viridis", interpolation="nearest")
            ax.set_title(note(case_label(v, key, lang), text["acc"].format(acc=v["final_test_acc"][key]), lang),
                         fontsize="medium")
            ax.set_xlabel(text["image"])
            ax.set_ylabel(text["unit"])
            ax.set_xticks([])
            ax.set_yticks([])
    return figure


FIGURES = {"hidden_units.png": plot}
