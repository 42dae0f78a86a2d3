r"""Autoencoders and the variational autoencoder (VAE), built from `Affine` and `Relu` layers.

An autoencoder maps an input $x$ through an encoder to a short code $z$ (the bottleneck) and
back through a decoder to a reconstruction $\hat x$; it learns from $x$ alone, with no labels.
The VAE makes the code a random variable: the encoder gives the mean $\mu$ and the log-variance
$\log \sigma^2$ of a Gaussian, a code is drawn as $z = \mu + \sigma \odot \varepsilon$ with
$\varepsilon \sim \mathcal N(0, I)$ (the reparameterisation trick, `Reparameterize`), and the
loss adds to the reconstruction error the KL divergence of that Gaussian from the prior
$\mathcal N(0, I)$ (`gaussian_kl`).

Both models take pixels in [0, 1] and score a reconstruction with the binary cross-entropy of
the decoder's logits (`bernoulli_nll`), summed over the pixels and averaged over the batch.
Parameters live in a ``params`` dict (``enc_W1``, ``enc_b1``, ..., ``dec_W1``, ...) and
``gradient`` returns a dict with the same keys, for `dl_notes.optim.Adam`.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, batch, count, float_dtype, forward_cache, generator, upstream_gradient
from .activations import sigmoid
from .init import he_normal
from .layers import Affine, Relu

__all__ = ["gaussian_kl", "gaussian_kl_grad", "bernoulli_nll", "bernoulli_nll_grad", "Reparameterize",
           "Autoencoder", "VAE"]


def _mean_log_var(where: str, mu: object, log_var: object) -> tuple[np.ndarray, np.ndarray]:
    mu = array(f"{where}: mu", mu, ndim=2, layout="(N, K)")
    log_var = array(f"{where}: log_var", log_var, ndim=2, layout="(N, K)")
    if mu.shape != log_var.shape:
        raise ValueError(f"{where}: mu and log_var must have the same shape (N, K), got {mu.shape} and {log_var.shape}")
    return mu, log_var


def gaussian_kl(mu: np.ndarray, log_var: np.ndarray, prior_mu: np.ndarray | None = None,
                prior_log_var: np.ndarray | None = None) -> np.ndarray:
    r"""KL divergence of $\mathcal N(\mu, \operatorname{diag}\sigma^2)$ from a prior, $\mathcal N(0, I)$ by default, per sample.

    $$
    D_\mathrm{KL}\bigl(\mathcal N(\mu, \sigma^2) \,\|\, \mathcal N(0, I)\bigr)
    = \frac{1}{2} \sum_{k=1}^{K} \bigl(\mu_k^2 + \sigma_k^2 - \log \sigma_k^2 - 1\bigr)
    $$

    Each term is $\ge 0$ and is 0 only for $\mu_k = 0$, $\sigma_k = 1$: the KL term of the
    VAE's loss pulls every code distribution towards the prior. A prior of its own,
    $\mathcal N(\mu_p, \operatorname{diag}\sigma_p^2)$ (VHRED computes one from the
    conversation), gives the general form, which is the one above for $\mu_p = 0$, $\sigma_p = 1$:

    $$
    D_\mathrm{KL}\bigl(\mathcal N(\mu, \sigma^2) \,\|\, \mathcal N(\mu_p, \sigma_p^2)\bigr)
    = \frac{1}{2} \sum_{k=1}^{K} \Bigl(\log \frac{\sigma_{p,k}^2}{\sigma_k^2}
    + \frac{\sigma_k^2 + (\mu_k - \mu_{p,k})^2}{\sigma_{p,k}^2} - 1\Bigr)
    $$

    Parameters
    ----------
    mu, log_var : ndarray, shape (N, K)
        The means and the log-variances $\log \sigma^2$ of N diagonal Gaussians in K dimensions.
    prior_mu, prior_log_var : ndarray, shape (N, K), optional
        The prior's means and log-variances, one prior per sample; both or neither.
        Without them the prior is $\mathcal N(0, I)$.

    Returns
    -------
    ndarray, shape (N,)
        One divergence per sample (in nats).

    Raises
    ------
    ValueError
        If the arrays are not 2-D of one shape, or only one of the prior's two arrays is given.

    See Also
    --------
    gaussian_kl_grad : its gradient against $\mathcal N(0, I)$.
    VAE : whose loss adds its batch mean; the page "Autoencoders and the VAE".
    dl_notes.hred.vhred_loss : VHRED's loss, with the prior computed from the context.

    Examples
    --------
    >>> gaussian_kl(np.array([[0.0, 0.0], [1.0, 0.0]]), np.zeros((2, 2)))
    array([0. , 0.5])
    >>> float(gaussian_kl(np.zeros((1, 1)), np.log([[4.0]]))[0])   # sigma = 2: (4 - log 4 - 1) / 2
    0.8068528194400546
    >>> mu = np.array([[1.0, 0.0]])
    >>> gaussian_kl(mu, np.zeros((1, 2)), prior_mu=mu, prior_log_var=np.zeros((1, 2)))  # q = p
    array([0.])
    """
    mu, log_var = _mean_log_var("gaussian_kl", mu, log_var)
    if prior_mu is None and prior_log_var is None:
        return 0.5 * np.sum(mu**2 + np.exp(log_var) - log_var - 1, axis=1)
    if prior_mu is None or prior_log_var is None:
        raise ValueError("gaussian_kl: give both prior_mu and prior_log_var, or neither (the prior N(0, I))")
    prior_mu, prior_log_var = _mean_log_var("gaussian_kl (prior)", prior_mu, prior_log_var)
    if prior_mu.shape != mu.shape:
        raise ValueError(f"gaussian_kl: the prior must have the shape of mu {mu.shape}, got {prior_mu.shape}")
    return 0.5 * np.sum(prior_log_var - log_var + np.exp(log_var - prior_log_var)
                        + (mu - prior_mu) ** 2 * np.exp(-prior_log_var) - 1, axis=1)


def gaussian_kl_grad(mu: np.ndarray, log_var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradient of `gaussian_kl` of each sample with respect to $\mu$ and $\log \sigma^2$.

    $$
    \frac{\partial D_\mathrm{KL}}{\partial \mu_k} = \mu_k, \qquad
    \frac{\partial D_\mathrm{KL}}{\partial \log \sigma_k^2} = \frac{1}{2}\bigl(\sigma_k^2 - 1\bigr)
    $$

    Returns
    -------
    dmu, dlog_var : ndarray, shape (N, K)

    Examples
    --------
    >>> dmu, dlog_var = gaussian_kl_grad(np.array([[1.0, 0.0]]), np.log([[1.0, 3.0]]))
    >>> dmu, dlog_var.round(6)
    (array([[1., 0.]]), array([[0., 1.]]))
    """
    mu, log_var = _mean_log_var("gaussian_kl_grad", mu, log_var)
    return mu.copy(), 0.5 * (np.exp(log_var) - 1)


def _logits_targets(where: str, a: object, x: object) -> tuple[np.ndarray, np.ndarray]:
    a = array(f"{where}: a", a, ndim=2, layout="(N, D)")
    x = array(f"{where}: x", x, ndim=2, layout="(N, D)")
    if a.shape != x.shape:
        raise ValueError(f"{where}: a and x must have the same shape (N, D), got {a.shape} and {x.shape}")
    if x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"{where}: x must hold pixels in [0, 1] (load_mnist(normalize=True)), "
                         f"got values from {x.min()} to {x.max()}")
    return a, x


def bernoulli_nll(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Binary cross-entropy of pixels ``x`` under the logits ``a``, summed over the pixels of each sample.

    With $\hat x = \sigma(a)$ the decoder's output,

    $$
    \ell(a, x) = -\sum_{d} \bigl(x_d \log \hat x_d + (1 - x_d) \log(1 - \hat x_d)\bigr)
    = \sum_{d} \bigl(\log(1 + e^{a_d}) - x_d a_d\bigr)
    $$

    computed in the second form, which never takes the log of 0 (``np.logaddexp(0, a)``).
    It is the negative log-likelihood of $x$ when each pixel is a Bernoulli variable with
    probability $\hat x_d$ (grey pixels in (0, 1) are allowed, as in MNIST).

    Parameters
    ----------
    a : ndarray, shape (N, D)
        Logits, the decoder's last affine output.
    x : ndarray, shape (N, D)
        Targets in [0, 1].

    Returns
    -------
    ndarray, shape (N,)

    Raises
    ------
    ValueError
        If the shapes differ or ``x`` leaves [0, 1].

    Examples
    --------
    >>> bernoulli_nll(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]])).round(6)   # 2 log 2
    array([1.386294])
    >>> bernoulli_nll(np.array([[800.0]]), np.array([[1.0]]))                    # no overflow
    array([0.])
    """
    a, x = _logits_targets("bernoulli_nll", a, x)
    return np.sum(np.logaddexp(0, a) - x * a, axis=1)


def bernoulli_nll_grad(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    r"""Gradient of `bernoulli_nll` with respect to the logits: $\partial \ell / \partial a = \sigma(a) - x$.

    Examples
    --------
    >>> bernoulli_nll_grad(np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]))
    array([[-0.5,  0.5]])
    """
    a, x = _logits_targets("bernoulli_nll_grad", a, x)
    return sigmoid(a) - x


class Reparameterize:
    r"""The reparameterisation trick: a Gaussian sample as a differentiable function of $\mu$ and $\log \sigma^2$.

    $$
    z = \mu + \sigma \odot \varepsilon, \quad \sigma = e^{\frac{1}{2} \log \sigma^2}, \qquad
    \frac{\partial L}{\partial \mu} = \frac{\partial L}{\partial z}, \quad
    \frac{\partial L}{\partial \log \sigma^2} = \frac{\partial L}{\partial z} \odot \frac{1}{2} \sigma \odot \varepsilon
    $$

    The noise $\varepsilon \sim \mathcal N(0, I)$ is an input, like the data: sampling
    $z \sim \mathcal N(\mu, \sigma^2)$ directly would leave no path for the gradient, while
    here $z$ is an ordinary function of $\mu$ and $\log \sigma^2$ and has the same distribution.

    Attributes
    ----------
    sigma, eps : ndarray, shape (N, K)
        Cached by ``forward`` for ``backward``.

    See Also
    --------
    VAE : which uses it between its encoder and its decoder.

    Examples
    --------
    >>> layer = Reparameterize()
    >>> layer.forward(np.array([[1.0, 0.0]]), np.log([[4.0, 1.0]]), np.array([[0.5, -1.0]]))
    array([[ 2., -1.]])
    >>> dmu, dlog_var = layer.backward(np.array([[1.0, 1.0]]))
    >>> dmu, dlog_var                                     # 0.5 * sigma * eps
    (array([[1., 1.]]), array([[ 0.5, -0.5]]))
    """

    def __init__(self) -> None:
        self.sigma: np.ndarray | None = None
        self.eps: np.ndarray | None = None

    def forward(self, mu: np.ndarray, log_var: np.ndarray, eps: np.ndarray) -> np.ndarray:
        mu, log_var = _mean_log_var("Reparameterize.forward", mu, log_var)
        eps = array("Reparameterize.forward: eps", eps, ndim=2, layout="(N, K)")
        if eps.shape != mu.shape:
            raise ValueError(f"Reparameterize.forward: eps must have the shape of mu {mu.shape}, got {eps.shape}")
        self.sigma = np.exp(0.5 * log_var)
        self.eps = eps
        return mu + self.sigma * eps

    def backward(self, dz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sigma = forward_cache("Reparameterize.backward", self.sigma)
        dz = upstream_gradient("Reparameterize.backward", dz, sigma.shape, sigma.dtype)
        return dz.copy(), dz * 0.5 * sigma * self.eps


class _Mlp:
    """Affine layers with ReLU between them (none after the last), keyed ``<prefix>W1``, ``<prefix>b1``, ..."""

    def __init__(self, sizes: list[int], prefix: str, rng: np.random.Generator, dtype: np.dtype, *,
                 data_input: bool = False) -> None:
        self.layers: list = []
        self.params: dict[str, np.ndarray] = {}
        self.keys: list[tuple[Affine, str, str]] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            if i > 1:
                self.layers.append(Relu())
            W, b = he_normal((n_in, n_out), rng=rng, dtype=dtype), np.zeros(n_out, dtype=dtype)
            layer = Affine(W, b, input_grad=i > 1 or not data_input)  # no gradient for the data itself
            self.layers.append(layer)
            self.params[f"{prefix}W{i}"], self.params[f"{prefix}b{i}"] = W, b
            self.keys.append((layer, f"{prefix}W{i}", f"{prefix}b{i}"))

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def grads(self) -> dict[str, np.ndarray]:
        return {key: g for layer, kW, kb in self.keys for key, g in ((kW, layer.dW), (kb, layer.db))}


class Autoencoder:
    r"""An MLP autoencoder: encoder $x \to z$ (the bottleneck), decoder $z \to \hat x$, trained to give back $x$.

    $$
    z = f_\text{enc}(x), \qquad \hat x = \sigma\bigl(f_\text{dec}(z)\bigr), \qquad
    L = \frac{1}{N} \sum_{n} \ell\bigl(f_\text{dec}(f_\text{enc}(x_n)), x_n\bigr)
    $$

    $f_\text{enc}$ is Affine → ReLU → Affine (D → H → K), $f_\text{dec}$ is Affine → ReLU →
    Affine (K → H → D), and $\ell$ is `bernoulli_nll`. The code $z$ is linear (no activation):
    with K < D it must keep what is needed to redraw $x$. No label is used: the input is its own
    target, which makes this unsupervised learning.

    Parameters
    ----------
    input_size : int, default 784
        D, the pixels of an image (28 × 28).
    hidden_size : int, default 128
        H, the hidden layer of the encoder and of the decoder.
    latent_size : int, default 16
        K, the size of the code.
    seed : int, default 0
        Seed of the He-initialised weights (biases start at 0).
    dtype : float32 or float64, default float32

    Attributes
    ----------
    params : dict of str to ndarray
        ``enc_W1``, ``enc_b1``, ``enc_W2``, ``enc_b2``, ``dec_W1``, ..., ``dec_b2``.
    last_loss : float or None
        The loss of the last `gradient`.

    See Also
    --------
    VAE : the variational version; the page "Autoencoders and the VAE".

    Examples
    --------
    >>> ae = Autoencoder(input_size=6, hidden_size=4, latent_size=2, dtype=np.float64)
    >>> {key: value.shape for key, value in ae.params.items()}
    {'enc_W1': (6, 4), 'enc_b1': (4,), 'enc_W2': (4, 2), 'enc_b2': (2,), 'dec_W1': (2, 4), 'dec_b1': (4,), 'dec_W2': (4, 6), 'dec_b2': (6,)}
    >>> x = np.random.default_rng(0).random((3, 6))
    >>> ae.encode(x).shape, ae.reconstruct(x).shape
    ((3, 2), (3, 6))
    >>> grads = ae.gradient(x)
    >>> sorted(grads) == sorted(ae.params), ae.last_loss == ae.loss(x)
    (True, True)
    """

    code_factor = 1  # the encoder outputs code_factor * latent_size numbers

    def __init__(self, input_size: int = 784, hidden_size: int = 128, latent_size: int = 16, *, seed: int = 0,
                 dtype=np.float32) -> None:
        self.input_size = count("input_size", input_size)
        self.hidden_size = count("hidden_size", hidden_size)
        self.latent_size = count("latent_size", latent_size)
        self.dtype = float_dtype(dtype)
        rng = generator(seed=seed)
        self.encoder = _Mlp([input_size, hidden_size, self.code_factor * latent_size], "enc_", rng, self.dtype,
                            data_input=True)
        self.decoder = _Mlp([latent_size, hidden_size, input_size], "dec_", rng, self.dtype)
        self.params = {**self.encoder.params, **self.decoder.params}
        self.last_loss: float | None = None

    def _input(self, where: str, x: object, size: int, name: str = "x") -> np.ndarray:
        x = array(f"{type(self).__name__}.{where}: {name}", batch(f"{type(self).__name__}.{where}", x, name),
                  ndim=2, layout=f"(N, {size})")
        if x.shape[1] != size:
            raise ValueError(f"{type(self).__name__}.{where}: {name} must have {size} columns, got shape {x.shape}")
        return x.astype(self.dtype, copy=False)

    def encode(self, x: np.ndarray) -> np.ndarray:
        """The code $z$ of each image, shape (N, K)."""
        return self.encoder.forward(self._input("encode", x, self.input_size))

    def decode(self, z: np.ndarray) -> np.ndarray:
        r"""The image $\hat x = \sigma(f_\text{dec}(z))$ for each code, shape (N, D), in (0, 1)."""
        return sigmoid(self.decoder.forward(self._input("decode", z, self.latent_size, "z")))

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        """``decode(encode(x))``."""
        return self.decode(self.encode(x))

    def loss(self, x: np.ndarray) -> float:
        """The mean over the batch of the summed binary cross-entropy of the reconstruction."""
        x = self._input("loss", x, self.input_size)
        return float(np.mean(bernoulli_nll(self.decoder.forward(self.encode(x)), x)))

    def gradient(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The gradient of `loss` for every parameter, by backpropagation; sets ``last_loss``."""
        x = self._input("gradient", x, self.input_size)
        a = self.decoder.forward(self.encoder.forward(x))  # (N, D) logits
        self.last_loss = float(np.mean(bernoulli_nll(a, x)))
        self.encoder.backward(self.decoder.backward(bernoulli_nll_grad(a, x) / len(x)))
        return {**self.encoder.grads(), **self.decoder.grads()}


class VAE(Autoencoder):
    r"""A variational autoencoder: the encoder gives a Gaussian over codes, and the loss adds its KL from $\mathcal N(0, I)$.

    $$
    [\mu, \log \sigma^2] = f_\text{enc}(x), \quad z = \mu + \sigma \odot \varepsilon, \quad
    \varepsilon \sim \mathcal N(0, I), \qquad
    L = \frac{1}{N} \sum_{n} \Bigl(\ell\bigl(f_\text{dec}(z_n), x_n\bigr)
    + D_\mathrm{KL}\bigl(\mathcal N(\mu_n, \sigma_n^2) \,\|\, \mathcal N(0, I)\bigr)\Bigr)
    $$

    The encoder's last layer has 2K outputs: the first K are $\mu$, the last K are
    $\log \sigma^2$ (the log keeps $\sigma^2 > 0$ without a constraint). The decoder is that of
    `Autoencoder`; to generate an image, decode a $z$ drawn from the prior $\mathcal N(0, I)$.
    The loss is the negative evidence lower bound (ELBO) estimated with one sample of
    $\varepsilon$ per image. ``gradient`` takes $\varepsilon$ as an argument (or draws it from
    ``rng``), so that a gradient check can hold it fixed.

    Parameters
    ----------
    input_size, hidden_size, seed, dtype
        As for `Autoencoder`.
    latent_size : int, default 2
        K; 2 lets the codes be drawn in a plane.

    Attributes
    ----------
    last_reconstruction, last_kl : float or None
        The two terms of the last `gradient`'s loss (batch means); ``last_loss`` is their sum.

    See Also
    --------
    Reparameterize, gaussian_kl, bernoulli_nll : its three parts.

    Examples
    --------
    >>> vae = VAE(input_size=6, hidden_size=4, latent_size=2, dtype=np.float64)
    >>> vae.params["enc_W2"].shape                      # mu and log sigma^2
    (4, 4)
    >>> x = np.random.default_rng(0).random((3, 6))
    >>> mu, log_var = vae.encode(x)
    >>> mu.shape, log_var.shape
    ((3, 2), (3, 2))
    >>> eps = np.zeros((3, 2))                          # z = mu
    >>> grads = vae.gradient(x, eps)
    >>> vae.last_loss == vae.last_reconstruction + vae.last_kl == vae.loss(x, eps)
    True
    """

    code_factor = 2

    def __init__(self, input_size: int = 784, hidden_size: int = 128, latent_size: int = 2, *, seed: int = 0,
                 dtype=np.float32) -> None:
        super().__init__(input_size, hidden_size, latent_size, seed=seed, dtype=dtype)
        self.sampler = Reparameterize()
        self.last_reconstruction: float | None = None
        self.last_kl: float | None = None

    def encode(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""$\mu$ and $\log \sigma^2$ of each image's code distribution, each of shape (N, K)."""
        h = super().encode(x)  # (N, 2K)
        return h[:, :self.latent_size], h[:, self.latent_size:]

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        r"""The decoded mean code, $\sigma(f_\text{dec}(\mu))$: the reconstruction without noise."""
        return self.decode(self.encode(x)[0])

    def _noise(self, where: str, x: np.ndarray, eps: object, rng: object) -> np.ndarray:
        if eps is None:
            return generator(rng).standard_normal((len(x), self.latent_size)).astype(self.dtype)
        eps = self._input(where, eps, self.latent_size, "eps")
        if len(eps) != len(x):
            raise ValueError(f"VAE.{where}: eps must have one row per image ({len(x)}), got shape {eps.shape}")
        return eps

    def _terms(self, x: np.ndarray, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        h = self.encoder.forward(x)
        mu, log_var = h[:, :self.latent_size], h[:, self.latent_size:]
        a = self.decoder.forward(self.sampler.forward(mu, log_var, eps))
        return a, mu, log_var, bernoulli_nll(a, x)

    def loss(self, x: np.ndarray, eps: np.ndarray | None = None, *, rng: np.random.Generator | None = None) -> float:
        r"""Reconstruction + KL, batch means, with the noise ``eps`` (N, K) (drawn from ``rng`` if None)."""
        x = self._input("loss", x, self.input_size)
        _, mu, log_var, nll = self._terms(x, self._noise("loss", x, eps, rng))
        return float(np.mean(nll)) + float(np.mean(gaussian_kl(mu, log_var)))

    def gradient(self, x: np.ndarray, eps: np.ndarray | None = None, *,
                 rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
        """The gradient of `loss` for every parameter with the noise ``eps``; sets the ``last_*`` terms."""
        x = self._input("gradient", x, self.input_size)
        a, mu, log_var, nll = self._terms(x, self._noise("gradient", x, eps, rng))
        self.last_reconstruction = float(np.mean(nll))
        self.last_kl = float(np.mean(gaussian_kl(mu, log_var)))
        self.last_loss = self.last_reconstruction + self.last_kl
        n = len(x)
        dmu, dlog_var = self.sampler.backward(self.decoder.backward(bernoulli_nll_grad(a, x) / n))
        kl_mu, kl_log_var = gaussian_kl_grad(mu, log_var)
        self.encoder.backward(np.concatenate([dmu + kl_mu / n, dlog_var + kl_log_var / n], axis=1))
        return {**self.encoder.grads(), **self.decoder.grads()}
