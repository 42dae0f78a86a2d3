"""dl_notes.upsampling and dl_notes.dilated (the page "Segmentation"): transposed convolution against its
loop oracle, its output-size formula, its link to the convolution's backward pass (col2im), PyTorch,
float64 gradient checks; dilated convolution and max unpooling likewise; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from _reference import SOURCES, load_reference, reference
from dl_notes.conv import Convolution, conv2d_naive
from dl_notes.dilated import DilatedConvolution, dilate_kernel, dilated_kernel_size, dilated_output_size
from dl_notes.gradcheck import check_layer
from dl_notes.upsampling import (MaxPoolingWithSwitches, MaxUnpooling, TransposedConvolution, bilinear_kernel,
                                 conv_transpose2d_naive, transposed_conv_output_size)
from dl_notes.windows import conv_output_size

# (K, S, P, OP, C_in, C_out): stride 1 and 2, pad, output padding, the 4/2/1 doubling, the 2/2/0 one.
GEOMETRIES = [(3, 1, 0, 0, 2, 3), (3, 2, 0, 0, 1, 2), (3, 2, 1, 1, 2, 3), (4, 2, 1, 0, 3, 2), (2, 2, 0, 0, 2, 2),
              (5, 3, 2, 2, 1, 1), (1, 1, 0, 0, 2, 2)]
IDS = [f"k{K}-s{S}-p{P}-op{OP}-c{C}-o{O}" for K, S, P, OP, C, O in GEOMETRIES]


def tconv(K, S, P, OP, C, O, dtype=np.float64):
    rng = np.random.default_rng([K, S, P, OP, C, O])
    return TransposedConvolution(rng.standard_normal((C, O, K, K)).astype(dtype), rng.standard_normal(O).astype(dtype),
                                 S, P, OP)


@pytest.mark.parametrize(("K", "S", "P", "OP", "C", "O"), GEOMETRIES, ids=IDS)
def test_transposed_conv_matches_the_loop_oracle(K, S, P, OP, C, O):
    layer = tconv(K, S, P, OP, C, O)
    x = np.random.default_rng(1).standard_normal((2, C, 4, 3))
    expected = conv_transpose2d_naive(x, layer.W, layer.b, S, P, OP)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("K", "S", "P", "OP", "C", "O"), GEOMETRIES, ids=IDS)
def test_transposed_conv_gradient_check_float64(K, S, P, OP, C, O):
    errors = check_layer(tconv(K, S, P, OP, C, O), np.random.default_rng(2).standard_normal((2, C, 3, 4)))
    assert sorted(errors) == ["W", "b", "x"] and max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("H", range(1, 9))
@pytest.mark.parametrize(("K", "S", "P"), [(1, 1, 0), (2, 2, 0), (3, 1, 1), (3, 2, 1), (4, 2, 1), (5, 3, 2), (4, 4, 0)])
def test_output_size_formula_is_the_actual_size_and_inverts_the_convolution(H, K, S, P):
    for OP in range(S):
        try:
            OH = transposed_conv_output_size(H, K, S, P, OP)
        except ValueError:
            continue   # pad larger than the stamped area
        y = TransposedConvolution(np.ones((1, 1, K, K)), np.zeros(1), S, P, OP).forward(np.ones((1, 1, H, H + 1)))
        assert y.shape[2:] == (OH, transposed_conv_output_size(H + 1, K, S, P, OP))
        assert conv_output_size(OH, K, S, P) == H   # a convolution of the same geometry maps OH back to H


def test_fcn_geometry_is_times_32():
    assert [transposed_conv_output_size(h, 64, 32, 16) for h in (1, 7, 10)] == [32, 224, 320]


@pytest.mark.parametrize(("K", "S", "P", "OP", "C", "O"), GEOMETRIES, ids=IDS)
def test_forward_is_the_backward_of_a_convolution_with_the_same_weight(K, S, P, OP, C, O):
    """TransposedConvolution(W).forward(u) == Convolution(W).backward(u): col2im is the forward pass."""
    layer = tconv(K, S, P, OP, C, O)
    layer.b[...] = 0
    u = np.random.default_rng(3).standard_normal((2, C, 3, 4))
    y = layer.forward(u)                                      # (2, O, OH, OW)
    conv = Convolution(layer.W, np.zeros(C), S, P)            # W as (FN=C_in, C=C_out, FH, FW)
    assert conv.forward(np.zeros_like(y)).shape == u.shape
    np.testing.assert_allclose(conv.backward(u), y, rtol=1e-12, atol=1e-12)


def test_transposed_conv_is_the_adjoint_of_the_convolution():
    """<conv(x), u> = <x, tconv(u)> for the same W: the two are transposes of one matrix."""
    rng = np.random.default_rng(4)
    W = rng.standard_normal((3, 2, 3, 3))
    x, u = rng.standard_normal((1, 2, 7, 7)), rng.standard_normal((1, 3, 3, 3))
    conv_x = conv2d_naive(x, W, stride=2)
    tconv_u = conv_transpose2d_naive(u, W, stride=2)
    assert np.isclose(np.sum(conv_x * u), np.sum(x * tconv_u))


def test_bilinear_kernel_interpolates():
    up = TransposedConvolution(bilinear_kernel(1, 1, 4), np.zeros(1), stride=2, pad=1)
    ramp = np.arange(4.0)[None, None, None, :].repeat(4, axis=2)           # x = column index
    y = up.forward(ramp)[0, 0]
    np.testing.assert_allclose(y[1:-1, 1:-1], np.tile(np.arange(0.25, 3.0, 0.5), (6, 1)))   # 0.25, 0.75, ..., 2.75
    assert bilinear_kernel(2, 3, 3)[1, 2].sum() == 0 and bilinear_kernel(2, 3, 3)[1, 1, 1, 1] == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_keeps_dtype_and_does_not_mutate(dtype):
    layer = tconv(3, 2, 1, 1, 2, 3, dtype=dtype)
    x = np.random.default_rng(5).standard_normal((2, 2, 3, 3)).astype(dtype)
    x0 = x.copy()
    y = layer.forward(x)
    dout = np.ones_like(y, dtype=np.float64)
    dx = layer.backward(dout)
    assert y.dtype == dx.dtype == layer.dW.dtype == layer.db.dtype == dtype and dx.shape == x.shape
    np.testing.assert_array_equal(x, x0)
    assert (dout == 1).all()


# --- dilated convolution -------------------------------------------------------------------------

DILATIONS = [(3, 1, 1, 1), (3, 2, 2, 1), (2, 3, 0, 1), (3, 2, 1, 2), (3, 4, 4, 1)]


@pytest.mark.parametrize(("K", "d", "P", "S"), DILATIONS)
def test_dilated_conv_is_the_convolution_with_the_spread_kernel_and_gradient_checks(K, d, P, S):
    rng = np.random.default_rng([K, d, P, S])
    layer = DilatedConvolution(rng.standard_normal((3, 2, K, K)), rng.standard_normal(3), S, P, d)
    x = rng.standard_normal((2, 2, 9, 8))
    y = layer.forward(x)
    np.testing.assert_allclose(y, conv2d_naive(x, dilate_kernel(layer.W, d), layer.b, S, P), atol=1e-12)
    assert y.shape[2:] == (dilated_output_size(9, K, S, P, d), dilated_output_size(8, K, S, P, d))
    errors = check_layer(layer, x)
    assert sorted(errors) == ["W", "b", "x"] and max(errors.values()) < 1e-8, errors


def test_dilated_kernel_size_and_in_place_updates():
    assert [dilated_kernel_size(3, d) for d in (1, 2, 4, 8)] == [3, 5, 9, 17]
    layer = DilatedConvolution(np.zeros((1, 1, 2, 2)), np.zeros(1), dilation=2)
    layer.W += 1                                      # an optimizer's in-place update reaches the layer
    assert layer.forward(np.ones((1, 1, 3, 3)))[0, 0, 0, 0] == 4


# --- unpooling -----------------------------------------------------------------------------------

def test_unpooling_puts_values_back_at_the_switches_and_gradient_checks():
    rng = np.random.default_rng(6)
    pool = MaxPoolingWithSwitches(2)
    x = rng.standard_normal((2, 3, 6, 5))
    pooled = pool.forward(x)
    up = MaxUnpooling(pool)
    u = up.forward(pooled)
    assert u.shape == (2, 3, 6, 5) and np.count_nonzero(u) == pooled.size
    np.testing.assert_array_equal(u[u != 0], x[u != 0])                   # the maxima, at their places
    errors = check_layer(up, pooled.copy())
    assert max(errors.values()) < 1e-8, errors
    errors = check_layer(MaxPoolingWithSwitches(2), x)
    assert max(errors.values()) < 1e-8, errors


# --- PyTorch reference values (tests/references/transposed_conv.npz) ----------------------------

KEYS = load_reference("transposed_conv")
CASES = sorted({key.rsplit(".", 1)[0] for key in KEYS if "." in key})


def _setting(case: str, letter: str) -> int:
    return int(next(part[len(letter):] for part in case.split("_")[1:] if part.startswith(letter)
                    and part[len(letter):].isdigit()))


def test_reference_fixture_is_complete():
    kinds = [case.split("_")[0] for case in CASES]
    assert (kinds.count("tconv"), kinds.count("dilated"), kinds.count("unpool")) == (6, 3, 2)
    assert str(KEYS["torch_version"]).startswith("2.")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", CASES)
def test_matches_pytorch(case, source):
    ref = {key.split(".", 1)[1]: value for key, value in reference("transposed_conv", source).items()
           if key.startswith(case + ".")}
    kind = case.split("_")[0]
    if kind == "unpool":
        pool = MaxPoolingWithSwitches(_setting(case, "s"))
        np.testing.assert_array_equal(pool.forward(ref["x"]), ref["pooled"])
        np.testing.assert_array_equal(pool.switches, ref["indices"])
        up = MaxUnpooling(pool)
        got = {"y": up.forward(ref["u"]), "du": up.backward(ref["dout"])}
    else:
        if kind == "tconv":
            layer = TransposedConvolution(ref["W"].copy(), ref["b"].copy(), _setting(case, "s"), _setting(case, "p"),
                                          _setting(case, "op"))
        else:
            layer = DilatedConvolution(ref["W"].copy(), ref["b"].copy(), pad=_setting(case, "p"),
                                       dilation=_setting(case, "d"))
        got = {"y": layer.forward(ref["x"]), "dx": layer.backward(ref["dout"]), "dW": layer.dW, "db": layer.db}
    for name, value in got.items():
        assert value.dtype == np.float32, name
        np.testing.assert_allclose(value, ref[name], rtol=1e-5, atol=1e-5, err_msg=f"{case}: {name}")


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: transposed_conv_output_size(3, 3, 2, output_padding=2), ValueError, "output_padding = 2 must be smaller"),
    (lambda: transposed_conv_output_size(1, 1, 1, pad=1), ValueError, "use a smaller pad"),
    (lambda: TransposedConvolution(np.ones((1, 2, 3, 3)), np.zeros(1)), ValueError, "give b of shape (2,)"),
    (lambda: TransposedConvolution(np.ones((1, 1, 3, 3), int), np.zeros(1)), TypeError, "TransposedConvolution: W"),
    (lambda: TransposedConvolution(np.ones((1, 1, 3, 3)), np.zeros(1), 2, 0, 2), ValueError, "output_padding = 2"),
    (lambda: TransposedConvolution(np.ones((2, 1, 3, 3)), np.zeros(1)).forward(np.ones((1, 3, 4, 4))), ValueError,
     "x has C_in = 3 channels"),
    (lambda: TransposedConvolution(np.ones((1, 1, 3, 3)), np.zeros(1)).backward(np.ones((1, 1, 4, 4))), RuntimeError,
     "call forward first"),
    (lambda: DilatedConvolution(np.ones((1, 1, 3, 3)), np.zeros(1), dilation=0), ValueError, "dilation"),
    (lambda: MaxPoolingWithSwitches(3).forward(np.ones((1, 1, 2, 2))), ValueError, "smaller than the 3x3 window"),
    (lambda: MaxUnpooling(object()), TypeError, "must be a MaxPoolingWithSwitches"),
    (lambda: MaxUnpooling(MaxPoolingWithSwitches()).forward(np.ones((1, 1, 2, 2))), RuntimeError, "call forward first"),
])
def test_bad_input_names_the_argument(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
