"""Training the two-layer network (the page "Training a two-layer network") and the book's ch04 loop."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import two_layer_training as exp
from dl_notes.gradcheck import numerical_gradient


def test_tiny_has_every_curve(tiny):
    v, a = tiny.values, tiny.arrays
    assert len(a["book/test_acc"]) == exp.TINY.epochs + 1  # before training, then once per epoch
    assert len(a["book/batch_loss"]) == v["iterations"] == exp.TINY.epochs * v["iter_per_epoch"]
    assert set(v["grid_test_acc"]) == {f"{lr:g}/{b}" for lr in exp.TINY.grid_lrs for b in exp.TINY.grid_batches}
    assert len(a["sgd/relu/seed0"]) == exp.TINY.sgd_steps
    np.testing.assert_array_equal(a["course/iterations"], [10, 20])


def test_the_book_and_course_settings():
    c = exp.DEFAULT
    assert (c.hidden, c.weight_init_std, c.lr, c.batch_size) == (50, 0.01, 0.1, 100)
    assert (c.sgd_hidden, c.sgd_lr, c.sgd_steps, c.sgd_samples) == (10, 0.07, 1000, 100_000)
    assert (c.course_hidden, c.course_iterations, c.course_every) == (40, 1000, 10)


def test_equal_epochs_means_equal_samples(tiny):
    v = tiny.values
    for b, updates in v["grid_updates"].items():
        assert updates * int(b) == v["grid_epochs"] * v["n_train"]


def test_same_config_same_numbers(tiny):
    assert exp.run(exp.TINY).values["grid_test_acc"] == tiny.values["grid_test_acc"]


@pytest.fixture
def params():
    rng = np.random.default_rng(3)
    return exp.init_regression(4, rng), rng.random(2)


def test_corrected_backward_is_the_gradient(params):
    params, x = params
    d = float(exp.target(x[None])[0])
    _, grads = exp.regression_step(params, x, d, "relu")
    for key in params:
        def loss(_):
            return exp.regression_step(params, x, d)[0]
        np.testing.assert_allclose(grads[key], numerical_gradient(loss, params[key]), rtol=1e-5, atol=1e-8,
                                   err_msg=key)


def test_the_course_backward_is_not_the_gradient(params):
    params, x = params
    d = float(exp.target(x[None])[0])
    right = exp.regression_step(params, x, d, "relu")[1]
    course = exp.regression_step(params, x, d, "sigmoid_of_output")[1]
    np.testing.assert_array_equal(course["W2"], right["W2"])  # the output layer is unaffected
    assert not np.allclose(course["W1"], right["W1"])
    # an inactive unit (u <= 0) still gets a quarter of its signal: sigma'(0) = 1/4
    u = x @ params["W1"] + params["b1"]
    off = u <= 0
    assert off.any()
    np.testing.assert_allclose(course["b1"][off], 0.25 * right["b2"] * params["W2"][off])
    np.testing.assert_array_equal(right["b1"][off], 0.0)


def test_the_cosine_of_the_right_gradient_with_itself_is_one():
    config = exp.TINY
    _, cosines = exp.course_sgd(config, 0, "relu")
    finite = cosines[np.isfinite(cosines)]
    assert len(finite) > 0
    np.testing.assert_allclose(finite, 1.0)


def test_unknown_derivative_is_named(params):
    params, x = params
    with pytest.raises(ValueError, match="derivative must be one of .* got 'tanh'"):
        exp.regression_step(params, x, 1.0, "tanh")


def test_what_the_page_says_holds(default):
    """docs/two_layer_training.*.md reads the results this way."""
    v = default.values
    assert v["diverged_at"] is None
    assert v["final_test_acc"] > 0.9 and 0 < v["final_gap"] < 0.05  # learns; a small gap, no overfitting yet
    assert v["first_loss"] == pytest.approx(np.log(10), abs=0.01)  # tiny weights: uniform softmax
    g = v["grid_test_acc"]
    assert v["grid_best_lr_per_batch"]["1000"] == "1"  # a large batch wants a large rate
    assert g["0.1/10"] > g["0.1/100"] > g["0.1/1000"]  # at one rate, more updates per epoch win
    assert g["1/10"] < 0.5  # too large a rate for the noisiest batches
    assert v["sgd_corrected_wins"] >= 0.8 * v["sgd_seeds"] and v["sgd_ratio"] > 3
    assert 0 < v["sgd_cosine_median"] < 0.99 and v["sgd_cosine_negative"] == 0  # leans the right way, not the gradient
    assert v["initial_test_acc"] < 0.2
    assert v["course_final_test_acc"] > 0.85


def test_book_ch04_train_neuralnet_pattern():
    """The calls of the book's ch04/train_neuralnet.py (sigmoid TwoLayerNet) with dl_notes' imports."""
    from dl_notes import TwoLayerNet, load_mnist

    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
    np.random.seed(0)
    network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10, activation="sigmoid", seed=0)
    iters_num, batch_size, learning_rate = 30, 100, 0.1
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size / batch_size, 1)
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(network.loss(x_batch, t_batch))
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
    assert len(train_acc_list) == len(test_acc_list) == 1 and all(0 <= a <= 1 for a in test_acc_list)
    assert len(train_loss_list) == iters_num and np.isfinite(train_loss_list).all()
    # the script's commented alternative, network.numerical_gradient, agrees with gradient
    small = TwoLayerNet(input_size=784, hidden_size=3, output_size=10, activation="sigmoid", seed=1)
    numeric, backprop = small.numerical_gradient(x_batch[:2], t_batch[:2]), small.gradient(x_batch[:2], t_batch[:2])
    for key in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(numeric[key], backprop[key], atol=1e-6, err_msg=key)


@pytest.mark.parametrize("lang, word", [("ja", "エポック"), ("en", "epoch")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    figure = exp.plot_curves(tiny, lang)
    assert any(word in ax.get_xlabel() for ax in figure.axes)
    for plot in exp.FIGURES.values():
        assert plot(tiny, lang).axes
