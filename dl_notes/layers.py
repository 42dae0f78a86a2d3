r"""Layers with a forward and a backward pass, the course's building blocks.

Every layer follows one contract, the course's:

- ``forward(x)`` returns the output and caches exactly what ``backward`` needs, in named
  attributes (``Relu.mask``, ``Sigmoid.out``, ``Affine.x``, ...);
- ``backward(dout)`` takes $\partial L / \partial \text{out}$ and returns
  $\partial L / \partial x$; a layer with parameters also stores their gradients under the
  course's names (``dW``, ``db``, ``dgamma``, ``dbeta``). Neither pass changes ``x`` or ``dout``
  in place (the book's ``Relu.backward`` does);
- parameters are the arrays passed in, not copies: a network's ``params`` dict holds the same
  arrays, so an optimizer's in-place update reaches the layer;
- layers compute in the dtype of their inputs and parameters (float32 in, float32 out).

Layers that behave differently in training and inference (`BatchNormalization`,
`Dropout`, `DropConnect`) take ``forward(x, train_flg=True)``.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, fraction, generator, positive
from .activations import sigmoid
from .losses import _softmax_cross_entropy, _softmax_minus_target

__all__ = ["Affine", "Relu", "Sigmoid", "Tanh", "SoftmaxWithLoss", "BatchNormalization", "LayerNorm",
           "Dropout", "DropConnect", "Flatten"]


def _parameter(name: str, value: object, ndim: int) -> np.ndarray:
    """A parameter must be a floating array already: the layer keeps it (no copy) to share it."""
    if not isinstance(value, np.ndarray) or not np.issubdtype(value.dtype, np.floating):
        raise TypeError(f"{name} must be a floating-point numpy array (the layer shares it with params), "
                        f"got {type(value).__name__}" + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else ""))
    if value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {value.shape}")
    return value


class Affine:
    r"""Fully connected layer: a matrix product plus a bias.

    $$
    Y = X W + b, \qquad
    \frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} W^\top, \quad
    \frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial Y}, \quad
    \frac{\partial L}{\partial b} = \sum_{n} \frac{\partial L}{\partial Y_n}
    $$

    Input of more than two axes (e.g. images (N, C, H, W)) is flattened to (N, D) first, and
    $\partial L / \partial X$ is given back in the input's shape.

    Parameters
    ----------
    W : ndarray, shape (D, M)
        The weights, kept (not copied).
    b : ndarray, shape (M,)
        The bias, kept (not copied).

    Attributes
    ----------
    dW, db : ndarray
        Gradients from the last ``backward``, shapes (D, M) and (M,).

    Raises
    ------
    ValueError
        If ``b`` does not match ``W``, or ``x`` does not have D features per sample.

    See Also
    --------
    DropConnect : the same layer with random weights dropped in training.

    Examples
    --------
    >>> layer = Affine(np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]), np.array([0.0, 0.5, 1.0]))
    >>> layer.forward(np.array([[1.0, 2.0]]))
    array([[5. , 2.5, 0. ]])
    >>> layer.backward(np.array([[1.0, 0.0, 0.0]]))
    array([[1., 2.]])
    >>> layer.dW, layer.db
    (array([[1., 0., 0.],
           [2., 0., 0.]]), array([1., 0., 0.]))
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = _parameter("W", W, 2)
        self.b = _parameter("b", b, 1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"b must have shape ({W.shape[1]},) to match W of shape {W.shape}, got {b.shape}")
        self.x: np.ndarray | None = None
        self.original_x_shape: tuple[int, ...] | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self._forward(x, self.W)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self._backward(dout, self.W)

    def _forward(self, x: np.ndarray, W: np.ndarray) -> np.ndarray:
        x = array("x", x)
        if x.ndim < 2:
            raise ValueError(f"x must be a batch of at least 2-D (N, D), got shape {x.shape}; "
                             "for one sample use x[None]")
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)  # (N, D)
        if self.x.shape[1] != W.shape[0]:
            raise ValueError(f"x has {self.x.shape[1]} features per sample (shape {x.shape}), "
                             f"but W has shape {W.shape} and expects {W.shape[0]}")
        return self.x @ W + self.b

    def _backward(self, dout: np.ndarray, W: np.ndarray) -> np.ndarray:
        expected = (self.x.shape[0], W.shape[1])
        if np.shape(dout) != expected:
            raise ValueError(f"dout must have the output's shape {expected}, got {np.shape(dout)}")
        self.dW = self.x.T @ dout  # (D, M)
        self.db = dout.sum(axis=0)  # (M,)
        return (dout @ W.T).reshape(self.original_x_shape)


class Relu:
    r"""ReLU layer: passes positive inputs, zeroes the rest, and lets gradient through only there.

    $$
    y = \max(0, x), \qquad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \odot [x > 0]
    $$

    ``mask`` is ``x <= 0`` from the last ``forward``.

    See Also
    --------
    dl_notes.activations.relu, dl_notes.activations.relu_grad

    Examples
    --------
    >>> layer = Relu()
    >>> layer.forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    >>> layer.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])
    """

    def __init__(self) -> None:
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.mask = x <= 0
        return np.maximum(x, 0)  # a plain ufunc: twice as fast as np.where(mask, 0, x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * ~self.mask


class Sigmoid:
    r"""Sigmoid layer; its backward pass reuses the cached output.

    $$
    y = \sigma(x) = \frac{1}{1 + e^{-x}}, \qquad
    \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \odot y (1 - y)
    $$

    See Also
    --------
    dl_notes.activations.sigmoid

    Examples
    --------
    >>> layer = Sigmoid()
    >>> layer.forward(np.array([[0.0, 1000.0]]))
    array([[0.5, 1. ]])
    >>> layer.backward(np.array([[1.0, 1.0]]))
    array([[0.25, 0.  ]])
    """

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1 - self.out) * self.out


class Tanh:
    r"""tanh layer; its backward pass reuses the cached output.

    $$
    y = \tanh x, \qquad \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} \odot (1 - y^2)
    $$

    Examples
    --------
    >>> layer = Tanh()
    >>> layer.forward(np.array([[0.0, -1000.0]]))
    array([[ 0., -1.]])
    >>> layer.backward(np.array([[2.0, 2.0]]))
    array([[2., 0.]])
    """

    def __init__(self) -> None:
        self.out: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * (1 - self.out * self.out)


class SoftmaxWithLoss:
    r"""Softmax and cross-entropy as one output layer: scores in, mean loss out.

    $$
    y = \operatorname{softmax}(x), \qquad
    L = -\frac{1}{N} \sum_{n} \sum_{k} t_{nk} \log y_{nk}, \qquad
    \frac{\partial L}{\partial x} = \frac{y - t}{N}
    $$

    ``forward(x, t)`` takes the scores first and the targets second, like the book and the
    course's layer (the course's loss *functions* take the target first). ``t`` holds class
    indices, shape (N,), or one-hot rows, shape (N, K). The loss is computed from the scores
    (log-softmax), so it stays finite even where a probability underflows to zero.

    Attributes
    ----------
    loss : float
        The last loss.
    y : ndarray, shape (N, K)
        The last softmax output.
    t : ndarray
        The last (checked) targets.

    Raises
    ------
    ValueError
        If ``x`` is not finite or a label is outside $[0, K)$.

    See Also
    --------
    dl_notes.losses.softmax_cross_entropy : the loss as a function.

    Examples
    --------
    >>> layer = SoftmaxWithLoss()
    >>> round(layer.forward(np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([0, 1])), 6)   # log 2
    0.693147
    >>> layer.backward()
    array([[-0.25,  0.25],
           [ 0.25, -0.25]])
    """

    def __init__(self) -> None:
        self.loss: float | None = None
        self.y: np.ndarray | None = None
        self.t: np.ndarray | None = None
        self._x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        self._x_shape = np.shape(x)
        self.loss, self.y, self.t = _softmax_cross_entropy(x, t)
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        return _softmax_minus_target(self.y, self.t, dout).reshape(self._x_shape)


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

    In inference ($\texttt{train\_flg=False}$) $\mu_\text{run}$ and $\sigma^2_\text{run}$ take
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
    early inference divide by $\sqrt{\varepsilon}$). $\varepsilon = 10^{-6}$ is the book's
    ``10e-7``; PyTorch's default is $10^{-5}$.

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
        self.gamma = _parameter("gamma", gamma, 1)
        self.beta = _parameter("beta", beta, 1)
        if beta.shape != gamma.shape:
            raise ValueError(f"beta must have the shape of gamma {gamma.shape}, got {beta.shape}")
        self.momentum = fraction("momentum", momentum)
        self.eps = positive("eps", eps)
        self.running_mean = np.zeros_like(gamma) if running_mean is None else running_mean
        self.running_var = np.ones_like(gamma) if running_var is None else running_var
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.train_flg = True
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None

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
        x = array("x", x)
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
        self.gamma = _parameter("gamma", gamma, np.ndim(gamma))
        self.beta = _parameter("beta", beta, np.ndim(beta))
        if beta.shape != gamma.shape:
            raise ValueError(f"beta must have the shape of gamma {gamma.shape}, got {beta.shape}")
        self.eps = positive("eps", eps)
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None

    def _axes(self, x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(normalised axes, batch axes) of ``x``."""
        k = self.gamma.ndim
        if x.ndim <= k or x.shape[-k:] != self.gamma.shape:
            raise ValueError(f"x must end with axes of shape {self.gamma.shape} after a batch axis "
                             f"(the shape of gamma), got shape {x.shape}")
        return tuple(range(x.ndim - k, x.ndim)), tuple(range(x.ndim - k))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = array("x", x)
        axes, _ = self._axes(x)
        self.xn, self.std, _, _ = _normalize(x, axes, self.eps)
        out = self.xn * self.gamma
        out += self.beta
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        axes, batch_axes = self._axes(dout)
        self.dbeta = dout.sum(axis=batch_axes)
        self.dgamma = np.sum(dout * self.xn, axis=batch_axes)
        return _normalize_backward(dout * self.gamma, self.xn, self.std, axes)


def _mask(rng: np.random.Generator, shape: tuple[int, ...], dtype: np.dtype, ratio: float) -> np.ndarray:
    """A boolean mask keeping each entry with probability ``1 - ratio`` (drawn in x's precision)."""
    draw_dtype = np.float64 if dtype == np.float64 else np.float32  # no float64 temporaries for float32
    return rng.random(shape, dtype=draw_dtype) >= ratio


class Dropout:
    r"""Inverted dropout: in training, zero each unit with probability $p$ and scale the rest.

    $$
    y = \begin{cases}
    \dfrac{m \odot x}{1 - p}, \quad m_i \sim \mathrm{Bernoulli}(1 - p) & \text{training} \\
    x & \text{inference}
    \end{cases}
    \qquad
    \frac{\partial L}{\partial x} = \frac{m}{1 - p} \odot \frac{\partial L}{\partial y}
    $$

    Scaling by $1/(1-p)$ in training keeps $\mathbb{E}[y] = x$, so inference needs no change.
    The book (and the course) scale at inference instead: $y = m \odot x$ in training and
    $y = (1 - p)\,x$ in inference. Both give the same expected value relative to inference; the
    inverted form leaves inference untouched, as PyTorch's ``Dropout`` does.

    Parameters
    ----------
    dropout_ratio : float, default 0.5
        The probability $p \in [0, 1)$ of dropping a unit (the course's name).
    rng : numpy.random.Generator, optional
        Where the masks come from; or give ``seed``. With neither, a fresh generator.
    seed : int, optional

    Attributes
    ----------
    mask : ndarray of bool or None
        The units kept in the last training ``forward`` (None after inference).

    Raises
    ------
    ValueError
        If ``dropout_ratio`` is outside $[0, 1)$.

    Examples
    --------
    >>> layer = Dropout(0.5, seed=0)
    >>> layer.forward(np.ones((1, 6)))
    array([[2., 0., 0., 0., 2., 2.]])
    >>> layer.backward(np.ones((1, 6)))
    array([[2., 0., 0., 0., 2., 2.]])
    >>> layer.forward(np.ones((1, 6)), train_flg=False)
    array([[1., 1., 1., 1., 1., 1.]])
    """

    def __init__(self, dropout_ratio: float = 0.5, *, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        self.dropout_ratio = fraction("dropout_ratio", dropout_ratio)
        self.rng = generator(rng, seed)
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if not train_flg or self.dropout_ratio == 0:
            self.mask = None
            return x
        self.mask = _mask(self.rng, x.shape, x.dtype, self.dropout_ratio)
        out = x * self.mask
        out *= 1 / (1 - self.dropout_ratio)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.mask is None:
            return dout
        dx = dout * self.mask
        dx *= 1 / (1 - self.dropout_ratio)
        return dx


class DropConnect(Affine):
    r"""An affine layer that, in training, drops each *weight* with probability $p$.

    $$
    Y = X \tilde W + b, \quad \tilde W = \frac{M \odot W}{1 - p}, \quad M_{ij} \sim \mathrm{Bernoulli}(1 - p);
    \qquad
    \frac{\partial L}{\partial W} = \frac{M}{1 - p} \odot X^\top \frac{\partial L}{\partial Y}
    $$

    One mask per batch (Wan et al., 2013, draw one per sample, which costs a matrix per
    sample). In inference $\tilde W = W$, the mask's expectation (the paper instead samples from
    a Gaussian fitted to the pre-activations).

    Parameters
    ----------
    W, b : ndarray
        As for `Affine`.
    drop_ratio : float, default 0.5
        The probability $p \in [0, 1)$ of dropping a weight.
    rng : numpy.random.Generator, optional
        Or ``seed``; with neither, a fresh generator.
    seed : int, optional

    Examples
    --------
    >>> layer = DropConnect(np.ones((2, 3)), np.zeros(3), drop_ratio=0.5, seed=0)
    >>> layer.forward(np.array([[1.0, 1.0]]))
    array([[2., 2., 2.]])
    >>> layer.mask
    array([[ True, False, False],
           [False,  True,  True]])
    >>> layer.forward(np.array([[1.0, 1.0]]), train_flg=False)
    array([[2., 2., 2.]])
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, drop_ratio: float = 0.5, *,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(W, b)
        self.drop_ratio = fraction("drop_ratio", drop_ratio)
        self.rng = generator(rng, seed)
        self.mask: np.ndarray | None = None
        self._W_used = W

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        self.mask = None
        self._W_used = self.W
        if train_flg and self.drop_ratio > 0:
            self.mask = _mask(self.rng, self.W.shape, self.W.dtype, self.drop_ratio)
            self._W_used = self.W * self.mask
            self._W_used *= 1 / (1 - self.drop_ratio)
        return self._forward(x, self._W_used)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx = self._backward(dout, self._W_used)
        if self.mask is not None:
            self.dW *= self.mask
            self.dW *= 1 / (1 - self.drop_ratio)
        return dx


class Flatten:
    r"""Flatten every sample to a vector: (N, C, H, W) to (N, C·H·W), and back in ``backward``.

    $$
    y_{n,\,(c H + h) W + w} = x_{n, c, h, w}
    $$

    Examples
    --------
    >>> layer = Flatten()
    >>> layer.forward(np.zeros((2, 3, 4, 5))).shape
    (2, 60)
    >>> layer.backward(np.zeros((2, 60))).shape
    (2, 3, 4, 5)
    """

    def __init__(self) -> None:
        self.input_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = array("x", x)
        if x.ndim < 2:
            raise ValueError(f"x must be a batch of at least 2-D (N, ...), got shape {x.shape}")
        self.input_shape = x.shape
        return x.reshape(x.shape[0], -1)  # (N, C*H*W)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self.input_shape)
