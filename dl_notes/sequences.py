r"""Generated sequence data for the recurrent-network chapters: seeded, exact and licence-free.

Every generator takes ``rng`` or ``seed`` and returns NumPy arrays shaped for the time layers,
inputs (N, T, D) and targets (N, T) or (N,), so that a page, a notebook and a test draw the
same data.
"""

from __future__ import annotations

import numpy as np

from ._checks import count, generator

__all__ = ["to_bits", "from_bits", "binary_addition", "sine_wave", "sine_windows"]


def to_bits(values: object, binary_dim: int = 8) -> np.ndarray:
    r"""The binary digits of non-negative integers, least significant first: (..., binary_dim).

    Bit $t$ is $\lfloor v / 2^t \rfloor \bmod 2$, so time step $t$ of an RNN reading the
    digits meets them in the order a written addition carries: from the right.

    Raises
    ------
    ValueError
        If a value is negative or needs more than ``binary_dim`` bits.

    Examples
    --------
    >>> to_bits([6, 255])                    # 6 = 0b110: LSB first
    array([[0, 1, 1, 0, 0, 0, 0, 0],
           [1, 1, 1, 1, 1, 1, 1, 1]])
    """
    binary_dim = count("binary_dim", binary_dim)
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.integer):
        raise TypeError(f"values must be integers, got dtype {values.dtype}")
    if values.size and (values.min() < 0 or values.max() >= 2 ** binary_dim):
        raise ValueError(f"values must lie in [0, 2**binary_dim) = [0, {2 ** binary_dim}), "
                         f"got {values.min()} to {values.max()}")
    return (values[..., None] >> np.arange(binary_dim)) & 1


def from_bits(bits: object) -> np.ndarray:
    r"""The integers whose binary digits, least significant first, are the last axis of ``bits``.

    Examples
    --------
    >>> from_bits([[0, 1, 1, 0, 0, 0, 0, 0]])
    array([6])
    """
    bits = np.asarray(bits).astype(np.int64)
    return bits @ (1 << np.arange(bits.shape[-1], dtype=np.int64))


def binary_addition(n: int, *, binary_dim: int = 8, rng: np.random.Generator | None = None,
                    seed: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""The course's binary-addition task (Day 3, ``3_1_simple_RNN``): add two numbers bit by bit.

    $a$ and $b$ are drawn uniformly from $[0, 2^{\text{binary\_dim}-1})$, so that $a + b$ fits
    in ``binary_dim`` bits. Time step $t$ reads bit $t$ of $a$ and of $b$ (least significant
    first) and its target is bit $t$ of $a + b$, which depends on the carry from the earlier
    steps: the network has to remember it.

    Parameters
    ----------
    n : int
        How many examples.
    binary_dim : int, default 8
        Bits per number, the sequence length $T$.
    rng, seed : optional
        The generator, or its seed.

    Returns
    -------
    xs : ndarray of float64, shape (n, binary_dim, 2)
        The bits of $a$ and $b$ at each step.
    ts : ndarray of int64, shape (n, binary_dim)
        The bits of $a + b$.
    a, b : ndarray of int64, shape (n,)

    Examples
    --------
    >>> xs, ts, a, b = binary_addition(2, seed=0)
    >>> xs.shape, ts.shape
    ((2, 8, 2), (2, 8))
    >>> bool(np.all(from_bits(ts) == a + b))
    True
    """
    n = count("n", n)
    binary_dim = count("binary_dim", binary_dim, minimum=2)
    rng = generator(rng, seed)
    half = 2 ** (binary_dim - 1)
    a = rng.integers(0, half, n)
    b = rng.integers(0, half, n)
    xs = np.stack([to_bits(a, binary_dim), to_bits(b, binary_dim)], axis=2).astype(np.float64)
    return xs, to_bits(a + b, binary_dim), a, b


def sine_wave(length: int = 500, turns: float = 5.0) -> np.ndarray:
    r"""$\sin$ sampled at ``length`` evenly spaced points of $[0, 2\pi \cdot \text{turns}]$ (both ends included).

    The course's 3_3 uses ``np.sin(np.linspace(0, 10 * np.pi, 500))``: 5 periods, 500 points.

    Examples
    --------
    >>> sine_wave(5, turns=0.5).round(4)          # [0, pi/4, pi/2, 3pi/4, pi]
    array([0.    , 0.7071, 1.    , 0.7071, 0.    ])
    """
    length = count("length", length, minimum=2)
    if not (isinstance(turns, (int, float)) and turns > 0):
        raise ValueError(f"turns must be a positive number, got {turns!r}")
    return np.sin(np.linspace(0.0, 2 * np.pi * turns, length))


def sine_windows(maxlen: int = 2, *, length: int = 500, turns: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    r"""Windows of ``maxlen`` consecutive values of `sine_wave` and the value that follows each.

    $x^{(i)} = (f_i, \dots, f_{i + \text{maxlen} - 1})$, target $f_{i + \text{maxlen}}$ for
    $i = 0, \dots, \text{length} - \text{maxlen} - 1$: the course's 3_3 data before its
    80/20 split.

    Returns
    -------
    xs : ndarray, shape (length - maxlen, maxlen, 1)
    ts : ndarray, shape (length - maxlen, 1)

    Examples
    --------
    >>> xs, ts = sine_windows(2)
    >>> xs.shape, ts.shape                        # 498 windows of 2 steps
    ((498, 2, 1), (498, 1))
    >>> f = sine_wave()
    >>> bool(np.all(xs[3, :, 0] == f[3:5]) and ts[3, 0] == f[5])
    True
    """
    maxlen = count("maxlen", maxlen)
    f = sine_wave(length, turns)
    if maxlen >= len(f):
        raise ValueError(f"maxlen must be smaller than length = {len(f)}, got {maxlen}")
    idx = np.arange(len(f) - maxlen)[:, None] + np.arange(maxlen)
    return f[idx][..., None], f[maxlen:, None]
