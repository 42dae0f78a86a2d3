r"""Loss functions and their gradients with respect to the network's output.

Argument order: **prediction first, target second**, ``loss(y, t)``, as in the book
(『ゼロから作るDeep Learning』, ``common/functions.py``). The course's notebooks pass the target
first (``cross_entropy_error(d, y)``); nothing here guesses which is which, so code from the
notebooks must swap the two arguments.

`SoftmaxWithLoss` is the same loss as an output layer (``forward``/``backward``), the course's
last layer; `dl_notes.layers` imports it from here.

Targets ``t`` for cross-entropy are either class indices, shape (N,), or one-hot rows, shape
(N, K) (rows of probabilities work too). Inputs are checked: non-finite predictions and labels
out of range raise a ValueError instead of giving a NaN loss.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, as_floating, batch, finite, forward_cache, labels, positive

__all__ = [
    "sum_squared_error", "sum_squared_error_grad", "mean_squared_error", "cross_entropy_error", "cross_entropy_error_grad",
    "softmax_cross_entropy", "softmax_cross_entropy_grad", "SoftmaxWithLoss",
]


def _as_batch(where: str, name: str, y: ArrayLike) -> np.ndarray:
    """``y`` as a finite floating (N, K) batch; a single row (K,) becomes (1, K) as in the book."""
    y = as_floating(array(name, y, ndim=(1, 2), layout="(K,) or (N, K)"))
    y = y.reshape(1, -1) if y.ndim == 1 else y  # (N, K)
    return finite(name, batch(where, y, name))


def _same_shape(where: str, y: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    y = finite("y", as_floating(array("y", y)))
    if y.size == 0:
        raise ValueError(f"{where}: y is empty (shape {y.shape}); give at least one value")
    t = finite("t", array("t", t))
    if y.shape != t.shape:
        raise ValueError(f"y and t must have the same shape, got y {y.shape} and t {t.shape}")
    return y, t


def sum_squared_error(y: ArrayLike, t: ArrayLike) -> float:
    r"""Sum of squared errors, halved so that its gradient is $y - t$.

    $$
    E = \frac{1}{2} \sum_{k} (y_k - t_k)^2
    $$

    Summed over every entry (over the batch too, as in the book; the course's
    ``mean_squared_error`` divides by the number of entries instead).

    Parameters
    ----------
    y : array_like
        Predictions, any shape.
    t : array_like
        Targets, the same shape.

    Returns
    -------
    float
        $E \ge 0$.

    Raises
    ------
    ValueError
        If the shapes differ or an input is not finite.

    See Also
    --------
    sum_squared_error_grad : $\partial E / \partial y = y - t$.

    Examples
    --------
    >>> sum_squared_error(np.array([0.5, 0.5, 0.0]), np.array([0.0, 1.0, 0.0]))
    0.25
    """
    y, t = _same_shape("sum_squared_error", y, t)
    d = y - t
    return float(0.5 * np.sum(d * d))


def sum_squared_error_grad(y: ArrayLike, t: ArrayLike) -> np.ndarray:
    r"""Gradient of `sum_squared_error` with respect to ``y``.

    $$
    \frac{\partial E}{\partial y_k} = y_k - t_k
    $$

    Examples
    --------
    >>> sum_squared_error_grad(np.array([0.5, 0.5]), np.array([0.0, 1.0]))
    array([ 0.5, -0.5])
    """
    y, t = _same_shape("sum_squared_error_grad", y, t)
    return y - t


def mean_squared_error(y: ArrayLike, t: ArrayLike) -> float:
    r"""Mean squared error, halved: the course's ``mean_squared_error``.

    $$
    E = \frac{1}{2M} \sum_{i=1}^{M} (y_i - t_i)^2
    $$

    where the sum runs over all $M$ entries (every output unit of every sample). It is
    `sum_squared_error` divided by $M$, so its value does not grow with the batch size. The
    course's version takes the target first, ``mean_squared_error(d, y)``; the value is the same
    either way round, since the error is squared.

    Parameters
    ----------
    y, t : array_like
        Predictions and targets, of one shape (any).

    Returns
    -------
    float
        $E \ge 0$: the halved mean of the squared differences.

    Raises
    ------
    ValueError
        If ``y`` and ``t`` differ in shape, ``y`` is empty, or either holds a NaN or an infinity.

    See Also
    --------
    sum_squared_error : the same without dividing by $M$ (the book's loss).

    Examples
    --------
    >>> mean_squared_error(np.array([[0.5, 0.5, 0.0]]), np.array([[0.0, 1.0, 0.0]]))   # 0.25 / 3
    0.08333333333333333
    >>> mean_squared_error(np.array([2.0, 4.0]), np.array([1.0, 1.0]))                 # (1 + 9) / 4
    2.5
    """
    y, t = _same_shape("mean_squared_error", y, t)
    d = y - t
    return float(0.5 * np.mean(d * d))


def _log_probabilities(y: np.ndarray, t: np.ndarray, delta: float | None = None) -> np.ndarray:
    """``log y`` at the targets, clamped so that a zero probability gives a large finite loss,
    or ``log(y + delta)`` (the book's guard) when ``delta`` is given."""
    if t.ndim == 1:
        y = y[np.arange(y.shape[0]), t]  # (N,)
    if delta is not None:
        return np.log(y + positive("delta", delta))
    tiny = np.finfo(y.dtype).tiny  # the smallest normal number: log(tiny) is about -708 in float64
    return np.log(np.maximum(y, tiny))  # (N,) or (N, K)


def cross_entropy_error(y: ArrayLike, t: ArrayLike, *, delta: float | None = None) -> float:
    r"""Cross-entropy between predicted probabilities and targets, averaged over the batch.

    $$
    E = -\frac{1}{N} \sum_{n} \sum_{k} t_{nk} \log y_{nk}
      = -\frac{1}{N} \sum_{n} \log y_{n, t_n}
    $$

    (the second form for index labels $t_n$). A zero probability would make $\log 0 = -\infty$;
    $y$ is clamped below at the smallest normal number of its dtype instead, so the loss stays
    finite (about 708 per sample in float64). The book adds $\delta = 10^{-7}$ inside the log,
    $-\log(y + \delta)$, which shifts every loss slightly; the clamp changes nothing for
    $y \ge 10^{-300}$. ``delta=1e-7`` computes the book's form, to reproduce its values.

    Parameters
    ----------
    y : array_like
        Probabilities, shape (N, K) or (K,) for one sample.
    t : array_like
        Class indices, shape (N,) (integers in $[0, K)$), or one-hot rows, shape (N, K).
    delta : float, optional
        If given, $\delta > 0$ added inside the log instead of the clamp (the book: $10^{-7}$).

    Returns
    -------
    float
        $E \ge 0$.

    Raises
    ------
    ValueError
        If ``y`` is not finite, a label is outside $[0, K)$, the shapes do not match, or
        ``delta`` is not positive.
    TypeError
        If index labels are not integers.

    See Also
    --------
    softmax_cross_entropy : the same loss computed from scores, more accurate.
    cross_entropy_error_grad : its gradient.

    Examples
    --------
    >>> y = np.array([[0.25, 0.75], [0.5, 0.5]])
    >>> cross_entropy_error(y, np.array([1, 0])), cross_entropy_error(y, np.eye(2)[[1, 0]])
    (0.4904146265058631, 0.4904146265058631)
    >>> round(cross_entropy_error(np.array([0.0, 1.0]), np.array([0])), 1)   # -log(tiny)
    708.4
    >>> y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])   # the book's example
    >>> cross_entropy_error(y, 2), cross_entropy_error(y, 2, delta=1e-7)      # -log 0.6, -log(0.6 + 1e-7)
    (0.5108256237659907, 0.510825457099338)
    """
    y = _as_batch("cross_entropy_error", "y", y)
    t = labels("t", t, *y.shape)
    logp = _log_probabilities(y, t, delta)
    total = logp.sum() if t.ndim == 1 else np.sum(t * logp)
    return float(-total / y.shape[0])


def cross_entropy_error_grad(y: ArrayLike, t: ArrayLike) -> np.ndarray:
    r"""Gradient of `cross_entropy_error` with respect to the probabilities ``y``.

    $$
    \frac{\partial E}{\partial y_{nk}} = -\frac{1}{N} \frac{t_{nk}}{y_{nk}}
    $$

    Returns
    -------
    ndarray
        Shape (N, K) (or (1, K) for a single sample).

    Examples
    --------
    >>> cross_entropy_error_grad(np.array([[0.25, 0.75]]), np.array([1]))
    array([[-0.        , -1.33333333]])
    """
    y = _as_batch("cross_entropy_error_grad", "y", y)
    t = labels("t", t, *y.shape)
    onehot = _one_hot(t, y.shape, y.dtype)
    return -onehot / np.maximum(y, np.finfo(y.dtype).tiny) / y.shape[0]


def _one_hot(t: np.ndarray, shape: tuple[int, int], dtype) -> np.ndarray:
    """Index labels as one-hot rows; one-hot rows are returned as they are."""
    if t.ndim == 2:
        return t
    onehot = np.zeros(shape, dtype=dtype)
    onehot[np.arange(shape[0]), t] = 1
    return onehot


def softmax_cross_entropy(x: ArrayLike, t: ArrayLike) -> float:
    r"""Cross-entropy of ``softmax(x)``, computed from the scores without forming $\log y$.

    $$
    E = -\frac{1}{N} \sum_{n} \sum_k t_{nk} \log \operatorname{softmax}(x_n)_k,
    \qquad
    \log \operatorname{softmax}(x)_k = x_k - c - \log \sum_j e^{x_j - c}
    $$

    with $c = \max_j x_j$. This is exact even where $\operatorname{softmax}(x)_k$ underflows to
    0 (the same as PyTorch's ``cross_entropy``).

    Parameters
    ----------
    x : array_like
        Scores (logits), shape (N, K) or (K,).
    t : array_like
        Class indices, shape (N,), or one-hot rows, shape (N, K).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``x`` is not finite or a label is out of range.

    See Also
    --------
    dl_notes.layers.SoftmaxWithLoss : the layer, with the backward pass.

    Examples
    --------
    >>> round(softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1])), 6)   # log 2
    0.693147
    >>> softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))   # softmax(x)[1] = 0
    1000.0
    """
    return _softmax_cross_entropy(x, t)[0]


def softmax_cross_entropy_grad(x: ArrayLike, t: ArrayLike) -> np.ndarray:
    r"""Gradient of `softmax_cross_entropy` with respect to the scores.

    $$
    \frac{\partial E}{\partial x_{nk}} = \frac{1}{N}\bigl(\operatorname{softmax}(x_n)_k - t_{nk}\bigr)
    $$

    Examples
    --------
    >>> softmax_cross_entropy_grad(np.array([[0.0, 0.0]]), np.array([1]))
    array([[ 0.5, -0.5]])
    """
    _, y, t = _softmax_cross_entropy(x, t, "softmax_cross_entropy_grad")
    return _softmax_minus_target(y, t)


def _softmax_cross_entropy(x: ArrayLike, t: ArrayLike, where: str = "softmax_cross_entropy"
                           ) -> tuple[float, np.ndarray, np.ndarray]:
    """The loss, the probabilities (N, K) and the checked labels, from scores ``x``."""
    x = _as_batch(where, "x", x)
    t = labels("t", t, *x.shape)
    # ufunc.reduce rather than x.max()/x.sum()/np.mean: the methods' Python wrappers cost
    # several microseconds a call, a third of this function on a (100, 10) batch.
    N = x.shape[0]
    s = x - np.maximum.reduce(x, axis=1, keepdims=True)  # (N, K), every entry <= 0
    y = np.exp(s)
    Z = np.add.reduce(y, axis=1, keepdims=True)  # (N, 1), >= 1
    y /= Z
    log_Z = np.log(Z[:, 0])  # (N,)
    if t.ndim == 1:
        loss = (np.add.reduce(log_Z) - np.add.reduce(s[np.arange(N), t])) / N
    else:
        loss = np.add.reduce(log_Z * np.add.reduce(t, axis=1) - np.add.reduce(t * s, axis=1)) / N
    return float(loss), y, t


def _softmax_minus_target(y: np.ndarray, t: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``scale * (y - t) / N`` for index or one-hot ``t``, in the dtype of ``y``."""
    N = y.shape[0]
    if t.ndim == 1:
        dx = y.copy()
        dx[np.arange(N), t] -= 1
    else:
        dx = y - t.astype(y.dtype, copy=False)
    dx *= scale / N
    return dx


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
        self.loss, self.y, self.t = _softmax_cross_entropy(x, t, "SoftmaxWithLoss.forward")
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        y = forward_cache("SoftmaxWithLoss.backward", self.y)
        return _softmax_minus_target(y, self.t, dout).reshape(self._x_shape)
