"""The speed paths of the time loop are the same math: float64 gradient checks of every parameter and state.

`TimeRecurrent` computes ``dWh`` of the RNN and the LSTM in one product after the loop
(``dWh_from_dax``), and the LSTM evaluates its three sigmoid gates and the tanh candidate in one
``tanh``; the GRU keeps the per-step ``dWh``. These checks fail if either shortcut drifts from
the formulas.
"""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient
from dl_notes.gru import GRU, TimeGRU
from dl_notes.lstm import LSTM, TimeLSTM
from dl_notes.activations import sigmoid
from dl_notes.rnn import RNN, TimeRNN

N, T, D, H = 3, 5, 4, 3
CASES = {
    "rnn/tanh": (TimeRNN, 1, {}), "rnn/sigmoid": (TimeRNN, 1, {"activation": "sigmoid"}),
    "rnn/relu": (TimeRNN, 1, {"activation": "relu"}), "lstm": (TimeLSTM, 4, {}), "gru": (TimeGRU, 3, {}),
    "gru/reset_after": (TimeGRU, 3, {"reset_after": True}),
}


def _weights(rng, G):
    return rng.normal(size=(D, G * H)) * 0.5, rng.normal(size=(H, G * H)) * 0.5, rng.normal(size=G * H) * 0.1


def _relative_error(a, b):
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-8))


@pytest.mark.parametrize("case", CASES)
def test_time_layer_gradients_of_every_parameter_input_and_initial_state(case):
    layer_type, G, options = CASES[case]
    rng = np.random.default_rng(1)
    if options.get("reset_after"):
        options = {**options, "bh": rng.normal(size=H) * 0.1}
    layer = layer_type(*_weights(rng, G), **options)
    xs, weights = rng.normal(size=(N, T, D)), rng.normal(size=(N, T, H))
    state0 = [rng.normal(size=(N, H)) * 0.5 for _ in layer.cell.state_names]

    def loss(_=None):
        return float((layer.forward(xs, *state0) * weights).sum())

    loss()
    analytic = {"xs": layer.backward(weights), **{p: getattr(layer, "d" + p).copy() for p in layer.parameter_names},
                **{f"state0/{i}": d.copy() for i, d in enumerate(layer.dstate0)}}
    arrays = {"xs": xs, **{p: getattr(layer, p) for p in layer.parameter_names},
              **{f"state0/{i}": s for i, s in enumerate(state0)}}
    for key, array in arrays.items():
        assert _relative_error(analytic[key], numerical_gradient(loss, array)) < 1e-6, key


@pytest.mark.parametrize("cell_type, G, n_states", [(RNN, 1, 1), (LSTM, 4, 2), (GRU, 3, 1)])
def test_single_step_cell_computes_its_own_dWh(cell_type, G, n_states):
    rng = np.random.default_rng(2)
    cell = cell_type(*_weights(rng, G))
    x, state = rng.normal(size=(N, D)), [rng.normal(size=(N, H)) for _ in range(n_states)]
    weights = [rng.normal(size=(N, H)) for _ in range(n_states)]

    def loss(_=None):
        out = cell.forward(x, *state)
        out = out if isinstance(out, tuple) else (out,)
        return float(sum((o * w).sum() for o, w in zip(out, weights)))

    loss()
    cell.backward(*weights)
    assert _relative_error(cell.dWh, numerical_gradient(loss, cell.Wh)) < 1e-6


def test_lstm_gates_through_one_tanh_are_the_sigmoid():
    rng = np.random.default_rng(3)
    Wx, Wh, b = _weights(rng, 4)
    x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    a = x @ Wx + h @ Wh + b
    i, f, g, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    h_new, c_new = LSTM(Wx, Wh, b).forward(x, h, c)
    np.testing.assert_allclose(c_new, f * c + i * g, rtol=1e-13)
    np.testing.assert_allclose(h_new, o * np.tanh(f * c + i * g), rtol=1e-13)


def test_without_input_grad_backward_returns_none_and_the_same_parameter_gradients():
    """RecurrentNet's layer reads the data: it skips dL/dx (one large product), nothing else changes."""
    from dl_notes.recurrent_nets import RecurrentNet

    net = RecurrentNet(D, H, 2, cell="lstm", dtype=np.float64, seed=0)
    assert net.recurrent.input_grad is False
    xs, ts = np.random.default_rng(4).normal(size=(N, T, D)), np.zeros((N, T), dtype=int)
    skipped = {k: g.copy() for k, g in net.gradient(xs, ts).items()}
    net.recurrent.input_grad = True
    full = {k: g.copy() for k, g in net.gradient(xs, ts).items()}
    for key in full:
        np.testing.assert_array_equal(skipped[key], full[key])
    assert net.recurrent.backward(np.ones((N, T, H))).shape == (N, T, D)
    net.recurrent.input_grad = False
    net.predict(xs)
    assert net.recurrent.backward(np.ones((N, T, H))) is None
