"""dl_notes.gru: gradient checks of GRU and TimeGRU in both forms, the course's update, PyTorch's nn.GRU, parameter counts."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.gru import GRU, TimeGRU, from_pytorch
from dl_notes.lstm import TimeLSTM
from dl_notes.recurrent_nets import RecurrentNet, parameter_count
from dl_notes.rnn import TimeRNN
from _reference import SOURCES, reference

D, H = 3, 4


def parameters(rng, reset_after, dtype=np.float64):
    """Wx, Wh, b (and bh for reset_after) with entries of order 1, so every gate is away from saturation and from 1/2."""
    params = [rng.uniform(-1, 1, shape).astype(dtype) for shape in ((D, 3 * H), (H, 3 * H), (3 * H,))]
    if reset_after:
        params.append(rng.uniform(-1, 1, H).astype(dtype))
    return params


def names(reset_after):
    return ("Wx", "Wh", "b", "bh") if reset_after else ("Wx", "Wh", "b")


# --- float64 gradient checks: every parameter, the input and the initial state -------------------

@pytest.mark.parametrize("reset_after", [False, True])
def test_cell_gradients(reset_after):
    rng = np.random.default_rng([1, reset_after])
    cell = GRU(*parameters(rng, reset_after), reset_after=reset_after)
    x, h_prev = rng.standard_normal((5, D)), rng.standard_normal((5, H))
    dh = rng.standard_normal((5, H))
    cell.forward(x, h_prev)
    dx, dh_prev = cell.backward(dh)
    analytic = {"x": dx, "h_prev": dh_prev} | {n: getattr(cell, "d" + n).copy() for n in names(reset_after)}

    def s(_):
        return float(np.sum(cell.forward(x, h_prev) * dh))

    for name, value in analytic.items():
        target = {"x": x, "h_prev": h_prev}.get(name, getattr(cell, name, None))
        assert relative_error(value, numerical_gradient(s, target)) < 1e-7, name


@pytest.mark.parametrize("reset_after", [False, True])
def test_time_layer_gradients_through_time(reset_after):
    rng = np.random.default_rng([2, reset_after])
    layer = TimeGRU(*parameters(rng, reset_after), reset_after=reset_after)
    xs, h0 = rng.standard_normal((2, 6, D)), rng.standard_normal((2, H))
    dhs = rng.standard_normal((2, 6, H))
    layer.forward(xs, h0)
    analytic = {"xs": layer.backward(dhs), "h0": layer.dh0.copy()}
    analytic |= {n: getattr(layer, "d" + n).copy() for n in names(reset_after)}
    assert layer.parameter_names == names(reset_after)

    def s(_):
        return float(np.sum(layer.forward(xs, h0) * dhs))

    for name, value in analytic.items():
        target = {"xs": xs, "h0": h0}.get(name, getattr(layer, name, None))
        assert relative_error(value, numerical_gradient(s, target)) < 1e-7, name


def test_time_layer_is_the_cell_step_by_step():
    rng = np.random.default_rng(3)
    params = parameters(rng, False)
    xs, h = rng.standard_normal((2, 4, D)), rng.standard_normal((2, H))
    hs = TimeGRU(*params).forward(xs, h)
    cell = GRU(*params)
    for t in range(4):
        h = cell.forward(xs[:, t], h)
        np.testing.assert_allclose(hs[:, t], h, rtol=1e-12)


# --- the course's formula: h_new = (1 - z) * h + z * h_bar ---------------------------------------

def sigmoid(a):
    return 1 / (1 + np.exp(-a))


@pytest.mark.parametrize("reset_after", [False, True])
def test_forward_is_the_course_update_from_the_gates(reset_after):
    rng = np.random.default_rng([4, reset_after])
    params = parameters(rng, reset_after)
    Wx, Wh, b = params[:3]
    x, h = rng.standard_normal((5, D)), rng.standard_normal((5, H))
    r = sigmoid(x @ Wx[:, :H] + h @ Wh[:, :H] + b[:H])
    z = sigmoid(x @ Wx[:, H:2 * H] + h @ Wh[:, H:2 * H] + b[H:2 * H])
    if reset_after:
        h_bar = np.tanh(x @ Wx[:, 2 * H:] + b[2 * H:] + r * (h @ Wh[:, 2 * H:] + params[3]))
    else:
        h_bar = np.tanh(x @ Wx[:, 2 * H:] + (r * h) @ Wh[:, 2 * H:] + b[2 * H:])
    h_new = (1 - z) * h + z * h_bar
    np.testing.assert_allclose(GRU(*params, reset_after=reset_after).forward(x, h), h_new, rtol=1e-12)
    # the typo of a widely copied report, x * h_bar, is not the GRU (and does not even have the right shape)
    assert x.shape != h_bar.shape


def test_update_gate_near_zero_keeps_the_state():
    """With z ≈ 0 (b_z very negative) the new state is the old one, whatever the input: the GRU's memory."""
    rng = np.random.default_rng(5)
    Wx, Wh, b = parameters(rng, False)
    b[H:2 * H] = -30
    h = rng.standard_normal((3, H))
    np.testing.assert_allclose(GRU(Wx, Wh, b).forward(5 * rng.standard_normal((3, D)), h), h, atol=1e-12)


# --- PyTorch's nn.GRU (float32, compared at 1e-5) -------------------------------------------------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("gru", request.param)


def close(actual, desired, name):
    np.testing.assert_allclose(actual, desired, rtol=1e-5, atol=1e-5, err_msg=name)


def test_matches_pytorch_gru(ref):
    Wx, Wh, b, bh = from_pytorch(ref["weight_ih_l0"], ref["weight_hh_l0"], ref["bias_ih_l0"], ref["bias_hh_l0"])
    assert Wx.dtype == np.float32
    layer = TimeGRU(Wx, Wh, b, bh, reset_after=True)
    hs = layer.forward(ref["x"], ref["h0"])
    close(hs, ref["hs"], "hs")
    close(layer.h, ref["hT"], "h_T")
    close(layer.backward(ref["dout"]), ref["dx"], "dx")
    close(layer.dh0, ref["dh0"], "dh0")
    # back to PyTorch's layout: rows, z block negated, the r and z biases' gradient shared by both biases
    Hh = layer.cell.hidden_size
    sign = np.ones(3 * Hh, np.float32)
    sign[Hh:2 * Hh] = -1
    close((layer.dWx * sign).T, ref["d_weight_ih_l0"], "d weight_ih")
    close((layer.dWh * sign).T, ref["d_weight_hh_l0"], "d weight_hh")
    close(layer.db * sign, ref["d_bias_ih_l0"], "d bias_ih")
    close(np.concatenate([(layer.db * sign)[:2 * Hh], layer.dbh]), ref["d_bias_hh_l0"], "d bias_hh")


def test_gru_fixture_is_small():
    data = reference("gru", "recorded")
    assert sum(a.nbytes for a in data.values()) < 20_000
    assert str(data["torch_version"]).startswith("2.13")


def test_from_pytorch_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"weight_hh \(3H, H\).*\(6, 2\)"):
        from_pytorch(np.zeros((6, 3)), np.zeros((6, 2)), np.zeros(6), np.zeros(5))


# --- parameter counts ------------------------------------------------------------------------------

BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


@pytest.mark.parametrize("cell", list(BLOCKS))
def test_parameter_count_is_what_recurrent_net_holds(cell):
    net = RecurrentNet(5, 7, 2, cell=cell, seed=0)
    assert parameter_count(cell, 5, 7) == sum(net.params[k].size for k in ("Wx", "Wh", "b"))


@pytest.mark.parametrize("layer_type, cell", [(TimeRNN, "rnn"), (TimeLSTM, "lstm"), (TimeGRU, "gru")])
def test_parameter_count_is_what_the_time_layer_holds(layer_type, cell):
    G = BLOCKS[cell]
    layer = layer_type(np.zeros((5, G * 7)), np.zeros((7, G * 7)), np.zeros(G * 7))
    assert parameter_count(cell, 5, 7) == sum(p.size for p in layer.params)


def test_parameter_count_of_reset_after_gru_is_between_one_and_two_biases():
    layer = TimeGRU(*parameters(np.random.default_rng(0), True), reset_after=True)
    assert parameter_count("gru", D, H) + H == sum(p.size for p in layer.params)
    assert sum(p.size for p in layer.params) < parameter_count("gru", D, H, biases=2)


@pytest.mark.parametrize("cell", list(BLOCKS))
def test_parameter_count_with_two_biases_matches_pytorch(ref, cell):
    counts = [parameter_count(cell, d, h, biases=2) for d, h in ref["count_sizes"]]
    np.testing.assert_array_equal(counts, ref[f"count_{cell}"])


def test_gru_has_three_quarters_of_the_lstm_parameters():
    assert 4 * parameter_count("gru", 10, 20) == 3 * parameter_count("lstm", 10, 20)


@pytest.mark.parametrize("kwargs, match", [
    ({"cell": "transformer"}, "cell"),
    ({"input_size": 0}, "input_size"),
    ({"hidden_size": 2.5}, "hidden_size"),
    ({"biases": 3}, "biases must be 1 .* or 2 .*got 3"),
    ({"biases": True}, "biases"),
])
def test_parameter_count_rejects_bad_input(kwargs, match):
    args = {"cell": "gru", "input_size": 3, "hidden_size": 4} | kwargs
    with pytest.raises((ValueError, TypeError), match=match):
        parameter_count(**args)


# --- bad input ---------------------------------------------------------------------------------------

def test_bh_without_reset_after_is_refused():
    Wx, Wh, b = parameters(np.random.default_rng(0), False)
    with pytest.raises(ValueError, match="bh is used only with reset_after=True"):
        GRU(Wx, Wh, b, np.zeros(H))
    with pytest.raises(ValueError, match="bh is used only with reset_after=True"):
        TimeGRU(Wx, Wh, b, np.zeros(H))


def test_reset_after_needs_bh():
    with pytest.raises(ValueError, match=r"reset_after=True needs bh.*\(4,\)"):
        GRU(*parameters(np.random.default_rng(0), False), reset_after=True)


@pytest.mark.parametrize("bh, match", [(np.zeros(H + 1), r"bh must have shape \(4,\)"),
                                        (np.zeros(H, np.float32), "dtype float64"),
                                        (np.zeros((1, H)), "bh must be 1-D")])
def test_bh_of_the_wrong_shape_or_dtype_is_refused(bh, match):
    with pytest.raises(ValueError, match=match):
        GRU(*parameters(np.random.default_rng(0), False), bh, reset_after=True)


def test_weights_for_another_number_of_gates_are_refused():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"Wh must have shape \(H, 3\*H\)"):
        GRU(rng.standard_normal((D, 4 * H)), rng.standard_normal((H, 4 * H)), np.zeros(4 * H))


# --- the gates of the last forward pass ------------------------------------------------------------

def test_gates_are_the_last_forward_pass():
    rng = np.random.default_rng(6)
    layer = TimeGRU(*parameters(rng, False))
    with pytest.raises(RuntimeError, match="TimeGRU.gates: call forward first"):
        layer.gates
    xs, h0 = rng.standard_normal((2, 3, D)), rng.standard_normal((2, H))
    hs = layer.forward(xs, h0)
    g = layer.gates
    previous = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)  # h_{t-1}, (N, T, H)
    np.testing.assert_allclose(hs, (1 - g["z"]) * previous + g["z"] * g["h_bar"], rtol=1e-12)
    assert all(v.shape == (2, 3, H) for v in g.values())
