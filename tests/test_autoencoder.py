"""dl_notes.autoencoder: the KL closed form (against Monte Carlo and PyTorch), the reparameterised
gradient with the noise held fixed, float64 gradient checks of both models, and bad input refused."""

from __future__ import annotations

import numpy as np
import pytest
from _reference import SOURCES, reference

from dl_notes.autoencoder import (VAE, Autoencoder, Reparameterize, bernoulli_nll, bernoulli_nll_grad, gaussian_kl,
                                  gaussian_kl_grad)
from dl_notes.gradcheck import numerical_gradient, relative_error


def _gaussians(seed: int = 0, n: int = 3, k: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, k)), rng.normal(scale=0.7, size=(n, k))


def test_kl_is_zero_only_at_the_prior_and_positive_elsewhere():
    mu, log_var = _gaussians()
    assert np.all(gaussian_kl(mu, log_var) > 0)
    np.testing.assert_array_equal(gaussian_kl(np.zeros((2, 3)), np.zeros((2, 3))), [0.0, 0.0])


def test_kl_closed_form_matches_a_monte_carlo_estimate():
    """KL = E_q[log q(z) - log p(z)], estimated from 200,000 samples of z ~ q = N(mu, sigma^2)."""
    mu, log_var = np.array([[0.8, -1.5]]), np.array([[-0.6, 0.9]])
    sigma = np.exp(0.5 * log_var)
    z = mu + sigma * np.random.default_rng(3).standard_normal((200_000, 2))
    log_q = -0.5 * (((z - mu) / sigma) ** 2 + log_var + np.log(2 * np.pi))
    log_p = -0.5 * (z**2 + np.log(2 * np.pi))
    samples = np.sum(log_q - log_p, axis=1)
    estimate, stderr = samples.mean(), samples.std() / np.sqrt(len(samples))
    assert abs(gaussian_kl(mu, log_var)[0] - estimate) < 4 * stderr


def test_kl_gradient_is_the_numerical_one():
    mu, log_var = _gaussians(1)
    dmu, dlog_var = gaussian_kl_grad(mu, log_var)
    assert relative_error(dmu, numerical_gradient(lambda _: gaussian_kl(mu, log_var).sum(), mu)) < 1e-8
    assert relative_error(dlog_var, numerical_gradient(lambda _: gaussian_kl(mu, log_var).sum(), log_var)) < 1e-8


@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("vae", request.param)


def test_kl_and_its_gradient_match_pytorch(ref):
    np.testing.assert_allclose(gaussian_kl(ref["mu"], ref["log_var"]), ref["kl"], rtol=1e-12)
    dmu, dlog_var = gaussian_kl_grad(ref["mu"], ref["log_var"])
    np.testing.assert_allclose(dmu, ref["kl_dmu"], rtol=1e-12)
    np.testing.assert_allclose(dlog_var, ref["kl_dlog_var"], rtol=1e-12)


def _tiny_vae(ref) -> VAE:
    vae = VAE(input_size=6, hidden_size=4, latent_size=2, dtype=np.float64)
    for key, value in vae.params.items():
        value[...] = ref[key]
    return vae


def test_a_tiny_vae_matches_pytorch(ref):
    vae = _tiny_vae(ref)
    grads = vae.gradient(ref["x"], ref["eps"])
    assert vae.last_reconstruction == pytest.approx(float(ref["vae_reconstruction"]), rel=1e-12)
    assert vae.last_kl == pytest.approx(float(ref["vae_kl"]), rel=1e-12)
    for key, grad in grads.items():
        np.testing.assert_allclose(grad, ref[f"grad/{key}"], rtol=1e-10, atol=1e-14, err_msg=key)


def test_bernoulli_nll_is_the_binary_cross_entropy_of_the_sigmoid():
    rng = np.random.default_rng(2)
    a, x = rng.normal(size=(4, 5)), rng.random((4, 5))
    p = 1 / (1 + np.exp(-a))
    np.testing.assert_allclose(bernoulli_nll(a, x), -np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1))
    assert relative_error(bernoulli_nll_grad(a, x), numerical_gradient(lambda _: bernoulli_nll(a, x).sum(), a)) < 1e-8


def test_reparameterised_sample_gradient_with_the_noise_held_fixed():
    """The gradient reaches mu and log sigma^2 because eps is an input: check it numerically."""
    mu, log_var = _gaussians(4, n=4, k=3)
    eps = np.random.default_rng(5).standard_normal(mu.shape)
    dz = np.random.default_rng(6).standard_normal(mu.shape)
    layer = Reparameterize()

    def scalar(_):
        return np.sum(layer.forward(mu, log_var, eps) * dz)

    scalar(None)
    dmu, dlog_var = layer.backward(dz)
    assert relative_error(dmu, numerical_gradient(scalar, mu)) < 1e-8
    assert relative_error(dlog_var, numerical_gradient(scalar, log_var)) < 1e-8


def test_reparameterised_samples_have_the_gaussian_s_mean_and_spread():
    mu, log_var = np.array([[1.0, -2.0]]), np.log([[0.25, 4.0]])
    eps = np.random.default_rng(7).standard_normal((100_000, 2))
    z = Reparameterize().forward(np.repeat(mu, len(eps), 0), np.repeat(log_var, len(eps), 0), eps)
    np.testing.assert_allclose(z.mean(axis=0), mu[0], atol=0.02)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0], rtol=0.01)


@pytest.mark.parametrize("model", ["autoencoder", "vae"])
def test_whole_model_gradient_check_in_float64(model):
    rng = np.random.default_rng(8)
    x = rng.random((4, 7))
    if model == "vae":
        net, eps = VAE(input_size=7, hidden_size=5, latent_size=3, seed=1, dtype=np.float64), rng.standard_normal((4, 3))
        grads, loss = net.gradient(x, eps), (lambda _: net.loss(x, eps))
    else:
        net = Autoencoder(input_size=7, hidden_size=5, latent_size=3, seed=1, dtype=np.float64)
        grads, loss = net.gradient(x), (lambda _: net.loss(x))
    for key, param in net.params.items():
        assert relative_error(grads[key], numerical_gradient(loss, param)) < 1e-7, key


def test_vae_loss_is_the_sum_of_its_two_terms():
    rng = np.random.default_rng(9)
    vae = VAE(input_size=5, hidden_size=4, latent_size=2, dtype=np.float64)
    x = rng.random((3, 5))
    vae.gradient(x, np.zeros((3, 2)))
    mu, log_var = vae.encode(x)
    assert vae.last_kl == pytest.approx(gaussian_kl(mu, log_var).mean())
    assert vae.last_loss == pytest.approx(vae.last_reconstruction + vae.last_kl)


def test_models_keep_their_dtype_and_draw_noise_from_rng():
    vae = VAE(input_size=4, hidden_size=3)
    x = np.random.default_rng(0).random((2, 4))
    assert vae.decode(np.zeros((1, 2))).dtype == np.float32
    assert vae.loss(x, rng=np.random.default_rng(1)) == vae.loss(x, rng=np.random.default_rng(1))
    grads = vae.gradient(x, rng=np.random.default_rng(1))
    assert all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize("call, error, match", [
    (lambda: gaussian_kl(np.zeros((2, 2)), np.zeros((2, 3))), ValueError, "same shape"),
    (lambda: gaussian_kl(np.zeros(2), np.zeros(2)), ValueError, r"mu must be 2-D \(N, K\)"),
    (lambda: bernoulli_nll(np.zeros((1, 2)), np.array([[0.0, 255.0]])), ValueError, r"pixels in \[0, 1\]"),
    (lambda: Reparameterize().forward(np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((2, 2))), ValueError,
     "eps must have the shape of mu"),
    (lambda: Reparameterize().backward(np.zeros((1, 2))), RuntimeError, "call forward first"),
    (lambda: Autoencoder(latent_size=0), ValueError, "latent_size"),
    (lambda: Autoencoder(input_size=4).loss(np.zeros((2, 5))), ValueError, "x must have 4 columns"),
    (lambda: VAE(input_size=4).gradient(np.zeros((2, 4)), np.zeros((3, 2))), ValueError, "one row per image"),
    (lambda: VAE(input_size=4).decode(np.zeros((1, 3))), ValueError, "z must have 2 columns"),
])
def test_bad_input_is_refused_with_a_message(call, error, match):
    with pytest.raises(error, match=match):
        call()
