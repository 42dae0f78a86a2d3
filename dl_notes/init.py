r"""Initial weights: Gaussian with a chosen standard deviation, Xavier (Glorot) and He.

A layer's output variance is its input variance times $n_\text{in} \operatorname{Var}(W)$;
the right scale keeps activations (and gradients) from shrinking or exploding layer after layer:
$\operatorname{Var}(W) = 1/n_\text{in}$ for sigmoid and tanh (Xavier), $2/n_\text{in}$ for
ReLU, which zeroes half of its inputs (He).

Every function takes the weight's shape: (n_in, n_out) for an affine layer, (FN, C, FH, FW)
for a convolution (then $n_\text{in} = C \cdot FH \cdot FW$). Weights are float32 unless
``dtype`` says otherwise, and random numbers come from ``rng`` or ``seed``, never NumPy's global
state.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import float_dtype, generator, one_of, positive

__all__ = ["fans", "weight_std", "gaussian", "xavier_normal", "xavier_uniform", "he_normal", "init_weight"]

# The course's spellings of weight_init_std, lower-cased, and the gain g in std = sqrt(g / n_in).
_GAINS = {"xavier": 1.0, "sigmoid": 1.0, "he": 2.0, "relu": 2.0}


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    r"""The numbers of inputs and outputs that one weight connects, $(n_\text{in}, n_\text{out})$.

    $$
    (n_\text{in}, n_\text{out}) = \begin{cases}
    (D_\text{in}, D_\text{out}) & W \in \mathbb{R}^{D_\text{in} \times D_\text{out}} \\
    (C \cdot FH \cdot FW,\ FN \cdot FH \cdot FW) & W \in \mathbb{R}^{FN \times C \times FH \times FW}
    \end{cases}
    $$

    Raises
    ------
    ValueError
        If the shape is neither 2-D nor 4-D.

    Examples
    --------
    >>> fans((784, 100)), fans((30, 1, 5, 5))
    ((784, 100), (25, 750))
    """
    shape = tuple(shape)
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 4:
        FN, C, FH, FW = shape
        return C * FH * FW, FN * FH * FW
    raise ValueError(f"shape must be (n_in, n_out) or (FN, C, FH, FW), got {shape}")


def weight_std(weight_init_std: float | str, n_in: int) -> float:
    r"""The standard deviation that the course's ``weight_init_std`` asks for.

    $$
    \sigma = \begin{cases}
    \texttt{weight\_init\_std} & \text{a number} \\
    \sqrt{1 / n_\text{in}} & \texttt{'xavier'}, \texttt{'sigmoid'} \\
    \sqrt{2 / n_\text{in}} & \texttt{'he'}, \texttt{'relu'}
    \end{cases}
    $$

    Strings are case-insensitive (the course writes ``'Xavier'`` and ``'He'``).

    Raises
    ------
    ValueError
        If the string is none of these, or the number is not > 0.

    Examples
    --------
    >>> weight_std(0.01, 784), weight_std("Xavier", 100), weight_std("relu", 50)
    (0.01, 0.1, 0.2)
    """
    if isinstance(weight_init_std, str):
        gain = _GAINS[one_of("weight_init_std", weight_init_std, tuple(_GAINS))]
        return math.sqrt(gain / n_in)
    return positive("weight_init_std", weight_init_std)


def gaussian(shape: tuple[int, ...], std: float, *, rng: np.random.Generator | None = None,
             seed: int | None = None, dtype=np.float32) -> np.ndarray:
    r"""Weights drawn from a zero-mean Gaussian with standard deviation ``std``.

    $$
    W_{ij} \sim \mathcal{N}(0, \sigma^2)
    $$

    Parameters
    ----------
    shape : tuple of int
        The weight's shape.
    std : float
        $\sigma > 0$.
    rng : numpy.random.Generator, optional
        Where the random numbers come from; or give ``seed``. With neither, a fresh generator.
    seed : int, optional
        Seed for a new generator.
    dtype : float32 or float64, default float32

    Returns
    -------
    ndarray
        Shape ``shape``, dtype ``dtype``.

    See Also
    --------
    xavier_normal, he_normal : the standard deviations that keep activations in range.

    Examples
    --------
    >>> W = gaussian((1000, 100), std=0.01, seed=0)
    >>> W.dtype, round(float(W.std()), 3)
    (dtype('float32'), 0.01)
    """
    std = positive("std", std)
    W = generator(rng, seed).standard_normal(shape, dtype=float_dtype(dtype))
    W *= std
    return W


def xavier_normal(shape: tuple[int, ...], **kwargs) -> np.ndarray:
    r"""Xavier initialisation as the course writes it: Gaussian with variance $1/n_\text{in}$.

    $$
    W_{ij} \sim \mathcal{N}\!\left(0, \frac{1}{n_\text{in}}\right)
    $$

    Glorot & Bengio (2010) average both directions, $\operatorname{Var}(W) =
    2/(n_\text{in} + n_\text{out})$; the course (and the book) keep only the forward pass's
    $1/n_\text{in}$. Keyword arguments (``rng``, ``seed``, ``dtype``) are those of
    `gaussian`.

    Examples
    --------
    >>> W = xavier_normal((400, 400), seed=0)
    >>> round(float(W.std()), 2)        # sqrt(1/400)
    0.05
    """
    return gaussian(shape, math.sqrt(1 / fans(shape)[0]), **kwargs)


def xavier_uniform(shape: tuple[int, ...], *, rng: np.random.Generator | None = None,
                   seed: int | None = None, dtype=np.float32) -> np.ndarray:
    r"""Glorot & Bengio's uniform initialisation.

    $$
    W_{ij} \sim \mathcal{U}\!\left(-a, a\right), \qquad a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}}
    $$

    so that $\operatorname{Var}(W) = a^2/3 = 2/(n_\text{in} + n_\text{out})$.

    Examples
    --------
    >>> W = xavier_uniform((300, 300), seed=0)
    >>> bool(np.abs(W).max() <= 0.1), W.dtype        # a = sqrt(6/600)
    (True, dtype('float32'))
    """
    n_in, n_out = fans(shape)
    a = math.sqrt(6 / (n_in + n_out))
    W = generator(rng, seed).random(shape, dtype=float_dtype(dtype))  # U[0, 1)
    W *= 2 * a
    W -= a
    return W


def he_normal(shape: tuple[int, ...], **kwargs) -> np.ndarray:
    r"""He initialisation, for ReLU networks: Gaussian with variance $2/n_\text{in}$.

    $$
    W_{ij} \sim \mathcal{N}\!\left(0, \frac{2}{n_\text{in}}\right)
    $$

    Keyword arguments (``rng``, ``seed``, ``dtype``) are those of `gaussian`.

    Examples
    --------
    >>> W = he_normal((200, 400), seed=0)
    >>> round(float(W.std()), 2)        # sqrt(2/200)
    0.1
    """
    return gaussian(shape, math.sqrt(2 / fans(shape)[0]), **kwargs)


def init_weight(shape: tuple[int, ...], weight_init_std: float | str = "relu", **kwargs) -> np.ndarray:
    r"""A weight initialised as the course's ``weight_init_std`` says (a number, Xavier or He).

    $$
    W_{ij} \sim \mathcal{N}(0, \sigma^2), \qquad \sigma = \texttt{weight\_std}(\texttt{weight\_init\_std}, n_\text{in})
    $$

    Keyword arguments (``rng``, ``seed``, ``dtype``) are those of `gaussian`.

    See Also
    --------
    weight_std : how the argument becomes $\sigma$.

    Examples
    --------
    >>> init_weight((50, 10), "he", seed=0).shape
    (50, 10)
    >>> init_weight((50, 10), "glorot")
    Traceback (most recent call last):
    ...
    ValueError: weight_init_std must be one of 'xavier', 'sigmoid', 'he', 'relu', got 'glorot'
    """
    return gaussian(shape, weight_std(weight_init_std, fans(shape)[0]), **kwargs)
