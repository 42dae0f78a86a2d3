"""dl_notes.depthwise and dl_notes.mobilenet: gradient checks, the loop oracle, PyTorch reference values,
the cost formulas against the multiply-adds the layers count, the network, and bad input."""

from __future__ import annotations

import re

import numpy as np
import pytest

from _conv_cases import assert_keeps_dtype_and_does_not_mutate, assert_message, check_gradients, rng_for
from _reference import SOURCES, load_reference, reference
from dl_notes.conv import Convolution
from dl_notes.depthwise import DepthwiseConvolution, PointwiseConvolution, depthwise_conv_naive
from dl_notes.gradcheck import check_network
from dl_notes.layers import Affine
from dl_notes.mobilenet import (
    SmallMobileNet, depthwise_conv_cost, multiply_adds, network_multiply_adds, pointwise_conv_cost,
    separable_cost_ratio, standard_conv_cost,
)
from dl_notes.nets import SimpleConvNet

# (N, C, H, W, K, stride, pad)
GEOMETRIES = [(2, 1, 5, 5, 3, 1, 0), (2, 3, 6, 7, 3, 1, 1), (1, 4, 7, 7, 3, 2, 1), (3, 2, 6, 6, 5, 1, 2),
              (2, 3, 6, 8, 2, 2, 0), (1, 2, 6, 8, 3, 2, 1)]
IDS = [f"N{n}_C{c}_H{h}_W{w}_K{k}_S{s}_P{p}" for n, c, h, w, k, s, p in GEOMETRIES]


def _data(N, C, H, W, K, key, dtype=np.float64):
    rng = rng_for("depthwise", N, C, H, W, K, key)
    return rng.standard_normal((N, C, H, W)).astype(dtype), rng.standard_normal((C, 1, K, K)).astype(dtype), \
        rng.standard_normal(C).astype(dtype)


# --- gradient checks (float64) and the loop oracle -------------------------------------------

@pytest.mark.parametrize("N, C, H, W, K, S, P", GEOMETRIES, ids=IDS)
def test_depthwise_gradients(N, C, H, W, K, S, P):
    x, w, b = _data(N, C, H, W, K, "grad")
    check_gradients(DepthwiseConvolution(w, b, stride=S, pad=P), x)
    check_gradients(DepthwiseConvolution(w.copy(), None, stride=S, pad=P), x)   # without a bias


@pytest.mark.parametrize("N, C, H, W, K, S, P", GEOMETRIES, ids=IDS)
def test_depthwise_matches_the_loop_oracle(N, C, H, W, K, S, P):
    x, w, b = _data(N, C, H, W, K, "oracle")
    np.testing.assert_allclose(DepthwiseConvolution(w, b, S, P).forward(x), depthwise_conv_naive(x, w, b, S, P),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("C, M", [(1, 1), (3, 2), (4, 6)])
def test_pointwise_gradients_and_equals_a_1x1_convolution(C, M):
    rng = rng_for("pointwise", C, M)
    x, w, b = rng.standard_normal((2, C, 3, 4)), rng.standard_normal((M, C, 1, 1)), rng.standard_normal(M)
    check_gradients(PointwiseConvolution(w, b), x)
    check_gradients(PointwiseConvolution(w.copy()), x)
    np.testing.assert_allclose(PointwiseConvolution(w, b).forward(x), Convolution(w, b).forward(x), rtol=1e-12)


def test_depthwise_is_a_standard_convolution_with_block_diagonal_filters():
    """Depthwise = a standard convolution whose filter m sees channel m only (zero elsewhere)."""
    x, w, b = _data(2, 3, 6, 6, 3, "block")
    full = np.zeros((3, 3, 3, 3))
    for c in range(3):
        full[c, c] = w[c, 0]
    np.testing.assert_allclose(DepthwiseConvolution(w, b, 2, 1).forward(x), Convolution(full, b, 2, 1).forward(x),
                               rtol=1e-12, atol=1e-12)


# --- PyTorch reference values ----------------------------------------------------------------

KEYS = sorted({k.rsplit(".", 1)[0] for k in load_reference("depthwise") if k.startswith("depthwise_")})


def test_reference_fixture_is_complete():
    assert len(KEYS) == 6
    assert str(load_reference("depthwise")["torch_version"]).startswith("2.")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("key", KEYS)
def test_depthwise_matches_pytorch_groups_conv(key, source):
    ref = {k.rsplit(".", 1)[1]: v for k, v in reference("depthwise", source).items() if k.startswith(key + ".")}
    s = {m[1]: int(m[2]) for m in re.finditer(r"_([a-z]+)(\d+)", key)}
    layer = DepthwiseConvolution(ref["W"].copy(), ref["b"].copy(), stride=s["s"], pad=s["p"])
    y = layer.forward(ref["x"])
    dx = layer.backward(ref["dout"])
    assert y.dtype == dx.dtype == layer.dW.dtype == layer.db.dtype == np.float32
    for name, got in [("y", y), ("dx", dx), ("dW", layer.dW), ("db", layer.db)]:
        np.testing.assert_allclose(got, ref[name], rtol=1e-5, atol=1e-5, err_msg=f"{key}: {name}")


# --- dtype and the layer contract ------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_layers_keep_dtype_and_do_not_mutate(dtype):
    assert_keeps_dtype_and_does_not_mutate(DepthwiseConvolution(np.ones((3, 1, 3, 3), dtype), np.zeros(3, dtype),
                                                                stride=2, pad=1), dtype, "dw")
    assert_keeps_dtype_and_does_not_mutate(PointwiseConvolution(np.ones((4, 3, 1, 1), dtype), np.zeros(4, dtype)),
                                           dtype, "pw")


def test_layers_compute_in_the_dtype_of_their_weights():
    x = np.ones((1, 2, 4, 4))                                            # float64 in, float32 weights
    assert DepthwiseConvolution(np.ones((2, 1, 3, 3), np.float32)).forward(x).dtype == np.float32
    assert PointwiseConvolution(np.ones((3, 2, 1, 1), np.float32)).forward(x).dtype == np.float32


# --- costs: formulas against the multiply-adds the layers performed ---------------------------

@pytest.mark.parametrize("N, C, H, W, K, S, P", GEOMETRIES, ids=IDS)
@pytest.mark.parametrize("M", [1, 5, 16])
def test_counted_multiply_adds_equal_the_formulas(N, C, H, W, K, S, P, M):
    x, w, _ = _data(N, C, H, W, K, "count", np.float32)
    depthwise = DepthwiseConvolution(w, stride=S, pad=P)
    y = depthwise.forward(x)
    OH, OW = y.shape[2:]
    pointwise = PointwiseConvolution(np.ones((M, C, 1, 1), np.float32))
    pointwise.forward(y)
    standard = Convolution(np.ones((M, C, K, K), np.float32), np.zeros(M, np.float32), stride=S, pad=P)
    assert standard.forward(x).shape[2:] == (OH, OW)
    assert multiply_adds(depthwise) == N * depthwise_conv_cost(OH, OW, C, K)
    assert multiply_adds(pointwise) == N * pointwise_conv_cost(OH, OW, C, M)
    assert multiply_adds(standard) == N * standard_conv_cost(OH, OW, C, M, K)
    ratio = (multiply_adds(depthwise) + multiply_adds(pointwise)) / multiply_adds(standard)
    assert ratio == pytest.approx(separable_cost_ratio(M, K), rel=1e-12)


def test_the_course_answers():
    """Confirmation test 1: (い) H·W·C·K·K, (う) H·W·C·M, against H·W·K·K·C·M; ratios 1/M and 1/K²."""
    H, W, C, M, K = 7, 5, 3, 11, 3
    assert depthwise_conv_cost(H, W, C, K) == H * W * C * K * K
    assert pointwise_conv_cost(H, W, C, M) == H * W * C * M
    assert depthwise_conv_cost(H, W, C, K) / standard_conv_cost(H, W, C, M, K) == pytest.approx(1 / M)
    assert pointwise_conv_cost(H, W, C, M) / standard_conv_cost(H, W, C, M, K) == pytest.approx(1 / K**2)


def test_multiply_adds_of_affine_and_of_layers_without_products():
    affine = Affine(np.ones((6, 4)), np.zeros(4))
    affine.forward(np.ones((3, 6)))
    assert multiply_adds(affine) == 3 * 6 * 4
    assert multiply_adds(object()) == 0
    with pytest.raises(RuntimeError, match="call forward first"):
        multiply_adds(Convolution(np.ones((1, 1, 2, 2)), np.zeros(1)))


def test_simple_conv_net_multiply_adds():
    """SimpleConvNet: conv 24·24·30·25 + Affine 4320·100 + Affine 100·10 per image."""
    net = SimpleConvNet(seed=0)
    assert network_multiply_adds(net, np.zeros((2, 1, 28, 28))) == 24 * 24 * 30 * 25 + 4320 * 100 + 100 * 10


# --- the network ------------------------------------------------------------------------------

def test_small_mobilenet_gradients():
    # Seeds chosen so that no pre-activation lies within the step h = 1e-4 of ReLU's kink (with 192
    # values after the first batch normalisation, seeds 0 and 1 have one: the central difference
    # across the kink is off by up to 16 % there, while h = 1e-6 agrees to 1e-5 on every seed).
    net = SmallMobileNet((1, 8, 8), stem_channels=3, blocks=((4, 1), (5, 2)), dtype=np.float64, seed=2)
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((4, 1, 8, 8)), np.array([0, 3, 9, 1])
    errors = check_network(net, x, t)
    assert max(errors.values()) < 1e-6, errors


def test_small_mobilenet_layout_and_interface():
    net = SmallMobileNet(seed=0)
    assert list(net.layers)[:9] == ["Conv1", "BatchNorm1", "Relu1", "DepthwiseConv2", "BatchNorm2", "Relu2",
                                    "PointwiseConv3", "BatchNorm3", "Relu3"]
    assert list(net.layers)[-2:] == ["GlobalAvgPool", "Affine"]
    assert all(p.dtype == np.float32 for p in net.params.values())
    x, t = np.zeros((3, 1, 28, 28), np.float32), np.array([1, 2, 3])
    grads = net.gradient(x, t)
    assert set(grads) == set(net.params) and all(grads[k].shape == net.params[k].shape for k in grads)
    assert 0 <= net.accuracy(x, t) <= 1
    a, b = SmallMobileNet(seed=3), SmallMobileNet(seed=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


# --- bad input ---------------------------------------------------------------------------------

def test_messages_for_bad_input():
    assert_message(lambda: DepthwiseConvolution(np.ones((3, 2, 3, 3))), ValueError,
                   "DepthwiseConvolution: W must have shape (C, 1, K, K)")
    assert_message(lambda: DepthwiseConvolution(np.ones((3, 1, 3, 3)), np.zeros(2)), ValueError,
                   "DepthwiseConvolution: b must have shape (3,)")
    assert_message(lambda: DepthwiseConvolution(np.ones((2, 1, 3, 3))).forward(np.ones((1, 3, 5, 5))), ValueError,
                   "x with C = 3 channels")
    assert_message(lambda: DepthwiseConvolution(np.ones((2, 1, 3, 3), int)), TypeError, "DepthwiseConvolution: W")
    assert_message(lambda: DepthwiseConvolution(np.ones((2, 1, 3, 3)), stride=0), ValueError, "stride")
    assert_message(lambda: PointwiseConvolution(np.ones((2, 3, 3, 3))), ValueError, "a 1x1 filter, got (2, 3, 3, 3)")
    assert_message(lambda: PointwiseConvolution(np.ones((2, 3, 1, 1))).forward(np.ones((1, 2, 4, 4))), ValueError,
                   "x has C = 2 channels")
    assert_message(lambda: DepthwiseConvolution(np.ones((2, 1, 3, 3))).backward(np.ones((1, 2, 1, 1))),
                   RuntimeError, "DepthwiseConvolution.backward: call forward first")
    assert_message(lambda: depthwise_conv_cost(14, 14, 0, 3), ValueError, "C")
    assert_message(lambda: separable_cost_ratio(64, 0), ValueError, "K")
    assert_message(lambda: SmallMobileNet(blocks=()), ValueError, "blocks must hold at least one")
