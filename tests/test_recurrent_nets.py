"""dl_notes.recurrent_nets.RecurrentNet: gradient checks for every cell, output and loss; training; bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dl_notes.gradcheck import relative_error
from dl_notes.optim import Adam
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.sequences import binary_addition


def data(output, loss, rng, N=3, T=4, D=2, O=3):
    xs = rng.standard_normal((N, T, D))
    shape = (N, T) if output == "all" else (N,)
    ts = rng.integers(0, O, shape) if loss == "softmax" else rng.standard_normal(shape + (O,))
    return xs, ts


@pytest.mark.parametrize("cell, output, loss, bidirectional",
                         list(itertools.product(("rnn", "lstm", "gru"), ("all", "last"), ("softmax", "mse"), (False,)))
                         + [(c, "last", "softmax", True) for c in ("rnn", "lstm", "gru")])
def test_gradient_check(cell, output, loss, bidirectional):
    rng = np.random.default_rng(0)
    net = RecurrentNet(2, 3, 3, cell, output=output, loss=loss, bidirectional=bidirectional, dtype=np.float64, seed=1)
    for p in net.params.values():  # non-zero biases, so that their gradients are tested too
        p += 0.1 * rng.standard_normal(p.shape)
    xs, ts = data(output, loss, rng)
    analytic = net.gradient(xs, ts)
    numeric = net.numerical_gradient(xs, ts)
    assert set(analytic) == set(net.params)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cell, G", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_parameter_names_and_shapes(cell, G):
    net = RecurrentNet(2, 5, 3, cell, seed=0)
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"Wx": (2, G * 5), "Wh": (5, G * 5), "b": (G * 5,), "W_out": (5, 3), "b_out": (3,)}
    assert all(v.dtype == np.float32 for v in net.params.values())
    bi = RecurrentNet(2, 5, 3, cell, bidirectional=True, seed=0)
    assert sorted(bi.params) == ["W_out", "Wh_b", "Wh_f", "Wx_b", "Wx_f", "b_b", "b_f", "b_out"]
    assert bi.params["W_out"].shape == (10, 3)


def test_the_gradients_are_the_arrays_the_layers_hold():
    net = RecurrentNet(2, 4, 2, seed=0)
    rng = np.random.default_rng(1)
    xs, ts = data("all", "softmax", rng, O=2)
    grads = net.gradient(xs, ts)
    assert grads["Wh"] is net.recurrent.dWh and grads["W_out"] is net.affine.dW
    assert net.last_loss == pytest.approx(net.loss(xs, ts))


def test_learns_binary_addition():
    """The course's task with a sigmoid RNN, mini-batches and Adam: every bit right after training."""
    xs, ts, _, _ = binary_addition(100, seed=0)
    net = RecurrentNet(2, 16, 2, activation="sigmoid", seed=0)
    optimizer = Adam(lr=0.05)
    for _ in range(300):
        optimizer.update(net.params, net.gradient(xs, ts))
    xs_test, ts_test, _, _ = binary_addition(500, seed=1)
    assert net.accuracy(xs_test, ts_test) > 0.99


def test_mse_loss_is_half_the_mean_squared_error():
    net = RecurrentNet(1, 3, 1, output="last", loss="mse", dtype=np.float64, seed=0)
    xs = np.random.default_rng(0).standard_normal((4, 2, 1))
    ts = np.arange(4.0)
    ys = net.predict(xs)
    assert net.loss(xs, ts) == pytest.approx(0.5 * np.mean((ys[:, 0] - ts) ** 2))


def test_same_seed_same_net():
    a, b = RecurrentNet(2, 4, 2, "gru", seed=3), RecurrentNet(2, 4, 2, "gru", seed=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="cell must be one of 'rnn', 'lstm', 'gru', got 'tcn'"):
        RecurrentNet(2, 4, 2, "tcn")
    with pytest.raises(ValueError, match="output must be one of"):
        RecurrentNet(2, 4, 2, output="first")
    with pytest.raises(ValueError, match="hidden_size must be an integer >= 1, got 0"):
        RecurrentNet(2, 0, 2)
    with pytest.raises(TypeError, match="input_size must be an integer"):
        RecurrentNet(2.5, 4, 2)
    net = RecurrentNet(2, 4, 1, output="last", loss="mse", seed=0)
    with pytest.raises(ValueError, match="accuracy: defined for loss='softmax' only"):
        net.accuracy(np.zeros((1, 3, 2)), np.zeros(1))
    with pytest.raises(ValueError, match=r"ts must have the output's shape \(2, 1\)"):
        net.loss(np.zeros((2, 3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"xs"):
        net.predict(np.zeros((3, 2)))
    classifier = RecurrentNet(2, 4, 2, seed=0)
    with pytest.raises(ValueError, match=r"accuracy: ts must hold one label per prediction, shape \(1, 3\)"):
        classifier.accuracy(np.zeros((1, 3, 2)), np.zeros((1, 4), int))
