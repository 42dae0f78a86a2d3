r"""Tabular Q-learning on the page's grid world: learning curves, the learnt policy, ε and α.

The deterministic 5 × 5 world of `gridworld_values` (`dl_notes.gridworld.LAYOUT`, slip 0,
$\gamma$ = 0.9). `dl_notes.rl.q_learning` starts from $Q = 0$ and acts ε-greedily. Every
``eval_every`` episodes the greedy policy of the current $Q$ is evaluated exactly
(`dl_notes.rl.policy_evaluation`), so the curve shows what the agent has learnt, without its
exploration. The learnt policy is compared with value iteration's: in how many non-terminal
states is its greedy action one of the optimal ones. A grid of ε and α, each with a few seeds,
measures the exploration trade-off: the return earned while learning and the quality of the
policy learnt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.gridworld import LAYOUT, GridWorld
from dl_notes.rl import greedy_policy, optimal_actions, policy_evaluation, q_learning, value_iteration

from ._plotting import PALETTE, check_lang, grid_policy, panels, texts
from ._result import Result

TITLE = {"ja": "グリッドワールドの Q 学習", "en": "Q-learning on a grid world"}


@dataclass(frozen=True)
class Config:
    """The main run (several seeds) and the ε × α grid."""

    gamma: float = 0.9
    alpha: float = 0.5
    epsilon: float = 0.2
    episodes: int = 500
    seeds: int = 5
    eval_every: int = 10
    smooth: int = 25
    epsilons: tuple[float, ...] = (0.05, 0.2, 0.5)
    alphas: tuple[float, ...] = (0.1, 0.5, 1.0)
    grid_episodes: int = 500
    grid_seeds: int = 3
    max_steps: int = 100
    seed: int = 0


DEFAULT = Config()
TINY = Config(episodes=40, seeds=2, eval_every=10, epsilons=(0.1, 0.5), alphas=(0.5,), grid_episodes=40, grid_seeds=1)


def learn(world: GridWorld, config: Config, epsilon: float, alpha: float, episodes: int,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Q-learning in chunks of ``eval_every`` episodes: Q, the per-episode returns, and V^greedy(start) after each chunk."""
    Q = np.zeros((world.n_states, world.n_actions))
    returns, greedy_values = [], []
    for start in range(0, episodes, config.eval_every):
        chunk = min(config.eval_every, episodes - start)
        out = q_learning(world, chunk, gamma=config.gamma, alpha=alpha, epsilon=epsilon, rng=rng, Q=Q,
                         max_steps=config.max_steps)
        returns.append(out.returns)
        # exact, since γ < 1: a greedy policy that loops without ending has value 0
        greedy_values.append(policy_evaluation(world, greedy_policy(Q), config.gamma)[world.start])
    return Q, np.concatenate(returns), np.array(greedy_values)


def agreement(world: GridWorld, best: np.ndarray, Q: np.ndarray) -> float:
    """The fraction of non-terminal states whose greedy action is optimal."""
    n = np.flatnonzero(~world.terminal)
    return float(best[n, greedy_policy(Q)[n]].mean())


def run(config: Config) -> Result:
    if not 0 <= config.gamma < 1:
        raise ValueError(f"q_learning experiment: gamma must be in [0, 1), got {config.gamma!r}")
    world = GridWorld(LAYOUT)
    vi = value_iteration(world, config.gamma)
    best = optimal_actions(vi.Q)
    V_star = float(vi.V[world.start])
    seeds = np.random.SeedSequence(config.seed).spawn(config.seeds + len(config.epsilons) * len(config.alphas))
    returns, greedy_values, agreements, optimal_start = [], [], [], []
    for k in range(config.seeds):
        Q, r, g = learn(world, config, config.epsilon, config.alpha, config.episodes, np.random.default_rng(seeds[k]))
        returns.append(r), greedy_values.append(g), agreements.append(agreement(world, best, Q))
        optimal_start.append(bool(abs(g[-1] - V_star) < 1e-9))
        if k == 0:
            Q_shown = Q
    greedy_values = np.array(greedy_values)
    reached = [int((np.argmax(np.abs(g - V_star) < 1e-9) + 1) * config.eval_every)
               if (np.abs(g - V_star) < 1e-9).any() else None for g in greedy_values]
    grid = {"online": np.zeros((len(config.epsilons), len(config.alphas))),
            "greedy": np.zeros((len(config.epsilons), len(config.alphas))),
            "agreement": np.zeros((len(config.epsilons), len(config.alphas)))}
    k = config.seeds
    for i, epsilon in enumerate(config.epsilons):
        for j, alpha in enumerate(config.alphas):
            for _ in range(config.grid_seeds):
                rng = np.random.default_rng([*seeds[k].generate_state(2), _])
                Q, r, g = learn(world, config, epsilon, alpha, config.grid_episodes, rng)
                grid["online"][i, j] += r.mean() / config.grid_seeds
                grid["greedy"][i, j] += g[-1] / config.grid_seeds
                grid["agreement"][i, j] += agreement(world, best, Q) / config.grid_seeds
            k += 1
    n = np.flatnonzero(~world.terminal)
    shown_policy = greedy_policy(Q_shown)
    disagree = np.zeros(world.n_states, dtype=bool)
    disagree[n] = ~best[n, shown_policy[n]]
    arrays = {
        "returns": np.array(returns), "greedy_values": greedy_values,
        "policy/q": np.nan_to_num(world.grid(np.where(world.terminal, -1, shown_policy)), nan=-1).astype(int),
        "policy/vi": np.nan_to_num(world.grid(np.where(world.terminal, -1, vi.policy)), nan=-1).astype(int),
        "V/q": world.grid(np.where(world.terminal, 0.0, Q_shown.max(axis=1))), "V/vi": world.grid(vi.V),
        "disagree": np.nan_to_num(world.grid(disagree.astype(float))).astype(bool),
        **{f"grid/{name}": a for name, a in grid.items()},
    }
    values = {
        "gamma": config.gamma, "alpha": config.alpha, "epsilon": config.epsilon, "episodes": config.episodes,
        "seeds": config.seeds, "eval_every": config.eval_every, "smooth": config.smooth, "layout": list(LAYOUT),
        "V_star": V_star, "agreement": agreements, "agreement_mean": float(np.mean(agreements)),
        "agreement_shown": agreements[0], "disagree_shown": int(disagree.sum()), "nonterminal_states": int(len(n)),
        "optimal_start": optimal_start, "optimal_start_count": int(sum(optimal_start)),
        "episodes_to_optimal": reached, "final_return_mean": float(np.mean(np.array(returns)[:, -config.smooth:])),
        "epsilons": list(config.epsilons), "alphas": list(config.alphas), "grid_episodes": config.grid_episodes,
        "grid_seeds": config.grid_seeds,
        "grid": {name: a.tolist() for name, a in grid.items()},
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"episode": "エピソード", "return": "収益（移動平均 {w} エピソード）", "greedy": "貪欲方策の価値 $V(S)$",
        "optimal": "最適 $V^*(S)$", "seed": "シード {k}", "q": "Q 学習の貪欲方策（シード 0）", "vi": "価値反復法の最適方策",
        "online": "学習中の収益の平均", "quality": "学習後の貪欲方策の価値 $V(S)$", "agree": "最適な行動の状態の割合",
        "epsilon": "ε", "alpha": "学習率 α", "value": "$\\max_a Q(s, a)$, $V^*(s)$",
        "start": "S", "goal": "G", "hole": "H"},
    en={"episode": "episode", "return": "return (moving average of {w} episodes)", "greedy": "value of the greedy policy $V(S)$",
        "optimal": "optimal $V^*(S)$", "seed": "seed {k}", "q": "Q-learning's greedy policy (seed 0)",
        "vi": "value iteration's optimal policy", "online": "mean return while learning",
        "quality": "value $V(S)$ of the learnt greedy policy", "agree": "fraction of states with an optimal action",
        "epsilon": "ε", "alpha": "learning rate α", "value": "$\\max_a Q(s, a)$, $V^*(s)$",
        "start": "S", "goal": "G", "hole": "H"},
)


def moving_average(x: np.ndarray, w: int) -> np.ndarray:
    """The mean of each window of ``w`` consecutive values (length len(x) - w + 1)."""
    c = np.cumsum(np.insert(x, 0, 0.0))
    return (c[w:] - c[:-w]) / w


def plot_curves(result: Result, lang: str):
    """Left: the return per episode (moving average); right: the greedy policy's exact value; one line per seed."""
    text = TEXT[check_lang(lang)]
    v = result.values
    w = min(v["smooth"], v["episodes"])
    with panels(lang, 2, size=(4.2, 3.0)) as (figure, axes):
        for k, r in enumerate(result.arrays["returns"]):
            axes[0, 0].plot(np.arange(w, len(r) + 1), moving_average(r, w), color=PALETTE[k % 8], lw=1.2,
                            label=text["seed"].format(k=k))
        for k, g in enumerate(result.arrays["greedy_values"]):
            axes[0, 1].step(np.arange(1, len(g) + 1) * v["eval_every"], g, where="post", color=PALETTE[k % 8], lw=1.2)
        axes[0, 1].axhline(v["V_star"], color="black", ls="--", lw=1, label=text["optimal"])
        axes[0, 0].set_ylabel(text["return"].format(w=w))
        axes[0, 1].set_ylabel(text["greedy"])
        for ax in axes[0]:
            ax.set_xlabel(text["episode"])
        axes[0, 0].legend(fontsize="x-small", ncols=2)
        axes[0, 1].legend(fontsize="small", loc="lower right")
    return figure


def plot_policy(result: Result, lang: str):
    """Q-learning's greedy policy beside value iteration's; red outlines where it is not optimal."""
    text = TEXT[check_lang(lang)]
    layout = result.values["layout"]
    marks = {"S": text["start"], "G": text["goal"], "H": text["hole"]}
    with panels(lang, 2, size=(3.3, 3.3)) as (figure, axes):
        vmin = float(np.nanmin(result.arrays["V/vi"]))
        grid_policy(axes[0, 0], layout, result.arrays["V/q"], result.arrays["policy/q"], vmin=vmin, vmax=1.0,
                    marks=marks, highlight=result.arrays["disagree"])
        image = grid_policy(axes[0, 1], layout, result.arrays["V/vi"], result.arrays["policy/vi"], vmin=vmin, vmax=1.0,
                            marks=marks)
        axes[0, 0].set_title(text["q"], fontsize="medium")
        axes[0, 1].set_title(text["vi"], fontsize="medium")
        figure.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label=text["value"])
    return figure


def plot_grid(result: Result, lang: str):
    """Heat maps over ε (rows) and α (columns): the return while learning, the learnt policy's value, its agreement."""
    text = TEXT[check_lang(lang)]
    v = result.values
    names = (("online", text["online"]), ("greedy", text["quality"]), ("agreement", text["agree"]))
    with panels(lang, 3, size=(3.0, 2.8)) as (figure, axes):
        for ax, (name, title) in zip(axes.flat, names):
            a = np.array(v["grid"][name])
            ax.imshow(a, cmap="viridis", aspect="auto")
            for (i, j), x in np.ndenumerate(a):
                light = (x - a.min()) / max(a.max() - a.min(), 1e-12) > 0.6
                ax.text(j, i, f"{x:.2f}", ha="center", va="center", fontsize="small",
                        color="black" if light else "white")
            ax.set_xticks(range(len(v["alphas"])), [str(x) for x in v["alphas"]])
            ax.set_yticks(range(len(v["epsilons"])), [str(x) for x in v["epsilons"]])
            ax.set_xlabel(text["alpha"])
            ax.set_title(title, fontsize="medium")
        axes[0, 0].set_ylabel(text["epsilon"])
    return figure


FIGURES = {"curves": plot_curves, "policy": plot_policy, "grid": plot_grid}
