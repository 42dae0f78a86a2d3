r"""Embedding layers: a word's vector looked up by its id, for one step (`Embedding`) or a sequence (`TimeEmbedding`).

An embedding is an affine layer without bias whose input is a one-hot vector: the product
$\mathrm{onehot}(w)\, W$ is row $w$ of $W$, so the layer reads that row instead of
multiplying (the course's seq2seq fill-in writes it ``E.dot(w)`` with a one-hot column ``w``
and a (D, V) matrix ``E``, the transpose of the (V, D) ``W`` here). Backward adds each
upstream gradient to the row it came from; a word used twice in a batch gets both.
Names and interfaces are those of the book's second volume (``common/layers.py``,
``common/time_layers.py``).

With ``sparse=True`` the gradient is kept as the rows it touches (`SparseGradient`: the used ids,
once each, and their summed rows, PyTorch's coalesced ``sparse=True`` gradient) instead of a
(V, D) array that is zero almost everywhere; `sgd_rows` updates only those rows.
"""

from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from ._checks import array, forward_cache, parameter, positive, upstream_gradient

__all__ = ["Embedding", "TimeEmbedding", "SparseGradient", "sgd_rows"]


@dataclass(frozen=True)
class SparseGradient:
    r"""The gradient of a (V, D) weight as its nonzero rows: sorted unique ``indices`` and their ``values``.

    $$
    \frac{\partial L}{\partial W} = \sum_{k} e_{i_k}\, g_k^{\top}, \qquad i_1 < i_2 < \dots
    $$

    Attributes
    ----------
    indices : ndarray of int64, shape (K,)
        The rows that received a gradient, each once, in increasing order.
    values : ndarray, shape (K, D)
        The summed gradient of each of those rows.
    shape : tuple of int
        ``(V, D)``, the shape of the weight.

    Examples
    --------
    >>> g = SparseGradient.from_rows(np.array([2, 0, 2]), np.ones((3, 2)), (4, 2))
    >>> g.indices, g.values                        # id 2 twice: its rows summed (coalesced)
    (array([0, 2]), array([[1., 1.],
           [2., 2.]]))
    >>> g.to_dense()
    array([[1., 1.],
           [0., 0.],
           [2., 2.],
           [0., 0.]])
    """

    indices: np.ndarray
    values: np.ndarray
    shape: tuple[int, int]

    @classmethod
    def from_rows(cls, ids: np.ndarray, rows: np.ndarray, shape: tuple[int, int]) -> "SparseGradient":
        """Sum the rows that share an id: ``ids`` (n,), ``rows`` (n, D) into one row per distinct id."""
        indices, inverse = np.unique(np.asarray(ids).reshape(-1), return_inverse=True)
        values = np.zeros((len(indices), shape[1]), dtype=rows.dtype)
        np.add.at(values, inverse.reshape(-1), rows.reshape(-1, shape[1]))
        return cls(indices.astype(np.int64), values, tuple(shape))

    def to_dense(self) -> np.ndarray:
        """The same gradient as a (V, D) array."""
        dense = np.zeros(self.shape, dtype=self.values.dtype)
        dense[self.indices] = self.values
        return dense


def sgd_rows(W: np.ndarray, grad: SparseGradient, lr: float) -> None:
    r"""One SGD step on the rows ``grad`` names, in place; every other row is not read or written.

    $$
    W_{i_k,:} \leftarrow W_{i_k,:} - \eta\, g_k
    $$

    Same result as ``W -= lr * grad.to_dense()``, at the cost of K rows instead of V.

    Examples
    --------
    >>> W = np.ones((4, 2))
    >>> sgd_rows(W, SparseGradient.from_rows(np.array([3, 3]), np.ones((2, 2)), (4, 2)), lr=0.5)
    >>> W
    array([[1., 1.],
           [1., 1.],
           [1., 1.],
           [0., 0.]])
    """
    if not isinstance(grad, SparseGradient):
        raise TypeError(f"sgd_rows: grad must be a SparseGradient, got {type(grad).__name__}")
    if tuple(W.shape) != grad.shape:
        raise ValueError(f"sgd_rows: grad is for a weight of shape {grad.shape}, W has shape {W.shape}")
    W[grad.indices] -= positive("lr", lr) * grad.values


class Embedding:
    r"""The rows of ``W`` for a batch of word ids: one step.

    $$
    y_n = W_{w_n,:} = \mathrm{onehot}(w_n)\, W, \qquad
    \frac{\partial L}{\partial W_{v,:}} = \sum_{n \,:\, w_n = v} \frac{\partial L}{\partial y_n}
    $$

    Parameters
    ----------
    W : ndarray, shape (V, D)
        One D-dimensional vector per word of a vocabulary of V words, kept (not copied).
    sparse : bool, default False
        Keep the gradient as a `SparseGradient` (the used rows only) instead of a (V, D) array.

    Attributes
    ----------
    dW : ndarray, shape (V, D), or SparseGradient
        The gradient from the last ``backward`` (rows of unused words are zero); also
        ``grads[0]``, the same array after every ``backward`` (a new `SparseGradient` each time
        when ``sparse=True``).

    Examples
    --------
    >>> layer = Embedding(np.arange(6.0).reshape(3, 2))     # 3 words, 2 dimensions
    >>> layer.forward(np.array([2, 0, 2]))
    array([[4., 5.],
           [0., 1.],
           [4., 5.]])
    >>> layer.backward(np.ones((3, 2)))                     # nothing to pass on: the ids are data
    >>> layer.dW                                            # word 2 was used twice
    array([[1., 1.],
           [0., 0.],
           [2., 2.]])
    >>> sparse = Embedding(np.arange(6.0).reshape(3, 2), sparse=True)
    >>> _ = sparse.forward(np.array([2, 0, 2]))
    >>> sparse.backward(np.ones((3, 2)))
    >>> sparse.dW.indices, sparse.dW.values           # only the rows of words 0 and 2
    (array([0, 2]), array([[1., 1.],
           [2., 2.]]))
    """

    def __init__(self, W: np.ndarray, sparse: bool = False) -> None:
        self.W = parameter("W", W, 2, "(V, D)")
        if not isinstance(sparse, bool):
            raise TypeError(f"{type(self).__name__}: sparse must be True or False, got {sparse!r}")
        self.sparse = sparse
        empty = SparseGradient(np.zeros(0, np.int64), np.zeros((0, W.shape[1]), W.dtype), W.shape)
        self.dW = empty if sparse else np.zeros_like(W)
        self.idx: np.ndarray | None = None

    @property
    def params(self) -> list[np.ndarray]:
        """``[W]``, as in the book."""
        return [self.W]

    @property
    def grads(self) -> list[np.ndarray]:
        """``[dW]``: the same array after every ``backward``, or the last `SparseGradient` when ``sparse=True``."""
        return [self.dW]

    def forward(self, idx: np.ndarray) -> np.ndarray:
        self.idx = _word_ids(f"{type(self).__name__}.forward", idx, len(self.W))
        return self.W[self.idx]

    def backward(self, dout: np.ndarray) -> None:
        where = f"{type(self).__name__}.backward"
        idx = forward_cache(where, self.idx)
        dout = upstream_gradient(where, dout, idx.shape + self.W.shape[1:], self.W.dtype)
        if self.sparse:
            self.dW = SparseGradient.from_rows(idx, dout, self.W.shape)
            return None
        self.dW[...] = 0
        np.add.at(self.dW, idx.reshape(-1), dout.reshape(-1, self.W.shape[1]))
        return None


class TimeEmbedding(Embedding):
    r"""`Embedding` at every time step: word ids (N, T) in, vectors (N, T, D) out.

    $$
    y_{n,t} = W_{w_{n,t},:}, \qquad
    \frac{\partial L}{\partial W_{v,:}} = \sum_{(n,t) \,:\, w_{n,t} = v} \frac{\partial L}{\partial y_{n,t}}
    $$

    One lookup for the whole batch; the gradient is summed over the batch and over time,
    like every weight shared by the time steps.

    Examples
    --------
    >>> layer = TimeEmbedding(np.eye(3))                   # 3 words, one-hot vectors
    >>> layer.forward(np.array([[0, 1, 1]])).shape
    (1, 3, 3)
    >>> layer.backward(np.ones((1, 3, 3)))
    >>> layer.dW.sum(axis=1)                                # how often each word was read, times 3
    array([3., 6., 0.])
    """

    def forward(self, xs: np.ndarray) -> np.ndarray:
        xs = np.asarray(xs)
        if xs.ndim != 2:
            raise ValueError(f"TimeEmbedding.forward: xs must be word ids of shape (N, T), got shape {xs.shape}")
        return super().forward(xs)


def _word_ids(where: str, idx: object, vocabulary: int) -> np.ndarray:
    """``idx`` as an integer array of ids in ``range(vocabulary)``."""
    idx = array(f"{where}: idx", idx)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{where}: idx must hold integer word ids, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= vocabulary):
        raise ValueError(f"{where}: word ids must lie in [0, {vocabulary}) for W of {vocabulary} rows, "
                         f"got {idx.min()} to {idx.max()}")
    return idx
