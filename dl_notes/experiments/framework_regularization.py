r"""The course's framework exercises (2_9 to 2_11) redone with dl_notes on MNIST.

The course runs these in Keras: a network with no regulariser, L1, L2 and L1+L2 on its weights
(``kernel_regularizer``); a small CNN with no normalisation, batch, layer and instance
normalisation; and a network with and without dropout; each time plotting the training and
validation loss. Here:

- *weights*: ``MultiLayerNet`` on a small training set (so that it overfits within the run),
  with `L1`, `L2` and `ElasticNet` penalties of the strengths Keras's ``l1(1e-4)``,
  ``l2(1e-4)`` and ``l1_l2(1e-4, 1e-4)`` stand for, and a stronger setting of each;
- *dropout*: the same network with dropout;
- *normalisation*: conv 3×3 → normalisation → ReLU → 2×2 max pooling → affine, with
  `BatchNormalization`, `LayerNorm` (over C, H, W of each image) or `InstanceNorm`.

Every run uses the same initial random stream and mini-batches (`_toolkit.train`, SGD). The
validation images are training images not used for training. The loss recorded is the
cross-entropy without the penalty, on the whole training set and on the validation set, so
that the runs compare on the same scale (Keras's ``loss`` includes the penalty).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.conv import Convolution
from dl_notes.pooling import Pooling
from dl_notes.init import init_weight
from dl_notes.layers import Affine, Relu
from dl_notes.losses import softmax_cross_entropy
from dl_notes.nets import MultiLayerNet, Network
from dl_notes.normalization import BatchNormalization, InstanceNorm, LayerNorm
from dl_notes.regularizers import L1, L2, ElasticNet

from ._plotting import check_lang, label_edges, note, panels, texts
from ._result import Result
from ._toolkit import curve_arrays, describe, train

TITLE = {"ja": "フレームワーク演習：正則化・正規化（MNIST）", "en": "Framework exercise: regularisation and normalisation (MNIST)"}

# Keras's penalties in dl_notes terms: l1(a) = a·Σ|w| = L1(a); l2(b) = b·Σw² = L2(2b) (ours has 1/2);
# l1_l2(a, b) = ElasticNet(lam = a + 2b, l1_ratio = a / (a + 2b)).
WEIGHT_CASES = (
    ("none", None, 0.0),
    ("l1", "l1", 1e-4),
    ("l2", "l2", 1e-4),
    ("l1l2", "l1l2", 1e-4),
    ("l1_strong", "l1", 1e-3),
    ("l2_strong", "l2", 1e-3),
    ("l1l2_strong", "l1l2", 1e-3),
)
NORMS = ("none", "batch", "layer", "instance")


def keras_penalty(kind: str | None, strength: float) -> ElasticNet | None:
    """The dl_notes penalty equal to Keras's ``l1(s)``, ``l2(s)`` or ``l1_l2(s, s)``.

    >>> keras_penalty("l2", 1e-4), keras_penalty("l1l2", 1e-4)
    (L2(lam=0.0002), ElasticNet(lam=0.00030000000000000003, l1_ratio=0.3333333333333333))
    """
    if kind is None:
        return None
    if kind == "l1":
        return L1(strength)
    if kind == "l2":
        return L2(2 * strength)
    return ElasticNet(3 * strength, l1_ratio=1 / 3)


class SmallConvNet(Network):
    r"""conv 3×3 (pad 1) → normalisation → ReLU → 2×2 max pooling → affine → softmax.

    ``norm`` is ``'none'``, ``'batch'`` (per channel over N, H, W), ``'layer'`` (per image over
    C, H, W, with $\gamma, \beta$ of shape (C, H, W)) or ``'instance'`` (per image and channel
    over H, W). He initial weights, float32.

    >>> net = SmallConvNet("instance", filters=2, seed=0)
    >>> list(net.layers), sorted(net.params)
    (['Conv1', 'Norm1', 'Relu1', 'Pool1', 'Affine1'], ['W1', 'W2', 'b1', 'b2', 'beta1', 'gamma1'])
    >>> net.predict(np.zeros((3, 784))).shape
    (3, 10)
    """

    def __init__(self, norm: str, filters: int = 8, *, seed: int = 0) -> None:
        super().__init__(dtype=np.float32)
        rng = np.random.default_rng(seed)
        self.norm = norm
        conv = Convolution(init_weight((filters, 1, 3, 3), "he", rng=rng, dtype=self.dtype),
                           np.zeros(filters, dtype=self.dtype), stride=1, pad=1)
        self.add_layer("Conv1", conv, W="W1", b="b1")
        if norm != "none":
            shape = (filters, 28, 28) if norm == "layer" else (filters,)
            layer = {"batch": BatchNormalization, "layer": LayerNorm, "instance": InstanceNorm}[norm](
                np.ones(shape, dtype=self.dtype), np.zeros(shape, dtype=self.dtype))
            self.add_layer("Norm1", layer, gamma="gamma1", beta="beta1")
        self.add_layer("Relu1", Relu())
        self.add_layer("Pool1", Pooling(2, 2, stride=2))
        self.add_layer("Affine1", Affine(init_weight((filters * 14 * 14, 10), "he", rng=rng, dtype=self.dtype),
                                         np.zeros(10, dtype=self.dtype)), W="W2", b="b2")

    def predict(self, x: np.ndarray, train_flg: bool = False) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype).reshape(-1, 1, 28, 28)  # (N, 784) -> (N, C=1, H, W)
        return super().predict(x, train_flg)

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int | None = 500) -> float:
        return super().accuracy(x, t, batch_size)


def data_loss(net, x: np.ndarray, t: np.ndarray) -> float:
    """The cross-entropy of ``net`` on ``(x, t)`` in inference mode, without the weight penalty."""
    scores = np.concatenate([net.predict(x[i:i + 500]) for i in range(0, len(x), 500)])  # (N, 10)
    return float(softmax_cross_entropy(scores, t))


@dataclass(frozen=True)
class Config:
    """Data sizes, the two networks and their SGD settings.

    The MLP: ``hidden``, ``lr``, ``iterations``; the CNN: ``filters``, ``cnn_lr``,
    ``cnn_iterations``, on its own (smaller) ``cnn_train`` images. Validation images are the
    last ``n_val`` training images.
    """

    n_train: int = 1000
    n_val: int = 2000
    hidden: tuple[int, ...] = (200, 200)
    weight_cases: tuple[tuple[str, str | None, float], ...] = WEIGHT_CASES
    dropout: float = 0.3
    lr: float = 0.1
    iterations: int = 1000
    batch_size: int = 50
    eval_every: int = 50
    norms: tuple[str, ...] = NORMS
    filters: int = 8
    cnn_train: int = 500
    cnn_val: int = 500
    cnn_lr: float = 0.05
    cnn_iterations: int = 300
    cnn_eval_every: int = 50
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_train=100, n_val=100, hidden=(10,), weight_cases=WEIGHT_CASES[:4], iterations=10, eval_every=5,
              filters=2, cnn_train=50, cnn_val=50, cnn_iterations=4, cnn_eval_every=2)


def record(net, data, **settings) -> dict:
    """Train ``net`` with SGD (`_toolkit.train`), recording at each evaluation the loss
    (`data_loss`) on the training and on the validation data as ``train_loss`` and ``val_loss``."""
    losses = {"train_loss": lambda trainer: data_loss(net, *trainer.eval_train),
              "val_loss": lambda trainer: data_loss(net, *trainer.eval_test)}
    return train(net, data, record=losses, **settings)


def run(config: Config) -> Result:
    (x, t), _ = datasets.load_mnist(source=config.source)
    arrays, summary = {}, {}

    def store(group: str, key: str, curves: dict) -> None:
        name = f"{group}/{key}"
        arrays.update(curve_arrays(name, curves, ("iterations", "train_loss", "val_loss", "train_acc", "test_acc")))
        val = curves["val_loss"]
        best = int(np.argmin(val))
        summary[name] = {
            "final_train_loss": curves["train_loss"][-1], "final_val_loss": val[-1],
            "min_val_loss": val[best], "min_val_iteration": curves["iterations"][best],
            "val_loss_rise": val[-1] - val[best], "final_gap": val[-1] - curves["train_loss"][-1],
            "final_val_acc": curves["test_acc"][-1], "final_train_acc": curves["train_acc"][-1],
            "diverged_at": curves["diverged_at"],
        }

    mlp_data = ((x[:config.n_train], t[:config.n_train]), (x[-config.n_val:], t[-config.n_val:]))
    mlp = dict(lr=config.lr, iterations=config.iterations, batch_size=config.batch_size,
               eval_every=config.eval_every, seed=config.seed)
    for key, kind, strength in config.weight_cases:
        net = MultiLayerNet(784, list(config.hidden), 10, regularizer=keras_penalty(kind, strength), seed=config.seed)
        store("weights", key, record(net, mlp_data, **mlp))
    net = MultiLayerNet(784, list(config.hidden), 10, use_dropout=True, dropout_ratio=config.dropout,
                        seed=config.seed)
    store("dropout", "dropout", record(net, mlp_data, **mlp))

    cnn_data = ((x[:config.cnn_train], t[:config.cnn_train]), (x[-config.cnn_val:], t[-config.cnn_val:]))
    for norm in config.norms:
        store("norm", norm, record(SmallConvNet(norm, config.filters, seed=config.seed), cnn_data,
                                   lr=config.cnn_lr, iterations=config.cnn_iterations,
                                   batch_size=config.batch_size, eval_every=config.cnn_eval_every, seed=config.seed))
    values = {
        "summary": summary,
        "weight_cases": {key: {"kind": kind, "strength": strength} for key, kind, strength in config.weight_cases},
        "weight_order": [key for key, _, _ in config.weight_cases],
        "norms": list(config.norms),
        "n_train": config.n_train, "n_val": config.n_val, "hidden": list(config.hidden),
        "lr": config.lr, "iterations": config.iterations, "batch_size": config.batch_size,
        "epochs": config.iterations * config.batch_size / config.n_train,
        "dropout": config.dropout,
        "filters": config.filters, "cnn_train": config.cnn_train, "cnn_val": config.cnn_val,
        "cnn_lr": config.cnn_lr, "cnn_iterations": config.cnn_iterations,
        "cnn_epochs": config.cnn_iterations * config.batch_size / config.cnn_train,
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"loss": "交差エントロピー誤差", "train": "訓練", "val": "検証", "none": "正則化なし", "l1": "L1", "l2": "L2",
        "l1l2": "L1 + L2", "norm_none": "正規化なし", "batch": "バッチ正規化", "layer": "層正規化",
        "instance": "インスタンス正規化", "strength": "強さ {s:g}"},
    en={"loss": "cross-entropy", "train": "training", "val": "validation", "none": "no regulariser", "l1": "L1",
        "l2": "L2", "l1l2": "L1 + L2", "norm_none": "no normalisation", "batch": "batch norm",
        "layer": "layer norm", "instance": "instance norm", "strength": "strength {s:g}"},
)


def _panels(result: Result, lang: str, groups: list[tuple[str, str, str]], cols: int, top: float = 0.8):
    """One panel per (group, key, title): training loss dashed, validation loss solid.

    The y axis stops at ``top``: the first measurement (about log 10 = 2.3) is cut off so that
    the gap between the curves, a few tenths, is visible.
    """
    text = TEXT[check_lang(lang)]
    with panels(lang, len(groups), cols, size=(3.1, 2.5), sharex=True, sharey=True) as (figure, axes):
        for ax, (group, key, title) in zip(axes.flat, groups):
            name = f"{group}/{key}"
            its = result.arrays[f"{name}/iterations"]
            ax.plot(its, result.arrays[f"{name}/train_loss"], "--", color="C0", linewidth=1.3, label=text["train"])
            ax.plot(its, result.arrays[f"{name}/val_loss"], color="C1", linewidth=1.3, label=text["val"])
            ax.set_title(title, fontsize="small")
            ax.set_ylim(0, top)
        label_edges(axes, text["iteration"], text["loss"])
        axes[0, 0].legend(fontsize="small", loc="upper right")
    return figure


def weight_title(values: dict, key: str, lang: str) -> str:
    text = TEXT[check_lang(lang)]
    case = values["weight_cases"][key]
    if case["kind"] is None:
        return text["none"]
    return note(text[case["kind"]], text["strength"].format(s=case["strength"]), lang)


def plot_weights(result: Result, lang: str):
    """Training and validation loss with no penalty, L1, L2 and L1+L2 on the weights."""
    v = result.values
    groups = [("weights", key, weight_title(v, key, lang)) for key in v["weight_order"]]
    return _panels(result, lang, groups, cols=4)


def plot_norms(result: Result, lang: str):
    """Training and validation loss of the small CNN with each normalisation."""
    text = TEXT[check_lang(lang)]
    groups = [("norm", n, text["norm_none"] if n == "none" else text[n]) for n in result.values["norms"]]
    return _panels(result, lang, groups, cols=len(groups), top=1.0)


def plot_dropout(result: Result, lang: str):
    """Training and validation loss without and with dropout."""
    text = TEXT[check_lang(lang)]
    groups = [("weights", "none", text["none"]), ("dropout", "dropout", text["dropout"].format(r=result.values["dropout"]))]
    return _panels(result, lang, groups, cols=2)


FIGURES = {"weights": plot_weights, "norms": plot_norms, "dropout": plot_dropout}
