"""dl_notes.rnn: BPTT gradient checks (every parameter and h0), the book-2 interface, truncated BPTT, PyTorch, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.rnn import RNN, TimeRNN
from _reference import SOURCES, reference

ACTIVATIONS = ("tanh", "sigmoid", "relu")


def weights(rng, D=3, H=4, dtype=np.float64, scale=0.6):
    return (scale * rng.standard_normal((D, H))).astype(dtype), (scale * rng.standard_normal((H, H))).astype(dtype), \
        (0.3 * rng.standard_normal(H)).astype(dtype)


def gradient_errors(layer, inputs: list[np.ndarray], dout: np.ndarray, backward) -> dict[str, float]:
    """Relative errors of the analytic gradients of s = sum(forward(*inputs) * dout) for inputs and parameters."""

    def s(_):
        return float(np.sum(layer.forward(*inputs) * dout))

    s(None)
    analytic = backward(dout)
    errors = {f"input{i}": relative_error(a, numerical_gradient(s, x)) for i, (a, x) in enumerate(zip(analytic, inputs))}
    grads = {p: np.array(getattr(layer, "d" + p)) for p in ("Wx", "Wh", "b")}
    errors.update({p: relative_error(grads[p], numerical_gradient(s, getattr(layer, p))) for p in grads})
    return errors


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_cell_gradient_check(activation):
    rng = np.random.default_rng(1)
    cell = RNN(*weights(rng), activation=activation)
    x, h_prev = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    errors = gradient_errors(cell, [x, h_prev], rng.standard_normal((5, 4)), cell.backward)
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_time_rnn_gradient_check_with_h0(activation):
    """Every parameter, the inputs at every step and the initial state h0, through 6 steps."""
    rng = np.random.default_rng(2)
    layer = TimeRNN(*weights(rng), activation=activation)
    xs, h0 = rng.standard_normal((3, 6, 3)), rng.standard_normal((3, 4))

    def backward(dout):
        return layer.backward(dout), layer.dh0

    errors = gradient_errors(layer, [xs, h0], rng.standard_normal((3, 6, 4)), backward)
    assert set(errors) == {"input0", "input1", "Wx", "Wh", "b"}
    assert max(errors.values()) < 1e-6, errors


def test_gradient_sums_over_time():
    """dWh is the sum over the steps of h_{t-1}^T delta_t: the formula on the page, written out."""
    rng = np.random.default_rng(3)
    Wx, Wh, b = weights(rng)
    layer = TimeRNN(Wx, Wh, b)
    xs, dhs = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 4))
    hs = layer.forward(xs)
    layer.backward(dhs)
    h_prev = np.concatenate([np.zeros((2, 1, 4)), hs[:, :-1]], axis=1)
    delta, dWh = np.zeros((2, 4)), np.zeros((4, 4))
    for t in reversed(range(5)):
        delta = (dhs[:, t] + delta @ Wh.T) * (1 - hs[:, t] ** 2)
        dWh += h_prev[:, t].T @ delta
    np.testing.assert_allclose(layer.dWh, dWh, rtol=1e-12)


def test_params_and_grads_are_the_layer_arrays():
    rng = np.random.default_rng(4)
    layer = TimeRNN(*weights(rng, dtype=np.float32))
    params, grads = layer.params, layer.grads
    assert [p is q for p, q in zip(params, (layer.Wx, layer.Wh, layer.b))] == [True] * 3
    layer.forward(rng.standard_normal((2, 3, 3)))
    layer.backward(np.ones((2, 3, 4), np.float32))
    assert all(g is h for g, h in zip(grads, layer.grads))
    assert all(g is getattr(layer, n) for g, n in zip(grads, ("dWx", "dWh", "db")))
    assert np.abs(grads[1]).sum() > 0 and grads[1].dtype == np.float32
    assert layer.forward(np.zeros((1, 2, 3))).dtype == np.float32


def test_stateful_layer_continues_and_resets():
    rng = np.random.default_rng(5)
    p = weights(rng)
    xs = rng.standard_normal((2, 8, 3))
    full = TimeRNN(*p).forward(xs)
    layer = TimeRNN(*p, stateful=True)
    blocks = [layer.forward(xs[:, i:i + 4]) for i in (0, 4)]
    np.testing.assert_allclose(np.concatenate(blocks, axis=1), full, rtol=1e-12)
    layer.reset_state()
    np.testing.assert_allclose(layer.forward(xs[:, 4:]), TimeRNN(*p).forward(xs[:, 4:]), rtol=1e-12)
    layer.set_state(full[:, 3])
    np.testing.assert_allclose(layer.forward(xs[:, 4:]), full[:, 4:], rtol=1e-12)


def test_non_stateful_layer_starts_from_zeros_each_call():
    rng = np.random.default_rng(6)
    layer = TimeRNN(*weights(rng))
    xs = rng.standard_normal((2, 4, 3))
    np.testing.assert_array_equal(layer.forward(xs), layer.forward(xs))


def test_truncated_bptt_cuts_the_path_between_blocks():
    """A stateful layer fed block by block: the same states as one pass; each block's gradient is the
    gradient of a fresh layer started from the previous block's last state (the cross-block path cut)."""
    rng = np.random.default_rng(7)
    p = weights(rng)
    xs, dhs = rng.standard_normal((2, 9, 3)), rng.standard_normal((2, 9, 4))
    full = TimeRNN(*p)
    hs_full = full.forward(xs)
    full.backward(dhs)
    layer = TimeRNN(*p, stateful=True)
    h = np.zeros((2, 4))
    block_grads = []
    for start in (0, 3, 6):
        block = slice(start, start + 3)
        hs = layer.forward(xs[:, block])
        np.testing.assert_allclose(hs, hs_full[:, block], rtol=1e-12)
        dxs = layer.backward(dhs[:, block])
        fresh = TimeRNN(*(q.copy() for q in p))
        fresh.forward(xs[:, block], h)                 # h0 = the previous block's last state, a constant here
        np.testing.assert_allclose(dxs, fresh.backward(dhs[:, block]), rtol=1e-12)
        for name in ("dWx", "dWh", "db"):
            np.testing.assert_allclose(getattr(layer, name), getattr(fresh, name), rtol=1e-12)
        block_grads.append(layer.dWh.copy())
        h = hs[:, -1]
    # Only the last block sees the whole path from its outputs; the earlier blocks miss the later outputs' share.
    assert relative_error(sum(block_grads), full.dWh) > 1e-3


def test_h_and_dh0_after_a_pass():
    rng = np.random.default_rng(8)
    layer = TimeRNN(*weights(rng))
    assert layer.h is None and layer.dh0 is None
    hs = layer.forward(rng.standard_normal((2, 3, 3)))
    layer.backward(np.ones_like(hs))
    np.testing.assert_array_equal(layer.h, hs[:, -1])
    assert layer.dh is layer.dh0 and layer.dh0.shape == (2, 4)


@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("rnn", request.param)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_agrees_with_torch_nn_rnn(ref, activation):
    """nn.RNN with Wx = weight_ih_l0.T, Wh = weight_hh_l0.T, b = b_ih + b_hh; loss sum(hs * dout)."""
    k = activation + "_"
    layer = TimeRNN(ref[k + "weight_ih"].T.copy(), ref[k + "weight_hh"].T.copy(), ref[k + "bias_ih"] + ref[k + "bias_hh"],
                    activation=activation)
    hs = layer.forward(ref["xs"], ref["h0"])
    np.testing.assert_allclose(hs, ref[k + "hs"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.h, ref[k + "h_T"], rtol=1e-5, atol=1e-6)
    dxs = layer.backward(ref["dout"])
    for ours, theirs in ((dxs, "dxs"), (layer.dh0, "dh0"), (layer.dWx, "dweight_ih"), (layer.dWh, "dweight_hh")):
        expected = ref[k + theirs]
        expected = expected.T if theirs.startswith("dweight") else expected
        np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-5, err_msg=theirs)
    np.testing.assert_allclose(layer.db, ref[k + "dbias_ih"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ref[k + "dbias_ih"], ref[k + "dbias_hh"], rtol=1e-5)   # both are dL/du


@pytest.mark.parametrize("make, message", [
    (lambda: RNN(np.zeros((3, 4)), np.zeros((4, 5)), np.zeros(4)), "Wh must have shape"),
    (lambda: RNN(np.zeros((3, 5)), np.zeros((4, 4)), np.zeros(4)), "Wx must be"),
    (lambda: RNN(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4, np.float32)), "one dtype"),
    (lambda: RNN(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4), activation="gelu"), "activation must be one of"),
])
def test_bad_parameters_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_bad_inputs_are_named():
    layer = TimeRNN(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4))
    with pytest.raises(ValueError, match="xs has 2 features per step, Wx expects 3"):
        layer.forward(np.zeros((1, 5, 2)))
    with pytest.raises(ValueError, match=r"xs.*\(N, T, D\)"):
        layer.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"h must have shape \(N, H\) = \(1, 4\)"):
        layer.forward(np.zeros((1, 5, 3)), np.zeros((2, 4)))
    with pytest.raises(RuntimeError, match="TimeRNN.backward: call forward first"):
        TimeRNN(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4)).backward(np.zeros((1, 5, 4)))
    layer.forward(np.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match="TimeRNN.backward"):
        layer.backward(np.zeros((1, 4, 4)))
    cell = RNN(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4))
    with pytest.raises(ValueError, match="x has 2 features, Wx expects 3"):
        cell.forward(np.zeros((1, 2)), np.zeros((1, 4)))
