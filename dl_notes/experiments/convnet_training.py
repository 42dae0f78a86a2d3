r"""The course's SimpleConvNet trained with Adam on MNIST, next to fully connected nets on the same data.

Exercise 2_6 of the course trains ``SimpleConvNet`` (conv 30@5×5 → ReLU → 2×2 max pool →
Affine 100 → ReLU → Affine 10, weights ``0.01·randn``) on the first 5,000 training and 1,000
test images with ``Adam`` (lr 0.001), batch 100, for 1,000 iterations. This experiment does
exactly that, and trains two `MultiLayerNet` on the same images, with the same optimizer,
batches and iterations: the weight-initialisation chapter's ``[40, 20]`` (He) and a
``[550]`` net with about as many parameters as the CNN (433,890 against 437,260).

It records the train/test accuracy curves (measured on the 1,000 test images and on 1,000
training images), the first layer's filters before and after training, and the feature maps
of one test digit after the convolution and ReLU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import MultiLayerNet, SimpleConvNet

from ._plotting import check_lang, note, style, texts
from ._result import Result
from ._toolkit import describe, mnist, train

TITLE = {"ja": "SimpleConvNet の学習（MNIST）", "en": "Training SimpleConvNet (MNIST)"}

# (key, hidden sizes, weight_init_std) of the fully connected nets compared with the CNN
MLPS = (("mlp_40_20", (40, 20), "he"), ("mlp_550", (550,), "he"))


@dataclass(frozen=True)
class Config:
    """The course's exercise 2_6: data sizes, SimpleConvNet's settings, Adam and its schedule."""

    n_train: int = 5000
    n_test: int = 1000
    filter_num: int = 30
    filter_size: int = 5
    hidden_size: int = 100
    weight_init_std: float = 0.01
    mlps: tuple[tuple[str, tuple[int, ...], float | str], ...] = MLPS
    iterations: int = 1000
    batch_size: int = 100
    lr: float = 0.001
    eval_every: int = 100
    digit: int = 0  # which test image's feature maps to record
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_train=300, n_test=100, filter_num=4, hidden_size=10, mlps=(("mlp_550", (10,), "he"),),
              iterations=10, batch_size=20, eval_every=5)


def _train(net, data, config: Config) -> dict:
    """Train ``net`` with Adam on ``data``; batches drawn from ``config.seed`` (the same for every net).

    The curves as arrays: the iterations measured at, the accuracies there, and every mini-batch's loss
    (`_toolkit.train`: a run that diverges ends its curves at the iteration where it did).
    """
    curves = train(net, data, iterations=config.iterations, batch_size=config.batch_size, lr=config.lr,
                   eval_every=config.eval_every, seed=config.seed, optimizer="Adam")
    return {"iterations": np.asarray(curves["iterations"]), "train_acc": np.asarray(curves["train_acc"]),
            "test_acc": np.asarray(curves["test_acc"]), "loss": np.asarray(curves["batch_loss"])}


def run(config: Config) -> Result:
    (x, t), (x_test, t_test) = mnist(config.source, n_train=config.n_train, n_test=config.n_test,
                                     flatten=False)  # x: (n_train, 1, 28, 28)
    net = SimpleConvNet((1, 28, 28), {"filter_num": config.filter_num, "filter_size": config.filter_size,
                                      "pad": 0, "stride": 1},
                        hidden_size=config.hidden_size, weight_init_std=config.weight_init_std, seed=config.seed)
    # Nothing before the first layer learns: skip its input gradient (about a tenth of the time).
    net.layers["Conv1"].input_grad = False
    arrays = {"filters_before": net.params["W1"].copy()}
    curves = {"cnn": _train(net, ((x, t), (x_test, t_test)), config)}
    arrays["filters_after"] = net.params["W1"].copy()
    digit = x_test[config.digit:config.digit + 1]                          # (1, 1, 28, 28)
    conv = net.layers["Relu1"].forward(net.layers["Conv1"].forward(digit))[0]   # (FN, 24, 24)
    arrays["digit"], arrays["feature_maps"] = digit[0, 0], conv
    params = {"cnn": int(sum(p.size for p in net.params.values()))}
    flat, flat_test = x.reshape(len(x), -1), x_test.reshape(len(x_test), -1)  # (N, 784)
    for key, hidden, std in config.mlps:
        mlp = MultiLayerNet(flat.shape[1], list(hidden), 10, weight_init_std=std, seed=config.seed)
        curves[key] = _train(mlp, ((flat, t), (flat_test, t_test)), config)
        params[key] = int(sum(p.size for p in mlp.params.values()))
    for key, curve in curves.items():
        for name, values in curve.items():
            arrays[f"{key}/{name}"] = values
    final = {key: {"train": float(c["train_acc"][-1]), "test": float(c["test_acc"][-1])} for key, c in curves.items()}
    values = {
        "nets": list(curves),
        "mlp_hidden": {key: list(hidden) for key, hidden, _ in config.mlps},
        "final": final,
        "best_test": {key: float(c["test_acc"].max()) for key, c in curves.items()},
        "gap": {key: f["train"] - f["test"] for key, f in final.items()},
        "params": params,
        "n_train": len(x), "n_test": len(x_test),
        "iterations": config.iterations, "batch_size": config.batch_size, "lr": config.lr,
        "eval_every": config.eval_every, "epochs": config.iterations * config.batch_size / len(x),
        "filter_num": config.filter_num, "filter_size": config.filter_size,
        "feature_map_size": list(conv.shape[1:]),
        "digit_label": int(t_test[config.digit]),
        "filter_change": float(np.abs(arrays["filters_after"] - arrays["filters_before"]).mean()
                               / np.abs(arrays["filters_before"]).mean()),
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"train": "訓練", "test": "テスト", "cnn": "SimpleConvNet", "mlp": "全結合 {h}", "before": "学習前",
        "after": "学習後", "digit": "入力（ラベル {label}）", "map": "フィルタ {i}"},
    en={"train": "train", "test": "test", "cnn": "SimpleConvNet", "mlp": "fully connected {h}",
        "before": "before training", "after": "after training", "digit": "input (label {label})",
        "map": "filter {i}"},
)


def plot_accuracy(result: Result, lang: str):
    """Train (dashed) and test (solid) accuracy against iterations, the CNN and the MLPs."""
    import matplotlib.pyplot as plt

    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for i, key in enumerate(v["nets"]):
            name = text["cnn"] if key == "cnn" else text["mlp"].format(h="-".join(map(str, v["mlp_hidden"][key])))
            its = a[f"{key}/iterations"]
            ax.plot(its, a[f"{key}/test_acc"], "-", color=f"C{i}", linewidth=1.6, label=note(name, text["test"], lang))
            ax.plot(its, a[f"{key}/train_acc"], "--", color=f"C{i}", linewidth=1.0,
                    label=note(name, text["train"], lang))
        ax.set(xlabel=text["iteration"], ylabel=text["acc"], ylim=(0, 1))
        ax.legend(fontsize="small", loc="lower right", ncol=2)
    return figure


def _grid(ax_row, images, cmap, symmetric):
    for ax, image in zip(ax_row, images):
        limit = np.abs(image).max() or 1
        ax.imshow(image, cmap=cmap, vmin=-limit if symmetric else 0, vmax=limit, interpolation="nearest")
        ax.set_xticks([]), ax.set_yticks([])


def plot_filters(result: Result, lang: str):
    """The first layer's filters before and after training, one row each (each filter scaled to its own range)."""
    import matplotlib.pyplot as plt

    text, a = TEXT[check_lang(lang)], result.arrays
    before, after = a["filters_before"][:, 0], a["filters_after"][:, 0]     # (FN, FS, FS)
    n = len(before)
    cols = min(n, 15)
    rows_per = -(-n // cols)
    with style(lang):
        figure, axes = plt.subplots(2 * rows_per, cols, figsize=(0.62 * cols, 0.75 * 2 * rows_per + 0.3),
                                    squeeze=False)
        for block, (filters, label) in enumerate(((before, text["before"]), (after, text["after"]))):
            for r in range(rows_per):
                row = axes[block * rows_per + r]
                _grid(row, filters[r * cols:(r + 1) * cols], "RdBu_r", True)
                for ax in row[len(filters[r * cols:(r + 1) * cols]):]:
                    ax.axis("off")
            axes[block * rows_per, 0].set_title(label, loc="left", fontsize="small")
        figure.subplots_adjust(wspace=0.08, hspace=0.25)
    return figure


def plot_feature_maps(result: Result, lang: str):
    """One test digit and its feature maps after Conv1 + ReLU."""
    import matplotlib.pyplot as plt

    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    maps = a["feature_maps"]
    cols = min(len(maps), 10)
    rows = -(-len(maps) // cols)
    with style(lang):
        figure, axes = plt.subplots(rows, cols + 1, figsize=(0.85 * (cols + 1), 0.95 * rows + 0.2), squeeze=False)
        axes[0, 0].imshow(a["digit"], cmap="gray_r", interpolation="nearest")
        axes[0, 0].set_title(text["digit"].format(label=v["digit_label"]), fontsize="x-small")
        for r in range(rows):
            axes[r, 0].set_xticks([]), axes[r, 0].set_yticks([])
            if r:
                axes[r, 0].axis("off")
            _grid(axes[r, 1:], maps[r * cols:(r + 1) * cols], "viridis", False)
            for ax in axes[r, 1 + len(maps[r * cols:(r + 1) * cols]):]:
                ax.axis("off")
        figure.subplots_adjust(wspace=0.08, hspace=0.12)
    return figure


FIGURES = {"accuracy": plot_accuracy, "filters.png": plot_filters, "feature_maps.png": plot_feature_maps}
