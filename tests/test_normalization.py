"""dl_notes.normalization: batch, layer and instance normalisation: their definitions, PyTorch
reference values and bad input (the layer contract and gradient checks of BatchNormalization and
LayerNorm run with every layer in test_layers.py)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import check_layer
from dl_notes.normalization import BatchNormalization, InstanceNorm, LayerNorm
from _reference import SOURCES, recorder, reference

BN_MOMENTUM, BN_EPS, LN_EPS = (getattr(recorder("layers"), k) for k in ("BN_MOMENTUM", "BN_EPS", "LN_EPS"))


# --- batch normalisation --------------------------------------------------------------------------

def test_batchnorm_training_output_is_standardised_per_channel():
    rng = np.random.default_rng(10)
    x = 5 * rng.standard_normal((8, 3, 4, 4)) + np.array([1.0, -2.0, 3.0])[None, :, None, None]
    out = BatchNormalization(np.ones(3), np.zeros(3)).forward(x)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, rtol=1e-6)


def test_batchnorm_running_statistics_follow_the_course_formula():
    rng = np.random.default_rng(11)
    bn = BatchNormalization(np.ones(3), np.zeros(3), momentum=0.8)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(4):
        x = 2 * rng.standard_normal((10, 3)) + 1
        bn.forward(x)
        mean = 0.8 * mean + 0.2 * x.mean(axis=0)
        var = 0.8 * var + 0.2 * x.var(axis=0)  # biased, as in the course
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-14)
    x = rng.standard_normal((5, 3))
    np.testing.assert_allclose(bn.forward(x, train_flg=False), (x - mean) / np.sqrt(var + 1e-6), rtol=1e-12)


def test_batchnorm_accepts_a_single_sample_in_inference():
    bn = BatchNormalization(np.ones(3), np.zeros(3))
    np.testing.assert_allclose(bn.forward(np.zeros((1, 3)), train_flg=False), np.zeros((1, 3)))


# --- PyTorch reference values (float32, compared at 1e-5; recorded with the layers' fixture) ------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("layers", request.param)


def close(actual, desired, name=""):
    np.testing.assert_allclose(actual, desired, rtol=1e-5, atol=1e-5, err_msg=name)


def test_batchnorm_training_matches_pytorch(ref):
    bn = BatchNormalization(ref["bn_gamma"].copy(), ref["bn_beta"].copy(), momentum=BN_MOMENTUM, eps=BN_EPS)
    for k in range(len(ref["bn_x"])):
        close(bn.forward(ref["bn_x"][k]), ref["bn_out"][k], f"out step {k}")
        close(bn.backward(ref["bn_dout"][k]), ref["bn_dx"][k], f"dx step {k}")
        close(bn.dgamma, ref["bn_dgamma"][k], f"dgamma step {k}")
        close(bn.dbeta, ref["bn_dbeta"][k], f"dbeta step {k}")
    close(bn.running_mean, ref["bn_running_mean"], "running_mean")


def test_batchnorm_running_variance_maps_to_pytorch_unbiased(ref):
    # Both start at 1 and decay by m per step; PyTorch adds (1 - m) * n/(n - 1) * var, we add
    # (1 - m) * var (biased, the course's formula). So their increments differ by n/(n - 1).
    bn = BatchNormalization(ref["bn_gamma"].copy(), ref["bn_beta"].copy(), momentum=BN_MOMENTUM, eps=BN_EPS)
    steps, n = ref["bn_x"].shape[:2]
    course = np.ones_like(bn.running_var)
    for x in ref["bn_x"]:
        bn.forward(x)
        course = BN_MOMENTUM * course + (1 - BN_MOMENTUM) * x.var(axis=0)
    close(bn.running_var, course, "course formula")
    start = BN_MOMENTUM**steps
    close(ref["bn_running_var"] - start, n / (n - 1) * (bn.running_var - start), "PyTorch = n/(n-1) * ours")


def test_batchnorm_inference_matches_pytorch_given_its_running_statistics(ref):
    bn = BatchNormalization(ref["bn_gamma"].copy(), ref["bn_beta"].copy(), momentum=BN_MOMENTUM, eps=BN_EPS,
                            running_mean=ref["bn_running_mean"].copy(), running_var=ref["bn_running_var"].copy())
    close(bn.forward(ref["bn_eval_x"], train_flg=False), ref["bn_eval_out"], "out")
    close(bn.backward(ref["bn_eval_dout"]), ref["bn_eval_dx"], "dx")
    close(bn.dgamma, ref["bn_eval_dgamma"], "dgamma")
    close(bn.dbeta, ref["bn_eval_dbeta"], "dbeta")


def test_batchnorm_images_match_pytorch_batchnorm2d(ref):
    bn = BatchNormalization(ref["bn2d_gamma"].copy(), ref["bn2d_beta"].copy(), momentum=BN_MOMENTUM, eps=BN_EPS)
    close(bn.forward(ref["bn2d_x"]), ref["bn2d_out"], "out")
    close(bn.backward(ref["bn2d_dout"]), ref["bn2d_dx"], "dx")
    close(bn.dgamma, ref["bn2d_dgamma"], "dgamma")
    close(bn.dbeta, ref["bn2d_dbeta"], "dbeta")
    close(bn.running_mean, ref["bn2d_running_mean"], "running_mean")
    n = ref["bn2d_x"].size // ref["bn2d_x"].shape[1]
    close(ref["bn2d_running_var"] - BN_MOMENTUM, n / (n - 1) * (bn.running_var - BN_MOMENTUM), "running_var")


def test_layernorm_matches_pytorch(ref):
    ln = LayerNorm(ref["ln_gamma"].copy(), ref["ln_beta"].copy(), eps=LN_EPS)
    close(ln.forward(ref["ln_x"]), ref["ln_out"], "out")
    close(ln.backward(ref["ln_dout"]), ref["ln_dx"], "dx")
    close(ln.dgamma, ref["ln_dgamma"], "dgamma")
    close(ln.dbeta, ref["ln_dbeta"], "dbeta")


# --- instance normalisation -----------------------------------------------------------------------

def make_instance_norm(rng, dtype=np.float64, C=3):
    return InstanceNorm((1 + 0.3 * rng.standard_normal(C)).astype(dtype), rng.standard_normal(C).astype(dtype))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 3, 2, 2), (4, 3, 1, 3)])
def test_instance_norm_backward_matches_numerical_gradient(shape):
    rng = np.random.default_rng(list(shape))
    layer = make_instance_norm(rng)
    errors = check_layer(layer, rng.standard_normal(shape))
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < 1e-6, errors


def test_instance_norm_standardises_each_channel_of_each_image():
    rng = np.random.default_rng(0)
    x = 5 + 3 * rng.standard_normal((2, 3, 6, 6))
    out = InstanceNorm(np.ones(3), np.zeros(3), eps=1e-12).forward(x)
    np.testing.assert_allclose(out.mean(axis=(2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(2, 3)), 1, atol=1e-9)


def test_instance_norm_is_batch_norm_of_one_image_at_a_time():
    rng = np.random.default_rng(1)
    x, gamma, beta = rng.standard_normal((3, 2, 4, 4)), rng.standard_normal(2), rng.standard_normal(2)
    dout = rng.standard_normal(x.shape)
    inorm = InstanceNorm(gamma.copy(), beta.copy(), eps=1e-5)
    out, dx = inorm.forward(x), inorm.backward(dout)
    for n in range(len(x)):
        bn = BatchNormalization(gamma.copy(), beta.copy(), eps=1e-5)
        np.testing.assert_allclose(bn.forward(x[n:n + 1]), out[n:n + 1], atol=1e-12)
        np.testing.assert_allclose(bn.backward(dout[n:n + 1]), dx[n:n + 1], atol=1e-12)


def test_instance_norm_is_the_pages_definition():
    """docs/batch_norm and docs/framework_exercise define instance normalisation (Ulyanov et al.,
    PyTorch's InstanceNorm2d): mean and variance per image and channel over H x W, then a scale
    gamma_c and shift beta_c per channel. dl_notes' InstanceNorm is exactly that formula."""
    rng = np.random.default_rng(3)
    N, C, H, W = 2, 3, 4, 5
    x = 4 * rng.standard_normal((N, C, H, W)) + rng.standard_normal((N, C, 1, 1))
    gamma, beta, eps = rng.standard_normal(C), rng.standard_normal(C), 1e-5
    mu = np.empty((N, C))
    var = np.empty((N, C))
    for n in range(N):  # the formula, written out: one group per (n, c)
        for c in range(C):
            mu[n, c] = x[n, c].sum() / (H * W)
            var[n, c] = ((x[n, c] - mu[n, c]) ** 2).sum() / (H * W)
    expected = (gamma[:, None, None] * (x - mu[:, :, None, None]) / np.sqrt(var[:, :, None, None] + eps)
                + beta[:, None, None])
    layer = InstanceNorm(gamma.copy(), beta.copy(), eps=eps)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)
    assert layer.gamma.shape == layer.beta.shape == (C,)
    layer.backward(np.ones_like(x))
    assert layer.dgamma.shape == layer.dbeta.shape == (C,)


def test_instance_norm_wants_one_gamma_per_channel():
    with pytest.raises(ValueError, match="gamma"):
        InstanceNorm(np.ones((4, 4)), np.zeros((4, 4)))


def test_layernorm_over_h_w_is_instance_norm_with_a_per_pixel_scale():
    """The other reading the page mentions: LayerNorm with gamma of shape (H, W) standardises the
    same groups; only its scale and shift are per pixel instead of per channel."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 4, 4))
    per_channel = InstanceNorm(np.ones(3), np.zeros(3)).forward(x)
    per_pixel = LayerNorm(np.ones((4, 4)), np.zeros((4, 4))).forward(x)
    np.testing.assert_allclose(per_pixel, per_channel, atol=1e-12)
    gamma_c = rng.standard_normal(3)
    per_channel = InstanceNorm(gamma_c.copy(), np.zeros(3)).forward(x)
    assert not np.allclose(LayerNorm(np.ones((4, 4)), np.zeros((4, 4))).forward(x), per_channel)


# --- where dl_notes differs from the book's BatchNormalization -------------------------------------

def book_batchnorm(batches, x_test, momentum=0.9, eps=1e-6):
    """The book's common/layers.py BatchNormalization, formula by formula (gamma 1, beta 0):
    4-D input flattened to (N, C*H*W), running statistics starting at zeros."""
    shape = x_test.shape
    running_mean = running_var = None
    for x in batches:
        x = x.reshape(len(x), -1)
        if running_mean is None:
            running_mean, running_var = np.zeros(x.shape[1]), np.zeros(x.shape[1])
        mu, var = x.mean(axis=0), np.mean((x - x.mean(axis=0)) ** 2, axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
    x = x_test.reshape(len(x_test), -1)
    return ((x - running_mean) / np.sqrt(running_var + eps)).reshape(shape)


def test_batchnorm_with_zero_running_variance_reproduces_the_book():
    """The page's example: pass running_var=zeros to get the book's (and course's) numbers."""
    batches = [np.array([[1.0], [3.0]]), np.array([[5.0], [7.0]])]
    x = np.array([[4.0]])
    book = BatchNormalization(np.ones(1), np.zeros(1), running_var=np.zeros(1))
    ours = BatchNormalization(np.ones(1), np.zeros(1))
    for batch in batches:
        book.forward(batch)
        ours.forward(batch)
    np.testing.assert_allclose(book.forward(x, train_flg=False), book_batchnorm(batches, x), rtol=1e-12)
    np.testing.assert_allclose(book.running_var, [0.19])
    np.testing.assert_allclose(ours.running_var, [1.0])
    assert not np.allclose(ours.forward(x, train_flg=False), book_batchnorm(batches, x))


def test_the_starting_running_variance_fades_as_momentum_to_the_k():
    """After k training steps the two starting values (0 and 1) leave a difference of m**k."""
    rng = np.random.default_rng(5)
    zeros = BatchNormalization(np.ones(2), np.zeros(2), running_var=np.zeros(2))
    ones = BatchNormalization(np.ones(2), np.zeros(2))
    for k in range(1, 31):
        x = rng.standard_normal((4, 2))
        zeros.forward(x)
        ones.forward(x)
        np.testing.assert_allclose(ones.running_var - zeros.running_var, 0.9 ** k, rtol=1e-10)


def test_book_per_pixel_batchnorm_of_images_is_2d_batchnorm_after_reshaping():
    """The book normalises images per pixel: dl_notes gives the same numbers on x.reshape(N, -1)
    with gamma of size C*H*W, and different ones with its per-channel gamma of size C."""
    rng = np.random.default_rng(6)
    batches = [rng.standard_normal((5, 2, 3, 3)) + rng.standard_normal((1, 2, 3, 3)) for _ in range(3)]
    x = rng.standard_normal((4, 2, 3, 3))
    bn = BatchNormalization(np.ones(18), np.zeros(18), running_var=np.zeros(18))
    for batch in batches:
        bn.forward(batch.reshape(5, -1))
    np.testing.assert_allclose(bn.forward(x.reshape(4, -1), train_flg=False).reshape(x.shape),
                               book_batchnorm(batches, x), rtol=1e-10)
    per_channel = BatchNormalization(np.ones(2), np.zeros(2)).forward(batches[0])
    per_pixel = BatchNormalization(np.ones(18), np.zeros(18)).forward(batches[0].reshape(5, -1))
    assert np.abs(per_pixel.reshape(batches[0].shape) - per_channel).max() > 0.1


def test_instance_norm_float32_in_float32_out_and_inputs_left_alone():
    rng = np.random.default_rng(2)
    layer = make_instance_norm(rng, np.float32)
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    dout = rng.standard_normal(x.shape).astype(np.float32)
    x0, d0 = x.copy(), dout.copy()
    assert layer.forward(x).dtype == np.float32 and layer.backward(dout).dtype == np.float32
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, d0)


@pytest.mark.parametrize("shape, match", [((2, 3), "images"), ((2, 4, 3, 3), "C = 3"), ((2, 3, 1, 1), "2 pixels")])
def test_instance_norm_bad_input_is_named(shape, match):
    with pytest.raises(ValueError, match=match):
        InstanceNorm(np.ones(3), np.zeros(3)).forward(np.zeros(shape))


def test_instance_norm_matches_torch_when_installed():
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


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("build, error, message", [
    (lambda: BatchNormalization(np.ones(2), np.zeros(3)), ValueError, r"beta must have the shape of gamma \(2,\), got \(3,\)"),
    (lambda: BatchNormalization(np.ones(2), np.zeros(2), momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
    (lambda: LayerNorm(np.ones(2), np.zeros(2), eps=0), ValueError, "eps must be > 0, got 0.0"),
], ids=["bn-beta", "bn-momentum", "ln-eps"])
def test_bad_construction_is_named(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize("call, error, message", [
    (lambda: BatchNormalization(np.ones(3), np.zeros(3)).forward(np.ones((1, 3))), ValueError,
     r"BatchNormalization in training needs at least 2 values per feature, got x of shape \(1, 3\); "
     r"use a batch of N >= 2, or train_flg=False for one sample"),
    (lambda: BatchNormalization(np.ones(3), np.zeros(3)).forward(np.ones((2, 3, 4))), ValueError,
     r"x must be 2-D \(N, D\) or 4-D \(N, C, H, W\), got shape \(2, 3, 4\)"),
    (lambda: BatchNormalization(np.ones(3), np.zeros(3)).forward(np.ones((2, 4, 5, 5))), ValueError,
     r"x has 4 channels \(shape \(2, 4, 5, 5\)\), but gamma has shape \(3,\)"),
    (lambda: LayerNorm(np.ones(3), np.zeros(3)).forward(np.ones((2, 4))), ValueError,
     r"x must end with axes of shape \(3,\) after a batch axis \(the shape of gamma\), got shape \(2, 4\)"),
], ids=["bn-batch-of-one", "bn-3d", "bn-channels", "ln-shape"])
def test_bad_forward_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
