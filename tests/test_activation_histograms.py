"""The activation-histogram experiment (5 layers of 100 units on random input)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import activation_histograms as exp


def test_one_histogram_per_layer_and_case(tiny):
    v = tiny.values
    assert len(v["order"]) == len(exp.TINY.activations) * len(exp.TINY.inits)
    for key in v["order"]:
        assert tiny.arrays[f"{key}/counts"].shape == (exp.TINY.layers, exp.TINY.bins)
        assert len(v["std"][key]) == exp.TINY.layers


def test_relu_zero_share_counts_exact_zeros(tiny):
    """The zeros left out of ReLU's histograms are the share reported as its sparsity."""
    n = exp.TINY.samples * exp.TINY.units
    for key, shares in tiny.values["relu_zero_share"].items():
        counted = tiny.arrays[f"{key}/counts"].sum(axis=1)  # non-zero outputs inside the histogram's range
        assert ((1 - np.array(shares)) * n >= counted - 0.5).all(), key
    assert set(tiny.values["relu_zero_share"]) == {k for k in tiny.values["order"] if k.startswith("relu/")}


def test_sigmoid_and_tanh_histograms_count_every_value(tiny):
    n = exp.TINY.samples * exp.TINY.units
    for key in tiny.values["order"]:
        if not key.startswith("relu"):
            assert (tiny.arrays[f"{key}/counts"].sum(axis=1) == n).all(), key


def test_he_keeps_relu_spread_and_std_001_collapses_it(tiny):
    """The issue's sanity check, on the tiny configuration."""
    he, small = tiny.values["std"]["relu/he"], tiny.values["std"]["relu/std0.01"]
    assert max(he) / min(he) < 2
    assert small[-1] < 1e-3 * small[0]


def test_what_the_page_says_holds(default):
    """docs/weight_init.*.md reads the histograms this way."""
    v = default.values
    std, sat = v["std"], v["sigmoid_saturated"]
    assert min(sat["sigmoid/std1"]) > 0.3  # std 1: a large share of sigmoid outputs pinned near 0 or 1
    assert max(std["sigmoid/std0.01"]) < 0.03  # std 0.01: every unit outputs nearly the same 0.5
    assert max(sat["sigmoid/xavier"]) < 0.01 and min(std["sigmoid/xavier"]) > 0.1  # Xavier: spread, no saturation
    he = std["relu/he"]
    assert max(he) / min(he) < 2  # He keeps ReLU's spread within a factor 2 over the 5 layers
    assert v["std_ratio_last_first"]["relu/xavier"] < 0.4  # Xavier with ReLU: the spread shrinks layer by layer
    assert v["std_ratio_last_first"]["relu/std1"] > 100  # std 1 with ReLU explodes
    assert v["std_ratio_last_first"]["tanh/std0.01"] < 1e-3
    # tanh's zero centre: its outputs average 0, the sigmoid's ½ (same weights, same inputs)
    assert all(abs(m) < 0.01 for m in v["mean"]["tanh/xavier"])
    assert all(abs(m - 0.5) < 0.02 for m in v["mean"]["sigmoid/xavier"])
    # ReLU's sparsity: about half of the outputs are exactly 0 in every layer
    assert all(0.4 < z < 0.6 for z in v["relu_zero_share"]["relu/he"])


@pytest.mark.parametrize("lang, word", [("ja", "層目"), ("en", "layer")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    for name, plot in exp.FIGURES.items():
        figure = plot(tiny, lang)
        assert name.endswith(".png")
        assert any(word in ax.get_title() for ax in figure.axes)


def test_each_case_has_its_own_random_stream():
    a = exp.run(exp.TINY)
    b = exp.run(exp.Config(samples=exp.TINY.samples, units=exp.TINY.units, activations=("relu",)))
    np.testing.assert_array_equal(a.arrays["relu/he/counts"], b.arrays["relu/he/counts"])
