r"""Tabular reinforcement learning: returns, ε-greedy, policy evaluation, value iteration, Q-learning.

The dynamic-programming functions read a finite MDP's tables (``P`` of shape (S, A, S), ``R``
of shape (S, A), ``terminal`` of shape (S,)), as `dl_notes.gridworld.GridWorld` provides them;
`q_learning` only acts in the environment (``reset``, ``step``) and never reads the tables.
Terminal states have value 0 and take no part in the equations.

See Also
--------
dl_notes.gridworld : the grid world these run on (page: Reinforcement learning, ``reinforcement_learning.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import mdp_tables

__all__ = ["discounted_return", "returns_to_go", "epsilon_greedy", "epsilon_greedy_probs", "e_greedy",
           "policy_evaluation", "action_values", "bellman_optimality_backup", "value_iteration", "ValueIteration",
           "greedy_policy", "optimal_actions", "q_learning", "QLearning"]


def _check_gamma(gamma: float, name: str, allow_one: bool = True) -> float:
    gamma = float(gamma)
    if not (0.0 <= gamma <= 1.0) or (gamma == 1.0 and not allow_one):
        raise ValueError(f"{name}: gamma must be in [0, 1{']' if allow_one else ')'}, got {gamma!r}")
    return gamma


def discounted_return(rewards, gamma: float) -> float:
    r"""The return of a reward sequence: the discounted sum from the first step.

    $$
    G_0 = r_1 + \gamma r_2 + \gamma^2 r_3 + \dots = \sum_{k=0}^{T-1} \gamma^k r_{k+1}
    $$

    Parameters
    ----------
    rewards : sequence of float
        $r_1, \dots, r_T$, the rewards of one episode in order.
    gamma : float
        Discount factor in $[0, 1]$.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``gamma`` is outside $[0, 1]$ or ``rewards`` is not one-dimensional.

    See Also
    --------
    returns_to_go : $G_t$ for every step (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> discounted_return([0, 0, 1], gamma=0.9)    # 0.9 ** 2
    0.81
    >>> discounted_return([1, 1, 1, 1], gamma=0.5)
    1.875
    """
    return float(returns_to_go(rewards, gamma)[0]) if len(rewards) else 0.0


def returns_to_go(rewards, gamma: float) -> np.ndarray:
    r"""The return from every step of an episode, computed backwards.

    $$
    G_t = r_{t+1} + \gamma G_{t+1}, \qquad G_T = 0
    $$

    Parameters
    ----------
    rewards : sequence of float
        $r_1, \dots, r_T$.
    gamma : float
        Discount factor in $[0, 1]$.

    Returns
    -------
    ndarray, shape (T,)
        $G_0, \dots, G_{T-1}$.

    See Also
    --------
    discounted_return : $G_0$ alone (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> returns_to_go([0, 0, 1], gamma=0.9).tolist()
    [0.81, 0.9, 1.0]
    """
    gamma = _check_gamma(gamma, "returns_to_go")
    r = np.asarray(rewards, dtype=float)
    if r.ndim != 1:
        raise ValueError(f"returns_to_go: rewards must be one-dimensional, got shape {r.shape}")
    G = np.zeros_like(r)
    running = 0.0
    for t in range(len(r) - 1, -1, -1):
        running = r[t] + gamma * running
        G[t] = running
    return G


def epsilon_greedy_probs(q_values, epsilon: float) -> np.ndarray:
    r"""The action probabilities of ε-greedy: uniform with probability ε, else the greedy action.

    $$
    \pi(a \mid s) = \frac{\varepsilon}{|\mathcal{A}|} + (1 - \varepsilon)\,[a = \arg\max_b Q(s, b)]
    $$

    Ties for the maximum share the greedy part equally.

    Parameters
    ----------
    q_values : array_like, shape (A,)
        $Q(s, \cdot)$ of one state.
    epsilon : float
        Exploration probability in $[0, 1]$.

    Returns
    -------
    ndarray, shape (A,)

    See Also
    --------
    epsilon_greedy : draws an action from these probabilities (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> epsilon_greedy_probs([0.0, 2.0, 1.0, 0.5], epsilon=0.2).round(3).tolist()   # 1 - ε + ε/4 = 0.85
    [0.05, 0.85, 0.05, 0.05]
    """
    q = np.asarray(q_values, dtype=float)
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"epsilon_greedy: q_values must be a non-empty 1-D array, got shape {q.shape}")
    if not 0.0 <= float(epsilon) <= 1.0:
        raise ValueError(f"epsilon_greedy: epsilon must be in [0, 1], got {epsilon!r}")
    best = q == q.max()
    return epsilon / q.size + (1.0 - epsilon) * best / best.sum()


def epsilon_greedy(q_values, epsilon: float, rng: np.random.Generator) -> int:
    r"""Draw an action ε-greedily: a uniformly random one with probability ε, else a greedy one.

    $$
    \pi(a \mid s) = \frac{\varepsilon}{|\mathcal{A}|} + (1 - \varepsilon)\,[a = \arg\max_b Q(s, b)]
    $$

    Parameters
    ----------
    q_values : array_like, shape (A,)
        $Q(s, \cdot)$.
    epsilon : float
        Exploration probability in $[0, 1]$.
    rng : numpy.random.Generator
        The source of randomness (ties for the maximum are broken at random too).

    Returns
    -------
    int

    See Also
    --------
    epsilon_greedy_probs : the probabilities (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> actions = [epsilon_greedy([0.0, 2.0, 1.0, 0.5], 0.2, rng) for _ in range(10000)]
    >>> abs(actions.count(1) / 10000 - 0.85) < 0.02     # 1 - ε + ε/4 = 0.85
    True
    """
    q = np.asarray(q_values, dtype=float)
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"epsilon_greedy: q_values must be a non-empty 1-D array, got shape {q.shape}")
    if not 0.0 <= float(epsilon) <= 1.0:
        raise ValueError(f"epsilon_greedy: epsilon must be in [0, 1], got {epsilon!r}")
    if rng.random() < epsilon:
        return int(rng.integers(q.size))
    best = np.flatnonzero(q == q.max())
    return int(best[0] if best.size == 1 else rng.choice(best))


#: d2l's name for `epsilon_greedy`.
e_greedy = epsilon_greedy


def _policy_matrix(policy, S: int, A: int, name: str) -> np.ndarray:
    pi = np.asarray(policy)
    if pi.shape == (S,):
        if not np.issubdtype(pi.dtype, np.integer) or pi.min() < 0 or pi.max() >= A:
            raise ValueError(f"{name}: a deterministic policy must hold one action in 0..{A - 1} per state")
        return np.eye(A)[pi]
    if pi.shape != (S, A) or np.any(pi < 0) or not np.allclose(pi.sum(axis=1), 1.0):
        raise ValueError(f"{name}: policy must be actions of shape ({S},) or probabilities of shape ({S}, {A}) whose "
                         f"rows sum to 1, got shape {pi.shape}")
    return pi.astype(float)


def policy_evaluation(mdp, policy, gamma: float) -> np.ndarray:
    r"""The exact state values of a policy, by solving the Bellman equation as a linear system.

    $$
    V^\pi(s) = \sum_a \pi(a \mid s) \Bigl( R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, V^\pi(s') \Bigr)
    \quad\Longleftrightarrow\quad V^\pi = (I - \gamma P_\pi)^{-1} R_\pi
    $$

    solved over the non-terminal states ($V^\pi = 0$ on terminal ones).

    Parameters
    ----------
    mdp : GridWorld or any object with ``P`` (S, A, S), ``R`` (S, A), ``terminal`` (S,)
    policy : ndarray, shape (S,) of int or (S, A) of probabilities
    gamma : float
        Discount factor in $[0, 1]$; with $\gamma = 1$ the policy must reach a terminal state.

    Returns
    -------
    ndarray, shape (S,)

    Raises
    ------
    ValueError
        If the policy is malformed, or (with $\gamma = 1$) never ends an episode, so the system is singular.

    See Also
    --------
    action_values : $Q^\pi$ from $V^\pi$ (page: Reinforcement learning, ``reinforcement_learning.md``).
    value_iteration : the optimal values instead of a given policy's.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> world = GridWorld(["S.G"])
    >>> policy_evaluation(world, np.array([1, 1, 1]), gamma=0.9).tolist()   # always right
    [0.9, 1.0, 0.0]
    """
    P, R, terminal = mdp_tables(mdp, "policy_evaluation")
    gamma = _check_gamma(gamma, "policy_evaluation")
    S, A = R.shape
    pi = _policy_matrix(policy, S, A, "policy_evaluation")
    n = ~terminal
    P_pi = np.einsum("sa,sat->st", pi, P)[np.ix_(n, n)]
    R_pi = (pi * R).sum(axis=1)[n]
    system = np.eye(n.sum()) - gamma * P_pi
    if np.linalg.cond(system) > 1e12:
        raise ValueError("policy_evaluation: I - gamma P_pi is singular; with gamma = 1 the policy must reach a "
                         "terminal state from every state")
    V = np.zeros(S)
    V[n] = np.linalg.solve(system, R_pi)
    return V


def action_values(mdp, V, gamma: float) -> np.ndarray:
    r"""The action values that a state-value function implies, one step ahead.

    $$
    Q(s, a) = R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, V(s')
    $$

    Parameters
    ----------
    mdp : GridWorld or any object with ``P``, ``R``, ``terminal``
    V : ndarray, shape (S,)
    gamma : float

    Returns
    -------
    ndarray, shape (S, A)
        Zero on terminal states.

    See Also
    --------
    bellman_optimality_backup : the maximum over these (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> action_values(GridWorld(["S.G"]), np.array([0.9, 1.0, 0.0]), 0.9)[1].tolist()   # up right down left
    [0.9, 1.0, 0.9, 0.81]
    """
    P, R, terminal = mdp_tables(mdp, "action_values")
    gamma = _check_gamma(gamma, "action_values")
    V = np.asarray(V, dtype=float)
    if V.shape != (R.shape[0],):
        raise ValueError(f"action_values: V must have shape ({R.shape[0]},), got {V.shape}")
    Q = R + gamma * P @ V
    Q[terminal] = 0.0
    return Q


def bellman_optimality_backup(mdp, V, gamma: float) -> np.ndarray:
    r"""One sweep of value iteration: the Bellman optimality operator applied to ``V``.

    $$
    (\mathcal{T} V)(s) = \max_a \Bigl( R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, V(s') \Bigr)
    $$

    Parameters
    ----------
    mdp : GridWorld or any object with ``P``, ``R``, ``terminal``
    V : ndarray, shape (S,)
    gamma : float

    Returns
    -------
    ndarray, shape (S,)
        Zero on terminal states.

    See Also
    --------
    value_iteration : repeats this until nothing changes (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> bellman_optimality_backup(GridWorld(["S.G"]), np.zeros(3), 0.9).tolist()
    [0.0, 1.0, 0.0]
    """
    return action_values(mdp, V, gamma).max(axis=1)


@dataclass(frozen=True)
class ValueIteration:
    """The result of `value_iteration`.

    Attributes
    ----------
    V : ndarray, shape (S,)
        The optimal state values (to the tolerance).
    Q : ndarray, shape (S, A)
        The action values ``V`` implies.
    policy : ndarray of int, shape (S,)
        A greedy action per state (the first of any tie; 0 on terminal states).
    sweeps : int
        Backups applied until the largest change was at most ``tol``.
    residuals : ndarray, shape (sweeps,)
        $\\max_s |V_{k+1}(s) - V_k(s)|$ after each sweep.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> value_iteration(GridWorld(["S.G"]), 0.9).sweeps
    3
    """

    V: np.ndarray
    Q: np.ndarray
    policy: np.ndarray
    sweeps: int
    residuals: np.ndarray


def value_iteration(mdp, gamma: float, tol: float = 1e-10, max_sweeps: int = 10_000) -> ValueIteration:
    r"""Value iteration: apply the Bellman optimality backup from $V_0 = 0$ until $V$ stops changing.

    $$
    V_{k+1}(s) = \max_a \Bigl( R(s, a) + \gamma \sum_{s'} P(s' \mid s, a)\, V_k(s') \Bigr),
    \qquad \pi(s) = \arg\max_a Q(s, a)
    $$

    With $\gamma < 1$ the backup is a contraction ($\|\mathcal{T}U - \mathcal{T}V\|_\infty \le
    \gamma \|U - V\|_\infty$), so $V_k$ converges to the unique fixed point $V^*$.

    Parameters
    ----------
    mdp : GridWorld or any object with ``P``, ``R``, ``terminal``
    gamma : float
        Discount factor in $[0, 1)$.
    tol : float, default 1e-10
        Stop when $\max_s |V_{k+1}(s) - V_k(s)| \le$ ``tol``.
    max_sweeps : int, default 10000

    Returns
    -------
    ValueIteration
        ``V``, ``Q``, the greedy ``policy``, ``sweeps`` and the ``residuals``.

    Raises
    ------
    ValueError
        If ``gamma`` is not in $[0, 1)$, ``tol`` is not positive, or the tolerance is not reached
        within ``max_sweeps``.

    See Also
    --------
    bellman_optimality_backup : one sweep (page: Reinforcement learning, ``reinforcement_learning.md``).
    greedy_policy : the policy of the result.
    policy_evaluation : the values of a given policy.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> result = value_iteration(GridWorld(["S.G"]), gamma=0.9)
    >>> result.V.tolist(), result.policy.tolist()       # right, right
    ([0.9, 1.0, 0.0], [1, 1, 0])
    """
    gamma = _check_gamma(gamma, "value_iteration", allow_one=False)
    if not tol > 0:
        raise ValueError(f"value_iteration: tol must be positive, got {tol!r}")
    if not isinstance(max_sweeps, int) or max_sweeps < 1:
        raise ValueError(f"value_iteration: max_sweeps must be a positive integer, got {max_sweeps!r}")
    _, R, terminal = mdp_tables(mdp, "value_iteration")
    V = np.zeros(R.shape[0])
    residuals = []
    for _ in range(max_sweeps):
        new = bellman_optimality_backup(mdp, V, gamma)
        residuals.append(float(np.abs(new - V).max()))
        V = new
        if residuals[-1] <= tol:
            break
    else:
        raise ValueError(f"value_iteration: the change {residuals[-1]:.3g} is still above tol = {tol} after "
                         f"max_sweeps = {max_sweeps}; raise max_sweeps")
    Q = action_values(mdp, V, gamma)
    return ValueIteration(V=V, Q=Q, policy=greedy_policy(Q), sweeps=len(residuals), residuals=np.array(residuals))


def greedy_policy(Q) -> np.ndarray:
    r"""The greedy policy of action values: the best action per state (the first of any tie).

    $$
    \pi(s) = \arg\max_a Q(s, a)
    $$

    Parameters
    ----------
    Q : array_like, shape (S, A)

    Returns
    -------
    ndarray of int, shape (S,)

    See Also
    --------
    optimal_actions : every action that ties for the best (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> greedy_policy([[0.0, 1.0], [2.0, 2.0]]).tolist()
    [1, 0]
    """
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2:
        raise ValueError(f"greedy_policy: Q must have shape (S, A), got {Q.shape}")
    return Q.argmax(axis=1)


def optimal_actions(Q, atol: float = 1e-6) -> np.ndarray:
    r"""Every action within ``atol`` of the best, per state: the set a greedy policy may choose from.

    $$
    \mathcal{A}^*(s) = \{\, a : Q(s, a) \ge \max_b Q(s, b) - \text{atol} \,\}
    $$

    Parameters
    ----------
    Q : array_like, shape (S, A)
    atol : float, default 1e-6

    Returns
    -------
    ndarray of bool, shape (S, A)

    See Also
    --------
    greedy_policy : one action per state (page: Reinforcement learning, ``reinforcement_learning.md``).

    Examples
    --------
    >>> optimal_actions([[0.0, 1.0], [2.0, 2.0]]).tolist()
    [[False, True], [True, True]]
    """
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2:
        raise ValueError(f"optimal_actions: Q must have shape (S, A), got {Q.shape}")
    return Q >= Q.max(axis=1, keepdims=True) - atol


@dataclass(frozen=True)
class QLearning:
    """The result of `q_learning`.

    Attributes
    ----------
    Q : ndarray, shape (S, A)
        The learnt action values.
    returns : ndarray, shape (episodes,)
        The undiscounted sum of rewards of each episode.
    steps : ndarray of int, shape (episodes,)
        The length of each episode.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> q_learning(GridWorld(["S.G"]), 3, gamma=0.9, alpha=0.5, epsilon=0.1, rng=np.random.default_rng(0)).steps.tolist()
    [15, 2, 2]
    """

    Q: np.ndarray
    returns: np.ndarray
    steps: np.ndarray


def q_learning(env, episodes: int, *, gamma: float, alpha: float, epsilon: float, rng: np.random.Generator,
               Q: np.ndarray | None = None, max_steps: int = 100) -> QLearning:
    r"""Tabular Q-learning with an ε-greedy behaviour policy.

    $$
    Q(s_t, a_t) \leftarrow Q(s_t, a_t) + \alpha \Bigl( r_{t+1} + \gamma \max_{a'} Q(s_{t+1}, a') - Q(s_t, a_t) \Bigr)
    $$

    with $\max_{a'} Q(s_{t+1}, a') = 0$ when $s_{t+1}$ is terminal. The target uses the greedy
    action at $s_{t+1}$ whatever the agent does next, so Q-learning learns the values of the
    greedy policy while behaving ε-greedily: it is off-policy.

    Parameters
    ----------
    env : GridWorld or any object with ``n_states``, ``n_actions``, ``reset(rng)``, ``step(a, rng)``
    episodes : int
        Number of episodes.
    gamma : float
        Discount factor in $[0, 1]$.
    alpha : float
        Learning rate in $(0, 1]$.
    epsilon : float
        Exploration probability of the ε-greedy behaviour, in $[0, 1]$.
    rng : numpy.random.Generator
    Q : ndarray, shape (S, A), optional
        Values to continue from (updated in place); zeros if omitted.
    max_steps : int, default 100
        An episode that has not ended after this many steps is cut off (no terminal value is assumed).

    Returns
    -------
    QLearning
        ``Q``, and per episode the ``returns`` and ``steps``.

    See Also
    --------
    epsilon_greedy : the behaviour policy (page: Reinforcement learning, ``reinforcement_learning.md``).
    value_iteration : the same fixed point from the tables.

    Examples
    --------
    >>> from dl_notes.gridworld import GridWorld
    >>> result = q_learning(GridWorld(["S.G"]), 200, gamma=0.9, alpha=0.5, epsilon=0.1, rng=np.random.default_rng(0))
    >>> result.Q.max(axis=1).round(3).tolist()       # V* = [0.9, 1, 0]
    [0.9, 1.0, 0.0]
    """
    if not isinstance(episodes, int) or episodes < 1:
        raise ValueError(f"q_learning: episodes must be a positive integer, got {episodes!r}")
    gamma = _check_gamma(gamma, "q_learning")
    if not 0.0 < float(alpha) <= 1.0:
        raise ValueError(f"q_learning: alpha must be in (0, 1], got {alpha!r}")
    if not 0.0 <= float(epsilon) <= 1.0:
        raise ValueError(f"q_learning: epsilon must be in [0, 1], got {epsilon!r}")
    if not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"q_learning: max_steps must be a positive integer, got {max_steps!r}")
    shape = (env.n_states, env.n_actions)
    if Q is None:
        Q = np.zeros(shape)
    elif Q.shape != shape:
        raise ValueError(f"q_learning: Q must have shape {shape}, got {Q.shape}")
    returns, steps = np.zeros(episodes), np.zeros(episodes, dtype=int)
    for e in range(episodes):
        s = env.reset(rng)
        for t in range(max_steps):
            a = epsilon_greedy(Q[s], epsilon, rng)
            s_next, r, done = env.step(a, rng)
            target = r if done else r + gamma * Q[s_next].max()
            Q[s, a] += alpha * (target - Q[s, a])    # the TD error times the learning rate
            returns[e] += r
            s = s_next
            if done:
                break
        steps[e] = t + 1
    return QLearning(Q=Q, returns=returns, steps=steps)
