r"""Value iteration on the page's 5 × 5 grid world, without and with slipping.

`dl_notes.gridworld.GridWorld` with its default map (``LAYOUT``: start top left, goal bottom
right, two walls, two holes; reward +1 for the goal, −1 for a hole, 0 otherwise), discount
$\gamma$ = 0.9. For each slip probability, `dl_notes.rl.value_iteration` runs from $V_0 = 0$
until no value changes by more than ``tol``; the result is checked by substitution into the
Bellman optimality equation, and the optimal value of the start is compared with the mean
discounted return of episodes that follow the greedy policy in the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.gridworld import LAYOUT, GridWorld
from dl_notes.rl import bellman_optimality_backup, discounted_return, optimal_actions, value_iteration

from ._plotting import PALETTE, check_lang, grid_policy, panels, texts
from ._result import Result

TITLE = {"ja": "グリッドワールドの価値反復法", "en": "Value iteration on a grid world"}


@dataclass(frozen=True)
class Config:
    """The world, the discount and the stopping rule; episodes for the Monte Carlo check."""

    slips: tuple[float, ...] = (0.0, 0.3)
    gamma: float = 0.9
    tol: float = 1e-10
    episodes: int = 2000          # greedy episodes per slip, to check V*(start) by simulation
    max_steps: int = 200
    seed: int = 0


DEFAULT = Config()
TINY = Config(episodes=50)


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    arrays: dict[str, np.ndarray] = {}
    values: dict = {"gamma": config.gamma, "tol": config.tol, "episodes": config.episodes,
                    "slips": list(config.slips), "layout": list(LAYOUT), "by_slip": {}}
    policies = []
    for k, slip in enumerate(config.slips):
        world = GridWorld(LAYOUT, slip=slip)
        result = value_iteration(world, config.gamma, tol=config.tol)
        residual = float(np.abs(bellman_optimality_backup(world, result.V, config.gamma) - result.V).max())
        returns = []
        for _ in range(config.episodes):               # follow the greedy policy in the environment
            s, rewards = world.reset(rng), []
            for _ in range(config.max_steps):
                s, r, done = world.step(int(result.policy[s]), rng)
                rewards.append(r)
                if done:
                    break
            returns.append(discounted_return(rewards, config.gamma))
        actions = np.where(world.terminal, -1, result.policy)
        arrays[f"V/{k}"] = world.grid(result.V)
        arrays[f"policy/{k}"] = np.nan_to_num(world.grid(actions), nan=-1).astype(int)
        arrays[f"residuals/{k}"] = result.residuals
        policies.append((world, optimal_actions(result.Q), result.policy))
        values["by_slip"][str(k)] = {
            "slip": slip, "sweeps": result.sweeps, "V_start": float(result.V[world.start]),
            "V_max": float(result.V[~world.terminal].max()), "V_min": float(result.V[~world.terminal].min()),
            "bellman_residual": residual, "mc_mean": float(np.mean(returns)),
            "mc_stderr": float(np.std(returns) / np.sqrt(len(returns))),
            "first_residual": float(result.residuals[0]),
        }
    if len(policies) >= 2:
        # states where the slippery world's greedy action is not optimal in the deterministic one
        (w0, best0, _), (_, _, pi1) = policies[0], policies[-1]
        n = np.flatnonzero(~w0.terminal)
        changed = ~best0[n, pi1[n]]
        values["changed_states"] = int(changed.sum())
        values["nonterminal_states"] = int(len(n))
        values["changed_cells"] = [list(w0.cells[s]) for s in n[changed]]
        # why they change: next to a hole, the slippery policy walks into a wall or the edge,
        # so that neither perpendicular slip can carry it into the hole
        slippery = GridWorld(LAYOUT, slip=config.slips[-1])
        holes = {w0.cells[s] for s in range(w0.n_states) if w0.kind(s) == "H"}
        near, stays = 0, 0
        for s in n[changed]:
            i, j = w0.cells[s]
            near += any((i + di, j + dj) in holes for di, dj in ((-1, 0), (0, 1), (1, 0), (0, -1)))
            stays += bool(slippery.P[s, pi1[s], s] >= 1 - config.slips[-1] - 1e-12)
        values["changed_next_to_hole"], values["changed_into_wall"] = int(near), int(stays)
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"slip": "滑る確率 {p}", "value": "状態価値 $V^*(s)$", "sweep": "反復（スイープ）",
        "residual": "最大の変化 $\\max_s |V_{k+1} - V_k|$", "bound": "$\\gamma^k$（縮小の上界の傾き）",
        "start": "S", "goal": "G", "hole": "H"},
    en={"slip": "slip {p}", "value": "state value $V^*(s)$", "sweep": "sweep",
        "residual": "largest change $\\max_s |V_{k+1} - V_k|$", "bound": "$\\gamma^k$ (the contraction\'s slope)",
        "start": "S", "goal": "G", "hole": "H"},
)


def plot_values(result: Result, lang: str):
    """V* as colours and the greedy policy as arrows, one panel per slip probability."""
    text = TEXT[check_lang(lang)]
    v = result.values
    n = len(v["slips"])
    marks = {"S": text["start"], "G": text["goal"], "H": text["hole"]}
    vmin = min(v["by_slip"][str(k)]["V_min"] for k in range(n))
    with panels(lang, n, size=(3.3, 3.3)) as (figure, axes):
        for k, ax in enumerate(axes.flat[:n]):
            image = grid_policy(ax, v["layout"], result.arrays[f"V/{k}"], result.arrays[f"policy/{k}"],
                                vmin=vmin, vmax=1.0, marks=marks)
            ax.set_title(text["slip"].format(p=v["slips"][k]), fontsize="medium")
            grid = result.arrays[f"V/{k}"]
            for (i, j), value in np.ndenumerate(grid):
                if np.isfinite(value) and v["layout"][i][j] not in "GH":
                    light = (value - vmin) / (1.0 - vmin) > 0.6        # dark text on the light end of the colour map
                    ax.text(j, i - 0.3, f"{value:.2f}", ha="center", va="center", fontsize=7,
                            color="black" if light else "white")
        figure.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label=text["value"])
    return figure


def plot_convergence(result: Result, lang: str):
    """The largest change of V per sweep (log scale) for each slip, against γ^k."""
    text = TEXT[check_lang(lang)]
    v = result.values
    with panels(lang, size=(5.0, 3.2)) as (figure, axes):
        ax = axes[0, 0]
        for k, slip in enumerate(v["slips"]):
            r = result.arrays[f"residuals/{k}"]
            ax.semilogy(np.arange(1, len(r) + 1), np.maximum(r, 1e-16), marker="o", ms=2.5, color=PALETTE[k],
                        label=text["slip"].format(p=slip))
        longest = max(len(result.arrays[f"residuals/{k}"]) for k in range(len(v["slips"])))
        k = np.arange(1, longest + 1)
        ax.semilogy(k, v["gamma"] ** (k - 1), color="#888888", ls="--", label=text["bound"])
        ax.axhline(v["tol"], color="black", lw=0.8, ls=":")
        ax.set_xlabel(text["sweep"])
        ax.set_ylabel(text["residual"])
        ax.legend(fontsize="small")
    return figure


FIGURES = {"values": plot_values, "convergence": plot_convergence}
