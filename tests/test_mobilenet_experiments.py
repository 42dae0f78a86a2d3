"""The experiments behind the page "MobileNet": separable_costs and mobilenet_mnist (TINY runs, and the
page's claims on the cached DEFAULT runs)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import mobilenet_mnist as mnist_exp
from dl_notes.experiments import separable_costs as costs_exp
from dl_notes.mobilenet import separable_cost_ratio


@pytest.fixture(scope="module")
def costs_tiny():
    return costs_exp.run(costs_exp.TINY)


@pytest.fixture(scope="module")
def mnist_tiny():
    return mnist_exp.run(mnist_exp.TINY)


# --- separable_costs ----------------------------------------------------------------------------

def test_costs_counted_on_the_layers_equal_the_formulas(costs_tiny):
    v = costs_tiny.values
    assert v["counts_match"] and v["measured"] == v["formula"]
    assert v["max_ratio_error"] < 1e-12


def test_costs_ratio_falls_towards_one_over_k_squared(costs_tiny):
    for K in costs_tiny.values["Ks"]:
        ratio = costs_tiny.arrays[f"ratio/{K}"]
        assert np.all(np.diff(ratio) < 0) and np.all(ratio > 1 / K**2)


def test_costs_quiz_parts(costs_tiny):
    q = costs_tiny.values["quiz"]
    assert q["depthwise"] == q["H"] * q["W"] * q["C"] * q["K"] ** 2
    assert q["pointwise"] == q["H"] * q["W"] * q["C"] * q["M"]
    assert q["standard"] == q["H"] * q["W"] * q["K"] ** 2 * q["C"] * q["M"]
    assert q["depthwise_over_standard"] == pytest.approx(1 / q["M"])
    assert q["pointwise_over_standard"] == pytest.approx(1 / q["K"] ** 2)
    assert q["ratio"] == pytest.approx(separable_cost_ratio(q["M"], q["K"]))


def test_costs_what_the_page_says_holds(site_result):
    """docs/mobilenet.*.md: the quiz geometry is M = 64, K = 3, and its pointwise part is over 80 %."""
    v = site_result("separable_costs").values
    q = v["quiz"]
    assert (q["M"], q["K"]) == (64, 3) and q["pointwise_share"] > 0.8
    assert v["counts_match"]


@pytest.mark.parametrize("lang, word", [("ja", "出力チャネル数"), ("en", "output channels")])
def test_costs_figure_draws_in_its_language(costs_tiny, lang, word):
    assert word in costs_exp.plot_ratio(costs_tiny, lang).axes[0].get_xlabel()


# --- mobilenet_mnist ----------------------------------------------------------------------------

def test_mnist_records_both_networks(mnist_tiny):
    v, a, c = mnist_tiny.values, mnist_tiny.arrays, mnist_exp.TINY
    for name in v["nets"]:
        np.testing.assert_array_equal(a[f"{name}/iterations"], np.arange(0, c.iterations + 1, c.eval_every))
        assert len(a[f"{name}/batch_loss"]) == c.iterations
        assert v["ms_per_step"][name] > 0 and v["params"][name] > 0
    assert v["params"]["mobilenet"] < v["params"]["simple"]


def test_mnist_same_seed_same_accuracy(mnist_tiny):
    assert mnist_exp.run(mnist_exp.TINY).values["final"] == mnist_tiny.values["final"]


def test_mnist_what_the_page_says_holds(site_result):
    """docs/mobilenet.*.md: far fewer parameters and multiply-adds, both nets learn, SimpleConvNet ends
    more accurate, and in NumPy the MobileNet step is not the faster one."""
    v = site_result("mobilenet_mnist").values
    assert v["params_ratio"] > 50 and v["mult_adds_ratio"] > 3
    assert v["final"]["mobilenet"]["test"] > 0.8 and v["final"]["simple"]["test"] > 0.9
    assert v["accuracy_gap"] > 0
    assert v["time_ratio"] > 1


@pytest.mark.parametrize("lang, word", [("ja", "イテレーション"), ("en", "iteration")])
def test_mnist_figure_draws_in_its_language(mnist_tiny, lang, word):
    assert word in mnist_exp.plot_accuracy(mnist_tiny, lang).axes[0].get_xlabel()
