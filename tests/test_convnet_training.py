"""SimpleConvNet with Adam on MNIST next to fully connected nets (the training page)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import convnet_training as exp


def test_the_course_settings():
    c = exp.DEFAULT
    assert (c.n_train, c.n_test, c.filter_num, c.filter_size, c.hidden_size) == (5000, 1000, 30, 5, 100)
    assert (c.iterations, c.batch_size, c.lr, c.weight_init_std) == (1000, 100, 0.001, 0.01)


def test_tiny_records_curves_filters_and_maps(tiny):
    v, a, c = tiny.values, tiny.arrays, exp.TINY
    for key in v["nets"]:
        np.testing.assert_array_equal(a[f"{key}/iterations"], np.arange(0, c.iterations + 1, c.eval_every))
    assert a["filters_before"].shape == a["filters_after"].shape == (c.filter_num, 1, c.filter_size, c.filter_size)
    assert not np.array_equal(a["filters_before"], a["filters_after"])
    assert a["feature_maps"].shape == (c.filter_num, 24, 24) and (a["feature_maps"] >= 0).all()
    assert a["filters_after"].dtype == np.float32


def test_same_seed_same_run(tiny):
    assert exp.run(exp.TINY).values["final"] == tiny.values["final"]


def test_what_the_page_says_holds(default):
    """docs/cnn_training.*.md: the CNN beats both fully connected nets on the same data and
    iterations, reaches over 95 % test accuracy, and its filters moved far from their start."""
    f = default.values["final"]
    assert f["cnn"]["test"] > 0.95
    for key in ("mlp_40_20", "mlp_550"):
        assert f["cnn"]["test"] > f[key]["test"]
    assert default.values["filter_change"] > 1
    params = default.values["params"]  # "about as many parameters as SimpleConvNet"
    assert abs(params["mlp_550"] / params["cnn"] - 1) < 0.05


@pytest.mark.parametrize("lang, word", [("ja", "イテレーション"), ("en", "iteration")])
def test_figures_draw_in_their_language(tiny, lang, word):
    assert word in exp.plot_accuracy(tiny, lang).axes[0].get_xlabel()
    exp.plot_filters(tiny, lang), exp.plot_feature_maps(tiny, lang)
