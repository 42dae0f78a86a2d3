r"""Why gradients vanish: activation slopes, and the gradient norm at each layer of a deep net.

Two measurements. First, sigmoid, tanh and ReLU and their derivatives on a grid of inputs:
$\sigma'(x) = \sigma(x)(1 - \sigma(x))$ never exceeds $1/4$. Second, a deep
`MultiLayerNet` at initialisation (no training): the Frobenius norm of the gradient
$\partial L / \partial W_l$ of every layer for one mini-batch of MNIST, averaged over several
random initialisations, for each (activation, initialisation) pair. Backpropagation multiplies
by $W_l^\top$ and by $\phi'$ once per layer, so with sigmoid the norm falls roughly
geometrically from the output back to the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import activations, datasets
from dl_notes.nets import MultiLayerNet

from ._plotting import ACT_NAMES, INIT_NAMES, check_lang, panels, std_label, style
from ._result import Result
from ._toolkit import describe

TITLE = {"ja": "勾配消失の測定", "en": "Measuring vanishing gradients"}

CURVES = {
    "sigmoid": (activations.sigmoid, activations.sigmoid_grad),
    "tanh": (activations.tanh, activations.tanh_grad),
    "relu": (activations.relu, activations.relu_grad),
}


@dataclass(frozen=True)
class Config:
    """The network (hidden sizes), the (activation, weight_init_std) pairs, the batch and seeds."""

    hidden: tuple[int, ...] = (100,) * 10
    cases: tuple[tuple[str, str | float], ...] = (("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "he"))
    batch_size: int = 100
    inits: int = 5  # random initialisations averaged over
    x_range: float = 6.0
    points: int = 241
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(hidden=(8,) * 3, batch_size=10, inits=2, points=13)


def layer_gradient_norms(net: MultiLayerNet, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    r"""$\lVert \partial L / \partial W_l \rVert_F$ for $l = 1, \dots, L + 1$ (input side first).

    >>> net = MultiLayerNet(4, [3, 3], 2, activation="sigmoid", weight_init_std="xavier", seed=0)
    >>> norms = layer_gradient_norms(net, np.ones((2, 4), dtype=np.float32), np.array([0, 1]))
    >>> norms.shape, bool((norms > 0).all())
    ((3,), True)
    """
    grads = net.gradient(x, t)
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, len(net.hidden_size_list) + 2)])


def case_key(activation: str, init: str) -> str:
    """``'sigmoid/xavier'``.

    >>> case_key("relu", "he")
    'relu/he'
    """
    return f"{activation}/{init}"


def label(activation: str, init: str, lang: str) -> str:
    """``'ReLU + He'``: a case as figures and tables name it.

    >>> label("sigmoid", "xavier", "en")
    'sigmoid + Xavier'
    """
    names = INIT_NAMES[check_lang(lang)]
    return f"{ACT_NAMES[lang][activation]} + {names.get(init) or std_label(init, lang)}"


def run(config: Config) -> Result:
    if len(config.hidden) < 3:
        raise ValueError(f"hidden must have at least 3 layers to measure a per-layer factor, got {config.hidden}")
    xs = np.linspace(-config.x_range, config.x_range, config.points)
    arrays = {"x": xs}
    for name, (f, df) in CURVES.items():
        arrays[f"{name}/value"] = f(xs)
        arrays[f"{name}/grad"] = df(xs)
    (x_train, t_train), _ = datasets.load_mnist(source=config.source)
    rng = np.random.default_rng(config.seed)
    batch = rng.choice(len(x_train), config.batch_size, replace=False)
    x, t = x_train[batch], t_train[batch]
    norms, input_over_output, per_layer = {}, {}, {}
    for activation, init in config.cases:
        key = case_key(activation, init)
        runs = np.stack([
            layer_gradient_norms(MultiLayerNet(x.shape[1], list(config.hidden), 10, activation=activation,
                                               weight_init_std=init, rng=np.random.default_rng([config.seed, i])), x, t)
            for i in range(config.inits)
        ])  # (inits, L + 1)
        mean = np.exp(np.log(runs).mean(axis=0))  # geometric mean: the norms span decades
        arrays[key] = mean
        norms[key] = mean.tolist()
        input_over_output[key] = float(mean[0] / mean[-1])  # W1 against the output layer's weights
        # The factor by which the norm changes per layer, going back through the hidden-to-hidden
        # weights W2 ... WL (W1 sees the pixels and the output layer the loss: both differ).
        hidden_norms = mean[1:-1]
        per_layer[key] = float((hidden_norms[0] / hidden_norms[-1]) ** (1 / (len(hidden_norms) - 1)))
    i0 = int(np.argmax(arrays["sigmoid/grad"]))  # the grid contains x = 0 when `points` is odd
    values = {
        "order": [case_key(a, i) for a, i in config.cases],
        "cases": {case_key(a, i): {"activation": a, "init": i} for a, i in config.cases},
        "labels": {case_key(a, i): {lang: label(a, i, lang) for lang in ("ja", "en")} for a, i in config.cases},
        "hidden": list(config.hidden),
        "n_hidden": len(config.hidden),
        "width": config.hidden[0],
        "batch_size": config.batch_size,
        "inits": config.inits,
        "grad_norms": norms,
        "input_over_output": input_over_output,
        "per_layer_factor": per_layer,
        "sigmoid_grad_max": float(arrays["sigmoid/grad"][i0]),
        "sigmoid_grad_argmax": float(xs[i0]),
        "tanh_grad_max": float(arrays["tanh/grad"].max()),
        "sigmoid_grad_at_range": float(arrays["sigmoid/grad"][-1]),
        "x_range": config.x_range,
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"value": "関数", "grad": "導関数", "x": "入力 x", "layer": "層（左が入力側）",
           "norm": "‖∂L/∂W‖（対数目盛）", "max": "σ'({x:g}) = {y:g}"},
    "en": {"value": "function", "grad": "derivative", "x": "input x", "layer": "layer (input side on the left)",
           "norm": "‖∂L/∂W‖ (log scale)", "max": "σ'({x:g}) = {y:g}"},
}


def plot_activations(result: Result, lang: str):
    """Two panels: the three activations, and their derivatives with the sigmoid's maximum marked."""
    text = TEXT[check_lang(lang)]
    xs = result.arrays["x"]
    with panels(lang, 2, size=(4.5, 3.4)) as (figure, axes):
        left, right = axes[0]
        for i, name in enumerate(CURVES):
            left.plot(xs, result.arrays[f"{name}/value"], color=f"C{i}", label=ACT_NAMES[lang][name])
            right.plot(xs, result.arrays[f"{name}/grad"], color=f"C{i}", label=ACT_NAMES[lang][name])
        peak = (result.values["sigmoid_grad_argmax"], result.values["sigmoid_grad_max"])
        right.annotate(text["max"].format(x=peak[0], y=peak[1]), peak, xytext=(1.2, 0.45),
                       arrowprops={"arrowstyle": "->", "color": "#555555"}, fontsize="small")
        right.plot(*peak, "o", color="C0")
        left.set(xlabel=text["x"], title=text["value"], ylim=(-1.1, 2.1))
        right.set(xlabel=text["x"], title=text["grad"], ylim=(-0.05, 1.1))
        for ax in (left, right):
            ax.axhline(0, color="#999999", linewidth=0.6)
            ax.axvline(0, color="#999999", linewidth=0.6)
            ax.legend(fontsize="small", loc="upper left")
    return figure


def plot_norms(result: Result, lang: str):
    """The gradient norm of each layer's weights, one line per (activation, initialisation)."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    with style(lang):
        figure, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
        for i, key in enumerate(v["order"]):
            norms = result.arrays[key]
            activation, init = v["cases"][key]["activation"], v["cases"][key]["init"]
            ax.semilogy(np.arange(1, len(norms) + 1), norms, "o-", color=f"C{i}", markersize=4,
                        label=label(activation, init, lang))
        ticks = np.arange(1, v["n_hidden"] + 2)
        ax.set_xticks(ticks, [f"W{l}" for l in ticks])
        ax.set(xlabel=text["layer"], ylabel=text["norm"])
        ax.legend(fontsize="small")
    return figure


FIGURES = {"activations": plot_activations, "grad_norms": plot_norms}
