"""dl_notes.time_layers: TimeAffine and TimeSoftmaxWithLoss (gradient checks, ignore_label, bad input)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import check_layer, numerical_gradient, relative_error
from dl_notes.losses import SoftmaxWithLoss
from dl_notes.time_layers import TimeAffine, TimeSoftmaxWithLoss


def test_time_affine_gradient_check():
    rng = np.random.default_rng(0)
    layer = TimeAffine(rng.standard_normal((4, 3)), rng.standard_normal(3))
    errors = check_layer(layer, rng.standard_normal((2, 5, 4)))
    assert sorted(errors) == ["W", "b", "x"] and max(errors.values()) < 1e-7, errors


def test_time_affine_is_the_affine_map_at_every_step():
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    xs = rng.standard_normal((2, 5, 4))
    ys = TimeAffine(W, b).forward(xs)
    for t in range(5):
        np.testing.assert_allclose(ys[:, t], xs[:, t] @ W + b, rtol=1e-12)


def test_softmax_with_loss_gradient_check_with_ignored_steps():
    rng = np.random.default_rng(2)
    xs = rng.standard_normal((3, 4, 5))
    ts = rng.integers(0, 5, (3, 4))
    ts[0, 1] = ts[2, 3] = -1
    layer = TimeSoftmaxWithLoss()
    layer.forward(xs, ts)
    dxs = layer.backward()
    assert relative_error(dxs, numerical_gradient(lambda _: layer.forward(xs, ts), xs)) < 1e-7
    assert not dxs[0, 1].any() and not dxs[2, 3].any()


def test_softmax_with_loss_is_the_mean_over_counted_steps():
    """The same as SoftmaxWithLoss on the rows that count; one-hot targets give the same loss."""
    rng = np.random.default_rng(3)
    xs = rng.standard_normal((2, 3, 4))
    ts = np.array([[0, 3, -1], [2, -1, 1]])
    mask = ts != -1
    expected = SoftmaxWithLoss().forward(xs[mask], ts[mask])
    assert TimeSoftmaxWithLoss().forward(xs, ts) == pytest.approx(expected, rel=1e-12)
    full = np.array([[0, 3, 1], [2, 0, 1]])
    assert TimeSoftmaxWithLoss().forward(xs, np.eye(4)[full]) == pytest.approx(TimeSoftmaxWithLoss().forward(xs, full))
    assert TimeSoftmaxWithLoss(ignore_label=3).forward(xs, full) == pytest.approx(
        SoftmaxWithLoss().forward(xs[full != 3], full[full != 3]))


def test_bad_input_is_named():
    layer = TimeSoftmaxWithLoss()
    with pytest.raises(ValueError, match=r"ts must hold one label per step, shape \(N, T\) = \(1, 3\)"):
        layer.forward(np.zeros((1, 3, 2)), np.zeros((1, 4), int))
    with pytest.raises(ValueError, match="every label is ignore_label = -1"):
        layer.forward(np.zeros((1, 3, 2)), -np.ones((1, 3), int))
    with pytest.raises(ValueError, match="ts"):
        layer.forward(np.zeros((1, 3, 2)), np.array([[0, 1, 5]]))
    with pytest.raises(RuntimeError, match="TimeSoftmaxWithLoss.backward: call forward first"):
        TimeSoftmaxWithLoss().backward()
    affine = TimeAffine(np.zeros((4, 3)), np.zeros(3))
    affine.forward(np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match="TimeAffine.backward"):
        affine.backward(np.zeros((2, 5, 2)))
