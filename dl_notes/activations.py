r"""Activation functions and their derivatives, applied element by element (softmax row by row).

Each function takes an array (or a number) and returns an array of the same shape, in the
input's floating dtype (float32 in, float32 out; integers give float64). Each ``*_grad`` is the
derivative with respect to the input, evaluated at ``x``, which backpropagation multiplies by
the upstream gradient. The course's names ``d_sigmoid``, ``d_relu``, ``d_tanh`` and
``d_step_function`` are the same functions.

The layers in `dl_notes.layers` use these; a network never calls a ``*_grad`` on its
pre-activations twice, because a layer caches what its backward pass needs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_floating

__all__ = [
    "identity_function", "identity_grad", "step_function", "step_grad", "sigmoid", "sigmoid_grad",
    "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad", "softmax", "softmax_grad",
    "log_softmax", "d_sigmoid", "d_relu", "d_tanh", "d_step_function",
]


def identity_function(x: ArrayLike) -> np.ndarray:
    r"""The identity, the output activation for regression.

    $$
    h(x) = x
    $$

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray
        ``x`` itself (as an array), same shape.

    See Also
    --------
    identity_grad : its derivative, 1.

    Examples
    --------
    >>> identity_function(np.array([-1.5, 2.0]))
    array([-1.5,  2. ])
    """
    return np.asarray(x)


def identity_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of the identity: ones.

    $$
    h'(x) = 1
    $$

    Examples
    --------
    >>> identity_grad(np.array([-1.5, 2.0]))
    array([1., 1.])
    """
    return np.ones_like(as_floating(x))


def step_function(x: ArrayLike) -> np.ndarray:
    r"""The step function of the perceptron: 1 where $x > 0$, else 0.

    $$
    h(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}
    $$

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray
        Zeros and ones, same shape, in the floating dtype of ``x`` (the book returns integers).

    See Also
    --------
    sigmoid : its smooth version, which gradient descent can train.

    Examples
    --------
    >>> step_function(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    x = as_floating(x)
    return (x > 0).astype(x.dtype)


def step_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of the step function: zero wherever it exists (everywhere but $x = 0$).

    $$
    h'(x) = 0 \quad (x \ne 0)
    $$

    This is why a network of step functions cannot be trained by backpropagation. At $x = 0$
    the derivative does not exist; 0 is returned there too.

    Examples
    --------
    >>> step_grad(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 0.])
    """
    return np.zeros_like(as_floating(x))


def sigmoid(x: ArrayLike) -> np.ndarray:
    r"""The logistic sigmoid, computed without overflow for any input.

    $$
    \sigma(x) = \frac{1}{1 + e^{-x}}
    $$

    It is symmetric about the point $(0, \tfrac12)$, not about the origin:
    $\sigma(-x) = 1 - \sigma(x)$, and near 0 it is $\sigma(x) \approx \tfrac12 + \tfrac{x}{4}$
    (its outputs are all positive, centred on ½). `tanh` is the zero-centred version.

    Written as $1 / (1 + e^{-|x|})$ for $x \ge 0$ and $e^{-|x|} / (1 + e^{-|x|})$ for
    $x < 0$, so ``exp`` never sees a large positive argument (the book's ``1/(1+exp(-x))``
    overflows, with a warning, for $x < -709$).

    Parameters
    ----------
    x : array_like
        Any shape.

    Returns
    -------
    ndarray
        Values in $[0, 1]$, same shape and floating dtype as ``x``.

    See Also
    --------
    sigmoid_grad : $\sigma(x)(1 - \sigma(x))$.
    dl_notes.layers.Sigmoid : the layer, which caches $\sigma(x)$ for its backward pass.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    x = as_floating(x)
    z = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
    out = np.where(x >= 0, 1.0, z)
    out /= 1 + z
    return out


def sigmoid_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of the sigmoid, evaluated at the input ``x`` (not at the output).

    $$
    \sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)
    $$

    Its maximum is $1/4$ at $x = 0$: each sigmoid layer shrinks the gradient at least fourfold,
    the root of the vanishing gradient.

    Examples
    --------
    >>> sigmoid_grad(np.array([0.0, 1000.0]))
    array([0.25, 0.  ])
    """
    y = sigmoid(x)
    return y * (1 - y)


def tanh(x: ArrayLike) -> np.ndarray:
    r"""The hyperbolic tangent, a sigmoid centred on zero.

    $$
    \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1
    $$

    It is odd, $\tanh(-x) = -\tanh(x)$ (its outputs are centred on zero), and
    $\tanh(x) \approx x$ near 0 ($\tanh(0) = 0$, $\tanh'(0) = 1$): the activation that Xavier's
    derivation assumes.

    Examples
    --------
    >>> tanh(np.array([-1000.0, 0.0]))
    array([-1.,  0.])
    """
    return np.tanh(as_floating(x))


def tanh_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of tanh.

    $$
    \tanh'(x) = 1 - \tanh^2(x) = \frac{1}{\cosh^2 x}
    $$

    Computed as $1 - \tanh^2$: the course's ``1/cosh(x)**2`` overflows for $|x| > 710$.

    Examples
    --------
    >>> tanh_grad(np.array([0.0, 1000.0]))
    array([1., 0.])
    """
    y = np.tanh(as_floating(x))
    return 1 - y * y


def relu(x: ArrayLike) -> np.ndarray:
    r"""The rectified linear unit.

    $$
    \mathrm{ReLU}(x) = \max(0, x)
    $$

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(as_floating(x), 0)


def relu_grad(x: ArrayLike) -> np.ndarray:
    r"""Derivative of ReLU, with the value 0 taken at the kink $x = 0$.

    $$
    \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}
    $$

    This matches the course's ``d_relu`` and the ``Relu`` layer. The book's ``relu_grad``
    returns 1 at $x = 0$; the derivative does not exist there, so both are conventions.

    Examples
    --------
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    return step_function(x)  # ReLU's slope is the step function


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: a small slope $\alpha$ instead of zero for negative inputs.

    $$
    h(x) = \begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}
    $$

    Parameters
    ----------
    x : array_like
        Any shape.
    alpha : float, default 0.01
        The slope for $x \le 0$.

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 3.0]), alpha=0.1)
    array([-0.2,  3. ])
    """
    x = as_floating(x)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_grad(x: ArrayLike, alpha: float = 0.01) -> np.ndarray:
    r"""Derivative of leaky ReLU ($\alpha$ at the kink, as for ReLU).

    $$
    h'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x \le 0 \end{cases}
    $$

    Examples
    --------
    >>> leaky_relu_grad(np.array([-2.0, 3.0]), alpha=0.1)
    array([0.1, 1. ])
    """
    x = as_floating(x)
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


def softmax(x: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Softmax along ``axis`` (each row of a batch), stable for large inputs.

    $$
    y_k = \frac{e^{x_k}}{\sum_{j} e^{x_j}} = \frac{e^{x_k - c}}{\sum_{j} e^{x_j - c}},
    \qquad c = \max_j x_j
    $$

    Subtracting the maximum $c$ does not change the result (the factor $e^{-c}$ cancels) and
    keeps every exponent $\le 0$, so nothing overflows.

    Parameters
    ----------
    x : array_like
        Scores (logits), shape (K,) or (N, K); any shape with ``axis`` the class axis.
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray
        Probabilities, same shape; they sum to 1 along ``axis``.

    See Also
    --------
    softmax_grad : its Jacobian.
    dl_notes.layers.SoftmaxWithLoss : softmax and cross-entropy as one layer.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    >>> softmax(np.array([[0.0, np.log(3.0)]]))
    array([[0.25, 0.75]])
    """
    x = as_floating(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def log_softmax(x: np.ndarray) -> np.ndarray:
    r"""$\log \operatorname{softmax}(x)$ over the last axis, computed as $x - \max x - \log \sum e^{x - \max x}$.

    The log-probabilities of a classifier or a decoder stay finite where ``np.log(softmax(x))``
    would round a tiny probability to 0 and give ``-inf``.

    See Also
    --------
    softmax : the probabilities themselves.

    Examples
    --------
    >>> np.round(np.exp(log_softmax(np.array([[0.0, np.log(3.0)]]))), 2)
    array([[0.25, 0.75]])
    """
    x = np.asarray(x)
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_grad(x: ArrayLike) -> np.ndarray:
    r"""The Jacobian of softmax over the last axis, at ``x``.

    $$
    \frac{\partial y_i}{\partial x_j} = y_i\,(\delta_{ij} - y_j)
    $$

    Backpropagation never builds this $K \times K$ matrix: the product with an upstream
    gradient $g$ is $y \odot (g - \langle g, y \rangle)$, and with cross-entropy it becomes
    $y - t$ (see `dl_notes.layers.SoftmaxWithLoss`).

    Parameters
    ----------
    x : array_like
        Shape (K,) or (N, K).

    Returns
    -------
    ndarray
        Shape (K, K) or (N, K, K).

    Examples
    --------
    >>> softmax_grad(np.array([0.0, 0.0]))
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    y = softmax(x)
    K = y.shape[-1]
    return y[..., :, None] * (np.eye(K, dtype=y.dtype) - y[..., None, :])  # (..., K, K)


# The course's names for the derivatives.
d_sigmoid = sigmoid_grad
d_relu = relu_grad
d_tanh = tanh_grad
d_step_function = step_grad
