r"""Why training minimises a loss and not the accuracy: both against one weight of a trained net.

A small `dl_notes.nets.TwoLayerNet` is trained on MNIST for a few hundred SGD steps. Then one
weight of its output layer is moved over a range around its trained value, everything else fixed,
and the accuracy and the cross-entropy loss on a fixed batch of test images are recorded at each
value. The accuracy counts correct images, so it only changes when an image's top score changes
class: a staircase with zero derivative between the steps. The loss changes with every score: a
smooth curve whose derivative tells which way to move the weight. The weight chosen is the one
with the largest loss gradient (the most influential one); the derivatives at the trained value
are measured with `dl_notes.gradcheck.numerical_diff`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.gradcheck import numerical_diff
from dl_notes.nets import TwoLayerNet

from ._plotting import check_lang, panels, texts
from ._result import Result
from ._toolkit import describe, mnist, train

TITLE = {"ja": "損失と正解率：重みを 1 つ動かすと", "en": "Loss and accuracy against one weight"}


@dataclass(frozen=True)
class Config:
    """The net, its training, the test batch and the range the weight is moved over."""

    hidden: int = 20
    n_train: int = 2000
    iterations: int = 300
    batch_size: int = 100
    lr: float = 0.1
    n_eval: int = 100  # the seed's example: 100 images
    span: float = 4.0  # the weight goes over its trained value +- span
    points: int = 801
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(hidden=5, n_train=200, iterations=10, n_eval=20, points=41)


def sweep(net: TwoLayerNet, key: str, index: tuple[int, ...], values: np.ndarray, x: np.ndarray, t: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Loss and accuracy of ``net`` on (x, t) with ``params[key][index]`` set to each of ``values``.

    The weight is put back afterwards.
    """
    W = net.params[key]
    old = W[index]
    loss, acc = np.empty(len(values)), np.empty(len(values))
    for i, w in enumerate(values):
        W[index] = w
        loss[i], acc[i] = net.loss(x, t), net.accuracy(x, t)
    W[index] = old
    return loss, acc


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.n_train, n_test=config.n_eval)
    (x, t), (x_eval, t_eval) = data
    net = TwoLayerNet(x.shape[1], config.hidden, 10, seed=config.seed)
    train(net, data, iterations=config.iterations, batch_size=config.batch_size, lr=config.lr,
          eval_every=config.iterations, seed=config.seed)
    x_eval = x_eval.astype(np.float64)
    grad = net.gradient(x_eval, t_eval)["W2"]
    index = np.unravel_index(int(np.argmax(np.abs(grad))), grad.shape)
    W = net.params["W2"]
    w0 = float(W[index])
    values = w0 + np.linspace(-config.span, config.span, config.points)
    loss, acc = sweep(net, "W2", index, values, x_eval, t_eval)

    def at(fn):  # a function of the weight alone, for numerical_diff
        def f(w):
            old = W[index]
            W[index] = w
            out = fn(x_eval, t_eval)
            W[index] = old
            return out
        return f

    steps = np.flatnonzero(np.diff(acc) != 0)  # where the accuracy jumps between two grid points
    arrays = {"weight": values, "loss": loss, "accuracy": acc}
    values_out = {
        "hidden": config.hidden,
        "n_train": config.n_train,
        "iterations": config.iterations,
        "batch_size": config.batch_size,
        "lr": config.lr,
        "n_eval": config.n_eval,
        "weight_name": f"W2[{index[0]}, {index[1]}]",
        "weight_row": int(index[0]),
        "weight_col": int(index[1]),
        "w0": w0,
        "span": config.span,
        "points": config.points,
        "accuracy_at_w0": float(net.accuracy(x_eval, t_eval)),
        "loss_at_w0": float(net.loss(x_eval, t_eval)),
        "d_accuracy": float(numerical_diff(at(net.accuracy), w0)),
        "d_loss": float(numerical_diff(at(net.loss), w0)),
        "accuracy_levels": len(np.unique(acc)),
        "accuracy_jumps": len(steps),
        "flat_share": float(np.mean(np.diff(acc) == 0)),  # share of grid intervals where it does not change
        "accuracy_min": float(acc.min()),
        "accuracy_max": float(acc.max()),
        "loss_min": float(loss.min()),
        "loss_max": float(loss.max()),
        "w_at_min_loss": float(values[np.argmin(loss)]),
        "loss_monotone_segments": int(np.count_nonzero(np.diff(np.sign(np.diff(loss)))) + 1),
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values_out)


TEXT = texts(
    ja={"weight": "重み {name} の値", "loss": "交差エントロピー誤差", "trained": "学習後の値"},
    en={"weight": "value of the weight {name}", "loss": "cross-entropy error", "trained": "trained value"},
)


def plot(result: Result, lang: str):
    """Accuracy (a staircase) above, loss (smooth) below, against the weight."""
    text = TEXT[check_lang(lang)]
    a, v = result.arrays, result.values
    with panels(lang, 2, 1, size=(6.4, 2.6), sharex=True) as (figure, axes):
        top, bottom = axes[:, 0]
        top.plot(a["weight"], 100 * a["accuracy"], color="C0", drawstyle="steps-mid")
        top.set(ylabel=f'{text["acc"]} (%)')
        bottom.plot(a["weight"], a["loss"], color="C1")
        bottom.set(xlabel=text["weight"].format(name=v["weight_name"]), ylabel=text["loss"])
        for ax in (top, bottom):
            ax.axvline(v["w0"], color="gray", linestyle=":", linewidth=1, label=text["trained"])
        top.legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"curves": plot}
