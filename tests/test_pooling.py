"""dl_notes.pooling: gradient checks, the course's pooling on the loop im2col as the oracle,
PyTorch reference values, dtypes, and the messages students get for bad input."""

from __future__ import annotations

import numpy as np
import pytest

from _conv_cases import (
    assert_keeps_dtype_and_does_not_mutate, assert_message, case_arrays, cases, check_gradients,
    distinct, recorded_keys, settings_of,
)
from _reference import SOURCES
from dl_notes.pooling import GlobalAveragePooling, GlobalMaxPooling, Pooling
from dl_notes.windows import col2im, im2col_loop

POOL_CASES = [
    dict(PH=2, PW=2, S=None, P=0, H=4, W=6),   # the book's: stride = window
    dict(PH=2, PW=2, S=None, P=1, H=4, W=6),   # the same, padded (PyTorch pads max with -inf)
    dict(PH=2, PW=2, S=1, P=0, H=4, W=4),      # the course's default stride 1 (overlapping)
    dict(PH=3, PW=3, S=1, P=1, H=5, W=5),
    dict(PH=3, PW=3, S=2, P=1, H=5, W=7),
    dict(PH=2, PW=3, S=(1, 3), P=0, H=3, W=6),
    dict(PH=1, PW=1, S=2, P=0, H=5, W=5),      # stride larger than the window: gaps
    dict(PH=2, PW=2, S=None, P=0, H=5, W=7),   # rounded down: the last row and column in no window
    dict(PH=3, PW=3, S=2, P=0, H=6, W=6),      # rounded down, overlapping windows
]
modes = pytest.mark.parametrize("mode", ["max", "avg"])


def pooling_data(case):
    return distinct((2, 2, case["H"], case["W"]), tuple(case.values()))


# --- gradient checks (float64, central differences) ------------------------------------------

@cases(POOL_CASES)
@modes
def test_pooling_gradients(case, mode):
    check_gradients(Pooling(case["PH"], case["PW"], stride=case["S"], pad=case["P"], mode=mode), pooling_data(case))


@pytest.mark.parametrize("layer", [GlobalAveragePooling, GlobalMaxPooling], ids=lambda c: c.__name__)
def test_global_pooling_gradients(layer):
    check_gradients(layer(), distinct((2, 3, 3, 4), layer.__name__))


# --- against the course's pooling on the loop oracle -----------------------------------------

def pooling_course(x, PH, PW, S, P, mode, dout):
    """The course's Pooling (common/layers.py) on `im2col_loop`: windows as rows, max or mean per row,
    and backward through col2im (itself held to the oracle in test_windows.py). Padding as PyTorch:
    -inf for max, zeros for average."""
    N, C, H, W = x.shape
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], constant_values=-np.inf if mode == "max" else 0)
    col = im2col_loop(xp, PH, PW, S).reshape(-1, PH * PW)                # (N*OH*OW*C, PH*PW)
    OH, OW = dout.shape[2:]
    flat_dout = dout.transpose(0, 2, 3, 1).reshape(-1)                   # (N*OH*OW*C,)
    if mode == "max":
        y = col.max(axis=1)
        dcol = np.zeros_like(col)
        dcol[np.arange(len(col)), col.argmax(axis=1)] = flat_dout
    else:
        y = col.mean(axis=1)
        dcol = np.repeat(flat_dout[:, None] / (PH * PW), PH * PW, axis=1)
    dxp = col2im(dcol.reshape(N * OH * OW, -1), xp.shape, PH, PW, S)    # (N, C, H+2P, W+2P)
    return y.reshape(N, OH, OW, C).transpose(0, 3, 1, 2), dxp[:, :, P:P + H, P:P + W]


SQUARE_STRIDE_CASES = [c for c in POOL_CASES if not isinstance(c["S"], tuple)]   # im2col takes one stride


@cases(SQUARE_STRIDE_CASES)
@modes
def test_pooling_equals_the_course_pooling_on_the_loop_im2col(case, mode):
    x = pooling_data(case)
    pool = Pooling(case["PH"], case["PW"], stride=case["S"], pad=case["P"], mode=mode)
    y = pool.forward(x)
    dout = distinct(y.shape, "dout")
    y_course, dx_course = pooling_course(x, case["PH"], case["PW"], case["S"] or case["PH"], case["P"], mode, dout)
    np.testing.assert_allclose(y, y_course, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pool.backward(dout), dx_course, rtol=1e-12, atol=1e-12)


# --- PyTorch reference values ----------------------------------------------------------------

POOL_KEYS = recorded_keys("max_pool", "avg_pool")
GLOBAL_KEYS = recorded_keys("global_")
sources = pytest.mark.parametrize("source", SOURCES)


def test_reference_fixture_is_complete():
    assert len(POOL_KEYS) == 16 and len(GLOBAL_KEYS) == 2
    assert len(recorded_keys("max_pool_floor", "avg_pool_floor")) == 6


@sources
@pytest.mark.parametrize("key", POOL_KEYS)
def test_pooling_matches_pytorch(key, source):
    ref = case_arrays(source, key)
    s = settings_of(key)
    pool = Pooling(s["k"], s["k"], stride=s["s"], pad=s["p"], mode=key.split("_")[0])
    y = pool.forward(ref["x"])
    dx = pool.backward(ref["dout"])
    assert y.dtype == dx.dtype == np.float32
    np.testing.assert_allclose(y, ref["y"], rtol=1e-5, atol=1e-5, err_msg=f"{key}: y")
    np.testing.assert_allclose(dx, ref["dx"], rtol=1e-5, atol=1e-5, err_msg=f"{key}: dx")


@sources
@pytest.mark.parametrize("key", GLOBAL_KEYS)
def test_global_pooling_matches_pytorch(key, source):
    ref = case_arrays(source, key)
    layer = GlobalMaxPooling() if "max" in key else GlobalAveragePooling()
    np.testing.assert_allclose(layer.forward(ref["x"]), ref["y"], rtol=1e-5, atol=1e-6, err_msg=f"{key}: y")
    np.testing.assert_allclose(layer.backward(ref["dout"]), ref["dx"], rtol=1e-5, atol=1e-6, err_msg=f"{key}: dx")


# --- dtype and the layer contract ------------------------------------------------------------

LAYERS = {
    "Pooling-max": lambda: Pooling(2, 2),
    "Pooling-avg": lambda: Pooling(2, 2, mode="avg"),
    "Pooling-max-pad": lambda: Pooling(3, 3, stride=1, pad=1),
    "Pooling-avg-pad": lambda: Pooling(3, 3, stride=1, pad=1, mode="avg"),
    "GlobalAveragePooling": lambda: GlobalAveragePooling(),
    "GlobalMaxPooling": lambda: GlobalMaxPooling(),
}


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_layers_keep_dtype_and_do_not_mutate(name, dtype):
    assert_keeps_dtype_and_does_not_mutate(LAYERS[name](), dtype, name)


@pytest.mark.parametrize("layer", [Pooling(2, 2), GlobalAveragePooling(), GlobalMaxPooling()],
                         ids=["Pooling", "GlobalAveragePooling", "GlobalMaxPooling"])
def test_layers_compute_integers_in_float64_and_cast_dout_to_the_input_dtype(layer):
    assert layer.forward(np.ones((1, 1, 2, 2), dtype=np.int64)).dtype == np.float64
    y = layer.forward(np.ones((1, 1, 2, 2), dtype=np.float32))
    assert layer.backward(np.ones(y.shape)).dtype == np.float32   # a float64 dout from a float64 loss


def test_pooling_stride_defaults_to_the_window_and_course_stride_is_explicit():
    x = np.arange(36.0).reshape(1, 1, 6, 6)
    assert Pooling(2, 2).stride == 2 and Pooling(2, 2).forward(x).shape == (1, 1, 3, 3)
    assert Pooling(2, 3).stride == (2, 3) and Pooling(2, 3).forward(x).shape == (1, 1, 3, 2)
    assert Pooling(2, 2, stride=1).forward(x).shape == (1, 1, 5, 5)   # the course's default


@modes
def test_pooling_rounds_down_and_gives_dropped_pixels_no_gradient(mode):
    """5x5 maps, 2x2 windows at stride 2: 2x2 outputs, and the last row and column get zero gradient
    (not whatever an uninitialised buffer held: the tiled fast path must not apply here)."""
    x = distinct((2, 3, 5, 5), "dropped")
    pool = Pooling(2, 2, mode=mode)
    y = pool.forward(x)
    assert y.shape == (2, 3, 2, 2)
    np.testing.assert_array_equal(y, Pooling(2, 2, mode=mode).forward(x[:, :, :4, :4]))
    for _ in range(3):                      # fresh buffers each time
        np.full((2, 3, 5, 5), 7.0)
        dx = pool.backward(np.ones_like(y))
        assert (dx[:, :, 4, :] == 0).all() and (dx[:, :, :, 4] == 0).all()
        assert dx[:, :, :4, :4].sum() == y.size


def test_strict_pooling_raises_where_the_default_rounds_down():
    x = np.ones((1, 1, 5, 5))
    assert Pooling(2, 2).forward(x).shape == (1, 1, 2, 2)
    with pytest.raises(ValueError, match=r"is not divisible by stride = 2 \(strict=True\)"):
        Pooling(2, 2, strict=True).forward(x)
    assert repr(Pooling(2, 2, strict=True)).endswith("strict=True)")


def test_max_pooling_ties_go_to_the_first_position():
    x = np.zeros((1, 1, 2, 4))
    pool = Pooling(2, 2)
    pool.forward(x)
    np.testing.assert_array_equal(pool.backward(np.array([[[[1.0, 2.0]]]])), [[[[1, 0, 2, 0], [0, 0, 0, 0]]]])


def test_max_pooling_pads_with_minus_infinity():
    x = -np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(Pooling(2, 2, pad=1).forward(x), -np.ones((1, 1, 2, 2)))


# --- bad input: each message names the layer, the argument, the value and the fix ------------

BAD = {
    "ndim-pool": (lambda: Pooling(2, 2).forward(np.ones((4, 4))),
                  ValueError, "Pooling.forward: x must be 4-D (N, C, H, W), got shape (4, 4)"),
    "pool-pad": (lambda: Pooling(2, 2, pad=2),
                 ValueError, "Pooling: pad = 2 is more than half the 2x2 window"),
    "pool-mode": (lambda: Pooling(2, 2, mode="mean"),
                  ValueError, "Pooling: mode must be one of 'max', 'avg', got 'mean'"),
    "pool-size": (lambda: Pooling(0, 2),
                  ValueError, "Pooling: pool_h must be an integer >= 1, got 0"),
    "pool-stride": (lambda: Pooling(2, 2, stride=(1, 0)),
                    ValueError, "Pooling: stride[1] must be an integer >= 1, got 0"),
    "pool-geometry": (lambda: Pooling(2, 2, strict=True).forward(np.ones((1, 1, 5, 5))),
                      ValueError, "Pooling.forward: (H + 2*pad - pool_h) = 3 is not divisible by stride = 2 (strict=True); "
                                  "use pool_h=3, or strict=False to round down to 2 windows"),
    "pool-geometry-w": (lambda: Pooling(2, 3, strict=True).forward(np.ones((1, 1, 4, 7))),
                        ValueError, "Pooling.forward: (W + 2*pad - pool_w) = 4 is not divisible by stride = 3 "
                                    "(strict=True); use pad=1"),
    "pool-too-large": (lambda: Pooling(3, 3).forward(np.ones((1, 1, 2, 2))),
                       ValueError, "Pooling.forward: pool_h = 3 is larger than the padded input (H + 2*pad) = 2"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_gets_a_clear_message(name):
    assert_message(*BAD[name])


@pytest.mark.parametrize("layer, shape", [(Pooling(2, 2), (1, 1, 2, 2)), (GlobalAveragePooling(), (1, 2))],
                         ids=["Pooling", "GlobalAveragePooling"])
def test_dout_of_the_wrong_shape_is_named(layer, shape):
    y = layer.forward(np.ones((1, 3, 4, 4)))
    assert_message(lambda: layer.backward(np.ones(shape)), ValueError,
                   f"{type(layer).__name__}.backward: dout must have the output's shape {y.shape}, got {shape}")
