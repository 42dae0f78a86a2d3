r"""Training the two-layer network on MNIST, and the course's two Day 1 training exercises.

Four measurements for the page "Training a two-layer network":

1. ``TwoLayerNet(784, 50, 10)`` with the book's defaults (weight_init_std 0.01, learning rate
   0.1, batch 100) trained by mini-batch SGD for ``epochs`` epochs through the experiments'
   shared loop (`dl_notes.experiments._toolkit.train`): accuracy and loss on the whole training
   and test sets after every epoch, and the loss of every mini-batch.
2. A grid of learning rates and batch sizes at an equal number of epochs, that is an equal
   number of training images seen (the same arithmetic per run); a smaller batch makes more
   updates in that budget.
3. The course's ``1_3_stochastic_gradient_descent``: a 2-10-1 ReLU network fitting
   $f(x) = 3x_0 + 2x_1$ by single-sample SGD, whose backward pass multiplies by the sigmoid's
   derivative of the hidden *output*, $\sigma'(\mathrm{ReLU}(u))$, where the ReLU's derivative
   $\mathbb{1}[u > 0]$ belongs. Run as written and corrected on the same initial weights and
   samples, for several seeds (the course's notebook has none).
4. The course's ``1_4_1_mnist_sample``: 784-40-10, weights $0.01 \cdot \mathcal{N}(0, 1)$,
   1,000 iterations of batch 100 at learning rate 0.1, accuracy on the current mini-batch and
   on the whole test set every 10 iterations, measured as the notebook does (after the
   gradient, before the update).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.activations import relu, sigmoid_grad
from dl_notes.nets import TwoLayerNet

from ._plotting import check_lang, panels, texts
from ._result import Result
from ._toolkit import describe, mnist, train

TITLE = {"ja": "2 層ニューラルネットワークの学習", "en": "Training a two-layer network"}

# The two backward passes of 1_3: the notebook's (the sigmoid's derivative of the ReLU's output)
# and the chain rule's (the ReLU's derivative of its input).
DERIVATIVES = ("sigmoid_of_output", "relu")


@dataclass(frozen=True)
class Config:
    """The four measurements' settings (the book's and the course's values by default)."""

    # 1. the book's network and hyperparameters
    hidden: int = 50
    weight_init_std: float = 0.01
    lr: float = 0.1
    batch_size: int = 100
    epochs: int = 17
    # 2. the grid, at `grid_epochs` epochs per run
    grid_lrs: tuple[float, ...] = (0.01, 0.1, 1.0)
    grid_batches: tuple[int, ...] = (10, 100, 1000)
    grid_epochs: int = 5
    # 3. the course's 1_3 regression
    sgd_hidden: int = 10
    sgd_lr: float = 0.07
    sgd_steps: int = 1000
    sgd_samples: int = 100_000
    sgd_seeds: int = 20
    # 4. the course's 1_4_1
    course_hidden: int = 40
    course_iterations: int = 1000
    course_every: int = 10
    train_subset: int | None = None
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(epochs=2, grid_lrs=(0.1, 1.0), grid_batches=(100, 1000), grid_epochs=2, sgd_steps=50,
              sgd_samples=500, sgd_seeds=3, course_iterations=20, course_every=10, train_subset=1000)


# --- 3. the course's 1_3 regression ----------------------------------------------------------

def target(x: np.ndarray) -> np.ndarray:
    r"""The function 1_3 learns, $f(x) = 3x_0 + 2x_1$, for rows ``x`` of shape (N, 2).

    >>> target(np.array([[1.0, 0.0], [0.5, 0.5]]))
    array([3. , 2.5])
    """
    return 3 * x[:, 0] + 2 * x[:, 1]


def init_regression(hidden: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """1_3's initial parameters: every one standard normal (``W1`` (2, hidden), ``W2`` (hidden,),
    ``b1`` (hidden,), ``b2`` a scalar).

    >>> {k: np.shape(v) for k, v in init_regression(10, np.random.default_rng(0)).items()}
    {'W1': (2, 10), 'W2': (10,), 'b1': (10,), 'b2': ()}
    """
    return {"W1": rng.standard_normal((2, hidden)), "W2": rng.standard_normal(hidden),
            "b1": rng.standard_normal(hidden), "b2": np.array(rng.standard_normal())}


def regression_step(params: dict[str, np.ndarray], x: np.ndarray, d: float,
                    derivative: str = "relu") -> tuple[float, dict[str, np.ndarray]]:
    r"""Loss and gradients of 1_3's network for one sample (x of shape (2,), target d).

    $$
    u = x W_1 + b_1, \quad z = \mathrm{ReLU}(u), \quad y = z W_2 + b_2, \quad
    L = \tfrac{1}{2}(y - d)^2
    $$

    $$
    \frac{\partial L}{\partial W_2} = (y - d)\, z, \qquad
    \delta_1 = (y - d)\, W_2 \odot g(u), \qquad
    \frac{\partial L}{\partial W_1} = x^\top \delta_1
    $$

    with $g(u) = \mathbb{1}[u > 0]$ for ``derivative='relu'`` (the chain rule) and
    $g(u) = \sigma'(\mathrm{ReLU}(u))$ for ``'sigmoid_of_output'`` (what the course's notebook
    computes: the sigmoid's derivative, of the hidden layer's output).

    Examples
    --------
    >>> params = {"W1": np.array([[1.0, -1.0], [0.0, 1.0]]), "W2": np.array([2.0, 1.0]),
    ...           "b1": np.zeros(2), "b2": np.array(0.0)}
    >>> loss, grads = regression_step(params, np.array([1.0, 0.0]), 1.0)
    >>> loss, grads["W2"], grads["b1"]
    (0.5, array([1., 0.]), array([2., 0.]))
    >>> regression_step(params, np.array([1.0, 0.0]), 1.0, "sigmoid_of_output")[1]["b1"].round(3)
    array([0.393, 0.25 ])
    """
    if derivative not in DERIVATIVES:
        raise ValueError(f"regression_step: derivative must be one of {DERIVATIVES}, got {derivative!r}")
    u = x @ params["W1"] + params["b1"]
    z = relu(u)
    y = z @ params["W2"] + params["b2"]
    delta2 = y - d
    gate = (u > 0).astype(float) if derivative == "relu" else sigmoid_grad(z)
    delta1 = delta2 * params["W2"] * gate
    grads = {"W1": np.outer(x, delta1), "W2": delta2 * z, "b1": delta1, "b2": delta2}
    return float(0.5 * delta2 ** 2), grads


def course_sgd(config: Config, seed: int, derivative: str) -> tuple[np.ndarray, np.ndarray]:
    """1_3's loop: draw the data set, pick ``sgd_steps`` samples with replacement, one SGD step
    each.

    Returns the loss of every step (computed before its update, as the notebook records it) and
    the cosine between the hidden layer's update direction (``W1`` and ``b1``) and the true
    gradient's at that step (NaN where the true one is zero). The data, the initial weights and
    the samples depend only on ``seed``, so the two ``derivative`` choices are compared on the
    same run.
    """
    rng = np.random.default_rng([config.seed, seed])
    x = rng.random((config.sgd_samples, 2))
    d = target(x)
    params = init_regression(config.sgd_hidden, rng)
    losses, cosines = [], []
    for i in rng.integers(0, config.sgd_samples, config.sgd_steps):
        loss, grads = regression_step(params, x[i], d[i], derivative)
        cosines.append(_hidden_cosine(grads, regression_step(params, x[i], d[i], "relu")[1]))
        for key in params:
            params[key] -= config.sgd_lr * grads[key]
        losses.append(loss)
    return np.array(losses), np.array(cosines)


def _hidden_cosine(grads: dict, true: dict) -> float:
    a = np.concatenate([grads["W1"].ravel(), grads["b1"]])
    b = np.concatenate([true["W1"].ravel(), true["b1"]])
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm > 0 else float("nan")


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Means of ``window`` consecutive values (the last axis), one per full window.

    >>> moving_average(np.array([1.0, 2.0, 3.0, 4.0]), 2)
    array([1.5, 2.5, 3.5])
    """
    kernel = np.ones(window) / window
    return np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="valid"), -1, values)


# --- 4. the course's 1_4_1 -----------------------------------------------------------------

def course_mnist(config: Config, data) -> dict[str, np.ndarray]:
    """1_4_1's loop: mini-batches drawn with replacement; every ``course_every`` iterations the
    accuracy on that mini-batch and on the whole test set, after the gradient and before the
    update, as the notebook measures them."""
    (x, t), (x_test, t_test) = data
    rng = np.random.default_rng(config.seed)
    net = TwoLayerNet(x.shape[1], config.course_hidden, 10, weight_init_std=config.weight_init_std, rng=rng)
    its, batch_acc, test_acc = [], [], []
    for i in range(1, config.course_iterations + 1):
        batch = rng.choice(len(x), config.batch_size)
        grads = net.gradient(x[batch], t[batch])
        if i % config.course_every == 0:
            its.append(i)
            batch_acc.append(net.accuracy(x[batch], t[batch]))
            test_acc.append(net.accuracy(x_test, t_test))
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= config.lr * grads[key]
    return {"iterations": np.array(its), "batch_acc": np.array(batch_acc), "test_acc": np.array(test_acc)}


# --- 1. and 2. -------------------------------------------------------------------------------

def _book_net(config: Config, n_in: int) -> TwoLayerNet:
    return TwoLayerNet(n_in, config.hidden, 10, weight_init_std=config.weight_init_std, seed=config.seed)


def _epoch_run(config: Config, data, *, lr: float, batch_size: int, epochs: int, record=None) -> dict:
    """Train the book's network for ``epochs`` epochs, measuring once per epoch."""
    (x, _), _ = data
    per_epoch = max(len(x) // batch_size, 1)
    return train(_book_net(config, x.shape[1]), data, iterations=epochs * per_epoch, batch_size=batch_size,
                 lr=lr, eval_every=per_epoch, seed=config.seed, record=record)


def run(config: Config) -> Result:
    data = mnist(config.source, n_train=config.train_subset)
    (x, t), (x_test, t_test) = data
    n_train, n_test = len(x), len(x_test)

    # 1. the book's run, measured on the whole training and test sets after every epoch
    record = {"train_acc_all": lambda tr: tr.network.accuracy(x, t),
              "train_loss_all": lambda tr: tr.network.loss(x, t),
              "test_loss": lambda tr: tr.network.loss(x_test, t_test)}
    book = _epoch_run(config, data, lr=config.lr, batch_size=config.batch_size, epochs=config.epochs, record=record)
    train_acc, test_acc = np.array(book["train_acc_all"]), np.array(book["test_acc"])
    gap = train_acc - test_acc
    arrays = {"book/epoch": np.arange(len(test_acc)), "book/train_acc": train_acc, "book/test_acc": test_acc,
              "book/train_loss": np.array(book["train_loss_all"]), "book/test_loss": np.array(book["test_loss"]),
              "book/batch_loss": np.array(book["batch_loss"])}

    # 2. learning rate x batch size at an equal number of epochs
    grid_acc, grid_diverged, grid_updates = {}, {}, {}
    for lr in config.grid_lrs:
        for batch_size in config.grid_batches:
            key = f"{lr:g}/{batch_size}"
            curves = _epoch_run(config, data, lr=lr, batch_size=batch_size, epochs=config.grid_epochs)
            arrays[f"grid/{key}/test_acc"] = np.array(curves["test_acc"])
            grid_acc[key] = curves["test_acc"][-1]
            grid_diverged[key] = curves["diverged_at"]
            grid_updates[str(batch_size)] = config.grid_epochs * max(n_train // batch_size, 1)
    best = max(grid_acc, key=grid_acc.get)
    best_lr_per_batch = {str(b): max((f"{lr:g}" for lr in config.grid_lrs), key=lambda lr: grid_acc[f"{lr}/{b}"])
                         for b in config.grid_batches}

    # 3. the course's 1_3, as written and corrected, on the same seeds
    window = max(config.sgd_steps // 20, 1)
    runs = {der: [course_sgd(config, s, der) for s in range(config.sgd_seeds)] for der in DERIVATIVES}
    losses = {der: np.array([loss for loss, _ in runs[der]]) for der in DERIVATIVES}
    cosines = np.concatenate([cos for _, cos in runs["sigmoid_of_output"]])
    tail = {der: losses[der][:, -config.sgd_steps // 10:].mean(axis=1) for der in DERIVATIVES}
    for der in DERIVATIVES:
        arrays[f"sgd/{der}/seed0"] = losses[der][0]
        arrays[f"sgd/{der}/median"] = np.median(moving_average(losses[der], window), axis=0)
    sgd_median = {der: float(np.median(tail[der])) for der in DERIVATIVES}

    # 4. the course's 1_4_1
    course = course_mnist(config, data)
    arrays.update({f"course/{k}": v for k, v in course.items()})

    values = {
        "hidden": config.hidden, "weight_init_std": config.weight_init_std, "lr": config.lr,
        "batch_size": config.batch_size, "epochs": config.epochs,
        "iter_per_epoch": max(n_train // config.batch_size, 1),
        "iterations": len(book["batch_loss"]),
        "n_train": n_train, "n_test": n_test,
        "first_loss": book["batch_loss"][0], "last_loss": book["batch_loss"][-1],
        "initial_test_acc": float(test_acc[0]), "seed": config.seed,
        "final_train_acc": float(train_acc[-1]), "final_test_acc": float(test_acc[-1]),
        "final_gap": float(gap[-1]), "max_gap": float(gap.max()),
        "final_train_loss": float(arrays["book/train_loss"][-1]), "final_test_loss": float(arrays["book/test_loss"][-1]),
        "test_acc_peak_epoch": int(np.argmax(test_acc)), "test_acc_peak": float(test_acc.max()),
        "test_loss_min_epoch": int(np.argmin(arrays["book/test_loss"])),
        "diverged_at": book["diverged_at"],
        "grid_lrs": [f"{lr:g}" for lr in config.grid_lrs], "grid_batches": [str(b) for b in config.grid_batches],
        "grid_epochs": config.grid_epochs, "grid_samples": config.grid_epochs * n_train,
        "grid_updates": grid_updates, "grid_test_acc": grid_acc, "grid_diverged_at": grid_diverged,
        "grid_best": best, "grid_best_lr_per_batch": best_lr_per_batch,
        "sgd_hidden": config.sgd_hidden, "sgd_lr": config.sgd_lr, "sgd_steps": config.sgd_steps,
        "sgd_samples": config.sgd_samples, "sgd_seeds": config.sgd_seeds, "sgd_window": window,
        "sgd_tail": config.sgd_steps // 10,
        "sgd_final_loss_median": sgd_median,
        "sgd_ratio": sgd_median["sigmoid_of_output"] / sgd_median["relu"],
        "sgd_corrected_wins": int(np.sum(tail["relu"] < tail["sigmoid_of_output"])),
        "sgd_cosine_median": float(np.nanmedian(cosines)),
        "sgd_cosine_negative": float(np.mean(cosines[np.isfinite(cosines)] < 0)),
        "course_hidden": config.course_hidden, "course_iterations": config.course_iterations,
        "course_every": config.course_every,
        "course_final_test_acc": float(course["test_acc"][-1]),
        "course_final_batch_acc": float(course["batch_acc"][-1]),
        "course_first_test_acc": float(course["test_acc"][0]),
        "course_epochs": config.course_iterations * config.batch_size / n_train,
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"epoch": "エポック", "loss": "損失", "batch_loss": "ミニバッチの損失", "train_acc": "訓練データ（全体）",
        "test_acc_line": "テストデータ（全体）", "batch": "バッチサイズ {b}", "lr": "学習率 {lr}",
        "course": "講義のコード（σ'(ReLU の出力)）", "corrected": "連鎖律どおり（ReLU の微分）",
        "seed0": "1 回の実行（シード 0）", "median": "{n} 個のシードの中央値（{w} ステップの移動平均）",
        "step": "ステップ", "mse": "二乗誤差 $(y - d)^2/2$", "batch_acc": "そのミニバッチ",
        "test_all": "テストデータ全体"},
    en={"epoch": "epoch", "loss": "loss", "batch_loss": "mini-batch loss", "train_acc": "training data (all)",
        "test_acc_line": "test data (all)", "batch": "batch size {b}", "lr": "learning rate {lr}",
        "course": "the course's code (σ'(ReLU output))", "corrected": "chain rule (ReLU's derivative)",
        "seed0": "one run (seed 0)", "median": "median of {n} seeds ({w}-step moving average)",
        "step": "step", "mse": "squared error $(y - d)^2/2$", "batch_acc": "that mini-batch",
        "test_all": "whole test set"},
)


def plot_curves(result: Result, lang: str):
    """Left: training and test accuracy per epoch. Right: the loss of every mini-batch."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    with panels(lang, 2, size=(4.6, 3.4)) as (figure, axes):
        left, right = axes[0]
        left.plot(a["book/epoch"], a["book/train_acc"], marker="o", markersize=3, label=text["train_acc"])
        left.plot(a["book/epoch"], a["book/test_acc"], marker="s", markersize=3, linestyle="--",
                  label=text["test_acc_line"])
        left.set(xlabel=text["epoch"], ylabel=text["acc"], ylim=(0, 1))
        left.legend(loc="lower right", fontsize="small")
        its = np.arange(1, len(a["book/batch_loss"]) + 1)
        right.plot(its, a["book/batch_loss"], linewidth=0.6, color="#7f7f7f")
        for epoch in range(1, v["epochs"] + 1):
            right.axvline(epoch * v["iter_per_epoch"], color="#dddddd", linewidth=0.5, zorder=0)
        right.set(xlabel=text["iteration"], ylabel=text["batch_loss"])
    return figure


def plot_grid(result: Result, lang: str):
    """One panel per batch size: test accuracy per epoch for each learning rate."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    with panels(lang, len(v["grid_batches"]), size=(3.4, 3.0), sharey=True) as (figure, axes):
        for ax, b in zip(axes[0], v["grid_batches"]):
            for i, lr in enumerate(v["grid_lrs"]):
                acc = a[f"grid/{lr}/{b}/test_acc"]
                ax.plot(np.arange(len(acc)), acc, marker="o", markersize=3, color=f"C{i}",
                        label=text["lr"].format(lr=lr))
            ax.set(title=text["batch"].format(b=b), xlabel=text["epoch"], ylim=(0, 1))
            ax.title.set_fontsize("medium")
        axes[0, 0].set_ylabel(text["test_acc"])
        axes[0, 0].legend(loc="center right", fontsize="small")
    return figure


def plot_course_sgd(result: Result, lang: str):
    """1_3's loss per step, as written and corrected: one run (left), the median of all seeds (right)."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    labels = {"sigmoid_of_output": text["course"], "relu": text["corrected"]}
    with panels(lang, 2, size=(4.6, 3.4), sharey=True) as (figure, axes):
        left, right = axes[0]
        for i, der in enumerate(("sigmoid_of_output", "relu")):
            seed0 = a[f"sgd/{der}/seed0"]
            left.plot(np.arange(1, len(seed0) + 1), seed0, ".", markersize=2, color=f"C{i}", label=labels[der])
            median = a[f"sgd/{der}/median"]
            right.plot(np.arange(v["sgd_window"], v["sgd_window"] + len(median)), median, color=f"C{i}",
                       label=labels[der])
        left.set(title=text["seed0"], xlabel=text["step"], ylabel=text["mse"], yscale="log")
        right.set(title=text["median"].format(n=v["sgd_seeds"], w=v["sgd_window"]), xlabel=text["step"],
                  yscale="log")
        for ax in (left, right):
            ax.title.set_fontsize("medium")
        right.legend(loc="upper right", fontsize="small")
    return figure


def plot_course_mnist(result: Result, lang: str):
    """1_4_1: accuracy on the current mini-batch and on the whole test set."""
    text, a = TEXT[check_lang(lang)], result.arrays
    with panels(lang, 1, size=(6.0, 3.4)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(a["course/iterations"], a["course/batch_acc"], linewidth=1, label=text["batch_acc"])
        ax.plot(a["course/iterations"], a["course/test_acc"], linewidth=1.6, label=text["test_all"])
        ax.set(xlabel=text["iteration"], ylabel=text["acc"], ylim=(0, 1))
        ax.legend(loc="lower right", fontsize="small")
    return figure


FIGURES = {"curves": plot_curves, "grid": plot_grid, "course_sgd": plot_course_sgd,
           "course_mnist": plot_course_mnist}
