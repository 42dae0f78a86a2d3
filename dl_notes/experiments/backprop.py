r"""Backpropagation measured: the apple-shopping graph, a gradient check of TwoLayerNet, and its speed.

Three parts, all for the page "Backpropagation":

- the book's shopping graph (2 apples at 100 yen, 3 oranges at 150 yen, 10% tax) built from
  `dl_notes.graph.MulLayer` and `AddLayer`: every forward value and every backward value, for a
  figure of the graph;
- the gradient check of the book's `TwoLayerNet` (784-50-10, float64) on a few MNIST training
  images: for each parameter, the mean and largest absolute difference and the relative error
  (`dl_notes.gradcheck.relative_error`) between ``gradient`` (backpropagation) and
  ``numerical_gradient`` (central differences), and the time each takes;
- the course's ``1_2_back_propagation`` notebook: its hand-set 2-3-2 network, one input, one SGD
  step, with `TwoLayerNet` in place of the notebook's hand-written backward pass.

The times are measurements of the machine that built the site.
"""

from __future__ import annotations

import statistics
import time
import timeit
from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.gradcheck import relative_error
from dl_notes.graph import AddLayer, MulLayer
from dl_notes.nets import TwoLayerNet

from ._plotting import check_lang, style, texts
from ._result import Result
from ._toolkit import describe, mnist

TITLE = {"ja": "誤差逆伝播法：計算グラフ、勾配確認、速さ", "en": "Backpropagation: graph, gradient check, speed"}

PARAMS = ("W1", "b1", "W2", "b2")

# The course's 1_2_back_propagation: x = [[1, 5]], target d = [[0, 1]], learning rate 0.01.
COURSE = {
    "W1": [[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]],
    "b1": [0.1, 0.2, 0.3],
    "W2": [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],
    "b2": [0.1, 0.2],
    "x": [[1.0, 5.0]],
    "d": [[0, 1]],
    "lr": 0.01,
}


@dataclass(frozen=True)
class Config:
    """The network and images of the gradient check, how often backprop is timed, and the data."""

    hidden: int = 50
    images: int = 3
    weight_init_std: float = 0.01
    repeats: int = 21
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(hidden=3, images=2, repeats=3)


def shopping(apple: float = 100, apple_num: int = 2, orange: float = 150, orange_num: int = 3,
             tax: float = 1.1) -> tuple[dict[str, float], dict[str, float]]:
    """The shopping graph's forward values and backward values (d price / d value), by node name.

    >>> forward, backward = shopping()
    >>> round(forward["price"], 6), round(backward["apple"], 6), round(backward["orange_num"], 6)
    (715.0, 2.2, 165.0)
    """
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    forward = {"apple": apple, "apple_num": apple_num, "orange": orange, "orange_num": orange_num, "tax": tax}
    forward["apple_price"] = mul_apple.forward(apple, apple_num)
    forward["orange_price"] = mul_orange.forward(orange, orange_num)
    forward["all_price"] = add.forward(forward["apple_price"], forward["orange_price"])
    forward["price"] = mul_tax.forward(forward["all_price"], tax)
    backward = {"price": 1}
    backward["all_price"], backward["tax"] = mul_tax.backward(backward["price"])
    backward["apple_price"], backward["orange_price"] = add.backward(backward["all_price"])
    backward["orange"], backward["orange_num"] = mul_orange.backward(backward["orange_price"])
    backward["apple"], backward["apple_num"] = mul_apple.backward(backward["apple_price"])
    # Rounded to 12 significant digits: 1.1 * 100 is 110.00000000000001 in binary floating point.
    clean = {key: float(f"{value:.12g}") for key, value in forward.items()}
    return clean, {key: float(f"{value:.12g}") for key, value in backward.items()}


def course_step() -> dict[str, object]:
    """The course's ``1_2_back_propagation``: gradients and parameters after one SGD step.

    >>> step = course_step()
    >>> np.round(step["grads"]["b2"], 8).tolist()
    [0.08706577, -0.08706577]
    """
    net = TwoLayerNet(2, 3, 2)
    for key in PARAMS:
        net.params[key][...] = COURSE[key]
    x, d = np.array(COURSE["x"]), np.array(COURSE["d"])
    y = net.predict(x)  # the scores before softmax
    probabilities = np.exp(y - y.max()) / np.exp(y - y.max()).sum()
    grads = net.gradient(x, d)
    for key in PARAMS:
        net.params[key] -= COURSE["lr"] * grads[key]
    return {"u1": (x @ np.array(COURSE["W1"]) + COURSE["b1"]).tolist(), "u2": y.tolist(),
            "y": probabilities.tolist(), "grads": {k: grads[k].tolist() for k in PARAMS},
            "updated": {k: net.params[k].tolist() for k in PARAMS}, "lr": COURSE["lr"]}


def gradient_check(config: Config) -> dict[str, object]:
    """Backprop against numerical gradients for every parameter of TwoLayerNet, and both timed."""
    (x, t), _ = mnist(config.source, n_train=config.images)
    t = np.eye(10)[t]  # one-hot labels, as the book's gradient_check.py loads them
    net = TwoLayerNet(x.shape[1], config.hidden, 10, config.weight_init_std, seed=config.seed)
    # The numerical gradient takes seconds: timed once. Backprop takes well under a millisecond:
    # the median of several runs.
    start = time.perf_counter()
    numerical = net.numerical_gradient(x, t)
    numerical_seconds = time.perf_counter() - start
    backprop = net.gradient(x, t)
    backprop_seconds = statistics.median(timeit.repeat(lambda: net.gradient(x, t), number=1, repeat=config.repeats))
    table = {}
    for key in PARAMS:
        diff = np.abs(backprop[key] - numerical[key])
        table[key] = {"shape": list(backprop[key].shape), "size": int(backprop[key].size),
                      "mean_abs": float(diff.mean()), "max_abs": float(diff.max()),
                      "relative": relative_error(backprop[key], numerical[key]),
                      "max_grad": float(np.abs(backprop[key]).max())}
    n_params = sum(row["size"] for row in table.values())
    return {"table": table, "n_params": n_params, "loss_evaluations": 2 * n_params,
            "numerical_seconds": numerical_seconds, "backprop_seconds": backprop_seconds,
            "speed_ratio": numerical_seconds / backprop_seconds,
            "worst_relative": max(row["relative"] for row in table.values())}


def run(config: Config) -> Result:
    forward, backward = shopping()
    check = gradient_check(config)
    values = {
        "forward": forward, "backward": backward,
        **check,
        "course": course_step(),
        "params": list(PARAMS),
        "hidden": config.hidden, "images": config.images, "repeats": config.repeats,
        "weight_init_std": config.weight_init_std,
        "description": describe(config.source),
    }
    times = np.array([check["numerical_seconds"], check["backprop_seconds"]])
    return Result(arrays={"seconds": times}, values=values)


TEXT = texts(
    ja={"apple": "りんご 1 個", "apple_num": "りんごの個数", "orange": "みかん 1 個", "orange_num": "みかんの個数",
        "tax": "消費税", "price": "支払額", "forward": "順伝播（上、黒）", "backward": "逆伝播（下、赤）"},
    en={"apple": "apple price", "apple_num": "apples bought", "orange": "orange price", "orange_num": "oranges bought",
        "tax": "tax", "price": "price", "forward": "forward (above, black)", "backward": "backward (below, red)"},
)

# Where the graph's inputs, nodes and output sit, and which edges join them (value named by edge).
POSITIONS = {"apple": (0, 3.5), "apple_num": (0, 1.8), "orange": (0, 1.1), "orange_num": (0, -0.6),
             "tax": (4.2, -0.8), "mul_apple": (2.4, 2.65), "mul_orange": (2.4, 0.25), "add": (4.2, 1.45),
             "mul_tax": (6.2, 0.85), "price": (8.2, 0.85)}
NODES = {"mul_apple": "×", "mul_orange": "×", "add": "+", "mul_tax": "×"}
EDGES = (("apple", "mul_apple", "apple"), ("apple_num", "mul_apple", "apple_num"),
         ("orange", "mul_orange", "orange"), ("orange_num", "mul_orange", "orange_num"),
         ("mul_apple", "add", "apple_price"), ("mul_orange", "add", "orange_price"),
         ("add", "mul_tax", "all_price"), ("tax", "mul_tax", "tax"), ("mul_tax", "price", "price"))


def _number(value: float) -> str:
    return f"{value:g}"


def plot(result: Result, lang: str):
    """The shopping graph: forward values above each edge, backward values (d price / d value) below."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    with style(lang):
        figure, ax = plt.subplots(figsize=(8.4, 3.6), layout="constrained")
        for start, end, value in EDGES:
            (x0, y0), (x1, y1) = POSITIONS[start], POSITIONS[end]
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops={"arrowstyle": "-|>", "color": "0.35", "shrinkA": 2, "shrinkB": 15})
            lx, ly = x0 + (x1 - x0) * 0.45, y0 + (y1 - y0) * 0.45
            ax.text(lx, ly + 0.12, _number(v["forward"][value]), ha="center", va="bottom", fontsize="medium")
            ax.text(lx, ly - 0.12, _number(v["backward"][value]), ha="center", va="top", color="C3",
                    fontsize="medium")
        for name, symbol in NODES.items():
            x, y = POSITIONS[name]
            ax.add_patch(plt.Circle((x, y), 0.28, facecolor="white", edgecolor="0.2", zorder=3))
            ax.text(x, y, symbol, ha="center", va="center", fontsize="x-large", zorder=4)
        for name in ("apple", "apple_num", "orange", "orange_num", "tax", "price"):
            x, y = POSITIONS[name]
            side = {"price": ("left", x + 0.1), "tax": ("center", x)}.get(name, ("right", x - 0.1))
            ax.text(side[1], y - (0.2 if name == "tax" else 0), text[name], ha=side[0],
                    va="top" if name == "tax" else "center", fontsize="medium")
        ax.text(9.2, 3.6, text["forward"], ha="right", va="top", fontsize="small")
        ax.text(9.2, 3.2, text["backward"], ha="right", va="top", fontsize="small", color="C3")
        ax.set_xlim(-1.9, 9.3)
        ax.set_ylim(-1.4, 3.8)
        ax.set_aspect("equal")
        ax.axis("off")
    return figure


FIGURES = {"graph": plot}
