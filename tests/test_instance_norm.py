"""dl_notes.normalization.InstanceNorm: gradient check, its definition, the layer contract and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import check_layer
from dl_notes.normalization import BatchNormalization, InstanceNorm


def make(rng, dtype=np.float64, C=3):
    return InstanceNorm((1 + 0.3 * rng.standard_normal(C)).astype(dtype), rng.standard_normal(C).astype(dtype))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 3, 2, 2), (4, 3, 1, 3)])
def test_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(list(shape))
    layer = make(rng)
    errors = check_layer(layer, rng.standard_normal(shape))
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < 1e-6, errors


def test_each_channel_of_each_image_is_standardised():
    rng = np.random.default_rng(0)
    x = 5 + 3 * rng.standard_normal((2, 3, 6, 6))
    out = InstanceNorm(np.ones(3), np.zeros(3), eps=1e-12).forward(x)
    np.testing.assert_allclose(out.mean(axis=(2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(2, 3)), 1, atol=1e-9)


def test_it_is_batch_norm_of_one_image_at_a_time():
    rng = np.random.default_rng(1)
    x, gamma, beta = rng.standard_normal((3, 2, 4, 4)), rng.standard_normal(2), rng.standard_normal(2)
    dout = rng.standard_normal(x.shape)
    inorm = InstanceNorm(gamma.copy(), beta.copy(), eps=1e-5)
    out, dx = inorm.forward(x), inorm.backward(dout)
    for n in range(len(x)):
        bn = BatchNormalization(gamma.copy(), beta.copy(), eps=1e-5)
        np.testing.assert_allclose(bn.forward(x[n:n + 1]), out[n:n + 1], atol=1e-12)
        np.testing.assert_allclose(bn.backward(dout[n:n + 1]), dx[n:n + 1], atol=1e-12)


def test_float32_in_float32_out_and_inputs_left_alone():
    rng = np.random.default_rng(2)
    layer = make(rng, np.float32)
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    dout = rng.standard_normal(x.shape).astype(np.float32)
    x0, d0 = x.copy(), dout.copy()
    assert layer.forward(x).dtype == np.float32 and layer.backward(dout).dtype == np.float32
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, d0)


@pytest.mark.parametrize("shape, match", [((2, 3), "images"), ((2, 4, 3, 3), "C = 3"), ((2, 3, 1, 1), "2 pixels")])
def test_bad_input_is_named(shape, match):
    with pytest.raises(ValueError, match=match):
        InstanceNorm(np.ones(3), np.zeros(3)).forward(np.zeros(shape))


def test_matches_torch_when_installed():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: the live comparison with torch.nn.InstanceNorm2d is skipped"
    )
    rng = np.random.default_rng(3)
    x, gamma, beta = rng.standard_normal((2, 3, 5, 5)), rng.standard_normal(3), rng.standard_normal(3)
    ours = InstanceNorm(gamma, beta).forward(x)
    layer = torch.nn.InstanceNorm2d(3, affine=True).double()
    with torch.no_grad():
        layer.weight[:] = torch.from_numpy(gamma)
        layer.bias[:] = torch.from_numpy(beta)
        theirs = layer(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-10)
