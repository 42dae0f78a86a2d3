"""dl_notes.wavenet (the page "WaveNet"): the causal convolution against its loop oracle and PyTorch,
float64 gradient checks, no look-ahead, the receptive field formula against a measurement, bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _reference import SOURCES, load_reference, reference
from dl_notes.gradcheck import check_layer
from dl_notes.wavenet import (CausalConv1D, GatedActivation, causal_conv1d_naive, causal_stack, influence,
                              layers_to_match, receptive_field, stack_parameters, wavenet_dilations)

# (K, d, C, C_out): one tap, the WaveNet layer, taps wider than the sequence, several channels.
SETTINGS = [(1, 1, 2, 3), (2, 1, 1, 1), (2, 4, 3, 2), (3, 2, 2, 3), (3, 5, 1, 2), (4, 1, 3, 2)]
IDS = [f"K{K}-d{d}-C{C}-O{O}" for K, d, C, O in SETTINGS]


def conv(K, d, C, O, dtype=np.float64, seed=0):
    rng = np.random.default_rng([seed, K, d, C, O])
    return CausalConv1D(rng.standard_normal((O, C, K)).astype(dtype), rng.standard_normal(O).astype(dtype), d)


@pytest.mark.parametrize(("K", "d", "C", "O"), SETTINGS, ids=IDS)
def test_matches_the_loop_oracle(K, d, C, O):
    layer = conv(K, d, C, O)
    x = np.random.default_rng(1).standard_normal((2, C, 9))
    np.testing.assert_allclose(layer.forward(x), causal_conv1d_naive(x, layer.W, layer.b, d), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("K", "d", "C", "O"), SETTINGS, ids=IDS)
def test_gradient_check_float64(K, d, C, O):
    errors = check_layer(conv(K, d, C, O), np.random.default_rng(2).standard_normal((2, C, 9)))
    assert sorted(errors) == ["W", "b", "x"] and max(errors.values()) < 1e-8, errors


def test_gated_activation_gradient_check():
    errors = check_layer(GatedActivation(), np.random.default_rng(3).standard_normal((2, 6, 5)))
    assert max(errors.values()) < 1e-8, errors


def test_gated_activation_after_a_causal_conv_gradient_check():
    """The WaveNet unit tanh(W_f * x) * sigma(W_g * x) as one layer: one conv with 2C outputs, then the gate."""
    first, gate = conv(2, 2, 3, 4), GatedActivation()

    class Unit:
        W, b = first.W, first.b

        def forward(self, x):
            return gate.forward(first.forward(x))

        def backward(self, dout):
            dx = first.backward(gate.backward(dout))
            self.dW, self.db = first.dW, first.db
            return dx

    errors = check_layer(Unit(), np.random.default_rng(4).standard_normal((2, 3, 7)))
    assert max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_keeps_dtype_and_does_not_mutate(dtype):
    layer = conv(3, 2, 2, 3, dtype=dtype)
    x = np.random.default_rng(5).standard_normal((2, 2, 8)).astype(dtype)
    dout = np.random.default_rng(6).standard_normal((2, 3, 8))
    x0, dout0 = x.copy(), dout.copy()
    y = layer.forward(x)
    dx = layer.backward(dout)
    assert y.dtype == dx.dtype == layer.dW.dtype == layer.db.dtype == dtype and dx.shape == x.shape
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, dout0)
    assert GatedActivation().forward(x[:, :2]).dtype == dtype


# --- no look-ahead -------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(K=st.integers(1, 4), d=st.integers(1, 6), T=st.integers(1, 12), seed=st.integers(0, 2 ** 16), data=st.data())
def test_changing_the_future_never_changes_the_past(K, d, T, seed, data):
    """For every s: y[..., :s] is the same whatever x[..., s:] holds."""
    rng = np.random.default_rng(seed)
    layers = causal_stack(K, [d, 1, 2 * d], channels=2, rng=rng, dtype=np.float64)

    def run(x):
        for layer in layers:
            x = layer.forward(x)
        return x

    x = rng.standard_normal((1, 2, T))
    y = run(x)
    s = data.draw(st.integers(0, T - 1))
    changed = x.copy()
    changed[..., s:] = rng.standard_normal(changed[..., s:].shape) * 10
    np.testing.assert_array_equal(run(changed)[..., :s], y[..., :s])
    assert not np.array_equal(run(changed)[..., s:], y[..., s:])   # the present is read: step s is a tap


@pytest.mark.parametrize(("K", "d"), [(1, 1), (2, 1), (2, 3), (3, 2), (4, 1)])
def test_the_jacobian_is_zero_ahead_and_nonzero_exactly_at_the_taps(K, d):
    """dy_t/dx_s != 0 iff s = t - (K-1-k) d for some tap k >= 0 (one channel, nonzero weights)."""
    T = 12
    layer = CausalConv1D(np.random.default_rng(7).uniform(0.5, 1.5, (1, 1, K)), np.zeros(1), d)
    layer.forward(np.zeros((1, 1, T)))
    for t in range(T):
        dout = np.zeros((1, 1, T))
        dout[..., t] = 1
        row = layer.backward(dout)[0, 0]                     # dy_t / dx_s for every s
        taps = {t - (K - 1 - k) * d for k in range(K)} & set(range(T))
        assert set(np.flatnonzero(row).tolist()) == taps, (t, row)
        assert not row[t + 1:].any()


STACKS = [(2, [1, 2, 4, 8]), (2, [1, 1, 1, 1]), (3, [1, 3, 9]), (2, wavenet_dilations(4, cycles=2)), (4, [1, 4])]


@pytest.mark.parametrize(("K", "dilations"), STACKS, ids=[f"K{K}-{'-'.join(map(str, ds))}" for K, ds in STACKS])
def test_receptive_field_is_the_measured_one(K, dilations):
    """The inputs with a nonzero gradient for the last output are the R contiguous steps ending there."""
    R = receptive_field(K, dilations)
    T = R + 5
    for stack in (causal_stack(K, dilations), causal_stack(K, dilations, channels=2, rng=np.random.default_rng(8),
                                                              dtype=np.float64)):
        inputs = influence(stack, T)[0]
        assert np.flatnonzero(inputs).tolist() == list(range(T - R, T))
    # An output near the start sees only what exists: min(R, t + 1) steps.
    assert influence(causal_stack(K, dilations), T, t=2)[0].sum() == min(R, 3)


def test_a_field_can_have_holes():
    """receptive_field is the span; dilations that grow too fast leave steps inside it unread."""
    inputs = influence(causal_stack(4, [2, 5]), 30)[0]
    assert inputs.sum() < receptive_field(4, [2, 5]) and np.flatnonzero(inputs)[0] == 30 - receptive_field(4, [2, 5])


def test_influence_levels_follow_the_dilations():
    levels = influence(causal_stack(2, [1, 2, 4, 8]), 16)
    assert [int(level.sum()) for level in levels] == [16, 8, 4, 2, 1]
    assert np.flatnonzero(levels[3]).tolist() == [7, 15]


# --- counts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("L", [1, 2, 5, 10])
@pytest.mark.parametrize("K", [2, 3])
def test_dilated_field_is_exponential_plain_is_linear(K, L):
    assert receptive_field(K, wavenet_dilations(L)) == 1 + (K - 1) * (2 ** L - 1)
    assert receptive_field(K, [1] * L) == 1 + (K - 1) * L
    assert receptive_field(K, [1] * layers_to_match(K, receptive_field(K, wavenet_dilations(L)))) >= \
        receptive_field(K, wavenet_dilations(L))
    fewer = layers_to_match(K, receptive_field(K, wavenet_dilations(L))) - 1
    assert fewer == 0 or receptive_field(K, [1] * fewer) < receptive_field(K, wavenet_dilations(L))


def test_parameters_are_counted_from_the_layers():
    K, C, ds = 3, 4, [1, 2, 4]
    stack = causal_stack(K, ds, channels=C, rng=np.random.default_rng(0))
    assert stack_parameters(K, len(ds), C) == sum(layer.W.size + layer.b.size for layer in stack)


# --- PyTorch reference values (tests/references/causal_conv.npz) --------------------------------

CASES = sorted({key.rsplit(".", 1)[0] for key in load_reference("causal_conv") if key.startswith("causal_")})


def test_reference_fixture_is_complete():
    assert len(CASES) == 6 and str(load_reference("causal_conv")["torch_version"]).startswith("2.")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", CASES)
def test_matches_pytorch(case, source):
    ref = {name: reference("causal_conv", source)[f"{case}.{name}"] for name in ("x", "W", "b", "dout", "y", "dx", "dW", "db")}
    d = int(case.split("_d")[1].split("_")[0])
    layer = CausalConv1D(ref["W"].copy(), ref["b"].copy(), dilation=d)
    y = layer.forward(ref["x"])
    dx = layer.backward(ref["dout"])
    assert y.dtype == dx.dtype == np.float32
    for name, got in (("y", y), ("dx", dx), ("dW", layer.dW), ("db", layer.db)):
        np.testing.assert_allclose(got, ref[name], rtol=1e-5, atol=1e-5, err_msg=f"{case}: {name}")


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: CausalConv1D(np.ones((1, 1, 2)), np.zeros(1), dilation=0), ValueError, "CausalConv1D: dilation"),
    (lambda: CausalConv1D(np.ones((1, 2)), np.zeros(1)), ValueError, "CausalConv1D: W must be 3-D (C_out, C, K)"),
    (lambda: CausalConv1D(np.ones((2, 1, 2)), np.zeros(1)), ValueError, "give b of shape (2,)"),
    (lambda: CausalConv1D(np.ones((1, 1, 2), int), np.zeros(1)), TypeError, "CausalConv1D: W"),
    (lambda: CausalConv1D(np.ones((1, 2, 2)), np.zeros(1)).forward(np.ones((1, 3, 4))), ValueError,
     "x has C = 3 channels"),
    (lambda: CausalConv1D(np.ones((1, 1, 2)), np.zeros(1)).forward(np.ones((3, 4))), ValueError,
     "x must be 3-D (N, C, T)"),
    (lambda: CausalConv1D(np.ones((1, 1, 2)), np.zeros(1)).backward(np.ones((1, 1, 4))), RuntimeError,
     "call forward first"),
    (lambda: GatedActivation().forward(np.ones((1, 3, 4))), ValueError, "it needs an even number"),
    (lambda: receptive_field(0, [1]), ValueError, "receptive_field: kernel_size"),
    (lambda: receptive_field(2, []), ValueError, "dilations is empty"),
    (lambda: receptive_field(2, [1, 0]), ValueError, "receptive_field: dilations[1]"),
    (lambda: wavenet_dilations(0), ValueError, "wavenet_dilations: layers"),
    (lambda: layers_to_match(1, 5), ValueError, "layers_to_match: kernel_size"),
    (lambda: influence(causal_stack(2, [1]), 4, t=4), ValueError, "t = 4 is outside the sequence"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
