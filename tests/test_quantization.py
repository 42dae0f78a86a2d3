"""Floating-point formats, rounding to float16/bfloat16, and uniform k-bit quantisation."""

from __future__ import annotations

import numpy as np
import pytest

from _reference import SOURCES, recorder, reference
from dl_notes.nets import MultiLayerNet, SimpleConvNet
from dl_notes.quantization import (FLOAT_FORMATS, calculate_qparams, dequantize, fake_quantize, memory_bytes,
                                   quantize, quantize_network, quantized_bytes, round_to_format, to_bfloat16,
                                   to_float16)


@pytest.mark.parametrize("name", ["float64", "float32", "float16"])
def test_the_table_matches_numpy(name):
    f, info = FLOAT_FORMATS[name], np.finfo(name)
    assert (f.bits, f.significand, f.exponent) == (info.bits, info.nmant, info.nexp)
    assert (f.epsilon, f.max, f.tiny) == (float(info.eps), float(info.max), float(info.tiny))


def test_bfloat16_has_float32s_exponent_and_seven_significand_bits():
    b, s = FLOAT_FORMATS["bfloat16"], FLOAT_FORMATS["float32"]
    assert (b.sign, b.exponent, b.significand, b.bytes) == (1, 8, 7, 2)
    assert b.tiny == s.tiny and b.max == pytest.approx(s.max, rel=2 ** -8)


def test_the_course_fact_1024_cubed_float64_is_8_gib():
    n = 1024 ** 3
    assert memory_bytes(n, "float64") == 2 ** 33 == 8 * 2 ** 30
    assert [memory_bytes(n, f) for f in ("float32", "float16", "bfloat16")] == [2 ** 32, 2 ** 31, 2 ** 31]


def _bfloat16_oracle(x: np.float32) -> float:
    """The nearest bfloat16 by brute force: the two neighbours of the truncated pattern, ties to even."""
    b = int(np.array(x, np.float32).view(np.uint32)) & 0xFFFF0000
    down = float(np.array(b, np.uint32).view(np.float32))
    up = float(np.array(b + 0x10000, np.uint32).view(np.float32))
    if abs(up - float(x)) < abs(float(x) - down):
        return up
    if abs(up - float(x)) > abs(float(x) - down):
        return down
    return down if (b >> 16) % 2 == 0 else up


def test_bfloat16_rounding_matches_a_brute_force_oracle():
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(500) * np.exp2(rng.integers(-20, 20, 500))).astype(np.float32)
    ties = np.array([1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8)], np.float32)   # exact halves
    x = np.concatenate([x, ties])
    assert to_bfloat16(x).tolist() == [_bfloat16_oracle(v) for v in x]
    assert to_bfloat16(ties).tolist() == [1.0, 1 + 4 * 2 ** -8, -1.0]


def test_bfloat16_keeps_the_range_float16_loses():
    x = np.array([7e4, 1e-6, np.inf, -np.inf, np.nan], np.float32)
    b, h = to_bfloat16(x), to_float16(x)
    assert np.isfinite(b[:2]).all() and b[0] == 70144.0 and b[1] > 0
    assert h[0] == np.inf and 0 < h[1] < 1.1e-6      # 1e-6 is a float16 subnormal: few bits left
    assert b[2] == np.inf and b[3] == -np.inf and np.isnan(b[4])
    assert to_bfloat16(np.array([FLOAT_FORMATS["float32"].max], np.float32))[0] == np.inf


@pytest.mark.parametrize("fmt", ["float16", "bfloat16"])
def test_rounding_error_is_at_most_half_an_epsilon(fmt):
    f = FLOAT_FORMATS[fmt]
    x = np.exp2(np.random.default_rng(1).uniform(-10, 10, 10_000)).astype(np.float32)
    rel = np.abs(round_to_format(x, fmt).astype(np.float64) - x) / x
    assert rel.max() <= f.epsilon / 2 and rel.max() > f.epsilon / 4


def test_qparams_follow_the_formulas():
    x = np.array([-0.4, 0.1, 1.1])
    s, z = calculate_qparams(x, 8)
    assert s == pytest.approx(1.5 / 255) and z == round(0.4 / s)
    assert calculate_qparams(np.array([0.5, 2.0]), 4) == (2.0 / 15, 0)         # the range is widened to 0
    assert calculate_qparams(np.array([-3.0, -1.0]), 4) == (3.0 / 15, 15)
    assert calculate_qparams(np.zeros(3), 4) == (1.0, 0)


@pytest.mark.parametrize("bits", [1, 2, 3, 4, 8, 16])
@pytest.mark.parametrize("symmetric", [False, True])
def test_fake_quantize_keeps_values_within_half_a_step(bits, symmetric):
    if symmetric and bits == 1:
        pytest.skip("symmetric needs 2 bits")
    x = np.random.default_rng(bits).standard_normal(1000).astype(np.float32)
    s, z = calculate_qparams(x, bits, symmetric)
    q = quantize(x, s, z, bits)
    assert q.min() >= 0 and q.max() <= 2 ** bits - 1 and len(np.unique(q)) <= 2 ** bits
    x_hat = fake_quantize(x, bits, symmetric=symmetric)
    assert x_hat.dtype == np.float32 and x_hat.shape == x.shape
    assert np.abs(x_hat - x).max() <= s / 2 * (1 + 1e-5) + (s if bits == 1 else 0)  # z rounding at 1 bit
    assert fake_quantize(np.zeros(1, np.float32), bits, scale=s, zero_point=z)[0] == 0   # 0 is exact


def test_dequantize_inverts_quantize_on_the_grid():
    s, z = 0.25, 3
    q = np.arange(16, dtype=np.uint8)
    assert np.array_equal(quantize(dequantize(q, s, z), s, z, 4), q)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fake_quantize_keeps_the_dtype(dtype):
    assert fake_quantize(np.linspace(-1, 1, 7, dtype=dtype), 3).dtype == dtype


@pytest.mark.parametrize("call, match", [
    (lambda: calculate_qparams(np.ones(3), 0), "bits must be an integer >= 1, got 0"),
    (lambda: calculate_qparams(np.ones(3), 17), r"bits must be at most 16 \(integers up to uint16\), got 17"),
    (lambda: calculate_qparams(np.ones(3), 1, symmetric=True), "bits must be an integer >= 2, got 1"),
    (lambda: calculate_qparams(np.array([np.nan]), 8), "x must be non-empty and finite"),
    (lambda: quantize(np.ones(3), 0.0, 0, 8), "scale must be a finite number > 0, got 0.0"),
    (lambda: quantize(np.ones(3), 0.1, 256, 8), r"zero_point must be an integer in \[0, 255\] for 8 bits, got 256"),
    (lambda: fake_quantize(np.ones(3), 8, scale=0.1), "give both scale and zero_point"),
    (lambda: memory_bytes(10, "float8"), "fmt must be one of"),
])
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_quantize_network_changes_a_copy_and_only_the_weights():
    net = MultiLayerNet(6, [5], 3, seed=0)
    net.params["b1"][...] = 0.123
    before = {k: p.copy() for k, p in net.params.items()}
    q = quantize_network(net, 2)
    assert all(np.array_equal(net.params[k], before[k]) for k in before)
    assert len(np.unique(q.params["W1"])) <= 4 and np.array_equal(q.params["b1"], before["b1"])
    x = np.random.default_rng(0).random((4, 6), dtype=np.float32)
    assert not np.array_equal(q.predict(x), net.predict(x))
    same = quantize_network(net, 3, inplace=True)
    assert same is net and len(np.unique(net.params["W2"])) <= 8


def test_quantize_network_quantises_convolution_filters():
    net = SimpleConvNet((1, 8, 8), {"filter_num": 2, "filter_size": 3}, hidden_size=4, seed=0)
    q = quantize_network(net, 2)
    assert len(np.unique(q.layers["Conv1"].W)) <= 4


def test_quantized_bytes_counts_weights_in_k_bits_and_biases_in_float32():
    net = MultiLayerNet(784, [100], 10, seed=0)
    weights, biases = 784 * 100 + 100 * 10, 100 + 10
    assert quantized_bytes(net.params) == 4 * (weights + biases)
    assert quantized_bytes(net.params, 8) == weights + 2 * 8 + 4 * biases
    assert quantized_bytes(net.params, 3) == -(-784 * 100 * 3 // 8) + 100 * 10 * 3 // 8 + 16 + 4 * biases


# --- PyTorch: torch.fake_quantize_per_tensor_affine (float32) ------------------------------------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("distillation", request.param)


@pytest.mark.parametrize("bits", recorder("distillation").BITS)
def test_fake_quantize_matches_pytorch(ref, bits):
    x = ref["x"]
    scale, zero_point = calculate_qparams(x, bits)
    assert [scale, zero_point] == pytest.approx(ref[f"qparams/{bits}"].tolist())
    np.testing.assert_allclose(fake_quantize(x, bits, scale=scale, zero_point=zero_point), ref[f"fake_quantize/{bits}"],
                               rtol=0, atol=1e-6)
