"""dl_notes.conv: gradient checks, the fast path against loop oracles, PyTorch reference values,
properties of im2col/col2im, dtypes, and the messages students get for bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _reference import SOURCES, load_reference, reference
from dl_notes.conv import (
    Convolution, GlobalAveragePooling, GlobalMaxPooling, Pooling, col2im, conv2d_naive,
    conv_output_size, im2col,
)
from dl_notes.gradcheck import check_layer


def rng_for(*key) -> np.random.Generator:
    """A generator seeded by the test's own key: stable across runs, different across cases."""
    return np.random.default_rng(list(str(key).encode()))


def case_id(**kw) -> str:
    return "-".join(f"{k}{'x'.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in kw.items())


# ---------------------------------------------------------------------------------------------
# Geometry cases: (N, C, H, W, FN, FH, FW, stride, pad), each tiling exactly.
CONV_CASES = [
    dict(N=2, C=3, H=5, W=5, FN=4, FH=3, FW=3, S=1, P=0),
    dict(N=2, C=2, H=7, W=7, FN=3, FH=3, FW=3, S=2, P=1),
    dict(N=1, C=1, H=6, W=5, FN=2, FH=2, FW=3, S=1, P=1),
    dict(N=2, C=3, H=8, W=8, FN=2, FH=4, FW=4, S=2, P=1),
    dict(N=2, C=2, H=4, W=4, FN=3, FH=1, FW=1, S=1, P=0),
    dict(N=1, C=2, H=9, W=9, FN=2, FH=5, FW=5, S=2, P=2),
    dict(N=2, C=1, H=4, W=6, FN=2, FH=4, FW=2, S=2, P=0),
]
conv_cases = pytest.mark.parametrize("case", CONV_CASES, ids=[case_id(**c) for c in CONV_CASES])


def conv_data(case, dtype=np.float64):
    rng = rng_for("conv", tuple(case.values()))
    x = rng.standard_normal((case["N"], case["C"], case["H"], case["W"])).astype(dtype)
    W = rng.standard_normal((case["FN"], case["C"], case["FH"], case["FW"])).astype(dtype)
    b = rng.standard_normal(case["FN"]).astype(dtype)
    return x, W, b


def check_gradients(layer, x):
    """backward against central differences of sum(forward(x) * dout), for x and each parameter."""
    errors = check_layer(layer, x)
    assert max(errors.values()) < 1e-8, errors


# --- gradient checks (float64, central differences) ------------------------------------------

@conv_cases
def test_convolution_gradients(case):
    x, W, b = conv_data(case)
    check_gradients(Convolution(W, b, stride=case["S"], pad=case["P"]), x)


POOL_CASES = [
    dict(PH=2, PW=2, S=None, P=0, H=4, W=6),   # the book's: stride = window
    dict(PH=2, PW=2, S=None, P=1, H=4, W=6),   # the same, padded (PyTorch pads max with -inf)
    dict(PH=2, PW=2, S=1, P=0, H=4, W=4),      # the course's default stride 1 (overlapping)
    dict(PH=3, PW=3, S=1, P=1, H=5, W=5),
    dict(PH=3, PW=3, S=2, P=1, H=5, W=7),
    dict(PH=2, PW=3, S=(1, 3), P=0, H=3, W=6),
    dict(PH=1, PW=1, S=2, P=0, H=5, W=5),      # stride larger than the window: gaps
]
pool_cases = pytest.mark.parametrize("case", POOL_CASES, ids=[case_id(**c) for c in POOL_CASES])


def distinct(shape, key, dtype=np.float64):
    """Values at least 0.05 apart: no ties, and no step h = 1e-4 of the check changes the max."""
    rng = rng_for("distinct", shape, key)
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.05 - 1.0).astype(dtype)


@pool_cases
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_gradients(case, mode):
    x = distinct((2, 2, case["H"], case["W"]), tuple(case.values()))
    check_gradients(Pooling(case["PH"], case["PW"], stride=case["S"], pad=case["P"], mode=mode), x)


@pytest.mark.parametrize("layer", [GlobalAveragePooling, GlobalMaxPooling], ids=lambda c: c.__name__)
def test_global_pooling_gradients(layer):
    check_gradients(layer(), distinct((2, 3, 3, 4), layer.__name__))


# --- fast path against loop oracles ---------------------------------------------------------

def im2col_course(x, FH, FW, S, P):
    """The course's algorithm (common/util.py): a loop over the filter, then one transpose."""
    N, C, H, W = x.shape
    OH, OW = (H + 2 * P - FH) // S + 1, (W + 2 * P - FW) // S + 1
    xp = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)])
    col = np.zeros((N, C, FH, FW, OH, OW), dtype=x.dtype)
    for i in range(FH):
        for j in range(FW):
            col[:, :, i, j] = xp[:, :, i:i + S * OH:S, j:j + S * OW:S]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, -1)


@conv_cases
def test_convolution_forward_equals_naive_loops(case):
    x, W, b = conv_data(case)
    fast = Convolution(W, b, stride=case["S"], pad=case["P"]).forward(x)
    np.testing.assert_allclose(fast, conv2d_naive(x, W, b, case["S"], case["P"]), rtol=1e-12, atol=1e-12)


@conv_cases
def test_im2col_equals_the_course_loop(case):
    x, _, _ = conv_data(case)
    got = im2col(x, case["FH"], case["FW"], case["S"], case["P"])
    np.testing.assert_array_equal(got, im2col_course(x, case["FH"], case["FW"], case["S"], case["P"]))


def test_im2col_floor_equals_the_course_loop():
    x = np.arange(2 * 2 * 6 * 7).reshape(2, 2, 6, 7)
    np.testing.assert_array_equal(im2col(x, 3, 2, stride=2, floor=True), im2col_course(x, 3, 2, 2, 0))


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


# --- PyTorch reference values ----------------------------------------------------------------

RECORDED = load_reference("conv")
CONV_KEYS = sorted({k.rsplit(".", 1)[0] for k in RECORDED if k.startswith("conv2d_")})
POOL_KEYS = sorted({k.rsplit(".", 1)[0] for k in RECORDED if k.startswith(("max_pool", "avg_pool"))})
GLOBAL_KEYS = sorted({k.rsplit(".", 1)[0] for k in RECORDED if k.startswith("global_")})
sources = pytest.mark.parametrize("source", SOURCES)


def case_arrays(source, key):
    """The arrays of one recorded case: {'x': ..., 'y': ..., 'dx': ...}."""
    return {k.rsplit(".", 1)[1]: v for k, v in reference("conv", source).items() if k.startswith(key + ".")}


def settings_of(key):
    """'conv2d_s2_p1_c3_f4_h3_w3' -> {'s': 2, 'p': 1, 'c': 3, ...}: the case's parameters."""
    return {m[1]: int(m[2]) for m in re.finditer(r"_([a-z]+)(\d+)", key)}


def test_reference_fixture_is_complete():
    assert len(CONV_KEYS) == 24 and len(POOL_KEYS) == 10 and len(GLOBAL_KEYS) == 2
    assert str(RECORDED["torch_version"]).startswith("2.")


@sources
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


# --- properties ------------------------------------------------------------------------------

@st.composite
def geometries(draw):
    """A batch and a window that tiles it: (x, FH, FW, S, P)."""
    FH, FW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    S, P = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    OH, OW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    H, W = (OH - 1) * S + FH - 2 * P, (OW - 1) * S + FW - 2 * P
    if H < 1 or W < 1:
        H, W, P = H + 2 * P, W + 2 * P, 0
    N, C = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).integers(-9, 10, (N, C, H, W)).astype(np.float64)
    return x, FH, FW, S, P


def coverage(size, filter_size, stride, pad):
    """How many windows cover each position along one axis, counted directly."""
    out = conv_output_size(size, filter_size, stride, pad)
    counts = np.zeros(size + 2 * pad, dtype=int)
    for i in range(out):
        counts[i * stride:i * stride + filter_size] += 1
    return counts[pad:pad + size]


@settings(max_examples=60, deadline=None)
@given(geometries())
def test_col2im_of_im2col_counts_overlaps(g):
    x, FH, FW, S, P = g
    N, C, H, W = x.shape
    counts = np.outer(coverage(H, FH, S, P), coverage(W, FW, S, P))
    np.testing.assert_array_equal(col2im(im2col(x, FH, FW, S, P), x.shape, FH, FW, S, P), x * counts)


@settings(max_examples=60, deadline=None)
@given(geometries(), st.integers(1, 3))
def test_im2col_times_filters_is_the_convolution(g, FN):
    x, FH, FW, S, P = g
    N, C, H, W = x.shape
    Wt = np.random.default_rng(FN).integers(-3, 4, (FN, C, FH, FW)).astype(np.float64)
    OH, OW = conv_output_size(H, FH, S, P), conv_output_size(W, FW, S, P)
    y = (im2col(x, FH, FW, S, P) @ Wt.reshape(FN, -1).T).reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)
    np.testing.assert_array_equal(y, conv2d_naive(x, Wt, None, S, P))   # small integers: exact


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_size_is_the_number_of_windows(H, F, S, P):
    span = H + 2 * P - F
    if span < 0:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(H, F, S, P)
        return
    windows = len(range(0, span + 1, S))
    assert conv_output_size(H, F, S, P, floor=True) == windows
    x = np.ones((1, 1, H, H))
    assert im2col(x, F, F, S, P, floor=True).shape[0] == windows**2
    if span % S:
        with pytest.raises(ValueError, match="is not divisible by stride"):
            conv_output_size(H, F, S, P)
    else:
        assert conv_output_size(H, F, S, P) == windows
        conv = Convolution(np.ones((1, 1, F, F)), np.zeros(1), stride=S, pad=P)
        assert conv.forward(x).shape == (1, 1, windows, windows)


# --- dtype and the layer contract ------------------------------------------------------------

LAYERS = {
    "Convolution": lambda dt: Convolution(np.ones((2, 3, 3, 3), dt), np.zeros(2, dt), stride=1, pad=1),
    "Pooling-max": lambda dt: Pooling(2, 2),
    "Pooling-avg": lambda dt: Pooling(2, 2, mode="avg"),
    "Pooling-max-pad": lambda dt: Pooling(3, 3, stride=1, pad=1),
    "Pooling-avg-pad": lambda dt: Pooling(3, 3, stride=1, pad=1, mode="avg"),
    "GlobalAveragePooling": lambda dt: GlobalAveragePooling(),
    "GlobalMaxPooling": lambda dt: GlobalMaxPooling(),
}


@pytest.mark.parametrize("name", LAYERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_layers_keep_dtype_and_do_not_mutate(name, dtype):
    layer = LAYERS[name](dtype)
    x = rng_for(name).standard_normal((2, 3, 6, 6)).astype(dtype)
    x_before = x.copy()
    y = layer.forward(x)
    dout = rng_for(name, "dout").standard_normal(y.shape)       # float64 gradient from a float64 loss
    dout_before = dout.copy()
    dx = layer.backward(dout)
    assert y.dtype == dx.dtype == dtype
    assert dx.shape == x.shape
    for grad in (getattr(layer, "dW", None), getattr(layer, "db", None)):
        assert grad is None or grad.dtype == dtype
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64], ids=str)
def test_im2col_and_col2im_keep_dtype(dtype):
    x = np.arange(2 * 3 * 5 * 5).reshape(2, 3, 5, 5).astype(dtype)
    col = im2col(x, 3, 3, pad=1)
    assert col.dtype == dtype and col.flags.c_contiguous
    assert col2im(col, x.shape, 3, 3, pad=1).dtype == dtype


def test_im2col_never_aliases_the_input():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    col = im2col(x, 1, 1)                   # 1x1 windows: a view would have been possible
    col[:] = -1
    assert x.min() == 0


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


def test_convolution_casts_input_to_the_parameter_dtype():
    conv = Convolution(np.ones((1, 1, 2, 2), np.float32), np.zeros(1, np.float32))
    assert conv.forward(np.arange(9).reshape(1, 1, 3, 3)).dtype == np.float32


def test_pooling_stride_defaults_to_the_window_and_course_stride_is_explicit():
    x = np.arange(36.0).reshape(1, 1, 6, 6)
    assert Pooling(2, 2).stride == 2 and Pooling(2, 2).forward(x).shape == (1, 1, 3, 3)
    assert Pooling(2, 3).stride == (2, 3) and Pooling(2, 3).forward(x).shape == (1, 1, 3, 2)
    assert Pooling(2, 2, stride=1).forward(x).shape == (1, 1, 5, 5)   # the course's default


def test_max_pooling_ties_go_to_the_first_position():
    x = np.zeros((1, 1, 2, 4))
    pool = Pooling(2, 2)
    pool.forward(x)
    np.testing.assert_array_equal(pool.backward(np.array([[[[1.0, 2.0]]]])), [[[[1, 0, 2, 0], [0, 0, 0, 0]]]])


def test_max_pooling_pads_with_minus_infinity():
    x = -np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(Pooling(2, 2, pad=1).forward(x), -np.ones((1, 1, 2, 2)))


# --- bad input: each message names the argument, the value and the fix -----------------------

BAD = {
    "geometry": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1), stride=2).forward(np.ones((1, 1, 7, 7))),
                 ValueError, r"Convolution: (H + 2*pad - FH) = 5 is not divisible by stride = 2; use FH=3"),
    "geometry-pad-fix": (lambda: conv_output_size(7, 3, stride=3),
                         ValueError, "conv_output_size: (input_size + 2*pad - filter_size) = 4 is not divisible by "
                                     "stride = 3; use pad=1 or floor=True"),
    "filter-too-large": (lambda: conv_output_size(3, 5),
                         ValueError, "filter_size = 5 is larger than the padded input (input_size + 2*pad) = 3; "
                                     "use a smaller filter or pad=1"),
    "ndim-conv": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1)).forward(np.ones((28, 28))),
                  ValueError, "Convolution: x must be 4-D (N, C, H, W), got shape (28, 28)"),
    "ndim-im2col": (lambda: im2col(np.ones((1, 4, 4)), 2, 2),
                    ValueError, "im2col: input_data must be 4-D (N, C, H, W), got shape (1, 4, 4)"),
    "ndim-pool": (lambda: Pooling(2, 2).forward(np.ones((4, 4))),
                  ValueError, "Pooling: x must be 4-D (N, C, H, W), got shape (4, 4)"),
    "channels": (lambda: Convolution(np.ones((30, 1, 5, 5)), np.zeros(30)).forward(np.ones((2, 3, 28, 28))),
                 ValueError, "Convolution: x has C = 3 channels (shape (2, 3, 28, 28)), but the filters W of shape "
                             "(30, 1, 5, 5) expect C = 1; give x of shape (N, 1, H, W) or filters of shape (30, 3, 5, 5)"),
    "bias-shape": (lambda: Convolution(np.ones((3, 1, 2, 2)), np.zeros(2)),
                   ValueError, "Convolution: b has shape (2,), but W of shape (3, 1, 2, 2) has FN = 3 filters; "
                               "give b of shape (3,)"),
    "weights-type": (lambda: Convolution([[[[1.0]]]], np.zeros(1)),
                     TypeError, "Convolution: W must be a floating-point numpy array"),
    "stride-float": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1), stride=1.5),
                     TypeError, "stride must be an integer, got 1.5 (float)"),
    "pad-negative": (lambda: im2col(np.ones((1, 1, 4, 4)), 2, 2, pad=-1),
                     ValueError, "pad must be an integer >= 0, got -1"),
    "pool-pad": (lambda: Pooling(2, 2, pad=2),
                 ValueError, "Pooling: pad = 2 is more than half the 2x2 window"),
    "pool-mode": (lambda: Pooling(2, 2, mode="mean"),
                  ValueError, "mode must be one of 'max', 'avg', got 'mean'"),
    "pool-geometry": (lambda: Pooling(2, 2).forward(np.ones((1, 1, 5, 5))),
                      ValueError, "Pooling: (H + 2*pad - pool_h) = 3 is not divisible by stride = 2; use pool_h=3"),
    "col2im-shape": (lambda: col2im(np.ones((8, 4)), (1, 1, 4, 4), 2, 2),
                     ValueError, "col2im: col has shape (8, 4), but input_shape (1, 1, 4, 4) with 2x2 windows, "
                                 "stride=1, pad=0 gives (9, 4)"),
    "backward-first": (lambda: Convolution(np.ones((1, 1, 2, 2)), np.zeros(1)).backward(np.ones((1, 1, 1, 1))),
                       RuntimeError, "Convolution: call forward(x) before backward(dout)"),
    "pool-backward-first": (lambda: Pooling(2, 2).backward(np.ones((1, 1, 1, 1))),
                            RuntimeError, "Pooling: call forward(x) before backward(dout)"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_gets_a_clear_message(name):
    call, error, message = BAD[name]
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_dout_of_the_wrong_shape_is_named():
    conv = Convolution(np.ones((2, 1, 2, 2)), np.zeros(2))
    conv.forward(np.ones((1, 1, 3, 3)))
    with pytest.raises(ValueError, match=re.escape("dout has shape (1, 1, 2, 2), but forward returned shape (1, 2, 2, 2)")):
        conv.backward(np.ones((1, 1, 2, 2)))
