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
`Dropout`, `DropConnect`) take ``forward(x, train_flg=True)``. The normalisation layers live in
`dl_notes.normalization`, `Dropout` in `dl_notes.dropout`, `SoftmaxWithLoss` beside the loss it
computes in `dl_notes.losses`, `Convolution` in `dl_notes.conv` and `Pooling` in
`dl_notes.pooling`; they are importable from here too, as the course's ``common/layers.py`` has
them.
"""

from __future__ import annotations

import numpy as np

from ._checks import batch, forward_cache, fraction, generator, parameter
from .activations import sigmoid
from .conv import Convolution
from .dropout import Dropout, keep_mask
from .losses import SoftmaxWithLoss
from .normalization import BatchNormalization, InstanceNorm, LayerNorm
from .pooling import Pooling

__all__ = ["Affine", "Relu", "Sigmoid", "Tanh", "SoftmaxWithLoss", "BatchNormalization", "LayerNorm", "InstanceNorm",
           "Dropout", "DropConnect", "Flatten", "Convolution", "Pooling"]


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
    input_grad : bool, default True
        With False, ``backward`` computes ``dW`` and ``db`` but not $\partial L / \partial X$ and
        returns None: a network's first layer, whose input is the data, needs no input gradient
        (PyTorch skips it the same way). It saves one of the layer's three matrix products.

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

    def __init__(self, W: np.ndarray, b: np.ndarray, *, input_grad: bool = True) -> None:
        self.input_grad = input_grad
        self.W = parameter("W", W, 2)
        self.b = parameter("b", b, 1)
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
        where = f"{type(self).__name__}.forward"
        x = batch(where, x)
        if x.ndim < 2:
            raise ValueError(f"{where}: x must be a batch of at least 2-D (N, D), got shape {x.shape}; "
                             "for one sample use x[None]")
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)  # (N, D)
        if self.x.shape[1] != W.shape[0]:
            raise ValueError(f"{where}: x has {self.x.shape[1]} features per sample (shape {x.shape}), "
                             f"but W has shape {W.shape} and expects {W.shape[0]}")
        out = self.x @ W
        out += self.b  # in place: one (N, M) array per layer instead of two
        return out

    def _backward(self, dout: np.ndarray, W: np.ndarray) -> np.ndarray:
        where = f"{type(self).__name__}.backward"
        expected = (forward_cache(where, self.x).shape[0], W.shape[1])
        if np.shape(dout) != expected:
            raise ValueError(f"{where}: dout must have the output's shape {expected}, got {np.shape(dout)}")
        self.dW = self.x.T @ dout  # (D, M)
        self.db = np.add.reduce(dout, axis=0)  # (M,); dout.sum's Python wrapper costs more than the sum
        if not self.input_grad:
            return None
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
        x = batch("Relu.forward", x)
        self.mask = x <= 0
        return np.maximum(x, 0)  # a plain ufunc: twice as fast as np.where(mask, 0, x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * ~forward_cache("Relu.backward", self.mask)


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
        self.out = sigmoid(batch("Sigmoid.forward", x))
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        out = forward_cache("Sigmoid.backward", self.out)
        return dout * (1 - out) * out


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
        self.out = np.tanh(batch("Tanh.forward", x))
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        out = forward_cache("Tanh.backward", self.out)
        return dout * (1 - out * out)


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
            self.mask = keep_mask(self.rng, self.W.shape, self.W.dtype, self.drop_ratio)
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
        x = batch("Flatten.forward", x)
        if x.ndim < 2:
            raise ValueError(f"Flatten.forward: x must be a batch of at least 2-D (N, ...), got shape {x.shape}")
        self.input_shape = x.shape
        return x.reshape(x.shape[0], -1)  # (N, C*H*W)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(forward_cache("Flatten.backward", self.input_shape))
