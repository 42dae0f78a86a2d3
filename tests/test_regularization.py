"""The overfitting exercise: 300 images, [100] * 6, and L1, L2, dropout and early stopping."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import regularization as exp


def test_tiny_has_every_case(tiny):
    v = tiny.values
    assert v["order"] == [case[0] for case in exp.TINY.cases]
    for key in v["order"]:
        assert tiny.arrays[f"{key}/train_acc"].shape == tiny.arrays[f"{key}/test_acc"].shape
        assert tiny.arrays[f"{key}/hist"].sum() > 0
    assert 0 <= v["early_stopping"]["best_iteration"] <= exp.TINY.iterations


def test_the_course_settings():
    c = exp.DEFAULT
    assert (c.n_train, c.hidden, c.iterations, c.batch_size) == (300, (100,) * 6, 1000, 100)
    cases = {key: rest for key, *rest in c.cases}
    assert cases["none"] == [0.01, None, 0.0, 0.0, "SGD"]
    assert cases["l2_0.1"] == [0.01, "l2", 0.1, 0.0, "SGD"]
    assert cases["l1_0.005"] == [0.1, "l1", 0.005, 0.0, "SGD"]
    assert cases["dropout_0.15"] == [0.01, None, 0.0, 0.15, "SGD"]
    # the "try" cell's optimizers, as its commented lines set them (Adam at its default rate)
    assert cases["dropout_0.15+momentum"] == [0.01, None, 0.0, 0.15, "Momentum"]
    assert cases["dropout_0.15+adagrad"] == [0.01, None, 0.0, 0.15, "AdaGrad"]
    assert cases["dropout_0.15+adam"] == [0.001, None, 0.0, 0.15, "Adam"]


def test_the_optimizer_cases_train_with_their_optimizer(tiny):
    v = tiny.values
    assert v["optimizer_cases"] == [k for k in exp.OPTIMIZER_CASES if k in v["order"]]
    assert v["cases"]["dropout_0.15+adam"]["optimizer"] == "Adam"
    assert v["n_weights"] == 784 * 10 + 10 * 10 + 10 * 10  # TINY: 784-10-10-10
    # the same weights and batches, another optimizer: another result
    assert not np.array_equal(tiny.arrays["dropout_0.15/test_acc"], tiny.arrays["dropout_0.15+adam/test_acc"]) or \
        v["final_train_acc"]["dropout_0.15"] != v["final_train_acc"]["dropout_0.15+adam"]


def test_every_layer_is_updated_including_the_output_layer():
    """The course's L1/L2 loops skip W7 and b7; ours must not."""
    net = exp.make_net(exp.DEFAULT, "l2", 0.1, 0.0)
    before = {k: p.copy() for k, p in net.params.items()}
    x = np.random.default_rng(0).random((20, 784), dtype=np.float32)
    exp.train(net, ((x, np.arange(20) % 10), (x, np.arange(20) % 10)), iterations=1, batch_size=10, lr=0.1,
              eval_every=1, seed=0)
    assert all(not np.array_equal(before[k], net.params[k]) for k in ("W7", "b7", "W1"))


def test_what_the_page_says_holds(default):
    """docs/regularization.*.md reads the curves this way."""
    v = default.values
    train, test, gap, zero = v["final_train_acc"], v["final_test_acc"], v["gap"], v["near_zero_fraction"]
    assert train["none"] == 1.0 and gap["none"] > 0.15  # overfits: memorises the 300 images
    assert gap["l2_0.1"] < gap["none"] and test["l2_0.1"] < test["none"]  # narrower gap, lower accuracy
    assert train["l2_0.15"] < 0.5 and test["l2_0.15"] < 0.5  # too strong: it stops learning
    assert gap["l1_0.005"] < gap["none_lr0.1"] and test["l1_0.005"] < test["none_lr0.1"]
    assert zero["l1_0.005"] > 0.9 and zero["none_lr0.1"] < 0.05 and zero["l2_0.1"] < 0.1  # L1 is sparse
    assert v["weight_max"]["l1_0.005"] > v["weight_max"]["l2_0.1"]  # L1 keeps a few large weights
    assert test["dropout_0.15"] > test["none"] and gap["dropout_0.15"] < gap["none"] and train["dropout_0.15"] > 0.98
    assert train["dropout_0.2"] < train["dropout_0.15"] and test["dropout_0.2"] < test["dropout_0.15"]
    assert zero["l1_0.005"] > zero["dropout_0.08+l1_0.004"] > zero["none"]
    for key in ("dropout_0.15", "dropout_0.2", "dropout_0.08+l1_0.004"):
        assert abs(test[key] - test["none"]) < 0.03, key
    e = v["early_stopping"]
    assert e["best_iteration"] < 0.8 * v["iterations"]
    assert abs(e["test_acc_at_best"] - e["test_acc_final"]) < 0.02


@pytest.mark.parametrize("lang, word", [("ja", "重み"), ("en", "weight")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    figure = exp.plot_histograms(tiny, lang)
    assert any(word in ax.get_xlabel() for ax in figure.axes)
    for plot in exp.FIGURES.values():
        plot(tiny, lang)
