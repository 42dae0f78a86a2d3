"""dl_notes.decoding: beam search against the exhaustive search, beam width 1 against the greedy search, the course's flat index shown wrong."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dl_notes.decoding import (beam_search, course_flat_index, exhaustive_search, flat_index, greedy_search,
                               select_rows, sequence_log_probs, split_flat_index)


class RandomModel:
    """A tiny model whose next-word distribution depends on the whole prefix (through a random RNN-like state)."""

    def __init__(self, V, H=5, seed=0):
        rng = np.random.default_rng(seed)
        self.E = rng.standard_normal((V, H))
        self.W = rng.standard_normal((H, H))
        self.U = 3 * rng.standard_normal((H, V))   # peaked distributions: greedy is often not optimal

    def step(self, words, state):
        (h,) = state
        h = np.tanh(self.E[words] + h @ self.W)
        scores = h @ self.U
        scores = scores - scores.max(axis=1, keepdims=True)
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True)), (h,)


def initial_state(B, seed=1):
    return (np.random.default_rng(seed).standard_normal((B, 5)),)


@pytest.mark.parametrize("V, L", [(3, 3), (3, 4), (4, 3), (2, 4)])
@pytest.mark.parametrize("seed", range(4))
def test_beam_as_wide_as_every_sequence_finds_the_optimum(V, L, seed):
    model = RandomModel(V, seed=seed)
    state = initial_state(3, seed)
    best, score = exhaustive_search(model.step, state, 0, L, V)
    sequences, scores = beam_search(model.step, state, 0, L, beam_width=V ** L)
    np.testing.assert_array_equal(sequences[:, 0], best)
    np.testing.assert_allclose(scores[:, 0], score)
    assert np.all(np.diff(scores, axis=1) <= 1e-12)                  # best first
    # every sequence kept exactly once: the beam holds all V^L of them
    for b in range(3):
        assert len({tuple(s) for s in sequences[b]}) == V ** L


@pytest.mark.parametrize("seed", range(6))
def test_beam_width_one_is_greedy(seed):
    model = RandomModel(4, seed=seed)
    state = initial_state(5, seed)
    sequences, scores = beam_search(model.step, state, 0, 5, beam_width=1)
    greedy = greedy_search(model.step, state, 0, 5)
    np.testing.assert_array_equal(sequences[:, 0], greedy)
    np.testing.assert_allclose(scores[:, 0], sequence_log_probs(model.step, state, 0, greedy[:, None])[:, 0])


def test_beam_scores_are_the_sequences_log_probabilities():
    model = RandomModel(4, seed=2)
    state = initial_state(2)
    sequences, scores = beam_search(model.step, state, 0, 4, beam_width=3)
    np.testing.assert_allclose(scores, sequence_log_probs(model.step, state, 0, sequences))


def test_wider_beams_never_score_worse_here_and_greedy_is_not_always_optimal():
    """On these models a wider beam's best sequence is at least as good; the greedy choice misses the optimum somewhere."""
    misses = 0
    for seed in range(10):
        model = RandomModel(3, seed=seed)
        state = initial_state(4, seed)
        best = [beam_search(model.step, state, 0, 4, k)[1][:, 0] for k in (1, 3, 9, 81)]
        assert all(np.all(wide >= narrow - 1e-12) for narrow, wide in zip(best, best[1:]))
        misses += int(np.sum(best[0] < best[-1] - 1e-9))
    assert misses > 0


def test_flat_index_round_trips_and_the_courses_does_not():
    V, k = 5, 4
    candidates = list(itertools.product(range(k), range(V)))
    assert sorted(flat_index(b, w, V) for b, w in candidates) == list(range(k * V))   # one-to-one onto the table
    assert all(split_flat_index(flat_index(b, w, V), V) == (b, w) for b, w in candidates)
    # the course's (beam + 1) * word: right on beam 0, wrong for some word on every other beam
    assert all(split_flat_index(course_flat_index(0, w), V) == (0, w) for w in range(V))
    for b in range(1, k):
        assert any(split_flat_index(course_flat_index(b, w), V) != (b, w) for w in range(V))
    assert len({course_flat_index(b, w) for b, w in candidates}) < k * V                 # candidates collide


def test_greedy_feeds_real_outputs_back():
    step = lambda y, state: (0.5 * y + 1, state)          # noqa: E731
    out = greedy_search(step, (np.zeros((1, 1)),), np.zeros((1, 1)), 3, choose=lambda y: y)
    np.testing.assert_allclose(out[0, :, 0], [1, 1.5, 1.75])


def test_select_rows_repeats_and_reorders():
    state = (np.arange(3), np.arange(6).reshape(3, 2))
    h, c = select_rows(state, np.array([2, 2, 0]))
    np.testing.assert_array_equal(h, [2, 2, 0])
    np.testing.assert_array_equal(c, [[4, 5], [4, 5], [0, 1]])


@pytest.mark.parametrize("call, error, match", [
    (lambda m: beam_search(m.step, initial_state(2), 0, 3, beam_width=0), ValueError, "beam_width"),
    (lambda m: greedy_search(m.step, initial_state(2), 0, 0), ValueError, "length"),
    (lambda m: greedy_search(m.step, initial_state(2), np.array([0, 1, 2]), 2), ValueError,
     r"start must hold one input per row of the state \(2\), got 3"),
    (lambda m: greedy_search(m.step, [np.zeros((2, 5))], 0, 2), TypeError, "state must be a non-empty tuple"),
    (lambda m: exhaustive_search(m.step, initial_state(1), 0, 20, 3), ValueError, "too many"),
    (lambda m: sequence_log_probs(m.step, initial_state(1), 0, np.zeros((1, 2))), ValueError,
     r"sequences must be word ids of shape \(B, S, L\)"),
    (lambda m: sequence_log_probs(m.step, initial_state(1), 0, np.zeros((2, 1, 2), int)), ValueError,
     "one row per row of the state"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(RandomModel(3))
