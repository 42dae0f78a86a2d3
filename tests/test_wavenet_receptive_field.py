"""The experiment behind the page "WaveNet": wavenet_receptive_field (TINY and DEFAULT: it trains
nothing and takes milliseconds)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import wavenet_receptive_field as exp
from dl_notes.wavenet import receptive_field, stack_parameters


@pytest.fixture(scope="module", params=["TINY", "DEFAULT"])
def result(request):
    return exp.run(getattr(exp, request.param))


def test_measured_fields_are_the_formula(result):
    a, v = result.arrays, result.values
    assert v["measured_equals_formula"]
    for stack in exp.STACKS:
        np.testing.assert_array_equal(a[f"{stack}/field"], a[f"{stack}/measured"])
    K = v["config"]["kernel_size"]
    np.testing.assert_array_equal(a["dilated/field"], 1 + (K - 1) * (2 ** a["depths"] - 1))
    np.testing.assert_array_equal(a["plain/field"], 1 + (K - 1) * a["depths"])


def test_dilation_buys_field_not_parameters(result):
    a = result.arrays
    assert (a["dilated/field"] >= a["plain/field"]).all() and (a["dilated/field"][2:] > a["plain/field"][2:]).all()
    assert (np.diff(a["dilated/per_parameter"]) >= 0).all() and (np.diff(a["plain/per_parameter"]) <= 0).all()
    C, K = result.values["config"]["channels"], result.values["config"]["kernel_size"]
    np.testing.assert_array_equal(a["parameters"], [stack_parameters(K, int(n), C) for n in a["depths"]])


def test_the_drawing_highlights_the_receptive_field(result):
    a, v = result.arrays, result.values
    L, T = v["config"]["figure_layers"], v["figure"]["steps"]
    for stack in exp.STACKS:
        levels = a[f"{stack}/levels"]
        assert levels.shape == (L + 1, T) and levels[-1].tolist() == [0] * (T - 1) + [1]
        assert levels[0].sum() == v["figure"][stack]
    assert v["figure"]["dilated"] == T == receptive_field(v["config"]["kernel_size"], v["config"]["figure_dilations"])
    assert v["figure"]["layers_to_match"] == T - 1   # kernel size 2: one step per undilated layer


def test_figures_draw(result):
    for name, plot in exp.FIGURES.items():
        for lang in ("ja", "en"):
            assert plot(result, lang).axes, name


def test_bad_config():
    with pytest.raises(ValueError, match="max_depth >= figure_layers"):
        exp.run(exp.Config(figure_layers=5, max_depth=3))
