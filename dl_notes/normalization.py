r"""Normalisation layers: batch, layer and instance normalisation.

All three standardise activations, $\hat x = (x - \mu) / \sqrt{\sigma^2 + \varepsilon}$, then scale
and shift them with learnable $\gamma$ and $\beta$; they differ in the axes the statistics are
taken over: the batch (per feature or channel) for `BatchNormalization`, the features of each
sample for `LayerNorm`, the pixels of each channel of each image for `InstanceNorm`. They follow the layer contract of `dl_notes.layers` and are importable
from there too, as in the course's ``common/layers.py``.
"""

from __future__ import annotations

import numpy as np

from ._checks import batch, forward_cache, fraction, parameter, positive

__all__ = ["BatchNormalization", "InstanceNorm", "LayerNorm"]


def _normalize(x: np.ndarray, axes: tuple[int, ...], eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardise ``x`` over ``axes``: ``(xn, std, mean, var)`` with the biased variance."""
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    var = np.mean(xc * xc, axis=axes, keepdims=True)
    std = np.sqrt(var + eps)
    xc /= std  # xc is ours: reuse it for xn
    return xc, std, mu, var


def _normalize_backward(dxn: np.ndarray, xn: np.ndarray, std: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    r"""$\partial L / \partial x$ from $\partial L / \partial \hat x$ when $\hat x$ was standardised over ``axes``."""
    dx = dxn - dxn.mean(axis=axes, keepdims=True)
    dx -= xn * np.mean(dxn * xn, axis=axes, keepdims=True)
    dx /= std
    return dx


def _learnable(gamma: np.ndarray, beta: np.ndarray, ndim: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """γ and β, checked (floating arrays of one shape with ``ndim`` axes) and kept, not copied:
    a network's ``params`` holds the same arrays."""
    gamma, beta = parameter("gamma", gamma, ndim), parameter("beta", beta, ndim)
    if beta.shape != gamma.shape:
        raise ValueError(f"beta must have the shape of gamma {gamma.shape}, got {beta.shape}")
    return gamma, beta


class BatchNormalization:
    r"""Batch normalisation: standardise each feature over the batch, then scale and shift.

    In training, with the batch mean $\mu_B$ and (biased) variance $\sigma_B^2$ of each
    feature (each channel for images):

    $$
    \hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad y = \gamma \hat x + \beta
    $$

    $$
    \mu_\text{run} \leftarrow m\, \mu_\text{run} + (1 - m)\, \mu_B, \qquad
    \sigma^2_\text{run} \leftarrow m\, \sigma^2_\text{run} + (1 - m)\, \sigma_B^2
    $$

    In inference (``train_flg=False``) $\mu_\text{run}$ and $\sigma^2_\text{run}$ take
    the place of the batch statistics. The backward pass (training) is

    $$
    \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma_B^2 + \varepsilon}}
    \left(g - \overline{g} - \hat x\, \overline{g \odot \hat x}\right), \qquad g = \gamma \odot \frac{\partial L}{\partial y}
    $$

    with bars for means over the batch.

    Input is (N, D), normalised per feature, or images (N, C, H, W), normalised per channel
    over (N, H, W) with ``gamma`` of shape (C,), as in the paper and PyTorch's ``BatchNorm2d``.
    The book's layer reshapes 4-D input to (N, C·H·W) and normalises each pixel separately.

    Conventions: the running variance is updated with the *biased* batch variance, as in the
    course; PyTorch uses the unbiased one ($\sigma_B^2 \cdot n/(n-1)$, $n$ values per
    feature) and writes the momentum the other way round (its ``momentum`` is $1 - m$). The
    running variance starts at ones (PyTorch's choice; the book starts it at zeros, which makes
    early inference divide by $\sqrt{\varepsilon}$; the two differ by $m^k$ after $k$ training
    steps). $\varepsilon = 10^{-6}$ is the book's ``10e-7``; PyTorch's default is $10^{-5}$. To get
    the book's numbers, pass ``running_var=np.zeros(D)``, and for images reshape to (N, C·H·W) with
    ``gamma`` of size C·H·W.

    Parameters
    ----------
    gamma, beta : ndarray, shape (D,) or (C,)
        Scale and shift, kept (not copied); usually ones and zeros.
    momentum : float, default 0.9
        $m \in [0, 1)$, the weight of the old running statistics.
    running_mean, running_var : ndarray, optional
        Initial running statistics; zeros and ones by default.
    eps : float, default 1e-6
        $\varepsilon > 0$.

    Attributes
    ----------
    dgamma, dbeta : ndarray
        Gradients from the last ``backward``.

    Raises
    ------
    ValueError
        If the input is not 2-D or 4-D, its features do not match ``gamma``, or a training batch
        has a single value per feature (its variance is 0: nothing to normalise).

    See Also
    --------
    InstanceNorm, LayerNorm : the same standardisation over other axes (page: Batch normalisation,
        with the differences from the book's code).

    Examples
    --------
    >>> bn = BatchNormalization(np.ones(1), np.zeros(1))
    >>> bn.forward(np.array([[1.0], [3.0]])).round(4)
    array([[-1.],
           [ 1.]])
    >>> bn.running_mean, bn.running_var                   # 0.9 * (0, 1) + 0.1 * (2, 1)
    (array([0.2]), array([1.]))
    >>> dx = bn.backward(np.array([[1.0], [0.0]]))  # two samples always normalise to -1, 1:
    >>> bool(np.abs(dx).max() < 1e-6), bn.dgamma.round(4), bn.dbeta   # no gradient reaches x
    (True, array([-1.]), array([1.]))
    """

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, momentum: float = 0.9,
                 running_mean: np.ndarray | None = None, running_var: np.ndarray | None = None,
                 eps: float = 1e-6) -> None:
        self.gamma, self.beta = _learnable(gamma, beta)
        self.momentum = fraction("momentum", momentum)
        self.eps = positive("eps", eps)
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.ones_like(gamma) if running_var is None else running_var
        self.train_flg = True
        self.xn = self.std = self.dgamma = self.dbeta = None  # filled by forward and backward

    def _layout(self, x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The axes to average over and the shape that broadcasts gamma against ``x``."""
        if x.ndim not in (2, 4):
            raise ValueError(f"x must be 2-D (N, D) or 4-D (N, C, H, W), got shape {x.shape}")
        if x.shape[1] != self.gamma.size:
            raise ValueError(f"x has {x.shape[1]} {'features' if x.ndim == 2 else 'channels'} (shape {x.shape}), "
                             f"but gamma has shape {self.gamma.shape}")
        if x.ndim == 2:
            return (0,), (1, x.shape[1])
        return (0, 2, 3), (1, x.shape[1], 1, 1)

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = batch("BatchNormalization.forward", x)
        axes, shape = self._layout(x)
        self.train_flg = train_flg
        if train_flg:
            if x.size // x.shape[1] < 2:
                raise ValueError(f"BatchNormalization in training needs at least 2 values per feature, got x of "
                                 f"shape {x.shape}; use a batch of N >= 2, or train_flg=False for one sample")
            self.xn, self.std, mu, var = _normalize(x, axes, self.eps)
            m = self.momentum
            self.running_mean *= m
            self.running_mean += (1 - m) * mu.reshape(-1)
            self.running_var *= m
            self.running_var += (1 - m) * var.reshape(-1)
        else:
            self.std = np.sqrt(self.running_var.reshape(shape) + self.eps)
            self.xn = (x - self.running_mean.reshape(shape)) / self.std
        out = self.xn * self.gamma.reshape(shape)
        out += self.beta.reshape(shape)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        forward_cache("BatchNormalization.backward", self.xn)
        axes, shape = self._layout(dout)
        self.dbeta = dout.sum(axis=axes)
        self.dgamma = np.sum(dout * self.xn, axis=axes)
        dxn = dout * self.gamma.reshape(shape)
        if not self.train_flg:  # the statistics were constants
            return dxn / self.std
        return _normalize_backward(dxn, self.xn, self.std, axes)


class LayerNorm:
    r"""Layer normalisation: standardise each sample over its features, then scale and shift.

    $$
    \hat x_n = \frac{x_n - \mu_n}{\sqrt{\sigma_n^2 + \varepsilon}}, \qquad y_n = \gamma \odot \hat x_n + \beta
    $$

    with $\mu_n$ and $\sigma_n^2$ (biased) over the trailing axes of sample $n$ that ``gamma``
    covers. Unlike batch normalisation it needs no batch statistics, so training and inference
    are the same. The backward pass has the same form as batch normalisation's, with means over
    the normalised axes instead of the batch.

    Parameters
    ----------
    gamma, beta : ndarray
        Scale and shift, the shape of the normalised trailing axes (e.g. (D,)), kept (not copied).
    eps : float, default 1e-5
        $\varepsilon > 0$ (PyTorch's default).

    Raises
    ------
    ValueError
        If the trailing axes of ``x`` do not match ``gamma``.

    Examples
    --------
    >>> ln = LayerNorm(np.ones(2), np.zeros(2), eps=0.0001)
    >>> ln.forward(np.array([[1.0, 3.0], [5.0, 5.0]])).round(4)
    array([[-1.,  1.],
           [ 0.,  0.]])
    >>> ln.backward(np.array([[1.0, 1.0], [1.0, -1.0]])).round(2)
    array([[   0.,    0.],
           [ 100., -100.]])
    """

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> None:
        self.gamma, self.beta = _learnable(gamma, beta, ndim=np.ndim(gamma))  # the normalised axes' shape
        self.eps = positive("eps", eps)
        self.xn = self.std = self.dgamma = self.dbeta = None  # filled by forward and backward

    def _axes(self, x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(normalised axes, batch axes) of ``x``."""
        k = self.gamma.ndim
        if x.ndim <= k or x.shape[-k:] != self.gamma.shape:
            raise ValueError(f"x must end with axes of shape {self.gamma.shape} after a batch axis "
                             f"(the shape of gamma), got shape {x.shape}")
        return tuple(range(x.ndim - k, x.ndim)), tuple(range(x.ndim - k))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = batch("LayerNorm.forward", x)
        axes, _ = self._axes(x)
        self.xn, self.std, _, _ = _normalize(x, axes, self.eps)
        out = self.xn * self.gamma
        out += self.beta
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        forward_cache("LayerNorm.backward", self.xn)
        axes, batch_axes = self._axes(dout)
        self.dbeta = dout.sum(axis=batch_axes)
        self.dgamma = np.sum(dout * self.xn, axis=batch_axes)
        return _normalize_backward(dout * self.gamma, self.xn, self.std, axes)


class InstanceNorm:
    r"""Instance normalisation: standardise each channel of each image over its pixels.

    For images $x$ of shape (N, C, H, W), with $\mu_{nc}$ and $\sigma_{nc}^2$ (biased) the mean
    and variance of the $H \times W$ values of channel $c$ of image $n$:

    $$
    \hat x_{nchw} = \frac{x_{nchw} - \mu_{nc}}{\sqrt{\sigma_{nc}^2 + \varepsilon}}, \qquad
    y_{nchw} = \gamma_c \hat x_{nchw} + \beta_c
    $$

    This is the standard definition (Ulyanov et al., 2016; PyTorch's ``InstanceNorm2d(affine=True)``):
    $\gamma$ and $\beta$ have one value per channel. It is batch normalisation of images with a batch
    of one image (and no running statistics), or layer normalisation restricted to one channel;
    training and inference are the same. `LayerNorm` with ``gamma`` of shape (H, W) standardises the
    same groups but scales and shifts each pixel instead of each channel (the two agree while
    $\gamma = 1$, $\beta = 0$). The backward pass has batch normalisation's form with means over $(H, W)$.

    Parameters
    ----------
    gamma, beta : ndarray, shape (C,)
        Scale and shift, kept (not copied); usually ones and zeros.
    eps : float, default 1e-5
        $\varepsilon > 0$ (PyTorch's default).

    Attributes
    ----------
    dgamma, dbeta : ndarray, shape (C,)
        Gradients from the last ``backward``.

    Raises
    ------
    ValueError
        If ``x`` is not 4-D with C channels, or has a single pixel per channel (nothing to normalise).

    See Also
    --------
    BatchNormalization, LayerNorm : the same standardisation over other axes (page: Batch normalisation).

    Examples
    --------
    >>> layer = InstanceNorm(np.ones(2), np.zeros(2), eps=0.0001)
    >>> x = np.array([[[[1.0, 3.0]], [[10.0, 10.0]]]])        # one image, 2 channels of 1x2 pixels
    >>> layer.forward(x).round(4)
    array([[[[-1.,  1.]],
    <BLANKLINE>
            [[ 0.,  0.]]]])
    >>> layer.backward(np.ones_like(x)), layer.dbeta        # a constant shift is normalised away
    (array([[[[0., 0.]],
    <BLANKLINE>
            [[0., 0.]]]]), array([2., 2.]))
    """

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> None:
        self.gamma, self.beta = _learnable(gamma, beta)
        self.eps = positive("eps", eps)
        self.xn = self.std = self.dgamma = self.dbeta = None  # filled by forward and backward

    def _shape(self, x: np.ndarray) -> tuple[int, ...]:
        """The shape that broadcasts gamma against ``x`` (after checking ``x``)."""
        if x.ndim != 4 or x.shape[1] != self.gamma.size:
            raise ValueError(f"x must be images (N, C, H, W) with C = {self.gamma.size} channels (the size of "
                             f"gamma), got shape {x.shape}")
        if x.shape[2] * x.shape[3] < 2:
            raise ValueError(f"InstanceNorm needs at least 2 pixels per channel, got x of shape {x.shape}")
        return (1, x.shape[1], 1, 1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = batch("InstanceNorm.forward", x)
        shape = self._shape(x)
        self.xn, self.std, _, _ = _normalize(x, (2, 3), self.eps)
        out = self.xn * self.gamma.reshape(shape)
        out += self.beta.reshape(shape)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        forward_cache("InstanceNorm.backward", self.xn)
        shape = self._shape(dout)
        self.dbeta = dout.sum(axis=(0, 2, 3))
        self.dgamma = np.sum(dout * self.xn, axis=(0, 2, 3))
        return _normalize_backward(dout * self.gamma.reshape(shape), self.xn, self.std, (2, 3))
