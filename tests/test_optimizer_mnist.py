"""The optimizer exercise on MNIST and the learning-rate sweep."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dl_notes.experiments import load
from dl_notes.experiments import optimizer_mnist as exp


def test_tiny_has_every_case_and_curve(tiny):
    v = tiny.values
    assert len(v["order"]) == len(exp.TINY.optimizers) * len(exp.TINY.dropout)
    for case in v["order"]:
        its = tiny.arrays[f"{case}/iterations"]
        np.testing.assert_array_equal(its, np.arange(0, exp.TINY.iterations + 1, exp.TINY.eval_every))
        assert v["final_test_acc"][case] == tiny.arrays[f"{case}/test_acc"][-1]


def test_divergence_is_recorded_with_its_iteration_not_raised(tiny):
    v = tiny.values
    assert v["sweep_diverged_at"]["10000"] is not None and v["sweep_diverged_at"]["0.01"] is None
    assert v["sweep_best_lr"] == "0.01"


def test_the_course_settings():
    c = exp.DEFAULT
    assert (c.hidden, c.activation, c.weight_init_std, c.iterations, c.batch_size, c.lr) == (
        (40, 20), "sigmoid", 0.01, 1000, 100, 0.01)
    assert [name for _, name in c.optimizers] == ["SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"]
    assert c.dropout == (0.0, 0.15)


def test_same_config_same_numbers(tiny):
    assert exp.run(exp.TINY).values["final_test_acc"] == tiny.values["final_test_acc"]


def test_what_the_page_says_holds(default):
    """docs/optimizers.*.md reads the MNIST curves and the sweep this way."""
    v = default.values
    acc = v["final_test_acc"]
    for case in ("sgd", "momentum", "sgd+dropout0.15", "momentum+dropout0.15"):
        assert acc[case] < 0.15, case  # plain SGD (and Momentum at lr 0.01) barely learn in 1,000 iterations
    assert 0.3 < acc["adagrad"] < 0.85  # AdaGrad gets going but its steps shrink
    for case in ("rmsprop", "adam", "rmsprop+dropout0.15", "adam+dropout0.15"):
        assert acc[case] > 0.9, case
    assert v["ranking"][0] in ("adam", "rmsprop") and abs(acc["adam"] - acc["rmsprop"]) < 0.02
    assert acc["adagrad+dropout0.15"] < acc["adagrad"]
    for case in ("rmsprop", "adam"):  # dropout 0.15 changes little for the adaptive methods
        assert abs(acc[case + "+dropout0.15"] - acc[case]) < 0.02
    assert all(at is None for at in v["diverged_at"].values())
    # sweep
    s, d = v["sweep_final_test_acc"], v["sweep_diverged_at"]
    assert v["sweep_lrs"] == ["0.001", "0.01", "0.1", "1", "3", "30", "10000"]
    assert s["0.001"] < 0.5  # too small: slow
    assert v["sweep_best_lr"] == "0.1"
    assert s["3"] < 0.15 and s["30"] < 0.15 and d["3"] is None and d["30"] is None  # dead, not NaN
    assert v["sweep_peak_loss"]["30"] > 1e3  # the loss exploded first
    assert v["sweep_final_loss"]["3"] > np.log(10) - 0.05 and v["sweep_final_loss"]["30"] > np.log(10) - 0.05
    assert d["10000"] is not None and d["10000"] < 20  # the loss overflowed: diverged


@pytest.mark.parametrize("lang, word", [("ja", "イテレーション"), ("en", "iteration")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    for plot in exp.FIGURES.values():
        figure = plot(tiny, lang)
        assert any(word in ax.get_xlabel() for ax in figure.axes)


def test_the_notebooks_variant_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path))
    config = replace(exp.TINY, optimizers=(("adam", "Adam"),), dropout=(0.0,), sweep_lrs=(0.1,))
    assert set(load("optimizer_mnist", config).values["final_test_acc"]) == {"adam"}
