r"""Dropout: in training, drop each unit with a probability and rescale the rest (inverted dropout).

`Dropout` follows the layer contract of `dl_notes.layers` and is importable from there too, as in
the course's ``common/layers.py``. `dl_notes.layers.DropConnect` drops weights instead of units
with the same masks.
"""

from __future__ import annotations

import numpy as np

from ._checks import batch, forward_cache, fraction, generator

__all__ = ["Dropout", "keep_mask"]


def keep_mask(rng: np.random.Generator, shape: tuple[int, ...], dtype: np.dtype, ratio: float) -> np.ndarray:
    r"""A boolean mask that keeps each entry with probability $1 - p$ (``ratio`` is $p$).

    $$
    m_i \sim \mathrm{Bernoulli}(1 - p)
    $$

    `Dropout` draws it over the units, `dl_notes.layers.DropConnect` over the weights. The
    uniform numbers are drawn in the precision of ``dtype`` (float32 unless float64), so a
    float32 network makes no float64 temporaries.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness.
    shape : tuple of int
        The shape of the mask.
    dtype : numpy.dtype
        The dtype of the array the mask will multiply.
    ratio : float
        The drop probability $p$, in [0, 1).

    Returns
    -------
    numpy.ndarray of bool, shape ``shape``
        True where the entry is kept.

    See Also
    --------
    Dropout : the layer that uses it (page: Overfitting and regularisation).

    Examples
    --------
    >>> m = keep_mask(np.random.default_rng(0), (1000,), np.float32, 0.25)
    >>> m.dtype, bool(0.7 < m.mean() < 0.8)
    (dtype('bool'), True)
    """
    draw_dtype = np.float64 if dtype == np.float64 else np.float32
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
        self.input_shape: tuple[int, ...] | None = None  # None until the first forward

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = batch("Dropout.forward", x)
        self.input_shape = x.shape
        if not train_flg or self.dropout_ratio == 0:
            self.mask = None
            return x
        self.mask = keep_mask(self.rng, x.shape, x.dtype, self.dropout_ratio)
        out = x * self.mask
        out *= 1 / (1 - self.dropout_ratio)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        forward_cache("Dropout.backward", self.input_shape)
        if self.mask is None:
            return dout
        dx = dout * self.mask
        dx *= 1 / (1 - self.dropout_ratio)
        return dx
