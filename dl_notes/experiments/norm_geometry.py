r"""Why L1 gives zeros and L2 does not: a quadratic loss minimised inside an L2 disc and an L1 diamond.

The course's quiz shows two figures: the contours of a loss around its unregularised minimum
$w^*$, and the constraint region $\lVert w \rVert_p \le r$ of the penalty (a disc for L2, a
diamond for L1). The regularised solution is the point of the region where the lowest contour
touches it. This experiment finds that point for each $p$ by scanning the boundary of the
region finely (the minimum of a convex loss over a convex region lies on the boundary when
$w^*$ is outside), and records whether a coordinate of the solution is zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.regularizers import lp_norm

from ._plotting import check_lang, panels, style
from ._result import Result

TITLE = {"ja": "L1 と L2 の制約領域", "en": "The L1 and L2 constraint regions"}


@dataclass(frozen=True)
class Config:
    r"""The loss $E(w) = \frac12 (w - w^*)^\top H (w - w^*)$, the radius $r$, and the scan.

    ``balls``: the $p$ whose unit "balls" the third figure draws.
    """

    w_star: tuple[float, float] = (1.6, 1.1)
    hessian: tuple[tuple[float, float], tuple[float, float]] = ((1.0, 0.45), (0.45, 0.6))
    radius: float = 1.0
    points: int = 40000
    balls: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, float("inf"))
    seed: int = 0  # nothing random here; kept for the experiment contract


DEFAULT = Config()
TINY = Config(points=400)


def loss(w: np.ndarray, config: Config) -> np.ndarray:
    r"""$E(w)$ for an array of points ``w`` of shape (..., 2).

    >>> float(loss(np.array(DEFAULT.w_star), DEFAULT))
    0.0
    """
    d = w - np.asarray(config.w_star)
    return 0.5 * np.einsum("...i,ij,...j->...", d, np.asarray(config.hessian), d)


def boundary(p: float, radius: float, points: int) -> np.ndarray:
    r"""``points`` points on $\lVert w \rVert_p = r$, shape (points, 2), the axes' crossings included.

    >>> np.round(boundary(1.0, 1.0, 4), 6)
    array([[ 1.,  0.],
           [ 0.,  1.],
           [-1.,  0.],
           [ 0., -1.]])
    """
    theta = np.linspace(0, 2 * np.pi, points, endpoint=False)  # points % 4 == 0 keeps the axes
    u = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    u[np.abs(u) < 1e-15] = 0.0
    return radius * u / np.array([[lp_norm(row, p)] for row in u])


def solve(p: float, config: Config) -> np.ndarray:
    """The point of the region $\\lVert w \\rVert_p \\le r$ with the smallest loss."""
    if lp_norm(np.asarray(config.w_star), p) <= config.radius:
        return np.asarray(config.w_star, dtype=float)
    candidates = boundary(p, config.radius, config.points)
    return candidates[np.argmin(loss(candidates, config))]


def run(config: Config) -> Result:
    values, arrays = {"solution": {}, "zero_coordinates": {}, "loss_at_solution": {}}, {}
    for name, p in (("l2", 2.0), ("l1", 1.0)):
        w = solve(p, config)
        arrays[f"{name}/solution"] = w
        values["solution"][name] = [float(c) for c in w]
        values["zero_coordinates"][name] = int(np.sum(np.abs(w) < 1e-6 * config.radius))
        values["loss_at_solution"][name] = float(loss(w, config))
    for p in config.balls:
        arrays[f"ball/{p:g}"] = boundary(p, 1.0, 400)
    values.update({"w_star": list(config.w_star), "radius": config.radius, "balls": [f"{p:g}" for p in config.balls],
                   "l1_norm_w_star": lp_norm(np.asarray(config.w_star), 1),
                   "l2_norm_w_star": lp_norm(np.asarray(config.w_star), 2)})
    return Result(arrays=arrays, values=values)


TEXT = {
    "ja": {"l2": "L2：円の制約 $\\|w\\|_2 \\leq r$", "l1": "L1：ひし形の制約 $\\|w\\|_1 \\leq r$",
           "star": "正則化なしの最小点 $w^*$", "solution": "制約つきの解", "balls": "$\\|w\\|_p = 1$ の形"},
    "en": {"l2": "L2: the disc $\\|w\\|_2 \\leq r$", "l1": "L1: the diamond $\\|w\\|_1 \\leq r$",
           "star": "unregularised minimum $w^*$", "solution": "constrained solution",
           "balls": "the shapes $\\|w\\|_p = 1$"},
}


def _ellipse(config: Config, level: float) -> np.ndarray:
    """The contour $E(w) = $ ``level`` as a closed polyline (few points: small SVG)."""
    values, vectors = np.linalg.eigh(np.asarray(config.hessian))
    theta = np.linspace(0, 2 * np.pi, 121)
    circle = np.stack([np.cos(theta), np.sin(theta)])
    return (np.asarray(config.w_star)[:, None] + vectors @ (np.sqrt(2 * level / values)[:, None] * circle)).T


def plot(result: Result, lang: str):
    """Left: L2's disc; right: L1's diamond; each with the loss contours and the touching point."""
    text = TEXT[check_lang(lang)]
    v = result.values
    config = Config(w_star=tuple(v["w_star"]), radius=v["radius"])
    with panels(lang, 2, size=(4.0, 3.9)) as (figure, axes):
        for ax, name, p in ((axes[0, 0], "l2", 2.0), (axes[0, 1], "l1", 1.0)):
            region = boundary(p, v["radius"], 400)
            ax.fill(region[:, 0], region[:, 1], color="C0", alpha=0.25, linewidth=0)
            ax.plot(*np.vstack([region, region[:1]]).T, color="C0", linewidth=1.5)
            best = v["loss_at_solution"][name]
            for k, level in enumerate(best * np.array([0.15, 0.45, 1.0, 1.8, 2.8])):
                e = _ellipse(config, level)
                ax.plot(e[:, 0], e[:, 1], color="C3" if k == 2 else "#999999",
                        linewidth=1.4 if k == 2 else 0.8)
            ax.plot(*v["w_star"], "*", color="C3", markersize=11, label=text["star"])
            ax.plot(*v["solution"][name], "o", color="C2", markersize=7, label=text["solution"])
            ax.axhline(0, color="black", linewidth=0.6)
            ax.axvline(0, color="black", linewidth=0.6)
            ax.set(xlim=(-1.6, 3.2), ylim=(-1.6, 3.0), aspect="equal", title=text[name], xlabel="$w_1$",
                   ylabel="$w_2$")
            ax.title.set_fontsize("medium")
        axes[0, 0].legend(fontsize="x-small", loc="upper left")
    return figure


def plot_balls(result: Result, lang: str):
    """The unit "balls" $\\|w\\|_p = 1$ for several $p$."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    with style(lang):
        figure, ax = plt.subplots(figsize=(3.6, 3.6), layout="constrained")
        for i, p in enumerate(result.values["balls"]):
            b = result.arrays[f"ball/{p}"]
            label = "$p = \\infty$" if p == "inf" else f"$p = {p}$"
            ax.plot(*np.vstack([b, b[:1]]).T, color=f"C{i}", linewidth=1.4, label=label)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set(aspect="equal", xlim=(-1.25, 1.25), ylim=(-1.25, 1.25), title=text["balls"], xlabel="$w_1$",
               ylabel="$w_2$")
        ax.title.set_fontsize("medium")
        ax.legend(fontsize="x-small", loc="upper right")
    return figure


FIGURES = {"constraints": plot, "lp_balls": plot_balls}
