"""dl_notes.rl (the page "Reinforcement learning"): returns, ε-greedy, exact policy evaluation,
value iteration checked by substitution into the Bellman equations, Q-learning reaching the
optimal policy on a deterministic world, reproducibility, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gridworld import LAYOUT, SMALL_LAYOUT, GridWorld
from dl_notes.rl import (action_values, bellman_optimality_backup, discounted_return, e_greedy, epsilon_greedy,
                         epsilon_greedy_probs, greedy_policy, optimal_actions, policy_evaluation, q_learning,
                         returns_to_go, value_iteration)

GAMMA = 0.9


def test_returns_follow_the_recursion():
    rewards = np.array([1.0, -2.0, 0.5, 3.0])
    G = returns_to_go(rewards, GAMMA)
    assert G[-1] == 3.0
    np.testing.assert_allclose(G[:-1], rewards[:-1] + GAMMA * G[1:])
    assert discounted_return(rewards, GAMMA) == pytest.approx(sum(GAMMA ** k * r for k, r in enumerate(rewards)))
    assert discounted_return([], GAMMA) == 0.0 and discounted_return([5.0], 0.0) == 5.0


@pytest.mark.parametrize("epsilon", [0.0, 0.1, 0.5, 1.0])
def test_epsilon_greedy_probabilities_and_draws(epsilon):
    q = np.array([0.3, 1.0, -1.0, 0.2, 0.0])
    p = epsilon_greedy_probs(q, epsilon)
    assert p.sum() == pytest.approx(1.0) and p[1] == pytest.approx(1 - epsilon + epsilon / 5)
    rng = np.random.default_rng(1)
    draws = np.bincount([epsilon_greedy(q, epsilon, rng) for _ in range(20000)], minlength=5) / 20000
    np.testing.assert_allclose(draws, p, atol=0.015)
    assert e_greedy is epsilon_greedy


def test_epsilon_greedy_breaks_ties_at_random():
    rng = np.random.default_rng(0)
    draws = {epsilon_greedy([1.0, 1.0, 0.0], 0.0, rng) for _ in range(50)}
    assert draws == {0, 1}
    np.testing.assert_allclose(epsilon_greedy_probs([1.0, 1.0, 0.0], 0.3), [0.45, 0.45, 0.1])


@pytest.mark.parametrize("slip", [0.0, 0.2])
def test_policy_evaluation_satisfies_the_bellman_equation(slip):
    world = GridWorld(slip=slip)
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(4), world.n_states)
    V = policy_evaluation(world, pi, GAMMA)
    Q = action_values(world, V, GAMMA)
    n = ~world.terminal
    np.testing.assert_allclose(V[n], (pi * Q).sum(axis=1)[n], atol=1e-12)   # substitution
    assert (V[world.terminal] == 0).all()


def test_policy_evaluation_matches_iterating_the_expectation():
    world = GridWorld(slip=0.2)
    pi = np.full((world.n_states, 4), 0.25)
    V = np.zeros(world.n_states)
    for _ in range(2000):
        V = (pi * action_values(world, V, GAMMA)).sum(axis=1)
    np.testing.assert_allclose(policy_evaluation(world, pi, GAMMA), V, atol=1e-10)


@pytest.mark.parametrize("layout", [LAYOUT, SMALL_LAYOUT])
@pytest.mark.parametrize("slip", [0.0, 0.2, 2 / 3])
def test_value_iteration_reaches_the_bellman_fixed_point(layout, slip):
    world = GridWorld(layout, slip=slip)
    result = value_iteration(world, GAMMA, tol=1e-12)
    # substitution: V* = max_a (R + γ P V*), and the greedy policy's own value is V*
    np.testing.assert_allclose(bellman_optimality_backup(world, result.V, GAMMA), result.V, atol=1e-11)
    np.testing.assert_allclose(policy_evaluation(world, result.policy, GAMMA), result.V, atol=1e-9)
    assert result.sweeps == len(result.residuals) and result.residuals[-1] <= 1e-12
    # a γ-contraction: each change at most γ times the one before
    assert (result.residuals[1:] <= GAMMA * result.residuals[:-1] + 1e-15).all()


def test_no_policy_beats_the_optimal_values():
    world = GridWorld(slip=0.2)
    V_star = value_iteration(world, GAMMA).V
    rng = np.random.default_rng(2)
    for _ in range(20):
        pi = rng.dirichlet(np.ones(4) * 0.3, world.n_states)
        assert (policy_evaluation(world, pi, GAMMA) <= V_star + 1e-9).all()


def test_deterministic_values_are_discounted_distances():
    world = GridWorld(["S...G"])
    V = value_iteration(world, GAMMA).V
    np.testing.assert_allclose(V[:4], GAMMA ** np.arange(3, -1, -1))


def test_greedy_and_optimal_actions():
    Q = np.array([[0.0, 1.0, 1.0 - 1e-9], [3.0, 2.0, 1.0]])
    assert greedy_policy(Q).tolist() == [1, 0]
    assert optimal_actions(Q).tolist() == [[False, True, True], [True, False, False]]


@pytest.mark.parametrize("seed", [0, 1])
def test_q_learning_reaches_the_optimal_policy_on_a_deterministic_world(seed):
    world = GridWorld()
    best = optimal_actions(value_iteration(world, GAMMA).Q)
    result = q_learning(world, 3000, gamma=GAMMA, alpha=0.5, epsilon=0.5, rng=np.random.default_rng(seed))
    n = np.flatnonzero(~world.terminal)
    assert best[n, greedy_policy(result.Q)[n]].all()       # an optimal action in every state


def test_with_little_exploration_q_learning_is_optimal_from_the_start_only():
    world = GridWorld()
    vi = value_iteration(world, GAMMA)
    greedy = greedy_policy(q_learning(world, 3000, gamma=GAMMA, alpha=0.5, epsilon=0.2, rng=np.random.default_rng(0)).Q)
    assert policy_evaluation(world, greedy, GAMMA)[world.start] == pytest.approx(vi.V[world.start])
    n = np.flatnonzero(~world.terminal)
    assert not optimal_actions(vi.Q)[n, greedy[n]].all()   # states off the path are rarely visited, not yet learnt


def test_q_learning_values_converge_to_q_star_on_a_deterministic_world():
    world = GridWorld(SMALL_LAYOUT)
    Q_star = value_iteration(world, GAMMA).Q
    Q = q_learning(world, 4000, gamma=GAMMA, alpha=0.5, epsilon=0.5, rng=np.random.default_rng(1)).Q
    np.testing.assert_allclose(Q, Q_star, atol=1e-3)


def test_q_learning_is_reproducible_and_continues():
    def run(seed):
        return q_learning(GridWorld(slip=0.2), 50, gamma=GAMMA, alpha=0.3, epsilon=0.1, rng=np.random.default_rng(seed))
    a, b = run(5), run(5)
    np.testing.assert_array_equal(a.Q, b.Q)
    np.testing.assert_array_equal(a.returns, b.returns)
    assert not np.array_equal(a.Q, run(6).Q)
    Q = a.Q.copy()
    more = q_learning(GridWorld(slip=0.2), 1, gamma=GAMMA, alpha=0.3, epsilon=0.1, rng=np.random.default_rng(0), Q=Q)
    assert more.Q is Q and more.steps[0] >= 1


def test_q_learning_cuts_off_long_episodes():
    world = GridWorld(["S", ".", "G"])
    # always "left", whatever Q says: the agent never moves, so every episode is cut off
    result = q_learning(world, 2, gamma=GAMMA, alpha=0.5, epsilon=0.0, rng=np.random.default_rng(0),
                        Q=np.array([[0.0, 0.0, 0.0, 1.0]] * 3), max_steps=7)
    assert result.steps.tolist() == [7, 7] and result.returns.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("call, match", [
    (lambda w: value_iteration(w, 1.0), r"gamma must be in \[0, 1\), got 1.0"),
    (lambda w: value_iteration(w, 0.9, tol=0), "tol must be positive"),
    (lambda w: value_iteration(w, 0.99, max_sweeps=3), "still above tol .* raise max_sweeps"),
    (lambda w: policy_evaluation(w, np.zeros(w.n_states, dtype=int) + 4, 0.9), "one action in 0..3"),
    (lambda w: policy_evaluation(w, np.ones((w.n_states, 4)), 0.9), "rows sum to 1"),
    (lambda w: policy_evaluation(w, np.zeros(w.n_states, dtype=int), 1.0), "singular"),
    (lambda w: q_learning(w, 0, gamma=0.9, alpha=0.5, epsilon=0.1, rng=np.random.default_rng(0)), "episodes"),
    (lambda w: q_learning(w, 1, gamma=0.9, alpha=0.0, epsilon=0.1, rng=np.random.default_rng(0)), r"alpha must be in \(0, 1\], got 0.0"),
    (lambda w: q_learning(w, 1, gamma=0.9, alpha=0.5, epsilon=1.5, rng=np.random.default_rng(0)), "epsilon must be in"),
    (lambda w: epsilon_greedy_probs([], 0.1), "non-empty"),
    (lambda w: returns_to_go([[1.0]], 0.9), "one-dimensional"),
    (lambda w: discounted_return([1.0], 1.5), r"gamma must be in \[0, 1\], got 1.5"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call(GridWorld())


def test_an_object_without_tables_is_a_type_error():
    with pytest.raises(TypeError, match="must have the tables P, R and terminal"):
        value_iteration(object(), 0.9)
