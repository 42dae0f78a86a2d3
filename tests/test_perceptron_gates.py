"""The perceptron page's experiment: gate boundaries, the bias examples, XOR's layers and the search."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import perceptron_gates as exp


def test_truth_tables_and_weights(tiny):
    g = tiny.values["gates"]
    assert {name: g[name]["table"] for name in exp.ORDER} == {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0],
                                                              "OR": [0, 1, 1, 1]}
    assert g["NAND"]["w"] == [-w for w in g["AND"]["w"]] and g["NAND"]["b"] == -g["AND"]["b"]
    assert g["OR"]["w"] == g["AND"]["w"] and g["OR"]["b"] > g["AND"]["b"]   # same weights, fires more easily


def test_the_regions_are_the_side_of_the_line(tiny):
    """The coloured region of each gate is exactly where b + w1 x1 + w2 x2 > 0."""
    axis = tiny.arrays["axis"]
    x1, x2 = np.meshgrid(axis, axis)
    for name in exp.ORDER:
        g = tiny.values["gates"][name]
        a = g["b"] + g["w"][0] * x1 + g["w"][1] * x2
        off_the_line = np.abs(a) > 1e-9      # on the line the sign is rounding noise
        np.testing.assert_array_equal(tiny.arrays[name][off_the_line], (a > 0)[off_the_line])
    np.testing.assert_array_equal(tiny.arrays["XOR"], tiny.arrays["NAND"] & tiny.arrays["OR"])


def test_the_bias_examples(tiny):
    cases = {c["b"]: c for c in tiny.values["bias"]["cases"]}
    assert cases[-0.1]["table"] == [0, 1, 1, 1] and cases[-0.7]["table"] == [0, 0, 0, 1]
    assert cases[-20.0]["fires"] == 0 and cases[-20.0]["threshold"] > cases[-20.0]["largest_sum"]


def test_xor_layers(tiny):
    assert tiny.values["xor"] == {"s1": [1, 1, 1, 0], "s2": [0, 1, 1, 1], "y": [0, 1, 1, 0]}


def test_the_search_finds_every_gate_but_xor(tiny):
    s = tiny.values["search"]
    assert s["counts"]["XOR"] == 0 and min(s["counts"][n] for n in exp.ORDER) > 0
    assert (s["tables"], s["computable"], s["not_computable"]) == (16, 14, ["0110", "1001"])
    assert s["triples"] == exp.TINY.search_values ** 3


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("figure", sorted(exp.FIGURES))
def test_figures_draw(tiny, figure, lang):
    assert exp.FIGURES[figure](tiny, lang).axes


def test_plot_unit_draws_any_unit():
    """The notebook's helper, also for a vertical boundary (w2 = 0)."""
    from dl_notes.perceptron import Perceptron

    for unit in (Perceptron((1.0, -1.0), -0.5), Perceptron((1.0, 0.0), -0.5)):
        assert exp.plot_unit(unit, "en", title="mine").axes
