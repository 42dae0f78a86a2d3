r"""Initial weights: Gaussian with a chosen standard deviation, Xavier (Glorot) and He.

A layer's output variance is its input variance times $n_\text{in} \operatorname{Var}(W)$;
the right scale keeps activations (and gradients) from shrinking or exploding layer after layer:
$\operatorname{Var}(W) = 1/n_\text{in}$ for tanh-like activations (Xavier), $2/n_\text{in}$ for
ReLU, which zeroes half of its inputs (He).

Two different distributions are both called "Xavier": the course's and the book's
$\mathcal{N}(0, 1/n_\text{in})$ (`xavier_fan_in_normal`, ``weight_init_std='xavier'``), and
Glorot & Bengio's $\operatorname{Var}(W) = 2/(n_\text{in} + n_\text{out})$, which PyTorch and
Keras implement (`glorot_normal`, `glorot_uniform`). The earlier names ``xavier_normal`` and
``xavier_uniform`` are the same functions as `xavier_fan_in_normal` and `glorot_uniform`.

Every function takes the weight's shape: (n_in, n_out) for an affine layer, (FN, C, FH, FW)
for a convolution (then $n_\text{in} = C \cdot FH \cdot FW$). Weights are float32 unless
``dtype`` says otherwise, and random numbers come from ``rng`` or ``seed``, never NumPy's global
state. The page that teaches these is "Weight initialisation" (``weight_init.md``).
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import float_dtype, generator, one_of, positive

__all__ = [
    "fans", "weight_std", "gaussian", "xavier_fan_in_normal", "glorot_normal", "glorot_uniform", "he_normal",
    "init_weight", "xavier_normal", "xavier_uniform",
]

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
        try:
            gain = _GAINS[one_of("weight_init_std", weight_init_std, tuple(_GAINS))]
        except ValueError as error:
            if weight_init_std.lower().startswith("glorot"):  # the frameworks' Xavier needs n_out too
                raise ValueError(f"{error}; Glorot's Var(W) = 2/(n_in + n_out) is dl_notes.init.glorot_normal(shape)") from None
            raise
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
    xavier_fan_in_normal, glorot_normal, he_normal : the standard deviations that keep activations in range.

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


def xavier_fan_in_normal(shape: tuple[int, ...], **kwargs) -> np.ndarray:
    r"""Xavier initialisation as the course and the book write it: Gaussian with variance $1/n_\text{in}$.

    $$
    W_{ij} \sim \mathcal{N}\!\left(0, \frac{1}{n_\text{in}}\right)
    $$

    This keeps the variance of the forward signal only (the fan-in). Glorot & Bengio (2010), and
    every framework's "Xavier" or "Glorot", average it with the backward pass's fan-out:
    `glorot_normal`, `glorot_uniform`. Keras names this fan-in form ``lecun_normal`` (truncated).
    The course's ``weight_init_std='xavier'`` (or ``'sigmoid'``) gives these weights, and
    ``xavier_normal``, this function's earlier name, is the same function; it is **not**
    PyTorch's ``nn.init.xavier_normal_``, which is `glorot_normal`. Keyword arguments (``rng``,
    ``seed``, ``dtype``) are those of `gaussian`.

    See Also
    --------
    glorot_normal : the frameworks' Xavier, variance $2/(n_\text{in} + n_\text{out})$.

    Examples
    --------
    >>> W = xavier_fan_in_normal((400, 100), seed=0)
    >>> round(float(W.std()), 2)        # sqrt(1/400), whatever n_out is
    0.05
    """
    return gaussian(shape, math.sqrt(1 / fans(shape)[0]), **kwargs)


def glorot_normal(shape: tuple[int, ...], **kwargs) -> np.ndarray:
    r"""Glorot & Bengio's normal initialisation, the frameworks' "Xavier normal".

    $$
    W_{ij} \sim \mathcal{N}\!\left(0, \frac{2}{n_\text{in} + n_\text{out}}\right)
    $$

    The variance is the harmonic mean of $1/n_\text{in}$ (keeps the forward signal's variance)
    and $1/n_\text{out}$ (keeps the backward gradient's). PyTorch's ``nn.init.xavier_normal_``
    draws exactly this; Keras's ``glorot_normal`` draws from a normal truncated at two standard
    deviations, rescaled to the same variance. It equals `xavier_fan_in_normal` only when
    $n_\text{in} = n_\text{out}$. Keyword arguments (``rng``, ``seed``, ``dtype``) are those of
    `gaussian`.

    See Also
    --------
    xavier_fan_in_normal : the course's Xavier, variance $1/n_\text{in}$.
    glorot_uniform : the same variance from a uniform distribution.

    Examples
    --------
    >>> W = glorot_normal((400, 100), seed=0)
    >>> round(float(W.std()), 3)        # sqrt(2/500)
    0.063
    """
    n_in, n_out = fans(shape)
    return gaussian(shape, math.sqrt(2 / (n_in + n_out)), **kwargs)


def glorot_uniform(shape: tuple[int, ...], *, rng: np.random.Generator | None = None,
                   seed: int | None = None, dtype=np.float32) -> np.ndarray:
    r"""Glorot & Bengio's uniform initialisation, the frameworks' "Xavier uniform".

    $$
    W_{ij} \sim \mathcal{U}\!\left(-a, a\right), \qquad a = \sqrt{\frac{6}{n_\text{in} + n_\text{out}}}
    $$

    so that $\operatorname{Var}(W) = a^2/3 = 2/(n_\text{in} + n_\text{out})$, as in
    `glorot_normal`. PyTorch's ``nn.init.xavier_uniform_`` and Keras's ``glorot_uniform`` (the
    default of a Keras ``Dense`` layer) draw exactly this. ``xavier_uniform``, this function's
    earlier name, is the same function.

    Examples
    --------
    >>> W = glorot_uniform((300, 300), seed=0)
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
    ValueError: weight_init_std must be one of 'xavier', 'sigmoid', 'he', 'relu', got 'glorot'; Glorot's Var(W) = 2/(n_in + n_out) is dl_notes.init.glorot_normal(shape)
    """
    return gaussian(shape, weight_std(weight_init_std, fans(shape)[0]), **kwargs)


# Earlier names, kept so that existing code runs. ``xavier_normal`` is the course's fan-in form,
# not PyTorch's xavier_normal_ (that is glorot_normal): new code should use the explicit names.
xavier_normal = xavier_fan_in_normal
xavier_uniform = glorot_uniform
