r"""REINFORCE on a 3 × 3 grid world: the estimator against the exact gradient, and learning curves.

`dl_notes.gridworld.GridWorld` with ``SMALL_LAYOUT`` (start top left, goal bottom right, a hole in
the middle), deterministic, reward +1 for the goal, −1 for the hole and −0.1 for every other
step, $\gamma$ = 0.9, and a tabular softmax policy (one-hot features, $\theta$ of shape 8 × 4).

1. **The estimator.** At $\theta = 0$ (the uniformly random policy) the exact gradient
   $\nabla J$ comes from the policy gradient theorem
   (`dl_notes.policy_gradient.exact_policy_gradient`). A pool of episodes gives one REINFORCE
   estimate each, without a baseline, with the constant baseline $b = J(\theta)$ and with the
   state value $b(s) = V^\pi(s)$; averages over $N$ episodes are compared with $\nabla J$
   (cosine and relative error), and the variance of one estimate is measured.
2. **Learning.** REINFORCE without and with a learnt baseline and one-step actor-critic, each from
   $\theta = 0$ with several seeds; the exact $J(\theta)$ is computed every ``eval_every`` episodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.gridworld import SMALL_LAYOUT, GridWorld
from dl_notes.policy_gradient import (actor_critic, exact_policy_gradient, policy_objective, reinforce,
                                      reinforce_gradient, sample_episode, softmax_policy)
from dl_notes.rl import policy_evaluation, value_iteration

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "REINFORCE の勾配の推定と学習", "en": "REINFORCE: the gradient estimate and learning"}

BASELINES = ("none", "constant", "value")
METHODS = ("reinforce", "baseline", "actor_critic")


@dataclass(frozen=True)
class Config:
    """The task, the estimator's episodes and the training runs."""

    step_reward: float = -0.1
    gamma: float = 0.9
    pool: int = 3000                      # episodes at θ = 0 for the estimator
    sizes: tuple[int, ...] = (1, 3, 10, 30, 100, 300, 1000)
    episodes: int = 400
    seeds: int = 5
    lr: float = 0.2
    lr_value: float = 0.1
    eval_every: int = 10
    seed: int = 0


DEFAULT = Config()
TINY = Config(pool=60, sizes=(1, 10, 30), episodes=30, seeds=2)


def run(config: Config) -> Result:
    if any(config.pool % n for n in config.sizes):
        raise ValueError(f"policy_gradient experiment: every size must divide pool = {config.pool}, got {config.sizes}")
    world = GridWorld(SMALL_LAYOUT, step_reward=config.step_reward)
    features = np.eye(world.n_states)
    theta = np.zeros((world.n_states, world.n_actions))
    exact = exact_policy_gradient(world, theta, features, config.gamma).ravel()
    V = policy_evaluation(world, softmax_policy(theta, features), config.gamma)
    J0 = float(V[world.start])
    seeds = np.random.SeedSequence(config.seed).spawn(1 + len(METHODS) * config.seeds)

    # 1. one estimate per episode, the same episodes for every baseline (a paired comparison)
    rng = np.random.default_rng(seeds[0])
    episodes = [sample_episode(world, theta, features, rng) for _ in range(config.pool)]
    baseline_of = {"none": None, "constant": J0, "value": V}
    estimates = {name: np.array([reinforce_gradient(theta, features, e, config.gamma, baseline_of[name]).ravel()
                                 for e in episodes]) for name in BASELINES}
    arrays: dict[str, np.ndarray] = {}
    estimator: dict = {}
    for name, g in estimates.items():
        cosines, errors = [], []
        for n in config.sizes:
            means = g.reshape(config.pool // n, n, -1).mean(axis=1)            # (groups, S*A)
            cosines.append(float(np.mean(means @ exact / (np.linalg.norm(means, axis=1) * np.linalg.norm(exact)
                                                           + 1e-300))))
            errors.append(float(np.mean(np.linalg.norm(means - exact, axis=1)) / np.linalg.norm(exact)))
        arrays[f"cosine/{name}"], arrays[f"error/{name}"] = np.array(cosines), np.array(errors)
        estimator[name] = {"variance": float(g.var(axis=0).sum()), "cosine": dict(zip(map(str, config.sizes), cosines)),
                           "error": dict(zip(map(str, config.sizes), errors)),
                           "pool_error": float(np.linalg.norm(g.mean(axis=0) - exact) / np.linalg.norm(exact))}
    lengths = np.array([len(e.states) for e in episodes])

    # 2. learning curves of the exact objective
    V_star = float(value_iteration(world, config.gamma).V[world.start])
    curves = {}
    k = 1
    for method in METHODS:
        runs = []
        for _ in range(config.seeds):
            rng = np.random.default_rng(seeds[k])
            k += 1
            th, w, curve = None, None, []
            for _ in range(config.episodes // config.eval_every):
                if method == "actor_critic":
                    out = actor_critic(world, features, config.eval_every, lr=config.lr, lr_value=config.lr_value,
                                       gamma=config.gamma, rng=rng, theta=th, w=w)
                else:
                    out = reinforce(world, features, config.eval_every, lr=config.lr, lr_value=config.lr_value,
                                    gamma=config.gamma, rng=rng, baseline=method == "baseline", theta=th, w=w)
                th, w = out.theta, out.w
                curve.append(policy_objective(world, th, features, config.gamma))
            runs.append(curve)
        curves[method] = np.array(runs)
        arrays[f"J/{method}"] = curves[method]
    gap = V_star - J0

    def reached(curve: np.ndarray, fraction: float) -> int | None:
        hit = np.flatnonzero(curve >= J0 + fraction * gap)
        return int((hit[0] + 1) * config.eval_every) if hit.size else None

    values = {
        "layout": list(SMALL_LAYOUT), "step_reward": config.step_reward, "gamma": config.gamma, "pool": config.pool,
        "sizes": list(config.sizes), "episodes": config.episodes, "seeds": config.seeds, "lr": config.lr,
        "lr_value": config.lr_value, "eval_every": config.eval_every, "n_states": world.n_states,
        "n_params": int(theta.size), "J0": J0, "V_star": V_star, "exact_norm": float(np.linalg.norm(exact)),
        "mean_length": float(lengths.mean()), "estimator": estimator,
        "variance_ratio": {name: estimator["none"]["variance"] / estimator[name]["variance"] for name in BASELINES},
        "final_J": {m: float(curves[m][:, -1].mean()) for m in METHODS},
        "final_J_std": {m: float(curves[m][:, -1].std()) for m in METHODS},
        "reached_90": {m: [reached(c, 0.9) for c in curves[m]] for m in METHODS},
        "auc": {m: float(curves[m].mean()) for m in METHODS},
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"episodes": "平均したエピソード数 N", "cosine": "$\\nabla J$ とのコサイン類似度", "error": "相対誤差 $|\\hat{g} - \\nabla J| / |\\nabla J|$",
        "none": "ベースラインなし", "constant": "定数 $b = J(\\theta)$", "value": "$b(s) = V^\\pi(s)$",
        "episode": "エピソード", "J": "正確な目的関数 $J(\\theta) = V^\\pi(S)$", "optimal": "最適 $V^*(S)$",
        "reinforce": "REINFORCE", "baseline": "REINFORCE＋学習したベースライン", "actor_critic": "アクター・クリティック"},
    en={"episodes": "episodes averaged N", "cosine": "cosine similarity with $\\nabla J$",
        "error": "relative error $|\\hat{g} - \\nabla J| / |\\nabla J|$", "none": "no baseline", "constant": "constant $b = J(\\theta)$",
        "value": "$b(s) = V^\\pi(s)$", "episode": "episode", "J": "exact objective $J(\\theta) = V^\\pi(S)$", "optimal": "optimal $V^*(S)$",
        "reinforce": "REINFORCE", "baseline": "REINFORCE + learnt baseline", "actor_critic": "actor-critic"},
)


def plot_estimator(result: Result, lang: str):
    """Cosine with the exact gradient and relative error of the mean of N estimates, per baseline (log N)."""
    text = TEXT[check_lang(lang)]
    sizes = result.values["sizes"]
    with panels(lang, 2, size=(4.0, 3.0)) as (figure, axes):
        for k, name in enumerate(BASELINES):
            axes[0, 0].semilogx(sizes, result.arrays[f"cosine/{name}"], marker="o", color=PALETTE[k], label=text[name])
            axes[0, 1].loglog(sizes, result.arrays[f"error/{name}"], marker="o", color=PALETTE[k], label=text[name])
        n = np.array(sizes, dtype=float)
        e0 = result.arrays["error/none"][0]
        axes[0, 1].loglog(n, e0 / np.sqrt(n), color="#888888", ls="--", lw=1, label=r"$1/\sqrt{N}$")
        axes[0, 0].set_ylabel(text["cosine"])
        axes[0, 1].set_ylabel(text["error"])
        for ax in axes[0]:
            ax.set_xlabel(text["episodes"])
        axes[0, 0].legend(fontsize="small")
        axes[0, 1].legend(fontsize="small")
    return figure


def plot_learning(result: Result, lang: str):
    """The exact J(θ) while learning, mean over seeds with the range shaded, per method."""
    text = TEXT[check_lang(lang)]
    v = result.values
    with panels(lang, size=(5.4, 3.2)) as (figure, axes):
        ax = axes[0, 0]
        for k, method in enumerate(METHODS):
            J = result.arrays[f"J/{method}"]
            x = np.arange(1, J.shape[1] + 1) * v["eval_every"]
            ax.plot(x, J.mean(axis=0), color=PALETTE[k], label=text[method])
            ax.fill_between(x, J.min(axis=0), J.max(axis=0), color=PALETTE[k], alpha=0.15, lw=0)
        ax.axhline(v["V_star"], color="black", ls="--", lw=1, label=text["optimal"])
        ax.set_xlabel(text["episode"])
        ax.set_ylabel(text["J"])
        ax.legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"estimator": plot_estimator, "learning": plot_learning}
