"""dl_notes.conv: gradient checks, the fast path against the loop oracle, PyTorch reference values,
dtypes, and the messages students get for bad input. (im2col and the window geometry are tested in
test_windows.py, pooling in test_pooling.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _conv_cases import (
    CONV_CASES, RECORDED, assert_keeps_dtype_and_does_not_mutate, assert_message, case_arrays, cases,
    check_gradients, conv_data, recorded_keys, rng_for, settings_of,
)
from _reference import SOURCES
from dl_notes.conv import Convolution, conv2d_naive
from dl_notes.windows import conv_output_size, im2col

conv_cases = cases(CONV_CASES)


# --- gradient checks (float64, central differences) ------------------------------------------

@conv_cases
def test_convolution_gradients(case):
    x, W, b = conv_data(case)
    check_gradients(Convolution(W, b, stride=case["S"], pad=case["P"]), x)


# --- fast path against the loop oracle -------------------------------------------------------

@conv_cases
def test_convolution_forward_equals_naive_loops(case):
    x, W, b = conv_data(case)
    fast = Convolution(W, b, stride=case["S"], pad=case["P"]).forward(x)
    np.testing.assert_allclose(fast, conv2d_naive(x, W, b, case["S"], case["P"]), rtol=1e-12, atol=1e-12)


def test_convolution_backward_equals_loop_adjoint():
    """dx of the layer equals the gradient of the loop convolution, pixel by pixel."""
    case = CONV_CASES[1]
    x, W, b = conv_data(case)
    G = rng_for("adjoint").standard_normal(conv2d_naive(x, W, b, case["S"], case["P"]).shape)
    conv = Convolution(W, b, stride=case["S"], pad=case["P"])
    conv.forward(x)
    dx = conv.backward(G)
    expected = np.zeros_like(x)
    xp = np.pad(expected, [(0, 0), (0, 0), (1, 1), (1, 1)])
    S = case["S"]
    for n, f, i, j in np.ndindex(G.shape):
        xp[n, :, i * S:i * S + 3, j * S:j * S + 3] += G[n, f, i, j] * W[f]
    np.testing.assert_allclose(dx, xp[:, :, 1:-1, 1:-1], rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3))
def test_convolution_output_has_conv_output_size(H, F, S, P):
    assume(H + 2 * P - F >= 0 and (H + 2 * P - F) % S == 0)   # the errors are tested in test_windows.py
    conv = Convolution(np.ones((1, 1, F, F)), np.zeros(1), stride=S, pad=P)
    O = conv_output_size(H, F, S, P)
    assert conv.forward(np.ones((1, 1, H, H))).shape == (1, 1, O, O)


# --- PyTorch reference values ----------------------------------------------------------------

CONV_KEYS = recorded_keys("conv2d_")


def test_reference_fixture_is_complete():
    assert len(CONV_KEYS) == 27 and len(recorded_keys("conv2d_floor_")) == 3
    assert str(RECORDED["torch_version"]).startswith("2.")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("key", CONV_KEYS)
def test_convolution_matches_pytorch(key, source):
    ref = case_arrays(source, key)
    s = settings_of(key)
    conv = Convolution(ref["W"].copy(), ref["b"].copy(), stride=s["s"], pad=s["p"])
    y = conv.forward(ref["x"])
    dx = conv.backward(ref["dout"])
    assert y.dtype == dx.dtype == conv.dW.dtype == conv.db.dtype == np.float32
    for name, got in [("y", y), ("dx", dx), ("dW", conv.dW), ("db", conv.db)]:
        np.testing.assert_allclose(got, ref[name], rtol=1e-5, atol=1e-5, err_msg=f"{key}: {name}")


@pytest.mark.parametrize("source", SOURCES)
def test_pytorch_rounds_down_and_so_does_convolution(source):
    """The recorded non-dividing cases really are: PyTorch's output is the rounded-down size."""
    for key in recorded_keys("conv2d_floor_"):
        ref, s = case_arrays(source, key), settings_of(key)
        H, W = ref["x"].shape[2:]
        spans = (H + 2 * s["p"] - s["h"], W + 2 * s["p"] - s["w"])
        assert any(span % s["s"] for span in spans), key
        assert ref["y"].shape[2:] == tuple(span // s["s"] + 1 for span in spans), key


# --- dtype and the layer contract ------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_convolution_keeps_dtype_and_does_not_mutate(dtype):
    layer = Convolution(np.ones((2, 3, 3, 3), dtype), np.zeros(2, dtype), stride=1, pad=1)
    assert_keeps_dtype_and_does_not_mutate(layer, dtype, "Convolution")


def test_convolution_uses_the_shared_parameters():
    W, b = np.ones((1, 1, 2, 2)), np.zeros(1)
    conv = Convolution(W, b)
    x = np.ones((1, 1, 2, 2))
    assert conv.forward(x)[0, 0, 0, 0] == 4
    W *= 2                                  # an optimizer's in-place update
    b += 1
    assert conv.forward(x)[0, 0, 0, 0] == 9


def test_convolution_without_input_grad_skips_only_dx():
    x, W, b = conv_data(CONV_CASES[1])
    full = Convolution(W, b, stride=2, pad=1)
    first = Convolution(W, b, stride=2, pad=1, input_grad=False)
    dout = np.ones_like(full.forward(x))
    first.forward(x)
    assert full.backward(dout) is not None and first.backward(dout) is None
    np.testing.assert_array_equal(first.dW, full.dW)
    np.testing.assert_array_equal(first.db, full.db)


@conv_cases
def test_convolution_cache_is_the_course_col_per_image(case):
    x, W, b = conv_data(case)
    conv = Convolution(W, b, stride=case["S"], pad=case["P"])
    conv.forward(x)
    course_col = conv.cols.transpose(0, 2, 1).reshape(-1, conv.cols.shape[1])   # (N*OH*OW, C*FH*FW)
    np.testing.assert_array_equal(course_col, im2col(x, case["FH"], case["FW"], case["S"], case["P"]))


def test_convolution_rounds_down_unless_strict():
    """The course report's 6x6 input, 3x3 filter, stride 2: 2x2 outputs; the last row and column
    feed none, so their gradient is zero. strict=True raises instead."""
    x, W, b = conv_data(CONV_CASES[7])
    conv = Convolution(W, b, stride=2)
    y = conv.forward(x)
    assert y.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(y, Convolution(W, b, stride=2).forward(x[:, :, :5, :5]))
    dx = conv.backward(np.ones_like(y))
    assert (dx[:, :, 5, :] == 0).all() and (dx[:, :, :, 5] == 0).all() and (dx[:, :, :5, :5] != 0).any()
    with pytest.raises(ValueError, match=r"\(strict=True\); use FH=4, or strict=False to round down to 2 windows"):
        Convolution(W, b, stride=2, strict=True).forward(x)


def test_convolution_casts_input_to_the_parameter_dtype():
    conv = Convolution(np.ones((1, 1, 2, 2), np.float32), np.zeros(1, np.float32))
    assert conv.forward(np.arange(9).reshape(1, 1, 3, 3)).dtype == np.float32


# --- bad input: each message names the argument, the value and the fix -----------------------

BAD = {
    "geometry": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1), stride=2, strict=True).forward(np.ones((1, 1, 7, 7))),
                 ValueError, "Convolution.forward: (H + 2*pad - FH) = 5 is not divisible by stride = 2 (strict=True); "
                             "use FH=3, or strict=False to round down to 3 windows"),
    "filter-too-large": (lambda: Convolution(np.ones((1, 1, 5, 5)), np.zeros(1)).forward(np.ones((1, 1, 3, 3))),
                         ValueError, "Convolution.forward: FH = 5 is larger than the padded input (H + 2*pad) = 3"),
    "ndim-conv": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1)).forward(np.ones((28, 28))),
                  ValueError, "Convolution.forward: x must be 4-D (N, C, H, W), got shape (28, 28)"),
    "channels": (lambda: Convolution(np.ones((30, 1, 5, 5)), np.zeros(30)).forward(np.ones((2, 3, 28, 28))),
                 ValueError, "Convolution.forward: x has C = 3 channels (shape (2, 3, 28, 28)), but the filters W of shape "
                             "(30, 1, 5, 5) expect C = 1; give x of shape (N, 1, H, W) or filters of shape (30, 3, 5, 5)"),
    "bias-shape": (lambda: Convolution(np.ones((3, 1, 2, 2)), np.zeros(2)),
                   ValueError, "Convolution: b has shape (2,), but W of shape (3, 1, 2, 2) has FN = 3 filters; "
                               "give b of shape (3,)"),
    "weights-type": (lambda: Convolution([[[[1.0]]]], np.zeros(1)),
                     TypeError, "Convolution: W must be a floating-point numpy array"),
    "stride-float": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1), stride=1.5),
                     TypeError, "Convolution: stride must be an integer, got 1.5 (float)"),
    "pad-negative": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1), pad=-1),
                     ValueError, "Convolution: pad must be an integer >= 0, got -1"),
    "naive-geometry": (lambda: conv2d_naive(np.ones((1, 1, 7, 7)), np.ones((1, 1, 2, 2)), stride=2, strict=True),
                       ValueError, "conv2d_naive: (H + 2*pad - FH) = 5 is not divisible by stride = 2 (strict=True); use FH=3"),
    "naive-channels": (lambda: conv2d_naive(np.ones((1, 2, 3, 3)), np.ones((1, 1, 2, 2))),
                       ValueError, "conv2d_naive: x has C = 2 channels"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_gets_a_clear_message(name):
    assert_message(*BAD[name])


def test_dout_of_the_wrong_shape_is_named():
    conv = Convolution(np.ones((2, 1, 2, 2)), np.zeros(2))
    conv.forward(np.ones((1, 1, 3, 3)))
    assert_message(lambda: conv.backward(np.ones((1, 1, 2, 2))), ValueError,
                   "Convolution.backward: dout must have the output's shape (1, 2, 2, 2), got (1, 1, 2, 2)")
