r"""Generated sequence data for the recurrent-network chapters: seeded, exact and licence-free.

Every generator takes ``rng`` or ``seed`` and returns NumPy arrays shaped for the time layers,
inputs (N, T, D) and targets (N, T) or (N,), so that a page, a notebook and a test draw the
same data.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import count, generator, nonnegative, one_of

__all__ = ["to_bits", "from_bits", "binary_addition", "sine_wave", "sine_windows", "first_symbol_task",
           "adding_problem", "repeating_patterns", "PhraseTags", "phrase_tags", "digit_strings"]


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


def first_symbol_task(n: int, length: int, n_classes: int = 4, noise: float = 0.5, *,
                      rng: np.random.Generator | None = None, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""A long-range dependency: name the class of the first step after ``length - 1`` steps of noise.

    Step 1 of each sequence is the one-hot vector of its class $k$; steps 2 to ``length``
    are Gaussian noise, $x_t \sim \mathcal{N}(0, \text{noise}^2 I)$ on the same ``n_classes``
    inputs. The class is asked for only after the last step, so a network must carry it
    across ``length - 1`` noisy steps; guessing scores $1 / \text{n\_classes}$ (chance).

    Parameters
    ----------
    n : int
        Number of sequences.
    length : int
        Time steps T per sequence (at least 1).
    n_classes : int, default 4
        Classes (at least 2), also the number of inputs per step.
    noise : float, default 0.5
        Standard deviation of the distractor steps (0 gives zeros after step 1).
    rng, seed : optional
        The generator, or its seed.

    Returns
    -------
    xs : ndarray, shape (n, length, n_classes), float32
    ts : ndarray, shape (n,), int64
        The class of step 1, in ``range(n_classes)``.

    Raises
    ------
    ValueError
        If a count is too small or ``noise`` is negative.

    Examples
    --------
    >>> xs, ts = first_symbol_task(2, 3, n_classes=3, noise=0.0, seed=0)
    >>> xs.shape, ts.tolist()
    ((2, 3, 3), [2, 1])
    >>> xs[0].tolist()                         # the class at t = 1, then (here noiseless) distractors
    [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    n, length = count("n", n), count("length", length)
    n_classes = count("n_classes", n_classes, minimum=2)
    noise = nonnegative("noise", noise)
    rng = generator(rng, seed)
    ts = rng.integers(n_classes, size=n)
    xs = noise * rng.standard_normal((n, length, n_classes)) + 0.0  # + 0.0: no -0.0 when noise = 0
    xs[:, 0] = np.eye(n_classes)[ts]
    return xs.astype(np.float32), ts


def adding_problem(n: int, length: int, *, rng: np.random.Generator | None = None,
                   seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""The adding problem: add the two numbers of a sequence that carry a marker.

    Every step $t$ has two inputs, a number $v_t$ drawn uniformly from $[0, 1)$ and a marker
    $m_t \in \{0, 1\}$; exactly two steps are marked, one in the first half of the sequence and
    one in the second. The target is $\sum_t m_t v_t$. Predicting its mean (1) gives a mean
    squared error equal to its variance, $2 \cdot \frac{1}{12} = \frac{1}{6}$; doing better
    needs the value of the first marked step kept until the end, which is why Hochreiter and
    Schmidhuber (1997) and Pascanu et al. (2013) use it to study gradients through time.

    Parameters
    ----------
    n : int
        Number of sequences.
    length : int
        Time steps $T \ge 2$.
    rng, seed : optional
        The generator, or its seed.

    Returns
    -------
    xs : ndarray, shape (n, length, 2), float32
        ``xs[..., 0]`` the numbers, ``xs[..., 1]`` the markers.
    ts : ndarray, shape (n,), float32
        The sums.

    Examples
    --------
    >>> xs, ts = adding_problem(3, 6, seed=0)
    >>> xs.shape, ts.shape
    ((3, 6, 2), (3,))
    >>> xs[..., 1].sum(axis=1)                      # two markers per sequence
    array([2., 2., 2.], dtype=float32)
    >>> bool(np.allclose(ts, (xs[..., 0] * xs[..., 1]).sum(axis=1)))
    True
    """
    n, length = count("n", n), count("length", length, minimum=2)
    rng = generator(rng, seed)
    values = rng.random((n, length))
    markers = np.zeros((n, length))
    half = length // 2
    rows = np.arange(n)
    markers[rows, rng.integers(0, half, n)] = 1
    markers[rows, rng.integers(half, length, n)] = 1
    xs = np.stack([values, markers], axis=2).astype(np.float32)
    return xs, (values * markers).sum(axis=1).astype(np.float32)


def repeating_patterns(n: int, length: int, period: int, noise: float = 0.0, *,
                       rng: np.random.Generator | None = None, seed: int | None = None) -> np.ndarray:
    r"""Sequences that repeat a random pattern of ``period`` values, each sequence its own, plus noise.

    $$
    x_t = p_{t \bmod P} + \varepsilon_t, \qquad p_j \sim \mathcal{N}(0, 1), \quad \varepsilon_t \sim \mathcal{N}(0, \sigma^2)
    $$

    The next value is told by the value $P$ steps back, and by nothing nearer: the pattern's
    values are independent. A model that sees fewer than $P$ steps can do no better than
    predicting 0, a mean squared error of $1 + \sigma^2$; one that sees $P$ steps back can copy,
    an error of $2\sigma^2$. It is the long-context task of the page "WaveNet".

    Parameters
    ----------
    n : int
        Number of sequences.
    length : int
        Time steps $T$.
    period : int
        $P \ge 1$.
    noise : float, default 0.0
        $\sigma \ge 0$.
    rng, seed : optional
        The generator, or its seed.

    Returns
    -------
    ndarray, shape (n, length), float32

    Raises
    ------
    ValueError
        When a count is not a positive integer or ``noise`` is negative.

    Examples
    --------
    >>> xs = repeating_patterns(2, 7, period=3, seed=0)
    >>> bool((xs[:, 3:] == xs[:, :-3]).all()), bool((xs[0, :3] != xs[1, :3]).all())
    (True, True)
    """
    n, length, period = count("n", n), count("length", length), count("period", period)
    noise = nonnegative("noise", noise)
    rng = generator(rng, seed)
    patterns = rng.standard_normal((n, period))
    xs = patterns[:, np.arange(length) % period]                       # (n, length)
    return (xs + noise * rng.standard_normal((n, length))).astype(np.float32)


class PhraseTags(NamedTuple):
    """A tagging data set: one-hot tokens, one tag per position, and how far away the deciding token is.

    Examples
    --------
    >>> xs, ts, distance = phrase_tags(2, 6, seed=0)     # a tuple: it unpacks
    >>> xs.shape, ts.shape, distance.shape
    ((2, 6, 9), (2, 6), (2, 6))
    """

    xs: np.ndarray
    """(N, T, words + particles) one-hot tokens, float32."""
    ts: np.ndarray
    """(N, T) tags: the index of the deciding particle, -1 where there is none."""
    distance: np.ndarray
    """(N, T) steps from each position to its deciding particle (0 on the particle), -1 where there is none."""


def phrase_tags(n: int, length: int, *, words: int = 6, particles: int = 3, max_words: int = 5,
                direction: str = "next", rng: np.random.Generator | None = None,
                seed: int | None = None) -> PhraseTags:
    r"""A toy tagging task: phrases of words each closed by a particle; a word's tag is a particle.

    A sequence of ``length`` tokens is a run of phrases, each 1 to ``max_words`` words
    (tokens ``0 .. words-1``) followed by one particle (tokens ``words .. words+particles-1``);
    the last token is always a particle (the last phrase is cut short for it, down to no word
    at all when one place is left). Like the particle after a Japanese noun (猫**が**,
    猫**を**), the particle decides the role of the words before it. With
    ``direction='next'`` the tag of position $t$ is the particle that closes its phrase,

    $$
    y_t = p(x_{t + d_t}), \qquad d_t = \min\{d \ge 0 : x_{t+d} \text{ is a particle}\},
    $$

    which lies up to ``max_words`` steps in the **future**; with ``direction='previous'`` it is
    the most recent particle at or before $t$ (the past only; positions before the first
    particle get the tag -1, which `dl_notes.time_layers.TimeSoftmaxWithLoss` and
    `dl_notes.recurrent_nets.RecurrentNet.accuracy` skip). ``distance`` is $d_t$.

    Parameters
    ----------
    n, length : int
        The number of sequences and their length T.
    words, particles : int, default 6 and 3
        The number of word and particle tokens; the tags are the ``particles`` classes.
    max_words : int, default 5
        The longest phrase, in words (drawn uniformly from 1 to ``max_words``).
    direction : {'next', 'previous'}, default 'next'
    rng, seed : optional
        The generator (or its seed).

    Returns
    -------
    PhraseTags
        ``(xs, ts, distance)``.

    Examples
    --------
    >>> data = phrase_tags(1, 8, words=2, particles=2, max_words=3, seed=0)
    >>> tokens = data.xs[0].argmax(axis=1)
    >>> tokens, data.ts[0], data.distance[0]          # tokens 2 and 3 are the particles
    (array([1, 1, 0, 2, 0, 2, 1, 3]), array([0, 0, 0, 0, 0, 0, 1, 1]), array([3, 2, 1, 0, 1, 0, 1, 0]))
    >>> phrase_tags(1, 8, words=2, particles=2, max_words=3, direction="previous", seed=0).ts[0]
    array([-1, -1, -1,  0,  0,  0,  0,  1])
    """
    n, length = count("n", n), count("length", length)
    words, particles, max_words = count("words", words), count("particles", particles, 2), count("max_words", max_words)
    direction = one_of("direction", direction, ("next", "previous"))
    rng = generator(rng, seed)
    tokens = np.empty((n, length), np.int64)
    for row in tokens:
        t = 0
        while t < length:
            k = min(int(rng.integers(1, max_words + 1)), length - t - 1)
            row[t:t + k] = rng.integers(0, words, k)
            row[t + k] = words + rng.integers(0, particles)
            t += k + 1
    is_particle = tokens >= words
    steps = np.arange(length)
    if direction == "next":  # the first particle at or after t: scan from the end
        where = np.flip(np.minimum.accumulate(np.flip(np.where(is_particle, steps, length), axis=1), axis=1), axis=1)
        found = where < length
    else:  # the last particle at or before t
        where = np.maximum.accumulate(np.where(is_particle, steps, -1), axis=1)
        found = where >= 0
    deciding = np.take_along_axis(tokens, np.where(found, where, 0), axis=1)
    ts = np.where(found, deciding - words, -1)
    distance = np.where(found, np.abs(where - steps), -1)
    xs = np.eye(words + particles, dtype=np.float32)[tokens]
    return PhraseTags(xs, ts, distance)


def digit_strings(n: int, max_length: int, *, min_length: int = 1, rng: np.random.Generator | None = None,
                  seed: int | None = None) -> list[str]:
    r"""``n`` random strings of decimal digits, their lengths uniform in [min_length, max_length].

    The source side of a copy task whose input length varies: a seq2seq model must write the
    string back, so every digit of the input is needed, and the longer the string, the more a
    single fixed-length vector has to hold ($L \log_2 10$ bits for $L$ digits).

    Examples
    --------
    >>> digit_strings(4, 6, min_length=2, seed=0)
    ['300018', '69569', '7655', '928']
    """
    n, max_length = count("n", n), count("max_length", max_length)
    min_length = count("min_length", min_length)
    if min_length > max_length:
        raise ValueError(f"digit_strings: min_length must be at most max_length = {max_length}, got {min_length}")
    rng = generator(rng, seed)
    lengths = rng.integers(min_length, max_length + 1, n)
    digits = rng.integers(0, 10, lengths.sum())
    text = "".join(map(str, digits))
    ends = np.cumsum(lengths)
    return [text[end - length:end] for end, length in zip(ends, lengths)]
