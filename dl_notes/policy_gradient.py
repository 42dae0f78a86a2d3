r"""Policy gradients with a linear softmax policy: the exact gradient, REINFORCE (with a baseline), actor-critic.

The policy is linear in state features $\phi(s) \in \mathbb{R}^d$ with parameters
$\theta \in \mathbb{R}^{d \times |\mathcal{A}|}$:
$\pi_\theta(a \mid s) = \operatorname{softmax}(\phi(s)^\top \theta)_a$; one-hot features make it
tabular. On a finite MDP (`dl_notes.gridworld.GridWorld`) the objective
$J(\theta) = V^{\pi_\theta}(s_0)$ and its gradient are computed exactly by linear solves, so the
Monte Carlo estimators can be checked against them.

See Also
--------
dl_notes.rl : returns, policy evaluation, Q-learning (page: Reinforcement learning, ``reinforcement_learning.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import mdp_tables
from .rl import action_values, policy_evaluation, returns_to_go

__all__ = ["softmax_policy", "grad_log_policy", "policy_objective", "discounted_visitation", "exact_policy_gradient",
           "Episode", "sample_episode", "reinforce_loss", "reinforce_gradient", "reinforce", "actor_critic", "Training"]


def _check(theta, features, name: str) -> tuple[np.ndarray, np.ndarray]:
    theta, features = np.asarray(theta, dtype=float), np.asarray(features, dtype=float)
    if features.ndim != 2 or theta.ndim != 2 or theta.shape[0] != features.shape[1]:
        raise ValueError(f"{name}: features must be (S, d) and theta (d, A) with one d, got {features.shape} and "
                         f"{theta.shape}")
    return theta, features


def softmax_policy(theta, features) -> np.ndarray:
    r"""The action probabilities of a linear softmax policy in every state.

    $$
    \pi_\theta(a \mid s) = \frac{\exp\bigl(\phi(s)^\top \theta_{:, a}\bigr)}{\sum_b \exp\bigl(\phi(s)^\top \theta_{:, b}\bigr)}
    $$

    Parameters
    ----------
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
        $\phi(s)$ per state (row).

    Returns
    -------
    ndarray, shape (S, A)

    See Also
    --------
    grad_log_policy : the gradient of its logarithm (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> softmax_policy(np.array([[0.0, np.log(3.0)]]), np.eye(1)).tolist()
    [[0.25, 0.75]]
    """
    theta, features = _check(theta, features, "softmax_policy")
    logits = features @ theta
    logits -= logits.max(axis=1, keepdims=True)     # stable: exp of at most 0
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def grad_log_policy(theta, features, s: int, a: int) -> np.ndarray:
    r"""The score function: the gradient of $\log \pi_\theta(a \mid s)$ with respect to $\theta$.

    $$
    \nabla_\theta \log \pi_\theta(a \mid s) = \phi(s)\,\bigl(e_a - \pi_\theta(\cdot \mid s)\bigr)^\top
    $$

    Parameters
    ----------
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
    s, a : int
        State and action.

    Returns
    -------
    ndarray, shape (d, A)

    See Also
    --------
    reinforce_gradient : the estimate this enters (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> grad_log_policy(np.array([[0.0, np.log(3.0)]]), np.eye(1), 0, 0).tolist()
    [[0.75, -0.75]]
    """
    theta, features = _check(theta, features, "grad_log_policy")
    pi = softmax_policy(theta, features[s:s + 1])[0]
    return np.outer(features[s], np.eye(theta.shape[1])[a] - pi)


def policy_objective(mdp, theta, features, gamma: float) -> float:
    r"""The exact objective of a policy: the value of the start state.

    $$
    J(\theta) = V^{\pi_\theta}(s_0)
    $$

    Parameters
    ----------
    mdp : GridWorld or any object with ``P``, ``R``, ``terminal``, ``start``
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
    gamma : float

    Returns
    -------
    float

    See Also
    --------
    exact_policy_gradient : its gradient (page: Reinforcement learning, ``reinforcement_learning.md``).
    dl_notes.rl.policy_evaluation : the linear solve.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> world = GridWorld(["S.G"])
    >>> round(policy_objective(world, np.zeros((3, 4)), np.eye(3), 0.9), 4)   # uniformly random
    0.439
    """
    return float(policy_evaluation(mdp, softmax_policy(theta, features), gamma)[mdp.start])


def discounted_visitation(mdp, policy, gamma: float) -> np.ndarray:
    r"""How often, discounted, a policy visits each state from the start.

    $$
    d^\pi(s) = \sum_{t=0}^\infty \gamma^t \Pr(s_t = s \mid s_0, \pi)
    \quad\Longleftrightarrow\quad d^\pi = (I - \gamma P_\pi^\top)^{-1} e_{s_0}
    $$

    over the non-terminal states (0 on terminal ones).

    Parameters
    ----------
    mdp : GridWorld or any object with ``P``, ``R``, ``terminal``, ``start``
    policy : ndarray, shape (S, A)
        Action probabilities.
    gamma : float

    Returns
    -------
    ndarray, shape (S,)

    See Also
    --------
    exact_policy_gradient : where $d^\pi$ weighs the states (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> discounted_visitation(GridWorld(["S.G"]), np.eye(4)[[1, 1, 1]], 0.9).tolist()   # right: s0, then s1 at t = 1
    [1.0, 0.9, 0.0]
    """
    P, _, terminal = mdp_tables(mdp, "discounted_visitation")
    policy = np.asarray(policy, dtype=float)
    if policy.shape != P.shape[:2]:
        raise ValueError(f"discounted_visitation: policy must have shape {P.shape[:2]}, got {policy.shape}")
    n = ~terminal
    P_pi = np.einsum("sa,sat->st", policy, P)[np.ix_(n, n)]
    start = np.zeros(len(terminal))
    start[mdp.start] = 1.0
    d = np.zeros(len(terminal))
    d[n] = np.linalg.solve(np.eye(n.sum()) - gamma * P_pi.T, start[n])
    return d


def exact_policy_gradient(mdp, theta, features, gamma: float) -> np.ndarray:
    r"""The exact gradient of $J(\theta) = V^{\pi_\theta}(s_0)$ by the policy gradient theorem.

    $$
    \nabla_\theta J(\theta) = \sum_s d^\pi(s) \sum_a \pi_\theta(a \mid s)\, Q^\pi(s, a)\,
    \nabla_\theta \log \pi_\theta(a \mid s)
    = \sum_s d^\pi(s)\, \phi(s) \bigl(\pi_\theta(\cdot \mid s) \odot (Q^\pi(s, \cdot) - V^\pi(s))\bigr)^\top
    $$

    with $Q^\pi$, $V^\pi$ and $d^\pi$ from linear solves.

    Parameters
    ----------
    mdp : GridWorld or any object with ``P``, ``R``, ``terminal``, ``start``
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
    gamma : float
        Discount factor in $[0, 1)$.

    Returns
    -------
    ndarray, shape (d, A)

    See Also
    --------
    policy_objective : $J(\theta)$ (page: Reinforcement learning, ``reinforcement_learning.md``).
    discounted_visitation : $d^\pi$.
    reinforce_gradient : its Monte Carlo estimate.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> g = exact_policy_gradient(GridWorld(["S.G"]), np.zeros((3, 4)), np.eye(3), 0.9)
    >>> g.round(3).tolist()[:2]           # raise "right"; at s1, "left" loses most
    [[-0.047, 0.141, -0.047, -0.047], [-0.028, 0.161, -0.028, -0.105]]
    """
    theta, features = _check(theta, features, "exact_policy_gradient")
    pi = softmax_policy(theta, features)
    V = policy_evaluation(mdp, pi, gamma)
    Q = action_values(mdp, V, gamma)
    d = discounted_visitation(mdp, pi, gamma)
    M = d[:, None] * pi * (Q - V[:, None])     # (S, A): zero on terminal states, where d = 0
    return features.T @ M


@dataclass(frozen=True)
class Episode:
    """One episode: the states $s_0, \\dots, s_{T-1}$, the actions $a_0, \\dots, a_{T-1}$ and the rewards $r_1, \\dots, r_T$.

    Examples
    --------
    >>> Episode(np.array([0, 1]), np.array([1, 1]), np.array([0.0, 1.0])).rewards.sum()
    np.float64(1.0)
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray


def sample_episode(env, theta, features, rng: np.random.Generator, max_steps: int = 200) -> Episode:
    r"""Run one episode with the softmax policy $a_t \sim \pi_\theta(\cdot \mid s_t)$.

    $$
    a_t \sim \pi_\theta(\cdot \mid s_t), \qquad s_{t+1} \sim P(\cdot \mid s_t, a_t)
    $$

    Parameters
    ----------
    env : GridWorld or any object with ``reset(rng)`` and ``step(a, rng)``
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
    rng : numpy.random.Generator
    max_steps : int, default 200
        Cut-off of an episode that has not ended.

    Returns
    -------
    Episode

    See Also
    --------
    reinforce_gradient : the estimate this enters (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> right = np.array([[0.0, 50.0, 0.0, 0.0]] * 3)          # almost surely right
    >>> sample_episode(GridWorld(["S.G"]), right, np.eye(3), np.random.default_rng(0)).states.tolist()
    [0, 1]
    """
    pi = softmax_policy(theta, features)
    cumulative = np.cumsum(pi, axis=1)
    states, actions, rewards = [], [], []
    s = env.reset(rng)
    for _ in range(max_steps):
        a = _draw(cumulative[s], rng)
        s_next, r, done = env.step(a, rng)
        states.append(s), actions.append(a), rewards.append(r)
        s = s_next
        if done:
            break
    return Episode(np.array(states), np.array(actions), np.array(rewards, dtype=float))


def reinforce_loss(theta, features, states, actions, weights) -> tuple[float, np.ndarray]:
    r"""The REINFORCE surrogate loss and its gradient: minimising it follows the policy gradient.

    $$
    L(\theta) = -\sum_t w_t \log \pi_\theta(a_t \mid s_t), \qquad
    \nabla_\theta L = -\sum_t w_t\, \phi(s_t) \bigl(e_{a_t} - \pi_\theta(\cdot \mid s_t)\bigr)^\top
    $$

    with the weights held constant; REINFORCE uses $w_t = \gamma^t (G_t - b(s_t))$.

    Parameters
    ----------
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
    states, actions : array_like of int, shape (T,)
    weights : array_like, shape (T,)

    Returns
    -------
    loss : float
    grad : ndarray, shape (d, A)

    See Also
    --------
    reinforce_gradient : the estimate this enters (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> loss, grad = reinforce_loss(np.zeros((1, 2)), np.eye(1), [0], [1], [2.0])
    >>> round(loss, 4), grad.tolist()            # -2 log 0.5
    (1.3863, [[1.0, -1.0]])
    """
    theta, features = _check(theta, features, "reinforce_loss")
    states, actions, w = np.asarray(states), np.asarray(actions), np.asarray(weights, dtype=float)
    if not states.shape == actions.shape == w.shape or states.ndim != 1:
        raise ValueError(f"reinforce_loss: states, actions and weights must be 1-D of one length, got {states.shape}, "
                         f"{actions.shape}, {w.shape}")
    phi = features[states]                                 # (T, d)
    pi = softmax_policy(theta, phi)                        # (T, A)
    log_pi = np.log(pi[np.arange(len(actions)), actions])
    onehot = np.eye(theta.shape[1])[actions]               # (T, A)
    return float(-(w * log_pi).sum()), -phi.T @ (w[:, None] * (onehot - pi))


def reinforce_gradient(theta, features, episode: Episode, gamma: float, baseline=None) -> np.ndarray:
    r"""The REINFORCE estimate of $\nabla_\theta J$ from one episode, with an optional baseline.

    $$
    \hat{g} = \sum_{t=0}^{T-1} \gamma^t \bigl(G_t - b(s_t)\bigr)\, \nabla_\theta \log \pi_\theta(a_t \mid s_t)
    $$

    Its expectation is $\nabla_\theta J$ for any baseline that does not depend on the action;
    a good baseline (such as $V^\pi(s_t)$) lowers its variance.

    Parameters
    ----------
    theta : array_like, shape (d, A)
    features : array_like, shape (S, d)
    episode : Episode
    gamma : float
    baseline : None, float or array_like of shape (S,), default None
        $b$: none (0), a constant, or one value per state.

    Returns
    -------
    ndarray, shape (d, A)

    See Also
    --------
    exact_policy_gradient : what it estimates (page: Reinforcement learning, ``reinforcement_learning.md``).
    reinforce_loss : minus its gradient is this estimate.

    Examples
    --------
    >>> episode = Episode(np.array([0, 1]), np.array([1, 1]), np.array([0.0, 1.0]))
    >>> reinforce_gradient(np.zeros((3, 4)), np.eye(3), episode, 0.9).round(3).tolist()[:2]
    [[-0.225, 0.675, -0.225, -0.225], [-0.225, 0.675, -0.225, -0.225]]
    """
    G = returns_to_go(episode.rewards, gamma)
    b = 0.0 if baseline is None else np.asarray(baseline, dtype=float)
    if np.ndim(b) == 1:
        b = b[episode.states]
    elif np.ndim(b) != 0:
        raise ValueError(f"reinforce_gradient: baseline must be None, a number or one value per state, got shape "
                         f"{np.shape(b)}")
    weights = gamma ** np.arange(len(G)) * (G - b)
    return -reinforce_loss(theta, features, episode.states, episode.actions, weights)[1]


@dataclass(frozen=True)
class Training:
    """The result of `reinforce` and `actor_critic`.

    Attributes
    ----------
    theta : ndarray, shape (d, A)
        The policy's parameters.
    w : ndarray, shape (d,)
        The linear state-value estimate $\\hat{V}(s) = \\phi(s)^\\top w$ (the baseline or critic; zeros if unused).
    returns : ndarray, shape (episodes,)
        The discounted return $G_0$ of each episode.

    Examples
    --------
    >>> Training(np.zeros((1, 2)), np.zeros(1), np.array([0.5])).returns.tolist()
    [0.5]
    """

    theta: np.ndarray
    w: np.ndarray
    returns: np.ndarray


def _start(name: str, episodes: int, lr: float, lr_value: float, theta, w, features,
           A: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The checked settings of a training run: the features, and theta and w to start from."""
    if not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"{name}: episodes must be a positive integer, got {episodes!r}")
    if not lr > 0 or not lr_value > 0:
        raise ValueError(f"{name}: lr and lr_value must be positive, got {lr!r} and {lr_value!r}")
    features = np.asarray(features, dtype=float)
    d = features.shape[1]
    theta = np.zeros((d, A)) if theta is None else np.array(theta, dtype=float)
    w = np.zeros(d) if w is None else np.array(w, dtype=float)
    if theta.shape != (d, A) or w.shape != (d,):
        raise ValueError(f"{name}: theta and w must have shapes ({d}, {A}) and ({d},), got {theta.shape} and {w.shape}")
    return features, theta, w


def _draw(cumulative: np.ndarray, rng: np.random.Generator) -> int:
    """An action drawn from the cumulative probabilities of a policy row (rounding cannot pass the last action)."""
    return min(int(np.searchsorted(cumulative, rng.random(), side="right")), len(cumulative) - 1)


def reinforce(env, features, episodes: int, *, lr: float, gamma: float, rng: np.random.Generator,
              baseline: bool = False, lr_value: float = 0.1, theta=None, w=None, max_steps: int = 200) -> Training:
    r"""REINFORCE: after each episode, step along its Monte Carlo policy gradient.

    $$
    \theta \leftarrow \theta + \alpha \sum_t \gamma^t \bigl(G_t - \hat{V}(s_t)\bigr) \nabla_\theta \log \pi_\theta(a_t \mid s_t),
    \qquad w \leftarrow w + \beta \sum_t \bigl(G_t - \hat{V}(s_t)\bigr) \phi(s_t)
    $$

    where $\hat{V}(s) = \phi(s)^\top w$ is a learnt baseline (with ``baseline=False``, $\hat{V} = 0$).

    Parameters
    ----------
    env : GridWorld or any object with ``n_actions``, ``reset(rng)`` and ``step(a, rng)``
    features : array_like, shape (S, d)
    episodes : int
    lr : float
        $\alpha$, the policy's learning rate.
    gamma : float
    rng : numpy.random.Generator
    baseline : bool, default False
        Subtract the learnt state value $\hat{V}(s_t)$.
    lr_value : float, default 0.1
        $\beta$, the baseline's learning rate.
    theta, w : ndarray, optional
        Parameters to continue from (copied); zeros if omitted.
    max_steps : int, default 200

    Returns
    -------
    Training

    See Also
    --------
    reinforce_gradient : the step it takes (page: Reinforcement learning, ``reinforcement_learning.md``).
    actor_critic : a TD error instead of the return.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> world = GridWorld(["S.G"])
    >>> trained = reinforce(world, np.eye(3), 200, lr=0.5, gamma=0.9, rng=np.random.default_rng(0), baseline=True)
    >>> bool(policy_objective(world, trained.theta, np.eye(3), 0.9) > 0.85)      # the optimum is 0.9
    True
    """
    features, theta, w = _start("reinforce", episodes, lr, lr_value, theta, w, features, env.n_actions)
    returns = np.zeros(episodes)
    for e in range(episodes):
        episode = sample_episode(env, theta, features, rng, max_steps)
        G = returns_to_go(episode.rewards, gamma)
        phi = features[episode.states]                       # (T, d)
        b = phi @ w if baseline else np.zeros(len(G))        # V̂(s_t), read before either update
        theta += lr * -reinforce_loss(theta, features, episode.states, episode.actions,
                                      gamma ** np.arange(len(G)) * (G - b))[1]
        if baseline:
            w += lr_value * phi.T @ (G - b)                  # Monte Carlo regression of V̂ on the returns
        returns[e] = G[0]
    return Training(theta=theta, w=w, returns=returns)


def actor_critic(env, features, episodes: int, *, lr: float, lr_value: float, gamma: float, rng: np.random.Generator,
                 theta=None, w=None, max_steps: int = 200) -> Training:
    r"""One-step actor-critic: the critic's TD error replaces the return of REINFORCE, at every step.

    $$
    \delta_t = r_{t+1} + \gamma \hat{V}(s_{t+1}) - \hat{V}(s_t), \qquad
    w \leftarrow w + \beta\, \delta_t\, \phi(s_t), \qquad
    \theta \leftarrow \theta + \alpha\, \gamma^t \delta_t\, \nabla_\theta \log \pi_\theta(a_t \mid s_t)
    $$

    with $\hat{V}(s) = \phi(s)^\top w$ and $\hat{V} = 0$ at a terminal state.

    Parameters
    ----------
    env : GridWorld or any object with ``n_actions``, ``terminal``, ``reset(rng)``, ``step(a, rng)``
    features : array_like, shape (S, d)
    episodes : int
    lr, lr_value : float
        $\alpha$ (actor) and $\beta$ (critic).
    gamma : float
    rng : numpy.random.Generator
    theta, w : ndarray, optional
    max_steps : int, default 200

    Returns
    -------
    Training

    See Also
    --------
    reinforce : the return instead of the TD error (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> world = GridWorld(["S.G"])
    >>> trained = actor_critic(world, np.eye(3), 200, lr=0.5, lr_value=0.2, gamma=0.9, rng=np.random.default_rng(0))
    >>> bool(policy_objective(world, trained.theta, np.eye(3), 0.9) > 0.85)
    True
    """
    features, theta, w = _start("actor_critic", episodes, lr, lr_value, theta, w, features, env.n_actions)
    returns = np.zeros(episodes)
    for e in range(episodes):
        s, discount = env.reset(rng), 1.0
        for _ in range(max_steps):
            pi = softmax_policy(theta, features[s:s + 1])[0]
            a = _draw(np.cumsum(pi), rng)
            s_next, r, done = env.step(a, rng)
            delta = r + (0.0 if done else gamma * features[s_next] @ w) - features[s] @ w   # the TD error
            w += lr_value * delta * features[s]
            theta += lr * discount * delta * np.outer(features[s], np.eye(len(pi))[a] - pi)
            returns[e] += discount * r
            discount *= gamma
            s = s_next
            if done:
                break
    return Training(theta=theta, w=w, returns=returns)
