r"""The forward pass of chapter 3: activations, shapes, the output layer and softmax's overflow.

Five measurements, none of which needs training or data files:

- the step function, sigmoid and ReLU and their derivatives on a grid (the step's is 0 wherever
  it exists), and the numerical gradient of a loss with respect to the first layer's weights
  of the book's 2-3-2-2 network with each activation: exactly 0 with the step function;
- the book's network on the book's input $x = (1.0, 0.5)$, layer by layer;
- the shapes of each layer's product for one sample and for a batch, for the book's 2-3-2-2
  network and its MNIST network 784-50-100-10 (random weights: the shapes are the point);
- softmax of $(1010, 1000, 990)$ with and without subtracting the maximum;
- on random scores of very different scales, softmax never reverses the order of two scores,
  so the argmax (the predicted class) is the same with or without it;
- the six networks of the course's notebook ``1_1_forward_propagation`` with its weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import activations, forward, losses
from dl_notes.gradcheck import numerical_gradient

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "ニューラルネットワークの順伝播", "en": "The forward pass"}

CURVES = {
    "step": (activations.step_function, activations.step_grad),
    "sigmoid": (activations.sigmoid, activations.sigmoid_grad),
    "relu": (activations.relu, activations.relu_grad),
}


@dataclass(frozen=True)
class Config:
    """The grid of the figure, the batch sizes, softmax's inputs and the random scores' sizes."""

    x_range: float = 5.0
    points: int = 201  # odd: the grid contains 0
    grad_batch: int = 20  # samples in the loss whose gradient is taken
    batch_size: int = 100
    mnist_sizes: tuple[int, ...] = (784, 50, 100, 10)
    book_x: tuple[float, ...] = (1.0, 0.5)
    overflow_x: tuple[float, ...] = (1010.0, 1000.0, 990.0)
    order_rows: int = 3000
    order_classes: int = 10
    order_scales: tuple[float, ...] = (0.1, 10.0, 1000.0)  # the spread of the scores, one third each
    seed: int = 0


DEFAULT = Config()
TINY = Config(points=21, grad_batch=4, batch_size=5, mnist_sizes=(12, 5, 4, 3), order_rows=30)


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as the pages print it: ``(100, 784)``, ``(3,)``.

    >>> shape_text((100, 784)), shape_text((3,)), shape_text(())
    ('(100, 784)', '(3,)', '()')
    """
    return str(tuple(int(n) for n in shape))


def shape_rows(network: dict, x: np.ndarray) -> list[dict[str, object]]:
    """`dl_notes.forward.layer_shapes` with the shapes as text, for a table."""
    return [{key: shape_text(v) if isinstance(v, tuple) else v for key, v in row.items()}
            for row in forward.layer_shapes(network, x)]


def first_layer_gradient(network: dict, x: np.ndarray, t: np.ndarray, activation: str) -> np.ndarray:
    r"""$\partial E / \partial W^{(1)}$ by central differences, $E$ the sum of squared errors.

    >>> g = first_layer_gradient(forward.init_network(), np.array([[1.0, 0.5]]), np.array([[0.0, 1.0]]), "step")
    >>> g.shape, float(np.abs(g).max())
    ((2, 3), 0.0)
    """
    net = {k: v.copy() for k, v in network.items()}  # numerical_gradient changes W1 in place

    def loss(_):
        return losses.sum_squared_error(forward.forward(net, x, activation), t)

    return numerical_gradient(loss, net["W1"])


def order_check(scores: np.ndarray) -> dict[str, int]:
    """Whether softmax keeps the order of the scores in each row.

    ``reversed`` counts pairs with $x_i > x_j$ but $y_i < y_j$; ``ties`` pairs with
    $x_i > x_j$ whose probabilities became equal (both underflowed to 0, or both rounded to 1);
    ``argmax_same`` the rows where the largest score and the largest probability are the same entry.

    >>> order_check(np.array([[1.0, 3.0, 2.0], [-800.0, 0.0, -900.0]]))
    {'rows': 2, 'pairs': 6, 'reversed': 0, 'ties': 1, 'argmax_same': 2}
    """
    y = activations.softmax(scores)
    higher = scores[:, :, None] > scores[:, None, :]  # (N, K, K): x_i > x_j
    return {
        "rows": int(scores.shape[0]),
        "pairs": int(higher.sum()),
        "reversed": int((higher & (y[:, :, None] < y[:, None, :])).sum()),
        "ties": int((higher & (y[:, :, None] == y[:, None, :])).sum()),
        "argmax_same": int((scores.argmax(axis=1) == y.argmax(axis=1)).sum()),
    }


def course_results() -> dict[str, dict[str, object]]:
    r"""Each network of the course's notebook 1_1: its sizes, functions, input, output, target and loss.

    The loss is the one the notebook computes: cross-entropy for (d) and (f) (for the single
    sigmoid unit of (f), over the two classes $(1 - y, y)$, which is $-\log y$ for $d = 1$ as
    in the notebook), and for (e) the course's ``mean_squared_error``, half the mean of the
    squared errors (the book's sum of squared errors divided by the number of outputs).
    """
    out = {}
    for name, net in forward.course_networks().items():
        y = net.forward()
        row = {"sizes": list(net.sizes), "activation": net.activation, "output": net.output,
               "x": net.x.tolist(), "y": y.tolist(), "target": None, "loss": None}
        if net.target is not None:
            row["target"] = net.target.tolist()
            if net.output == "identity":
                row["loss"] = losses.sum_squared_error(y, net.target) / net.target.size
            elif net.output == "softmax":  # the notebook's cross_entropy_error with a one-hot target
                row["loss"] = losses.cross_entropy_error(y[None, :], net.target[None, :])
            else:  # one sigmoid unit: cross-entropy over the two classes (1 - y, y), label d
                two_class = np.stack([1 - y, y], axis=-1)  # (1, 2)
                row["loss"] = losses.cross_entropy_error(two_class, net.target.astype(int))
        out[name] = row
    return out


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    xs = np.linspace(-config.x_range, config.x_range, config.points)
    arrays = {"x": xs}
    for name, (f, df) in CURVES.items():
        arrays[f"{name}/value"] = f(xs)
        arrays[f"{name}/grad"] = df(xs)

    book = forward.init_network()
    x_book = np.array(config.book_x)
    trace = forward.forward_trace(book, x_book)
    x_grad = rng.uniform(-1, 1, (config.grad_batch, 2))
    t_grad = rng.uniform(0, 1, (config.grad_batch, 2))
    grad_norms = {name: float(np.linalg.norm(first_layer_gradient(book, x_grad, t_grad, name))) for name in CURVES}

    mnist_net = forward.random_network(config.mnist_sizes, rng=rng)
    x_mnist = rng.uniform(0, 1, (config.batch_size, config.mnist_sizes[0]))

    overflow = np.array(config.overflow_x)
    naive, guarded = forward.naive_softmax(overflow), activations.softmax(overflow)

    groups = np.array_split(np.arange(config.order_rows), len(config.order_scales))
    scales = np.concatenate([np.full(len(g), s) for g, s in zip(groups, config.order_scales)])
    scores = rng.standard_normal((config.order_rows, config.order_classes)) * scales[:, None]

    values = {
        "x_range": config.x_range,
        "step_grad_nonzero": int(np.count_nonzero(arrays["step/grad"])),
        "grad_batch": config.grad_batch,
        "grad_norms": grad_norms,
        "book": {
            "x": list(config.book_x),
            "a": [a.tolist() for a, _ in trace],
            "z": [z.tolist() for _, z in trace],
            "y": trace[-1][1].tolist(),
            "w12": forward.book_weight(book, 1, to=1, source=2),
        },
        "batch_size": config.batch_size,
        "shapes": {
            "book_one": shape_rows(book, x_book),
            "book_batch": shape_rows(book, rng.uniform(-1, 1, (config.batch_size, 2))),
            "mnist_one": shape_rows(mnist_net, x_mnist[0]),
            "mnist_batch": shape_rows(mnist_net, x_mnist),
        },
        "mnist_sizes": list(config.mnist_sizes),
        "overflow": {
            "x": list(config.overflow_x),
            "naive": [repr(float(v)) for v in naive],  # 'nan': JSON has no NaN
            "naive_all_nan": bool(np.isnan(naive).all()),
            "exp_limit": float(np.log(np.finfo(np.float64).max)),  # e^x overflows float64 above this x
            "guarded": guarded.tolist(),
            "guarded_sum": float(guarded.sum()),
        },
        "order": {**order_check(scores), "classes": config.order_classes, "scales": list(config.order_scales)},
        "course": course_results(),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"value": "関数", "grad": "導関数", "x": "入力 x", "step": "ステップ関数", "sigmoid": "シグモイド関数",
        "relu": "ReLU", "undefined": "x = 0 では微分できない"},
    en={"value": "function", "grad": "derivative", "x": "input x", "step": "step function", "sigmoid": "sigmoid",
        "relu": "ReLU", "undefined": "no derivative at x = 0"},
)


def plot_activations(result: Result, lang: str):
    """Two panels: the step function, sigmoid and ReLU, and their derivatives (the step's is 0)."""
    text = TEXT[check_lang(lang)]
    xs = result.arrays["x"]
    styles = {"step": {"linestyle": "--", "color": "C0"}, "sigmoid": {"color": "C1"}, "relu": {"color": "C2"}}
    with panels(lang, 2, size=(4.5, 3.4)) as (figure, axes):
        left, right = axes[0]
        for name in CURVES:
            left.plot(xs, result.arrays[f"{name}/value"], label=text[name], **styles[name])
            # The step and ReLU jump or bend at 0: draw each side of 0 separately for the derivative.
            for side in (xs < 0, xs > 0):
                right.plot(xs[side], result.arrays[f"{name}/grad"][side], label=text[name] if side[0] else None,
                           **styles[name])
        right.plot([0], [0], "o", markerfacecolor="white", color="C0")
        right.annotate(text["undefined"], (0, 0), xytext=(0.6, 0.55), fontsize="small",
                       arrowprops={"arrowstyle": "->", "color": "#555555"})
        left.set(xlabel=text["x"], title=text["value"], ylim=(-0.2, 2.2))
        right.set(xlabel=text["x"], title=text["grad"], ylim=(-0.1, 1.1))
        for ax in (left, right):
            ax.axhline(0, color="#999999", linewidth=0.6)
            ax.axvline(0, color="#999999", linewidth=0.6)
            ax.legend(fontsize="small", loc="upper left")
    return figure


FIGURES = {"activations": plot_activations}
