"""The experiments behind the page "Reinforcement learning": gridworld_values, q_learning and
policy_gradient (their TINY runs and the properties the page quotes)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import gridworld_values, policy_gradient, q_learning


@pytest.fixture(scope="module")
def values_run():
    return gridworld_values.run(gridworld_values.TINY)


def test_value_iteration_converges_and_the_simulation_agrees(values_run):
    v = values_run.values
    for k, slip in enumerate(v["slips"]):
        case = v["by_slip"][str(k)]
        assert case["bellman_residual"] < 1e-9 and case["sweeps"] == len(values_run.arrays[f"residuals/{k}"])
        assert abs(case["mc_mean"] - case["V_start"]) < 5 * case["mc_stderr"] + 1e-12
    deterministic, slippery = v["by_slip"]["0"], v["by_slip"]["1"]
    assert deterministic["sweeps"] < slippery["sweeps"]          # no slip: exact after the longest path's length
    assert slippery["V_start"] < deterministic["V_start"] == pytest.approx(0.9 ** 7)
    assert v["changed_states"] == len(v["changed_cells"]) > 0


def test_value_figure_arrays_put_no_arrow_on_terminal_cells(values_run):
    policy = values_run.arrays["policy/0"]
    layout = values_run.values["layout"]
    for i, row in enumerate(layout):
        for j, c in enumerate(row):
            assert (policy[i, j] == -1) == (c in "GH#")


@pytest.fixture(scope="module")
def q_run():
    return q_learning.run(q_learning.TINY)


def test_q_learning_tiny_run(q_run):
    v, c = q_run.values, q_learning.TINY
    assert q_run.arrays["returns"].shape == (c.seeds, c.episodes)
    assert q_run.arrays["greedy_values"].shape == (c.seeds, c.episodes // c.eval_every)
    assert (q_run.arrays["greedy_values"] <= v["V_star"] + 1e-12).all()
    assert 0 <= v["agreement_mean"] <= 1 and len(v["agreement"]) == c.seeds
    assert np.array(v["grid"]["agreement"]).shape == (len(c.epsilons), len(c.alphas))
    assert v["disagree_shown"] == round((1 - v["agreement_shown"]) * v["nonterminal_states"])


def test_q_learning_is_reproducible():
    a, b = q_learning.run(q_learning.TINY), q_learning.run(q_learning.TINY)
    np.testing.assert_array_equal(a.arrays["returns"], b.arrays["returns"])
    assert a.values == b.values


def test_moving_average():
    np.testing.assert_allclose(q_learning.moving_average(np.arange(5.0), 2), [0.5, 1.5, 2.5, 3.5])


@pytest.fixture(scope="module")
def pg_run():
    return policy_gradient.run(policy_gradient.TINY)


def test_policy_gradient_tiny_run(pg_run):
    v, c = pg_run.values, policy_gradient.TINY
    assert set(v["estimator"]) == set(policy_gradient.BASELINES)
    for name in policy_gradient.BASELINES:
        assert pg_run.arrays[f"cosine/{name}"].shape == (len(c.sizes),)
        assert (np.abs(pg_run.arrays[f"cosine/{name}"]) <= 1 + 1e-12).all()
    assert v["variance_ratio"]["value"] > 1 and v["variance_ratio"]["none"] == 1
    for method in policy_gradient.METHODS:
        assert pg_run.arrays[f"J/{method}"].shape == (c.seeds, c.episodes // c.eval_every)
        assert (pg_run.arrays[f"J/{method}"] <= v["V_star"] + 1e-12).all()
    assert v["J0"] < v["V_star"]


def test_policy_gradient_sizes_must_divide_the_pool():
    with pytest.raises(ValueError, match="every size must divide pool = 60"):
        policy_gradient.run(policy_gradient.Config(pool=60, sizes=(7,)))
