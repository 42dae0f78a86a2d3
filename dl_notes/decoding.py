r"""Decoding a sequence from a model one step at a time: greedy search, beam search, and the exhaustive search that both approximate.

Every function here drives a model through one generic **step**:

    step(inputs, state) -> (scores, state)

``inputs`` holds one input per row (word ids (B,), or vectors (B, D) for a continuous
decoder), ``state`` is a tuple of arrays whose first axis is the row (B, ...): the hidden
state (h, and c for an LSTM), and anything else the step needs, such as an attention
model's encoder outputs (B, T, H). ``scores`` (B, V) are log-probabilities of the next word
for beam search and the exhaustive search (the greedy search only needs their argmax).
A search reorders and repeats rows of the state with `select_rows`, so a model takes part
by providing its step and nothing else.

The goal of decoding is the sequence of highest probability,
$\hat y = \operatorname{argmax}_{y} \sum_{t=1}^{L} \log p(y_t \mid y_{<t}, x)$ over all
$V^L$ sequences of length $L$. `exhaustive_search` tries them all (tiny vocabularies only);
`greedy_search` takes the best word at every step; `beam_search` keeps the ``beam_width``
best prefixes at every step: beam width 1 is the greedy search, beam width $V^L$ the
exhaustive one.
"""

from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from ._checks import count

__all__ = ["select_rows", "greedy_search", "beam_search", "sequence_log_probs", "exhaustive_search",
           "flat_index", "split_flat_index", "course_flat_index"]

Step = Callable[[np.ndarray, tuple], tuple[np.ndarray, tuple]]


def select_rows(state: tuple, rows: np.ndarray) -> tuple:
    """The state with its rows ``rows`` (in that order, repeats allowed): ``tuple(s[rows] for s in state)``.

    Examples
    --------
    >>> h, c = select_rows((np.array([10, 20, 30]), np.array([1, 2, 3])), np.array([2, 2, 0]))
    >>> h, c
    (array([30, 30, 10]), array([3, 3, 1]))
    """
    return tuple(np.asarray(s)[rows] for s in state)


def _start(state: tuple, start) -> np.ndarray:
    """The first inputs, one per row of ``state``: ``start`` as given, or a single id for every row."""
    if not isinstance(state, tuple) or not state:
        raise TypeError(f"state must be a non-empty tuple of arrays with one row per sequence, got {type(state).__name__}")
    B = len(state[0])
    start = np.asarray(start)
    if start.ndim == 0:
        return np.full(B, start)
    if len(start) != B:
        raise ValueError(f"start must hold one input per row of the state ({B}), got {len(start)}")
    return start


def greedy_search(step: Step, state: tuple, start, length: int,
                  choose: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    r"""The best next input at every step, fed back as the next input: $y_t = \operatorname{argmax}_v s_t(v)$.

    Parameters
    ----------
    step : callable
        ``step(inputs, state) -> (scores, state)``.
    state : tuple of ndarray
        The initial state, one row per sequence (B rows).
    start : int or array_like
        The first input of every row (a start symbol), or one per row.
    length : int
        The number of steps.
    choose : callable, optional
        The next input from the scores; the argmax over the last axis unless given
        (``lambda y: y`` feeds a continuous decoder's output back as it is).

    Returns
    -------
    ndarray, shape (B, length, ...)
        The chosen inputs of every step.

    Examples
    --------
    A bigram model whose next word is always the current word + 1 (mod 3):

    >>> table = np.log(np.array([[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]))
    >>> step = lambda words, state: (table[words], state)
    >>> greedy_search(step, (np.zeros((2, 1)),), np.array([0, 2]), 4)
    array([[1, 2, 0, 1],
           [0, 1, 2, 0]])
    """
    choose = (lambda scores: scores.argmax(axis=-1)) if choose is None else choose
    inputs = _start(state, start)
    chosen = []
    for _ in range(count("length", length)):
        scores, state = step(inputs, state)
        inputs = choose(scores)
        chosen.append(inputs)
    return np.stack(chosen, axis=1)


def flat_index(beam: np.ndarray, word: np.ndarray, vocab_size: int) -> np.ndarray:
    r"""The position of candidate (beam, word) in the flattened (beam_width, V) score table: $b V + w$.

    Examples
    --------
    >>> [flat_index(b, w, vocab_size=3) for b in range(2) for w in range(3)]
    [0, 1, 2, 3, 4, 5]
    """
    return _plain(np.asarray(beam) * vocab_size + np.asarray(word))


def split_flat_index(index: np.ndarray, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The (beam, word) of a flat index $i$: $(\lfloor i / V \rfloor,\ i \bmod V)$, integer division.

    Examples
    --------
    >>> split_flat_index(flat_index(2, 1, vocab_size=4), vocab_size=4)
    (2, 1)
    """
    beam, word = divmod(np.asarray(index), vocab_size)
    return _plain(beam), _plain(word)


def course_flat_index(beam: np.ndarray, word: np.ndarray) -> np.ndarray:
    r"""The course's flat index $(b + 1)\,w$: right for beam 0 only (a bug, kept to show it).

    Different candidates share an index (beam 0, word 2 and beam 1, word 1 both give 2), and
    `split_flat_index` does not give the candidate back for any beam but the first.

    Examples
    --------
    >>> course_flat_index(0, 2), course_flat_index(1, 1)        # two candidates, one index
    (2, 2)
    >>> split_flat_index(course_flat_index(1, 3), vocab_size=4)  # beam 1, word 3 read back as word 2
    (1, 2)
    """
    return _plain((np.asarray(beam) + 1) * np.asarray(word))


def _plain(index: np.ndarray):
    """A Python int for a single index, the array otherwise."""
    return int(index) if index.ndim == 0 else index


def beam_search(step: Step, state: tuple, start, length: int, beam_width: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The ``beam_width`` most probable prefixes kept at every step; the best complete sequences returned.

    At step $t$ every kept prefix (score $S_b$, the sum of its log-probabilities) is extended
    by every word $w$: $S_b + \log p(w \mid \text{prefix}_b)$, a (beam_width, V) table. Its
    ``beam_width`` largest entries are found in the flattened table, at positions
    $i = bV + w$ (`flat_index`), and each is read back as beam $\lfloor i / V \rfloor$ and
    word $i \bmod V$ (`split_flat_index`); the state rows of the chosen beams are gathered
    with `select_rows`. Ties go to the lower flat index, so the search is deterministic.

    With beam width 1 it is `greedy_search`; with beam width $V^L$ nothing is dropped and it
    returns the sequence `exhaustive_search` finds.

    Parameters
    ----------
    step : callable
        ``step(inputs, state) -> (log_probs (rows, V), state)``.
    state : tuple of ndarray
        The initial state, one row per source sequence (B rows).
    start : int or array_like
        The first input (the start symbol), or one per row.
    length, beam_width : int

    Returns
    -------
    sequences : ndarray, shape (B, beam_width, length)
        For every source, the kept sequences, best first.
    scores : ndarray, shape (B, beam_width)
        Their summed log-probabilities ($-\infty$ for slots that held no sequence, when
        ``beam_width`` exceeds the $V^L$ sequences there are).

    Examples
    --------
    The greedy first word (0, probability 0.6) leads to a sequence of probability 0.6 · 0.5;
    the beam keeps word 1 too and finds 0.4 · 0.99:

    >>> first = np.log([0.6, 0.4])
    >>> after = np.log([[0.5, 0.5], [0.01, 0.99]])      # row: the previous word
    >>> def step(words, state):                         # the state counts the steps
    ...     (t,) = state
    ...     log_probs = np.tile(first, (len(words), 1)) if t[0] == 0 else after[words]
    ...     return log_probs, (t + 1,)
    >>> greedy_search(step, (np.zeros(1, int),), 0, 2)
    array([[0, 0]])
    >>> sequences, scores = beam_search(step, (np.zeros(1, int),), 0, 2, beam_width=2)
    >>> sequences[0], np.round(np.exp(scores[0]), 3)
    (array([[1, 1],
           [0, 0]]), array([0.396, 0.3  ]))
    """
    length, k = count("length", length), count("beam_width", beam_width)
    inputs = _start(state, start)
    B = len(inputs)
    rows = np.repeat(np.arange(B), k)                  # k copies of every source's row
    state = select_rows(state, rows)
    inputs = inputs[rows]
    scores = np.full((B, k), -np.inf)
    scores[:, 0] = 0.0                                  # one prefix to start from: the copies are not distinct
    sequences = np.zeros((B, k, 0), dtype=np.int64)
    for _ in range(length):
        log_probs, state = step(inputs, state)
        V = log_probs.shape[-1]
        total = (scores[:, :, None] + log_probs.reshape(B, k, V)).reshape(B, k * V)
        best = np.argsort(-total, axis=1, kind="stable")[:, :k]   # k <= k * V candidates
        beam, word = split_flat_index(best, V)
        scores = np.take_along_axis(total, best, axis=1)
        sequences = np.concatenate([np.take_along_axis(sequences, beam[:, :, None], axis=1), word[:, :, None]], axis=2)
        state = select_rows(state, (np.arange(B)[:, None] * k + beam).reshape(-1))
        inputs = word.reshape(-1)
    return sequences, scores


def sequence_log_probs(step: Step, state: tuple, start, sequences: np.ndarray) -> np.ndarray:
    r"""$\sum_t \log p(y_t \mid y_{<t})$ of given sequences (B, S, L), S per source row: the words fed in (teacher forcing).

    Returns an array (B, S).

    Examples
    --------
    >>> table = np.log(np.array([[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]))
    >>> step = lambda words, state: (table[words], state)
    >>> np.round(np.exp(sequence_log_probs(step, (np.zeros((1, 1)),), 0, np.array([[[1, 2], [0, 0]]]))), 2)
    array([[0.64, 0.01]])
    """
    sequences = np.asarray(sequences)
    if sequences.ndim != 3 or sequences.dtype.kind not in "iu":
        raise ValueError(f"sequences must be word ids of shape (B, S, L), got shape {sequences.shape} "
                         f"and dtype {sequences.dtype}")
    inputs = _start(state, start)
    B, S, L = sequences.shape
    if B != len(inputs):
        raise ValueError(f"sequences must have one row per row of the state ({len(inputs)}), got {B}")
    rows = np.repeat(np.arange(B), S)
    state = select_rows(state, rows)
    inputs = inputs[rows]
    flat = sequences.reshape(B * S, L)
    total = np.zeros(B * S)
    for t in range(L):
        log_probs, state = step(inputs, state)
        total += log_probs[np.arange(B * S), flat[:, t]]
        inputs = flat[:, t]
    return total.reshape(B, S)


def exhaustive_search(step: Step, state: tuple, start, length: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The most probable sequence of ``length`` words, found by scoring all $V^L$ of them (tiny V and L only).

    Returns the best sequence (B, length) and its summed log-probability (B,) for every row
    of the state; ties go to the sequence first in lexicographic order.

    Examples
    --------
    >>> table = np.log(np.array([[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]))
    >>> step = lambda words, state: (table[words], state)
    >>> best, score = exhaustive_search(step, (np.zeros((1, 1)),), 0, 3, vocab_size=3)
    >>> best, round(float(np.exp(score[0])), 3)        # 0.8 ** 3
    (array([[1, 2, 0]]), 0.512)
    """
    length, V = count("length", length), count("vocab_size", vocab_size)
    if V ** length > 1_000_000:
        raise ValueError(f"exhaustive_search: vocab_size ** length = {V}**{length} sequences is too many to score "
                         f"(at most 1,000,000)")
    B = len(_start(state, start))
    every = np.array(list(itertools.product(range(V), repeat=length)), dtype=np.int64)
    scores = sequence_log_probs(step, state, start, np.broadcast_to(every, (B,) + every.shape))
    best = scores.argmax(axis=1)
    return every[best], scores[np.arange(B), best]
