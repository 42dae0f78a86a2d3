r"""How far back a gradient reaches: the norm of $\partial L / \partial x_t$ against the distance $T - t$.

A loss at the last step only, $L = u \cdot h_T$ with a fixed random unit vector $u$, is
backpropagated through time; $\lVert \partial L / \partial x_t \rVert$ (averaged over the batch,
then a geometric mean over random initialisations) says how much of the gradient that reaches
the input $t$ steps back.

Two measurements. First, RNN, LSTM and GRU of the same hidden size at initialisation (the
weights of `dl_notes.recurrent_nets.RecurrentNet`), and the LSTM again with its forget gate's
bias at 1. Second, the simple RNN with $W_h$ a random orthogonal matrix times a scale $s$, so
that its spectral norm is exactly $s$: through $\partial h_t / \partial h_{t-1} =
\mathrm{diag}(f'(u_t)) W_h^\top$ (column-vector form), the gradient shrinks per step by at
least the factor $\max f' \cdot s$, which is below 1 for tanh with $s = 0.5$ and for the
sigmoid ($\max \sigma' = 1/4$) even with $s = 2$.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.activations import relu_grad, sigmoid, sigmoid_grad, tanh_grad
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.rnn import TimeRNN

from ._plotting import ACT_NAMES, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "時間をさかのぼる勾配の大きさ", "en": "Gradients flowing back through time"}

CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


@dataclass(frozen=True)
class Config:
    """Sizes, the cells (cell, forget-gate bias), the RNN's (activation, spectral norm of W_h), the seeds."""

    input_size: int = 8
    hidden_size: int = 32
    steps: int = 40
    batch_size: int = 32
    inits: int = 5  # random initialisations averaged over (geometric mean)
    cells: tuple[tuple[str, float], ...] = (("rnn", 0.0), ("lstm", 0.0), ("lstm", 1.0), ("gru", 0.0))
    scales: tuple[tuple[str, float], ...] = (("tanh", 0.5), ("sigmoid", 2.0), ("tanh", 2.0), ("relu", 2.0))
    fit_from: int = 1  # the per-step factor is fitted between these two distances
    fit_to: int = 20
    seed: int = 0


DEFAULT = Config()
TINY = Config(hidden_size=6, steps=8, batch_size=4, inits=2, fit_to=6)


def input_gradient_norms(layer, xs: np.ndarray, u: np.ndarray) -> np.ndarray:
    r"""$\lVert \partial (u \cdot h_T) / \partial x_t \rVert$ averaged over the batch, by distance $T - t = 0, 1, \dots$

    >>> layer = TimeRNN(np.eye(2), 0.5 * np.eye(2), np.zeros(2))
    >>> input_gradient_norms(layer, np.zeros((1, 3, 2)), np.array([1.0, 0.0]))   # tanh' = 1 at 0: 0.5 per step
    array([1.  , 0.5 , 0.25])
    """
    hs = layer.forward(xs)
    dhs = np.zeros_like(hs)
    dhs[:, -1] = u
    dxs = layer.backward(dhs)
    return np.linalg.norm(dxs, axis=2).mean(axis=0)[::-1]


def cell_key(cell: str, forget_bias: float) -> str:
    """``'lstm'``, or ``'lstm/forget_bias=1'`` when the forget gate's bias is not 0.

    >>> cell_key("gru", 0.0), cell_key("lstm", 1.0)
    ('gru', 'lstm/forget_bias=1')
    """
    return cell if forget_bias == 0 else f"{cell}/forget_bias={forget_bias:g}"


def scale_key(activation: str, scale: float) -> str:
    """``'tanh/s=0.5'``.

    >>> scale_key("relu", 2.0)
    'relu/s=2'
    """
    return f"{activation}/s={scale:g}"


def per_step_factor(norms: np.ndarray, start: int, stop: int) -> float:
    r"""The geometric mean factor per step between distances ``start`` and ``stop``: $(n_{stop}/n_{start})^{1/(stop-start)}$.

    >>> per_step_factor(np.array([1.0, 0.5, 0.25, 0.125]), 1, 3)
    0.5
    """
    return float((norms[stop] / norms[start]) ** (1 / (stop - start)))


# max f'(u): what one step can multiply the gradient by at most, per unit of ||W_h||.
SLOPE_MAX = {"tanh": lambda: float(tanh_grad(0.0)), "sigmoid": lambda: float(sigmoid_grad(0.0)),
             "relu": lambda: float(relu_grad(1.0))}


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    u = rng.standard_normal(n)
    return u / np.linalg.norm(u)


def _geometric_mean(runs: list[np.ndarray]) -> np.ndarray:
    return np.exp(np.log(np.maximum(runs, np.finfo(np.float64).tiny)).mean(axis=0))


def run(config: Config) -> Result:
    if not 0 < config.fit_from < config.fit_to < config.steps:
        raise ValueError(f"need 0 < fit_from < fit_to < steps, got {config.fit_from}, {config.fit_to}, {config.steps}")
    D, H, T, N = config.input_size, config.hidden_size, config.steps, config.batch_size
    arrays, values = {"distance": np.arange(T)}, {"cells": {}, "scales": {}}
    for cell, forget_bias in config.cells:
        key = cell_key(cell, forget_bias)
        runs = []
        for i in range(config.inits):
            rng = np.random.default_rng([config.seed, i])
            layer = RecurrentNet(D, H, 1, cell=cell, output="last", dtype=np.float64, rng=rng).recurrent
            layer.input_grad = True  # the net skips dL/dx (its input is data); here it is the measurement
            if cell == "lstm":
                layer.b[H:2 * H] = forget_bias  # gate order i, f, g, o
            runs.append(input_gradient_norms(layer, rng.standard_normal((N, T, D)), _unit(rng, H)))
        arrays[key] = norms = _geometric_mean(runs)
        values["cells"][key] = {"cell": cell, "forget_bias": forget_bias, "norms": norms.tolist(),
                                "forget_gate_at_zero_input": float(sigmoid(forget_bias)),
                                "per_step": per_step_factor(norms, config.fit_from, config.fit_to),
                                "far_over_near": float(norms[-1] / norms[0])}
    for activation, scale in config.scales:
        key = scale_key(activation, scale)
        runs, spectral = [], []
        for i in range(config.inits):
            rng = np.random.default_rng([config.seed, 1, i])
            Q, _ = np.linalg.qr(rng.standard_normal((H, H)))
            layer = TimeRNN(rng.standard_normal((D, H)) / np.sqrt(D), scale * Q, np.zeros(H), activation=activation)
            spectral.append(float(np.linalg.norm(layer.Wh, 2)))
            runs.append(input_gradient_norms(layer, rng.standard_normal((N, T, D)), _unit(rng, H)))
        arrays[key] = norms = _geometric_mean(runs)
        slope = SLOPE_MAX[activation]()
        values["scales"][key] = {"activation": activation, "scale": scale, "spectral_norm": max(spectral),
                                 "slope_max": slope, "bound": slope * scale, "norms": norms.tolist(),
                                 "per_step": per_step_factor(norms, config.fit_from, config.fit_to),
                                 "far_over_near": float(norms[-1] / norms[0])}
    for key, entry in values["cells"].items():
        entry["label"] = {lang: cell_label(entry, lang) for lang in ("ja", "en")}
    for key, entry in values["scales"].items():
        entry["label"] = {lang: scale_label(entry, lang) for lang in ("ja", "en")}
    values.update({
        "cell_order": [cell_key(*c) for c in config.cells], "scale_order": [scale_key(*s) for s in config.scales],
        "input_size": D, "hidden_size": H, "steps": T, "batch_size": N, "inits": config.inits,
        "fit_from": config.fit_from, "fit_to": config.fit_to, "far": T - 1,
        "sigmoid_grad_max": SLOPE_MAX["sigmoid"](), "tanh_grad_max": SLOPE_MAX["tanh"](),
        "bound_holds": all(e["per_step"] <= e["bound"] for e in values["scales"].values()),
    })
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"distance": "さかのぼるステップ数 T − t", "norm": "‖∂L/∂x_t‖（対数目盛）", "cells": "RNN・LSTM・GRU（学習前）",
        "scales": "RNN：‖W_h‖ と活性化関数", "forget": "LSTM（忘却ゲートのバイアス {b:g}）", "s": "{act}、‖W_h‖ = {s:g}"},
    en={"distance": "steps back, T − t", "norm": "‖∂L/∂x_t‖ (log scale)", "cells": "RNN, LSTM, GRU (untrained)",
        "scales": "RNN: ‖W_h‖ and the activation", "forget": "LSTM (forget-gate bias {b:g})", "s": "{act}, ‖W_h‖ = {s:g}"},
)


def cell_label(entry: dict, lang: str) -> str:
    """``'GRU'``, or ``'LSTM (forget-gate bias 1)'``.

    >>> cell_label({"cell": "lstm", "forget_bias": 1.0}, "en")
    'LSTM (forget-gate bias 1)'
    """
    if entry["forget_bias"]:
        return TEXT[check_lang(lang)]["forget"].format(b=entry["forget_bias"])
    return CELL_NAMES[entry["cell"]]


def scale_label(entry: dict, lang: str) -> str:
    """``'tanh, ‖W_h‖ = 0.5'``.

    >>> scale_label({"activation": "tanh", "scale": 0.5}, "en")
    'tanh, ‖W_h‖ = 0.5'
    """
    return TEXT[check_lang(lang)]["s"].format(act=ACT_NAMES[lang][entry["activation"]], s=entry["scale"])


def _plot(result: Result, lang: str, group: str, label) -> object:
    text = TEXT[check_lang(lang)]
    v = result.values
    with panels(lang, size=(7, 3.6)) as (figure, axes):
        ax = axes[0, 0]
        for i, key in enumerate(v[f"{group[:-1]}_order"]):
            ax.semilogy(result.arrays["distance"], result.arrays[key], "o-", color=f"C{i}", markersize=3,
                        label=label(v[group][key], lang))
        ax.set(xlabel=text["distance"], ylabel=text["norm"], title=text[group])
        ax.legend(fontsize="small")
    return figure


def plot_cells(result: Result, lang: str):
    """The gradient norm against the distance, one line per cell."""
    return _plot(result, lang, "cells", cell_label)


def plot_scales(result: Result, lang: str):
    """The same for the simple RNN, one line per (activation, ‖W_h‖)."""
    return _plot(result, lang, "scales", scale_label)


FIGURES = {"cells": plot_cells, "scales": plot_scales}
