"""The loss_vs_accuracy experiment: accuracy is a staircase in one weight, the loss is smooth."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dl_notes.experiments import loss_vs_accuracy as exp
from dl_notes.nets import TwoLayerNet

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def default():
    return exp.run(exp.DEFAULT)


def test_tiny_runs_and_draws():
    import matplotlib.pyplot as plt

    result = exp.run(exp.TINY)
    assert result.arrays["loss"].shape == (exp.TINY.points,)
    for lang in ("ja", "en"):
        plt.close(exp.plot(result, lang))


def test_accuracy_is_a_staircase(default):
    v, acc = default.values, default.arrays["accuracy"]
    assert v["d_accuracy"] == 0.0  # zero derivative at the trained weight
    assert v["flat_share"] > 0.8  # and between most neighbouring grid points
    # accuracy moves in whole images: multiples of 1 / n_eval
    np.testing.assert_allclose(acc * v["n_eval"], np.round(acc * v["n_eval"]), atol=1e-9)
    assert v["accuracy_levels"] > 2


def test_the_loss_is_smooth_and_has_a_slope(default):
    v, loss = default.values, default.arrays["loss"]
    assert v["d_loss"] != 0.0
    assert np.all(np.diff(loss) != 0)  # it changes between every two grid points
    # its slope agrees with the finite difference of the recorded curve at the trained weight
    w = default.arrays["weight"]
    i = int(np.argmin(np.abs(w - v["w0"])))
    assert (loss[i + 1] - loss[i - 1]) / (w[i + 1] - w[i - 1]) == pytest.approx(v["d_loss"], rel=0.05)
    assert v["loss_min"] < v["loss_at_w0"] < v["loss_max"]


def test_sweep_puts_the_weight_back():
    rng = np.random.default_rng(0)
    net = TwoLayerNet(4, 3, 2, seed=0)
    x, t = rng.random((5, 4)), np.array([0, 1, 1, 0, 1])
    before = net.params["W2"].copy()
    loss, acc = exp.sweep(net, "W2", (0, 1), np.array([-1.0, 0.0, 1.0]), x, t)
    np.testing.assert_array_equal(net.params["W2"], before)
    assert loss.shape == acc.shape == (3,)
