"""All-equal initial weights: the hidden units never become different."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import zero_init as exp


def test_symmetric_starts_stay_symmetric(tiny):
    v = tiny.values
    for key in ("sigmoid/zeros", "sigmoid/equal", "relu/zeros"):
        assert v["distinct_units"][key] == [1, 1], key
    assert v["distinct_units"]["sigmoid/xavier"] == list(exp.TINY.hidden)


def test_the_hidden_outputs_have_the_right_shape(tiny):
    for key in tiny.values["order"]:
        assert tiny.arrays[f"{key}/hidden1"].shape == (exp.TINY.images, exp.TINY.hidden[0])


def test_distinct_units_ignores_rounding():
    W = np.ones((3, 4), dtype=np.float32)
    W[:, 1] += 1e-7
    assert exp.distinct_units(W) == 1
    W[:, 2] = 2
    assert exp.distinct_units(W) == 2


def test_what_the_page_says_holds(default):
    """docs/weight_init.*.md: every unit of a symmetric start stays identical, and it does not learn."""
    v = default.values
    for key in ("sigmoid/zeros", "sigmoid/equal", "relu/zeros"):
        assert v["distinct_units"][key] == [1, 1], key
        assert v["final_test_acc"][key] < 0.2, key
    assert v["distinct_units"]["sigmoid/xavier"] == v["hidden"]
    assert v["final_test_acc"]["sigmoid/xavier"] > 0.6
    # A zero-initialised ReLU net does not change its hidden weights at all (ReLU'(0) = 0).
    assert v["unit_spread"]["relu/zeros"] == [0.0, 0.0]


@pytest.mark.parametrize("lang, word", [("ja", "ユニット"), ("en", "unit")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    figure = exp.plot(tiny, lang)
    assert word in figure.axes[0].get_ylabel()
    assert sum(ax.get_visible() for ax in figure.axes) == len(exp.TINY.cases)
