"""The framework exercises redone in dl_notes: penalties on the weights, normalisation, dropout."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import framework_regularization as exp
from dl_notes.gradcheck import check_network
from dl_notes.regularizers import L1, L2, ElasticNet


def test_tiny_has_every_run_with_both_losses(tiny):
    s = tiny.values["summary"]
    expected = {f"weights/{k}" for k, _, _ in exp.TINY.weight_cases} | {"dropout/dropout"} | {
        f"norm/{n}" for n in exp.NORMS}
    assert set(s) == expected
    for name in expected:
        train, val = tiny.arrays[f"{name}/train_loss"], tiny.arrays[f"{name}/val_loss"]
        assert train.shape == val.shape == tiny.arrays[f"{name}/iterations"].shape
        assert np.isfinite(train).all() and np.isfinite(val).all()


def test_keras_penalties_match_their_definitions():
    w = np.array([0.5, -2.0, 1.0])
    a = 1e-4
    assert exp.keras_penalty("l1", a).penalty([w]) == pytest.approx(a * np.abs(w).sum())
    assert exp.keras_penalty("l2", a).penalty([w]) == pytest.approx(a * (w ** 2).sum())
    assert exp.keras_penalty("l1l2", a).penalty([w]) == pytest.approx(a * np.abs(w).sum() + a * (w ** 2).sum())
    assert isinstance(exp.keras_penalty("l1", a), L1) and isinstance(exp.keras_penalty("l2", a), L2)
    assert isinstance(exp.keras_penalty("l1l2", a), ElasticNet) and exp.keras_penalty(None, a) is None


@pytest.mark.parametrize("norm", exp.NORMS)
def test_small_convnet_gradients(norm):
    net = exp.SmallConvNet(norm, filters=2, seed=0)
    for key in net.params:  # float64 for the check
        net.params[key] = net.params[key].astype(np.float64)
        layer, name = net._owners[key]
        setattr(layer, name, net.params[key])
    net.dtype = np.dtype(np.float64)
    rng = np.random.default_rng(0)
    errors = check_network(net, rng.random((3, 784)), np.array([1, 2, 3]))
    assert max(errors.values()) < 1e-5, errors


def test_what_the_page_says_holds(default):
    """docs/framework_exercise.*.md reads the curves this way."""
    s = default.values["summary"]
    none = s["weights/none"]
    assert none["final_train_loss"] < 0.02 and none["val_loss_rise"] > 0.03  # fits, then validation rises
    assert none["min_val_iteration"] < default.values["iterations"] / 2
    for key in ("l1", "l2", "l1l2"):  # at Keras's 1e-4 the penalties change little
        assert abs(s[f"weights/{key}"]["final_val_loss"] - none["final_val_loss"]) < 0.05, key
        assert s[f"weights/{key}"]["val_loss_rise"] < none["val_loss_rise"], key
    assert s["weights/l1l2"]["final_val_loss"] < none["final_val_loss"]
    assert min(("l1", "l2", "l1l2"), key=lambda k: s[f"weights/{k}"]["final_val_loss"]) == "l1l2"
    strong = {k: s[f"weights/{k}_strong"] for k in ("l1", "l2", "l1l2")}
    assert strong["l1"]["final_train_loss"] > 5 * none["final_train_loss"]  # L1 x10 no longer fits the data
    assert strong["l1"]["final_train_acc"] < 1.0
    weights = [k for k in s if k.startswith("weights/")]
    assert min(weights, key=lambda k: s[k]["final_val_loss"]) == "weights/l2_strong"
    assert strong["l2"]["final_train_acc"] > 0.99
    d = s["dropout/dropout"]
    assert d["min_val_loss"] < none["min_val_loss"] and d["final_val_loss"] < none["final_val_loss"]
    assert d["final_val_acc"] > none["final_val_acc"]
    assert d["val_loss_rise"] > 0.02 and d["min_val_iteration"] < default.values["iterations"]  # still rises
    for norm in ("batch", "layer", "instance"):
        assert s[f"norm/{norm}"]["final_train_loss"] < s["norm/none"]["final_train_loss"], norm
        assert s[f"norm/{norm}"]["final_val_loss"] < s["norm/none"]["final_val_loss"], norm
    assert min(exp.NORMS, key=lambda n: s[f"norm/{n}"]["final_val_loss"]) == "batch"


def test_a_rise_in_validation_loss_means_its_lowest_point_came_earlier(default):
    """docs/framework_exercise.*.md names each run whose validation loss rose after its lowest point."""
    v = default.values
    for key, x in v["summary"].items():
        last = v["cnn_iterations"] if key.startswith("norm/") else v["iterations"]
        assert x["val_loss_rise"] >= 0, key
        assert (x["val_loss_rise"] > 0) == (x["min_val_iteration"] < last), key


@pytest.mark.parametrize("lang, word", [("ja", "イテレーション"), ("en", "iteration")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    for plot in exp.FIGURES.values():
        figure = plot(tiny, lang)
        assert any(word in ax.get_xlabel() for ax in figure.axes)
