"""dl_notes.policy_gradient (the page "Reinforcement learning"): the softmax policy and its score
function, float64 gradient checks of the surrogate loss and of the exact policy gradient (against
finite differences of the exact objective), REINFORCE's estimator unbiased with and without a
baseline and of lower variance with one, PyTorch's autograd on the surrogate loss, training,
bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.gridworld import SMALL_LAYOUT, GridWorld
from dl_notes.policy_gradient import (actor_critic, discounted_visitation, exact_policy_gradient, grad_log_policy,
                                      policy_objective, reinforce, reinforce_gradient, reinforce_loss, sample_episode,
                                      softmax_policy)
from dl_notes.rl import policy_evaluation, value_iteration
from _reference import SOURCES, recorder, reference

GAMMA = 0.9


def world(slip=0.0):
    return GridWorld(SMALL_LAYOUT, slip=slip, step_reward=-0.1)


def random_theta(shape, seed=0):
    return 0.5 * np.random.default_rng(seed).standard_normal(shape)


def test_softmax_policy_rows_are_distributions_and_stable():
    pi = softmax_policy(np.array([[1000.0, 0.0], [0.0, 0.0]]), np.eye(2))
    np.testing.assert_allclose(pi, [[1.0, 0.0], [0.5, 0.5]])
    pi = softmax_policy(random_theta((3, 4)), np.random.default_rng(1).standard_normal((6, 3)))
    np.testing.assert_allclose(pi.sum(axis=1), 1.0)


def test_grad_log_policy_gradient_check():
    theta, features = random_theta((3, 4)), np.random.default_rng(1).standard_normal((6, 3))
    for s, a in [(0, 0), (2, 3), (5, 1)]:
        numeric = numerical_gradient(lambda t: float(np.log(softmax_policy(t, features)[s, a])), theta.copy())
        assert relative_error(grad_log_policy(theta, features, s, a), numeric) < 1e-7


def test_reinforce_loss_gradient_check():
    rng = np.random.default_rng(2)
    theta, features = random_theta((3, 4)), rng.standard_normal((6, 3))
    states, actions, weights = rng.integers(0, 6, 9), rng.integers(0, 4, 9), rng.standard_normal(9)
    _, grad = reinforce_loss(theta, features, states, actions, weights)
    numeric = numerical_gradient(lambda t: reinforce_loss(t, features, states, actions, weights)[0], theta.copy())
    assert relative_error(grad, numeric) < 1e-7


@pytest.mark.parametrize("slip", [0.0, 0.2])
@pytest.mark.parametrize("tabular", [True, False])
def test_exact_policy_gradient_matches_finite_differences_of_the_objective(slip, tabular):
    w = world(slip)
    features = np.eye(w.n_states) if tabular else np.random.default_rng(3).standard_normal((w.n_states, 3))
    theta = random_theta((features.shape[1], 4), seed=4)
    numeric = numerical_gradient(lambda t: policy_objective(w, t, features, GAMMA), theta.copy(), h=1e-5)
    assert relative_error(exact_policy_gradient(w, theta, features, GAMMA), numeric) < 1e-6


def test_discounted_visitation_sums_to_the_expected_discounted_length():
    w = world(0.2)
    pi = softmax_policy(random_theta((w.n_states, 4)), np.eye(w.n_states))
    d = discounted_visitation(w, pi, GAMMA)
    # Σ_s d(s) = E[Σ_t γ^t] over the non-terminal steps = (1 - E[γ^T]) / (1 - γ); also V of reward 1 per step
    ones = type("Ones", (), {"P": w.P, "R": np.where(w.terminal[:, None], 0.0, 1.0) * np.ones((1, 4)),
                             "terminal": w.terminal, "start": w.start})()
    assert d.sum() == pytest.approx(policy_evaluation(ones, pi, GAMMA)[w.start])


@pytest.fixture(scope="module")
def estimates():
    """Per-episode REINFORCE estimates at a fixed random θ, without and with baselines."""
    w = world(0.1)
    features = np.eye(w.n_states)
    theta = random_theta((w.n_states, 4), seed=5)
    V = policy_evaluation(w, softmax_policy(theta, features), GAMMA)
    J = V[w.start]
    rng = np.random.default_rng(6)
    episodes = [sample_episode(w, theta, features, rng) for _ in range(6000)]
    g = {name: np.array([reinforce_gradient(theta, features, e, GAMMA, b) for e in episodes])
         for name, b in (("none", None), ("constant", J), ("value", V))}
    return g, exact_policy_gradient(w, theta, features, GAMMA)


@pytest.mark.parametrize("name", ["none", "constant", "value"])
def test_reinforce_is_unbiased_with_or_without_a_baseline(estimates, name):
    g, exact = estimates
    mean, stderr = g[name].mean(axis=0), g[name].std(axis=0) / np.sqrt(len(g[name]))
    assert (np.abs(mean - exact) < 4.5 * stderr + 1e-12).all()


def test_the_baseline_lowers_the_variance(estimates):
    g, _ = estimates
    total = {name: v.var(axis=0).sum() for name, v in g.items()}
    assert total["value"] < total["constant"] < total["none"] / 2


def test_the_baseline_leaves_the_expected_gradient_unchanged_exactly():
    # E[b(s) ∇ log π(a|s)] = b(s) Σ_a π(a|s) ∇ log π(a|s) = b(s) ∇ Σ_a π(a|s) = 0
    theta, features = random_theta((3, 4)), np.random.default_rng(7).standard_normal((5, 3))
    pi = softmax_policy(theta, features)
    for s in range(5):
        total = sum(pi[s, a] * grad_log_policy(theta, features, s, a) for a in range(4))
        np.testing.assert_allclose(total, 0.0, atol=1e-15)


@pytest.fixture(params=SOURCES)
def torch_values(request):
    return reference("policy_gradient", request.param)


def test_surrogate_loss_matches_pytorch(torch_values):
    ref = torch_values
    loss, grad = reinforce_loss(ref["theta"], ref["features"], ref["states"], ref["actions"], ref["weights"])
    assert loss == pytest.approx(float(ref["loss"]), rel=1e-12)
    np.testing.assert_allclose(grad, ref["dtheta"], rtol=1e-10, atol=1e-13)


def test_recorded_inputs_are_the_recorders():
    recorded = reference("policy_gradient", "recorded")
    for name, value in recorder("policy_gradient").inputs().items():
        np.testing.assert_array_equal(recorded[name], value)


@pytest.mark.parametrize("method", ["reinforce", "reinforce+baseline", "actor-critic"])
def test_training_improves_the_exact_objective_and_is_reproducible(method):
    w = world()
    features = np.eye(w.n_states)

    def train(seed):
        rng = np.random.default_rng(seed)
        if method == "actor-critic":
            return actor_critic(w, features, 300, lr=0.5, lr_value=0.2, gamma=GAMMA, rng=rng)
        return reinforce(w, features, 300, lr=0.5, gamma=GAMMA, rng=rng, baseline=method.endswith("baseline"))
    first, again = train(0), train(0)
    np.testing.assert_array_equal(first.theta, again.theta)
    before = policy_objective(w, np.zeros((w.n_states, 4)), features, GAMMA)
    after = policy_objective(w, first.theta, features, GAMMA)
    best = value_iteration(w, GAMMA).V[w.start]
    assert after > before + 0.8 * (best - before)


@pytest.mark.parametrize("call, error, match", [
    (lambda: softmax_policy(np.zeros((3, 4)), np.eye(2)), ValueError, r"one d, got \(2, 2\) and \(3, 4\)"),
    (lambda: reinforce_loss(np.zeros((2, 4)), np.eye(2), [0, 1], [0], [1.0, 1.0]), ValueError, "one length"),
    (lambda: reinforce(world(), np.eye(8), 0, lr=0.1, gamma=0.9, rng=np.random.default_rng(0)), ValueError, "episodes"),
    (lambda: reinforce(world(), np.eye(8), 1, lr=0.0, gamma=0.9, rng=np.random.default_rng(0)), ValueError,
     "lr and lr_value must be positive"),
    (lambda: actor_critic(world(), np.eye(8), 1, lr=0.1, lr_value=0.1, gamma=0.9, rng=np.random.default_rng(0),
                          theta=np.zeros((3, 4))), ValueError, r"shapes \(8, 4\) and \(8,\)"),
    (lambda: discounted_visitation(world(), np.ones((2, 4)), 0.9), ValueError, "policy must have shape"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
