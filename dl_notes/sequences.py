r"""Generated sequence data for the recurrent-network chapters: seeded, exact and licence-free.

Every generator takes ``rng`` or ``seed`` and returns NumPy arrays shaped for the time layers,
inputs (N, T, D) and targets (N, T) or (N,), so that a page, a notebook and a test draw the
same data.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import count, generator, one_of

__all__: list[str] = ["PhraseTags", "phrase_tags"]


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
