r"""Embedding layers: a word's vector looked up by its id, for one step (`Embedding`) or a sequence (`TimeEmbedding`).

An embedding is an affine layer without bias whose input is a one-hot vector: the product
$\mathrm{onehot}(w)\, W$ is row $w$ of $W$, so the layer reads that row instead of
multiplying (the course's seq2seq fill-in writes it ``E.dot(w)`` with a one-hot column ``w``
and a (D, V) matrix ``E``, the transpose of the (V, D) ``W`` here). Backward adds each
upstream gradient to the row it came from; a word used twice in a batch gets both.
Names and interfaces are those of the book's second volume (``common/layers.py``,
``common/time_layers.py``).
"""

from __future__ import annotations

import numpy as np

from ._checks import array, forward_cache, parameter, upstream_gradient

__all__ = ["Embedding", "TimeEmbedding"]


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

    Attributes
    ----------
    dW : ndarray, shape (V, D)
        The gradient from the last ``backward`` (rows of unused words are zero); also
        ``grads[0]``, the same array after every ``backward``.

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
    """

    def __init__(self, W: np.ndarray) -> None:
        self.W = parameter("W", W, 2, "(V, D)")
        self.dW = np.zeros_like(W)
        self.idx: np.ndarray | None = None

    @property
    def params(self) -> list[np.ndarray]:
        """``[W]``, as in the book."""
        return [self.W]

    @property
    def grads(self) -> list[np.ndarray]:
        """``[dW]``, the same array after every ``backward``."""
        return [self.dW]

    def forward(self, idx: np.ndarray) -> np.ndarray:
        self.idx = _word_ids(f"{type(self).__name__}.forward", idx, len(self.W))
        return self.W[self.idx]

    def backward(self, dout: np.ndarray) -> None:
        where = f"{type(self).__name__}.backward"
        idx = forward_cache(where, self.idx)
        dout = upstream_gradient(where, dout, idx.shape + self.W.shape[1:], self.W.dtype)
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
