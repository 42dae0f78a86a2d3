r"""Activations of a 5-layer, 100-unit network on random input, for each initialisation.

The book's experiment (ch06 ``weight_init_activation_histogram.py``): 1,000 inputs
$x \sim \mathcal{N}(0, 1)^{100}$ go through 5 fully connected layers of 100 units with no bias,
$h_l = \phi(h_{l-1} W_l)$, and the histogram of each layer's outputs shows whether the signal
keeps its spread; the mean of each layer's outputs shows where the activation is centred
(the sigmoid near ½, tanh near 0), and for ReLU the share of outputs that are exactly 0 shows its
sparsity. The weights are Gaussian with standard deviation 1 or 0.01, Xavier
($\sqrt{1/n}$) or He ($\sqrt{2/n}$), drawn by `dl_notes.init`; the activations come from
`dl_notes.activations`. Nothing is trained.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

from dl_notes import activations, init

from ._plotting import ACT_NAMES, check_lang, panels, std_label
from ._result import Result

TITLE = {"ja": "各層の活性化の分布", "en": "Activation histograms"}

FUNCTIONS = {"sigmoid": activations.sigmoid, "tanh": activations.tanh, "relu": activations.relu}
# Histogram range per activation: the sigmoid's and tanh's whole output range; for ReLU [0, 2].
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 2.0)}
INITS = (("std1", 1.0), ("std0.01", 0.01), ("xavier", "xavier"), ("he", "he"))
INIT_LABELS = {
    "ja": {"std1": "正規分布（標準偏差 1）", "std0.01": "正規分布（標準偏差 0.01）", "xavier": "Xavier √(1/n)", "he": "He √(2/n)"},
    "en": {"std1": "Gaussian (std 1)", "std0.01": "Gaussian (std 0.01)", "xavier": "Xavier √(1/n)", "he": "He √(2/n)"},
}


@dataclass(frozen=True)
class Config:
    """Samples, units per layer, layers, bins, and which activations and initialisations."""

    samples: int = 1000
    units: int = 100
    layers: int = 5
    bins: int = 30
    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu")
    inits: tuple[tuple[str, float | str], ...] = INITS
    seed: int = 0


DEFAULT = Config()
TINY = Config(samples=200, units=50)


def forward_activations(x: np.ndarray, weights: list[np.ndarray], phi) -> list[np.ndarray]:
    r"""$h_l = \phi(h_{l-1} W_l)$ for each weight, from $h_0 = x$: the list of $h_1, \dots, h_L$.

    >>> hs = forward_activations(np.ones((2, 3)), [np.eye(3), -np.eye(3)], activations.relu)
    >>> [h.tolist() for h in hs]
    [[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]
    """
    hs = []
    for W in weights:
        x = phi(x @ W)
        hs.append(x)
    return hs


def case_key(activation: str, init_key: str) -> str:
    """``'relu/he'``.

    >>> case_key("tanh", "xavier")
    'tanh/xavier'
    """
    return f"{activation}/{init_key}"


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    x = rng.standard_normal((config.samples, config.units), dtype=np.float32)
    arrays, stds, means, zeros, saturated, order = {}, {}, {}, {}, {}, []
    for activation in config.activations:
        for init_key, std in config.inits:
            # Every case draws its own weights from a stream named after it: adding or removing a
            # case changes no other.
            stream = [config.seed, zlib.crc32(case_key(activation, init_key).encode())]
            weights = [init.init_weight((config.units, config.units), std, rng=np.random.default_rng([*stream, l]))
                       for l in range(config.layers)]
            hs = forward_activations(x, weights, FUNCTIONS[activation])
            key = case_key(activation, init_key)
            order.append(key)
            lo, hi = RANGES[activation]
            counts = []
            for h in hs:
                values = h[h != 0] if activation == "relu" else h  # ReLU's exact zeros (half of all) are counted apart
                counts.append(np.histogram(values, bins=config.bins, range=(lo, hi))[0])
            arrays[f"{key}/counts"] = np.stack(counts)  # (layers, bins)
            stds[key] = [float(h.std()) for h in hs]
            means[key] = [float(h.mean()) for h in hs]  # sigmoid: near ½; tanh: near 0 (its zero centre)
            if activation == "relu":  # sparsity: the share of outputs that are exactly 0
                zeros[key] = [float(np.mean(h == 0)) for h in hs]
            if activation == "sigmoid":  # outputs within 0.01 of 0 or 1: the slope there is below 0.01
                saturated[key] = [float(np.mean((h < 0.01) | (h > 0.99))) for h in hs]
    values = {
        "order": order,
        "activations": list(config.activations),
        "inits": [k for k, _ in config.inits],
        "std": stds,
        "mean": means,
        "relu_zero_share": zeros,
        "sigmoid_saturated": saturated,
        "samples": config.samples,
        "units": config.units,
        "layers": config.layers,
        "bins": config.bins,
        "ranges": {k: list(RANGES[k]) for k in config.activations},
        "init_labels": INIT_LABELS,
        # How much the standard deviation of the outputs changes from the first to the last layer.
        "std_ratio_last_first": {k: s[-1] / s[0] for k, s in stds.items()},
    }
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"layer": "{l} 層目", "relu_note": "（ReLU は 0 を除く）", "value": "{act}の出力値"},
    "en": {"layer": "layer {l}", "relu_note": " (ReLU: zeros left out)", "value": "{act} output"},
}


def two_lines(label: str) -> str:
    r"""``label`` broken at its first space or before a full-width bracket, whichever comes first.

    >>> two_lines("Gaussian (std 1)"), two_lines("正規分布（標準偏差 1）"), two_lines("Xavier √(1/n)")
    ('Gaussian\n(std 1)', '正規分布\n（標準偏差 1）', 'Xavier\n√(1/n)')
    """
    return re.sub(r" |(?=（)", "\n", label, count=1)


def histogram_figure(result: Result, lang: str, activation: str):
    """Rows: initialisations; columns: layers. Each panel is one layer's output histogram."""
    text = TEXT[check_lang(lang)]
    v = result.values
    lo, hi = v["ranges"][activation]
    edges = np.linspace(lo, hi, v["bins"] + 1)
    with panels(lang, len(v["inits"]) * v["layers"], v["layers"], size=(1.7, 1.5), sharex=True) as (figure, axes):
        for r, init_key in enumerate(v["inits"]):
            key = case_key(activation, init_key)
            counts = result.arrays[f"{key}/counts"]
            for l in range(v["layers"]):
                ax = axes[r, l]
                ax.stairs(counts[l], edges, fill=True, color=f"C{r}")
                ax.set_ylim(0, 1.3 * max(counts[l].max(), 1))  # room for the label above the bars
                ax.set_yticks([])
                ax.text(0.97, 0.93, std_label(f"{v['std'][key][l]:.2g}", lang), transform=ax.transAxes, ha="right", va="top",
                        fontsize="small", bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
                if r == 0:
                    ax.set_title(text["layer"].format(l=l + 1), fontsize="medium")
                if l == 0:
                    ax.set_ylabel(two_lines(INIT_LABELS[lang].get(init_key, init_key)), fontsize="small")
                ax.tick_params(labelsize="x-small")
        figure.supxlabel(text["value"].format(act=ACT_NAMES[lang][activation]) + (text["relu_note"] if activation == "relu" else ""),
                         fontsize="medium")
    return figure


def _figure_for(activation: str):
    def plot(result: Result, lang: str):
        return histogram_figure(result, lang, activation)

    plot.__doc__ = f"Histograms of the {activation} outputs of each layer, for each initialisation."
    return plot


FIGURES = {f"{activation}.png": _figure_for(activation) for activation in FUNCTIONS}
