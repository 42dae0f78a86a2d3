"""Implicit regularisation: final accuracies across mini-batch sizes and learning rates."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dl_notes.experiments import implicit_regularization as exp


def test_tiny_has_every_setting_of_both_sweeps(tiny):
    v = tiny.values
    c = exp.TINY
    assert v["batch_order"] == [exp.setting_key(b, c.lr) for b in c.batch_sizes]
    assert v["lr_order"] == [exp.setting_key(c.batch_size, lr) for lr in c.lrs]
    # A setting shared by the two sweeps is trained once.
    assert set(v["settings"]) == set(v["batch_order"]) | set(v["lr_order"])
    for key, setting in v["settings"].items():
        assert v["updates"][key] == round(c.epochs * c.n_train / setting["batch_size"]), key
    assert v["n_train"] == c.n_train and v["n_test"] > c.n_train


def test_accuracies_are_fractions_and_the_gap_is_their_difference(tiny):
    v = tiny.values
    for key in v["settings"]:
        train, test = v["final_train_acc"][key], v["final_test_acc"][key]
        assert 0 <= train <= 1 and 0 <= test <= 1, key
        assert v["gap"][key] == train - test, key
        assert v["train_loss"][key] > 0 and v["test_loss"][key] > 0, key
        assert v["diverged_at"][key] is None, key


def test_same_seed_same_numbers_other_seed_other_numbers(tiny):
    assert exp.run(exp.TINY).values == tiny.values
    assert exp.run(replace(exp.TINY, seed=1)).values["train_loss"] != tiny.values["train_loss"]


def test_default_settings():
    c = exp.DEFAULT
    assert (c.n_train, c.hidden, c.epochs) == (1000, (100, 100), 64)
    assert c.batch_sizes == (8, 32, 128, 512) and c.lrs == (0.01, 0.03, 0.1, 0.3)
    # Whole numbers of iterations: every batch size sees exactly `epochs` epochs.
    assert all(c.epochs * c.n_train % b == 0 for b in c.batch_sizes)


@pytest.mark.parametrize("lang, word", [("ja", "学習率"), ("en", "learning rate")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    for plot in exp.FIGURES.values():
        figure = plot(tiny, lang)
        assert any(word in ax.get_xlabel() for ax in figure.axes)


def test_what_the_page_says_holds(default):
    """docs/regularization.*.md (implicit regularisation) reads the measurement this way."""
    v = default.values
    test, train, gap, loss = v["final_test_acc"], v["final_train_acc"], v["gap"], v["test_loss"]
    small, large = v["batch_order"][0], v["batch_order"][-1]
    slow, fast = v["lr_order"][0], v["lr_order"][-1]
    assert all(at is None for at in v["diverged_at"].values())
    assert test[small] > test[large]  # smaller batch, higher test accuracy
    assert train[large] < 1 and gap[large] == min(gap[k] for k in v["batch_order"])  # smallest gap: not fitted
    assert loss[small] > loss[large]  # but a higher test loss
    assert v["train_loss"][small] < v["train_loss"][large]  # it trained further
    assert v["train_loss"][fast] < v["train_loss"][slow]  # so did the larger learning rate
    assert test[fast] > test[slow] and train[slow] < 1  # larger learning rate, higher test accuracy
    assert abs(gap[fast] - gap[slow]) < test[fast] - test[slow]  # the gap barely moves
    for order in (v["batch_order"], v["lr_order"]):  # "a few points"
        assert max(test[k] for k in order) - min(test[k] for k in order) < 0.05
