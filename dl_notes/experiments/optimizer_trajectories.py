r"""Paths of SGD, Momentum, Nesterov, AdaGrad, RMSProp and Adam on f(x, y) = x²/20 + y² from (-7, 2).

The function is the course's example of an elongated valley: its gradient
$(x/10,\ 2y)$ is twenty times steeper across the valley ($y$) than along it ($x$), so one
learning rate cannot suit both directions. Each optimizer starts at the same point and takes
the same number of steps, with the course's hyper-parameters (the book's
``ch06/optimizer_compare_naive.py``; RMSProp's from the course report, Nesterov with Momentum's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes import optim

from ._plotting import check_lang, style
from ._result import Result

TITLE = {"ja": "最適化手法の軌跡", "en": "Optimizer trajectories"}

# (key, class in dl_notes.optim, keyword arguments): the course's settings.
COURSE = (
    ("sgd", "SGD", (("lr", 0.95),)),
    ("momentum", "Momentum", (("lr", 0.1), ("momentum", 0.9))),
    ("nesterov", "Nesterov", (("lr", 0.1), ("momentum", 0.9))),  # Momentum's settings, to compare the two
    ("adagrad", "AdaGrad", (("lr", 1.5),)),
    ("rmsprop", "RMSProp", (("lr", 0.1), ("decay_rate", 0.9))),
    ("adam", "Adam", (("lr", 0.3), ("beta1", 0.9), ("beta2", 0.999))),
)


@dataclass(frozen=True)
class Config:
    """What to run: the start, the number of steps and the optimizers with their settings.

    ``noise`` adds Gaussian noise of that standard deviation to every gradient (drawn from
    ``seed``), to see how each method copes with stochastic gradients; the course uses exact ones.
    """

    start: tuple[float, float] = (-7.0, 2.0)
    steps: int = 30
    optimizers: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = COURSE
    noise: float = 0.0
    seed: int = 0


DEFAULT = Config()
TINY = Config(steps=3)


def f(x, y):
    r"""The valley $f(x, y) = x^2/20 + y^2$, minimum 0 at the origin.

    >>> f(-7.0, 2.0)
    6.45
    """
    return x**2 / 20 + y**2


def gradient(x, y):
    r"""$\nabla f = (x/10,\ 2y)$.

    >>> gradient(-7.0, 2.0)
    (-0.7, 4.0)
    """
    return x / 10, 2 * y


def trajectory(optimizer: optim.Optimizer, start, steps: int, noise: float = 0.0, rng=None) -> np.ndarray:
    """The points visited by ``optimizer`` from ``start``: an array of shape (steps + 1, 2).

    >>> trajectory(optim.SGD(lr=0.5), (-7.0, 2.0), 2)
    array([[-7.    ,  2.    ],
           [-6.65  ,  0.    ],
           [-6.3175,  0.    ]])
    """
    params = {"x": np.array(float(start[0])), "y": np.array(float(start[1]))}
    path = np.empty((steps + 1, 2))
    path[0] = start
    for i in range(1, steps + 1):
        gx, gy = gradient(params["x"], params["y"])
        if noise:
            gx, gy = np.array([gx, gy]) + noise * rng.standard_normal(2)
        optimizer.update(params, {"x": np.asarray(gx), "y": np.asarray(gy)})
        path[i] = params["x"], params["y"]
    return path


def settings(kwargs) -> str:
    """``'lr=0.1, momentum=0.9'``: an optimizer's keyword arguments as they are written in code."""
    return ", ".join(f"{k}={v:g}" for k, v in kwargs)


def label(key_class_kwargs) -> str:
    """``'SGD (lr=0.95)'``: an optimizer and its settings, for titles and error messages."""
    _, name, kwargs = key_class_kwargs
    return f"{name} ({settings(kwargs)})"


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    arrays, distance, value, labels, zigzags, overshoot = {}, {}, {}, {}, {}, {}
    for entry in config.optimizers:
        key, name, kwargs = entry
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below, by name
            path = trajectory(getattr(optim, name)(**dict(kwargs)), config.start, config.steps, config.noise, rng)
        finite = np.isfinite(path).all(axis=1)
        if not finite.all():
            step = int(np.argmin(finite))
            raise FloatingPointError(f"{label(entry)} diverged: its position is not finite at step {step}; lower lr")
        arrays[key] = path
        distance[key] = float(np.hypot(*path[-1]))
        value[key] = float(f(*path[-1]))
        labels[key] = label(entry)
        zigzags[key] = int(np.count_nonzero(np.diff(np.sign(path[:, 1])) != 0))
        overshoot[key] = float(max(path[:, 0].max(), 0.0))
    values = {
        "steps": config.steps,
        "start": list(config.start),
        "order": [key for key, _, _ in config.optimizers],  # dicts come back from the cache key-sorted
        "names": {key: name for key, name, _ in config.optimizers},
        "labels": labels,
        "settings": {key: settings(kwargs) for key, _, kwargs in config.optimizers},
        "lr": {key: dict(kwargs)["lr"] for key, _, kwargs in config.optimizers},
        "first_point": {key: path[1].tolist() for key, path in arrays.items()},  # where the first step lands
        "last_x_step": {key: float(abs(path[-1, 0] - path[-2, 0])) for key, path in arrays.items()},
        "final_distance": distance,
        "final_value": value,
        "ranking": sorted(distance, key=distance.get),  # closest to the minimum first
        "y_sign_changes": zigzags,  # how often the path crossed the valley floor y = 0
        "x_overshoot": overshoot,  # how far past the minimum along x the path went (0: never)
        "start_distance": float(np.hypot(*config.start)),
    }
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"step": "ステップ", "distance": "最小点 (0, 0) までの距離（対数目盛）", "all": "全手法の比較"},
    "en": {"step": "step", "distance": "distance to the minimum (0, 0), log scale", "all": "all methods"},
}


def plot(result: Result, lang: str):
    """Five panels of paths over the contours of f, and a sixth with each distance per step."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    keys = result.values["order"]
    with style(lang):
        panels = len(keys) + 1  # one per optimizer and one for the distances
        cols = 3 if panels <= 6 else 4
        rows = -(-panels // cols)
        figure, axes = plt.subplots(rows, cols, figsize=(3.7 * cols, 3.3 * rows), layout="constrained",
                                    squeeze=False)
        # The level sets f = c are the ellipses (sqrt(20c) cos t, sqrt(c) sin t): drawn exactly,
        # they are smoother and far smaller in SVG than a contour of a sampled grid.
        t = np.linspace(0, 2 * np.pi, 73)
        levels = np.geomspace(0.05, 25, 12)
        for i, (key, ax) in enumerate(zip(keys, axes.flat)):
            path = result.arrays[key]
            for c in levels:
                ax.plot(np.sqrt(20 * c) * np.cos(t), np.sqrt(c) * np.sin(t), color="#bbbbbb", linewidth=0.7)
            ax.plot(path[:, 0], path[:, 1], "o-", color=f"C{i}", markersize=3, linewidth=1.2)
            ax.plot(0, 0, "+", color="black", markersize=10)
            ax.set(xlim=(-10, 10), ylim=(-5, 5), title=result.values["labels"][key], xlabel="x", ylabel="y")
        last = axes.flat[-1]
        for i, key in enumerate(keys):
            distance = np.hypot(*result.arrays[key].T)
            last.semilogy(distance, color=f"C{i}", label=result.values["names"][key])
        last.set(xlabel=text["step"], ylabel=text["distance"], title=text["all"])
        last.legend(fontsize="small")
        for ax in axes.flat[len(keys):-1]:
            ax.set_visible(False)
    return figure


FIGURES = {"trajectories": plot}


# The Japanese names the settings after 「、」 instead of the label "SGD (lr=0.95)": no half-width
# bracket touches Japanese text (docs/style.yml).
NOTE = {
    "ja": "{steps} ステップ後の最小点までの距離：**{distance}**（{name}、`{settings}`。$f(x, y) = x^2/20 + y^2$ 上で "
          "$(-7, 2)$ から出発。距離の初期値は {start}）。",
    "en": "Distance to the minimum after {steps} steps: **{distance}** ({label}, on "
          "$f(x, y) = x^2/20 + y^2$ from $(-7, 2)$, which starts at distance {start}).",
}


def api_notes(result: Result, lang: str) -> dict[str, tuple[str, str]]:
    """For each optimizer class in the API reference: its measured distance and the figure."""
    v = result.values
    return {
        f"dl_notes.optim.{name}": (
            NOTE[lang].format(steps=v["steps"], distance=f"{v['final_distance'][key]:.3g}",
                              label=v["labels"][key], name=v["names"][key], settings=v["settings"][key],
                              start=f"{v['start_distance']:.3g}"),
            "trajectories",
        )
        for key, name in ((key, v["names"][key]) for key in v["order"])
    }
