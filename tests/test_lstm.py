"""dl_notes.lstm: float64 gradient checks of the cell and of the time layer (with and without
peepholes, every parameter and both initial states), statefulness, bad input, and PyTorch's
``nn.LSTM`` on recorded reference values."""

from __future__ import annotations

import numpy as np
import pytest

from _reference import SOURCES, load_reference, recorder, reference
from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.lstm import LSTM, TimeLSTM

TOL = 1e-7


def _weights(D, H, peephole=False, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(scale=0.5, size=s) for s in ((D, 4 * H), (H, 4 * H), (4 * H,))]
    if peephole:
        arrays.append(rng.normal(scale=0.5, size=3 * H))
    return arrays


def _peephole(arrays):
    return {"peephole": arrays[3]} if len(arrays) == 4 else {}


@pytest.mark.parametrize("peephole", [False, True], ids=["plain", "peephole"])
def test_cell_gradients(peephole):
    rng = np.random.default_rng(1)
    N, D, H = 3, 4, 5
    params = _weights(D, H, peephole)
    cell = LSTM(*params[:3], **_peephole(params))
    x, h_prev, c_prev, dh, dc = (rng.normal(size=s) for s in ((N, D), (N, H), (N, H), (N, H), (N, H)))

    def score(_=None):
        h, c = cell.forward(x, h_prev, c_prev)
        return np.sum(h * dh) + np.sum(c * dc)

    score()
    dx, dh_prev, dc_prev = cell.backward(dh, dc)
    analytic = {"x": dx, "h_prev": dh_prev, "c_prev": dc_prev,
                **{p: getattr(cell, "d" + p) for p in cell.parameter_names}}
    inputs = {"x": x, "h_prev": h_prev, "c_prev": c_prev, **{p: getattr(cell, p) for p in cell.parameter_names}}
    assert set(cell.parameter_names) == ({"Wx", "Wh", "b", "peephole"} if peephole else {"Wx", "Wh", "b"})
    for name, array in inputs.items():
        assert relative_error(analytic[name], numerical_gradient(score, array)) < TOL, name


@pytest.mark.parametrize("peephole", [False, True], ids=["plain", "peephole"])
def test_time_layer_gradients_every_parameter_and_initial_state(peephole):
    rng = np.random.default_rng(2)
    N, T, D, H = 2, 6, 3, 4
    params = _weights(D, H, peephole, seed=3)
    layer = TimeLSTM(*params[:3], **_peephole(params))
    xs, dhs = rng.normal(size=(N, T, D)), rng.normal(size=(N, T, H))
    h0, c0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))

    def score(_=None):
        return np.sum(layer.forward(xs, h0, c0) * dhs)

    score()
    dxs = layer.backward(dhs)
    analytic = {"xs": dxs, "h0": layer.dh0, "c0": layer.dc0,
                **{p: getattr(layer, "d" + p) for p in layer.parameter_names}}
    inputs = {"xs": xs, "h0": h0, "c0": c0, **{p: getattr(layer, p) for p in layer.parameter_names}}
    for name, array in inputs.items():
        assert relative_error(analytic[name], numerical_gradient(score, array)) < TOL, name
    assert layer.dh is layer.dh0  # the book's name


def test_peephole_zero_is_the_plain_cell():
    rng = np.random.default_rng(4)
    Wx, Wh, b = _weights(2, 3)
    xs, dhs = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 3))
    plain, peep = TimeLSTM(Wx, Wh, b), TimeLSTM(Wx, Wh, b, peephole=np.zeros(9))
    np.testing.assert_allclose(plain.forward(xs), peep.forward(xs), atol=1e-15)
    np.testing.assert_allclose(plain.backward(dhs), peep.backward(dhs), atol=1e-15)
    np.testing.assert_allclose(plain.dWh, peep.dWh, atol=1e-15)


def test_the_cec_passes_the_gradient_times_the_forget_gate():
    """With the forget gate's bias large, f = 1 and dL/dc_{t-1} = dL/dc_t, unchanged and with no weight."""
    H = 2
    b = np.zeros(4 * H)
    b[H:2 * H] = 40.0  # σ(40) = 1 in float64
    cell = LSTM(np.zeros((1, 4 * H)), np.zeros((H, 4 * H)), b)
    cell.forward(np.ones((1, 1)), np.zeros((1, H)), np.array([[0.3, -2.0]]))
    _, _, dc_prev = cell.backward(np.zeros((1, H)), np.array([[1.5, -0.25]]))
    np.testing.assert_array_equal(dc_prev, [[1.5, -0.25]])


def test_stateful_layer_continues_from_its_last_state():
    rng = np.random.default_rng(5)
    params = _weights(2, 3, seed=6)
    xs = rng.normal(size=(2, 8, 2))
    whole = TimeLSTM(*params).forward(xs)
    stateful = TimeLSTM(*params, stateful=True)
    halves = np.concatenate([stateful.forward(xs[:, :4]), stateful.forward(xs[:, 4:])], axis=1)
    np.testing.assert_allclose(halves, whole, atol=1e-14)
    stateful.reset_state()
    np.testing.assert_allclose(stateful.forward(xs[:, 4:]), TimeLSTM(*params).forward(xs[:, 4:]), atol=1e-14)
    # a stateless layer starts from zeros every time
    stateless = TimeLSTM(*params)
    stateless.forward(xs[:, :4])
    np.testing.assert_allclose(stateless.forward(xs[:, 4:]), TimeLSTM(*params).forward(xs[:, 4:]), atol=1e-14)


def test_float32_stays_float32():
    params = [p.astype(np.float32) for p in _weights(2, 3, peephole=True)]
    layer = TimeLSTM(*params[:3], peephole=params[3])
    hs = layer.forward(np.ones((1, 3, 2), np.float32))
    assert hs.dtype == np.float32 and layer.backward(np.ones_like(hs)).dtype == np.float32
    assert layer.dpeephole.dtype == np.float32


@pytest.mark.parametrize("make, error, words", [
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 6)), np.zeros(8)), ValueError, "Wh must have shape"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(6)), ValueError, "b (6,)"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), peephole=np.zeros(4)), ValueError,
     "peephole must have shape (3*H,) = (6,)"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), peephole=np.zeros((2, 3))), ValueError,
     "peephole must be 1-D"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), peephole=np.zeros(6, np.float32)), TypeError,
     "peephole must have the dtype of Wh"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), peephole=[0.0] * 6), TypeError, "peephole"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8)).forward(np.zeros((1, 3)), np.zeros((1, 2)),
                                                                           np.zeros((1, 2))), ValueError, "3 features"),
    (lambda: LSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8)).forward(np.zeros((1, 2)), np.zeros((1, 2)),
                                                                           np.zeros((2, 2))), ValueError,
     "c must have shape (N, H) = (1, 2)"),
    (lambda: TimeLSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8)).forward(np.zeros((1, 3, 2)), np.zeros((1, 3)),
                                                                               np.zeros((1, 2))), ValueError,
     "h must have shape"),
    (lambda: TimeLSTM(np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8)).backward(np.zeros((1, 3, 2))), RuntimeError,
     "TimeLSTM.backward: call forward first"),
])
def test_bad_input_is_named(make, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        make()


# --- PyTorch nn.LSTM (recorded, and live when torch is installed) --------------------------------

def test_reference_fixture_is_complete():
    recorded = load_reference("lstm")
    for name in recorder("lstm").CASES:
        for key in ("xs", "hs", "hT", "cT", "dxs", "dh0", "dc0", "dweight_ih", "dweight_hh", "dbias_ih", "dbias_hh"):
            assert f"{name}.{key}" in recorded, (name, key)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", sorted(recorder("lstm").CASES))
def test_matches_pytorch_lstm(source, case):
    ref = {k.split(".", 1)[1]: v for k, v in reference("lstm", source).items() if k.startswith(case + ".")}
    # our weights are PyTorch's transposed, the gate order i, f, g, o is the same, b = b_ih + b_hh
    layer = TimeLSTM(ref["weight_ih"].T.copy(), ref["weight_hh"].T.copy(), ref["bias_ih"] + ref["bias_hh"])
    hs = layer.forward(ref["xs"], ref["h0"], ref["c0"])
    dxs = layer.backward(ref["dhs"])
    close = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(hs, ref["hs"], **close)
    np.testing.assert_allclose(layer.h, ref["hT"], **close)
    np.testing.assert_allclose(layer.c, ref["cT"], **close)
    np.testing.assert_allclose(dxs, ref["dxs"], **close)
    np.testing.assert_allclose(layer.dh0, ref["dh0"], **close)
    np.testing.assert_allclose(layer.dc0, ref["dc0"], **close)
    np.testing.assert_allclose(layer.dWx, ref["dweight_ih"].T, **close)
    np.testing.assert_allclose(layer.dWh, ref["dweight_hh"].T, **close)
    # both of PyTorch's biases receive the same gradient, which is ours
    np.testing.assert_allclose(layer.db, ref["dbias_ih"], **close)
    np.testing.assert_allclose(layer.db, ref["dbias_hh"], **close)
