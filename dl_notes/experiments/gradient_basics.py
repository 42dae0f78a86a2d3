r"""Numerical derivatives, the gradient field and gradient descent on the book's examples.

Three measurements without data, for the page "Losses and gradients":

- the error of the forward and the central difference quotient (`dl_notes.gradcheck.numerical_diff`)
  against the step $h$, for $f(x) = e^x$ at $x = 1$ (where $f = f' = f'' = f''' = e$, so the
  truncation errors $\frac{h}{2}e$ and $\frac{h^2}{6}e$ and the rounding error
  $\approx \epsilon e / h$ are easy to draw), plus the book's warning case $h = 10^{-50}$;
- the negative gradient of $f(x_0, x_1) = x_0^2 + x_1^2$ on the book's grid (`numerical_gradient`);
- `dl_notes.optim.gradient_descent` on that function from $(-3, 4)$ for 100 steps with the
  book's learning rates: too large (10), too small ($10^{-10}$) and a good one (0.1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.gradcheck import numerical_diff, numerical_gradient
from dl_notes.optim import gradient_descent

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "数値微分と勾配降下法", "en": "Numerical derivatives and gradient descent"}


@dataclass(frozen=True)
class Config:
    """The range of $h$ (powers of ten), the grid of the field, and the descent's settings."""

    h_exponents: tuple[float, float] = (-16.0, 0.0)
    h_points: int = 161
    x: float = 1.0
    grid: tuple[float, float, float] = (-2.0, 2.5, 0.25)  # the book's np.arange(-2, 2.5, 0.25)
    start: tuple[float, float] = (-3.0, 4.0)
    lrs: tuple[float, ...] = (10.0, 1e-10, 0.1)
    steps: int = 100
    seed: int = 0  # nothing is random here; kept for the experiment contract


DEFAULT = Config()
TINY = Config(h_points=17, grid=(-1.0, 1.5, 0.5), steps=5)
METHODS = ("forward", "central")


def sphere(x: np.ndarray) -> float:
    r"""$f(x_0, x_1) = x_0^2 + x_1^2$, the book's ``function_2``.

    >>> sphere(np.array([3.0, 4.0]))
    25.0
    """
    return float(x[0] ** 2 + x[1] ** 2)


def diff_errors(x: float, hs: np.ndarray) -> dict[str, np.ndarray]:
    """``|numerical_diff(exp, x, h) - exp(x)|`` for each ``h``, per method.

    >>> e = diff_errors(1.0, np.array([1e-2]))
    >>> float(e["forward"][0] / e["central"][0]) > 100
    True
    """
    exact = np.exp(x)
    return {m: np.array([abs(numerical_diff(np.exp, x, h, method=m) - exact) for h in hs]) for m in METHODS}


def field(grid: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The grid points (n, 2) and the negative gradient of `sphere` at each (n, 2)."""
    axis = np.arange(*grid)
    X, Y = np.meshgrid(axis, axis)
    points = np.column_stack([X.ravel(), Y.ravel()])  # (n, 2)
    return points, np.array([-numerical_gradient(sphere, p.copy()) for p in points])


def stall_step(path: np.ndarray) -> int | None:
    """The first step after which the path never moves again, or None if it moves to the end.

    >>> stall_step(np.array([[0.0], [1.0], [2.0], [2.0], [2.0]]))
    2
    >>> stall_step(np.array([[0.0], [1.0]])) is None
    True
    """
    moved = np.any(path[1:] != path[:-1], axis=tuple(range(1, path.ndim)))  # (steps,)
    if moved[-1]:
        return None
    return int(np.flatnonzero(moved)[-1] + 1) if moved.any() else 0


def run(config: Config) -> Result:
    hs = np.logspace(*config.h_exponents, config.h_points)
    errors = diff_errors(config.x, hs)
    exact = float(np.exp(config.x))
    points, arrows = field(config.grid)
    arrays = {"h": hs, "points": points, "arrows": arrows, **{f"error/{m}": errors[m] for m in METHODS}}
    keys = [f"{lr:g}" for lr in config.lrs]
    final, distance, stalled = {}, {}, {}
    for key, lr in zip(keys, config.lrs):
        x, path = gradient_descent(sphere, np.array(config.start), lr=lr, step_num=config.steps, history=True)
        arrays[f"path/{key}"] = path
        final[key] = x.tolist()
        distance[key] = float(np.hypot(*x))
        stalled[key] = stall_step(path)
    best = {m: int(np.argmin(errors[m])) for m in METHODS}
    at_1e4 = {m: abs(numerical_diff(np.exp, config.x, 1e-4, method=m) - exact) for m in METHODS}
    x_big = abs(final[keys[0]][0])
    values = {
        "x": config.x,
        "exact": exact,
        "eps": float(np.finfo(np.float64).eps),
        "best_h": {m: float(hs[best[m]]) for m in METHODS},
        "best_error": {m: float(errors[m][best[m]]) for m in METHODS},
        "error_at_book_h": at_1e4,
        "ratio_at_book_h": at_1e4["forward"] / at_1e4["central"],
        "tiny_h_derivative": float(numerical_diff(np.exp, config.x, 1e-50)),
        "tiny_h_no_change": bool(config.x + 1e-50 == config.x),
        "float32_tiny_h": float(np.float32(1e-50)),
        "field_points": len(points),
        "start": list(config.start),
        "start_distance": float(np.hypot(*config.start)),
        "steps": config.steps,
        "lrs": keys,
        "lr": dict(zip(keys, config.lrs)),
        "final": final,
        "final_distance": distance,
        "stall_step": stalled,
        # the large learning rate's last point: x + h == x there, so the numerical gradient is 0
        "large_lr_x_plus_h_equals_x": bool(x_big + 1e-4 == x_big),
        "large_lr_ulp": float(np.spacing(x_big)),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"h": "刻み幅 h（対数目盛）", "error": "微分の誤差（対数目盛）", "forward": "前方差分",
        "central": "中心差分", "truncation": "打ち切り誤差の理論値", "rounding": "丸め誤差の目安 εe/h",
        "book_h": "教科書の h = 10⁻⁴", "field_title": "−∇f（勾配の逆向き）", "step": "ステップ",
        "distance": "原点からの距離（対数目盛）", "paths": "(−3, 4) からの経路", "lr": "学習率 {lr}"},
    en={"h": "step h (log scale)", "error": "error of the derivative (log scale)", "forward": "forward difference",
        "central": "central difference", "truncation": "truncation error (theory)", "rounding": "rounding, about εe/h",
        "book_h": "the book's h = 10⁻⁴", "field_title": "−∇f (against the gradient)", "step": "step",
        "distance": "distance to the origin (log scale)", "paths": "paths from (−3, 4)", "lr": "learning rate {lr}"},
)


def plot_diff_error(result: Result, lang: str):
    """Log-log error against h for both quotients, with the theoretical lines."""
    text = TEXT[check_lang(lang)]
    a, v = result.arrays, result.values
    h, e = a["h"], v["exact"]
    with panels(lang, size=(6.4, 4.0)) as (figure, axes):
        ax = axes[0, 0]
        ax.loglog(h, a["error/forward"], "o", markersize=2.5, color="C0", label=text["forward"])
        ax.loglog(h, a["error/central"], "o", markersize=2.5, color="C1", label=text["central"])
        ax.loglog(h, h / 2 * e, "--", color="C0", linewidth=1, label=f'{text["truncation"]} (h/2)e')
        ax.loglog(h, h**2 / 6 * e, "--", color="C1", linewidth=1, label=f'{text["truncation"]} (h²/6)e')
        ax.loglog(h, v["eps"] * e / h, ":", color="gray", linewidth=1.2, label=text["rounding"])
        ax.axvline(1e-4, color="C3", linewidth=0.8, label=text["book_h"])
        ax.set(xlabel=text["h"], ylabel=text["error"], ylim=(1e-13, 10))
        ax.legend(fontsize="small", loc="upper center")
    return figure


def plot_field(result: Result, lang: str):
    """Arrows of the negative gradient of x0² + x1² on the book's grid."""
    text = TEXT[check_lang(lang)]
    p, g = result.arrays["points"], result.arrays["arrows"]
    with panels(lang, size=(4.6, 4.4)) as (figure, axes):
        ax = axes[0, 0]
        ax.quiver(p[:, 0], p[:, 1], g[:, 0], g[:, 1], angles="xy", color="#444444")
        ax.plot(0, 0, "+", color="C3", markersize=12)
        ax.set(xlabel="$x_0$", ylabel="$x_1$", title=text["field_title"], aspect="equal")
    return figure


def lr_label(lr: float) -> str:
    """A learning rate for a legend: a power of ten below 0.001 as mathtext.

    >>> lr_label(0.1), lr_label(1e-10)
    ('0.1', '$10^{-10}$')
    """
    return f"$10^{{{round(np.log10(lr))}}}$" if lr < 1e-3 else f"{lr:g}"


def plot_descent(result: Result, lang: str):
    """Left: the paths near the start; right: the distance to the origin per step, log scale."""
    text = TEXT[check_lang(lang)]
    v = result.values
    with panels(lang, 2, size=(4.6, 4.2)) as (figure, axes):
        left, right = axes[0]
        t = np.linspace(0, 2 * np.pi, 97)
        for r in range(1, 6):
            left.plot(r * np.cos(t), r * np.sin(t), color="#cccccc", linewidth=0.7)
        for i, key in enumerate(v["lrs"]):
            path = result.arrays[f"path/{key}"]
            label = text["lr"].format(lr=lr_label(v["lr"][key]))
            if np.abs(path).max() <= 5:  # a path that leaves the frame at once is only on the right
                left.plot(path[:, 0], path[:, 1], "o-", color=f"C{i}", markersize=3, linewidth=1, label=label)
            with np.errstate(divide="ignore"):
                right.semilogy(np.hypot(path[:, 0], path[:, 1]), color=f"C{i}", label=label)
        left.plot(0, 0, "+", color="black", markersize=10)
        left.set(xlim=(-5, 5), ylim=(-5, 5), aspect="equal", xlabel="$x_0$", ylabel="$x_1$", title=text["paths"])
        left.legend(fontsize="small", loc="lower right")
        right.set(xlabel=text["step"], ylabel=text["distance"])
        right.legend(fontsize="small")
    return figure


FIGURES = {"diff_error": plot_diff_error, "field": plot_field, "descent": plot_descent}
