"""The experiments seq2seq_dates and seq2seq_sin_cos: their data, their TINY runs, what the page reads from them."""

from __future__ import annotations

import numpy as np

from dl_notes.experiments import seq2seq_dates, seq2seq_sin_cos
from dl_notes.seq2seq import Seq2seq


def test_sin_cos_windows_are_the_courses():
    x, xs, ts = seq2seq_sin_cos.windows(100, 24)
    assert xs.shape == ts.shape == (77, 24, 1)
    np.testing.assert_allclose(x[[0, -1]], [-3 * np.pi, 3 * np.pi])
    np.testing.assert_allclose(xs[5, :, 0], np.sin(x[5:29]))
    np.testing.assert_allclose(ts[76, :, 0], np.cos(x[76:100]))


def test_teacher_forcing_input_is_zero_then_the_first_23_targets():
    _, _, ts = seq2seq_sin_cos.windows(100, 24)
    full = seq2seq_sin_cos.with_start(ts)
    assert full.shape == (77, 25, 1)
    decoder_input, target = full[:, :-1], full[:, 1:]      # what Seq2seq.loss feeds and scores
    np.testing.assert_array_equal(decoder_input[:, 0], 0)
    np.testing.assert_array_equal(decoder_input[:, 1:], ts[:, :23])
    np.testing.assert_array_equal(target, ts)


def test_sin_cos_tiny_run_and_the_keras_split():
    result = seq2seq_sin_cos.run(seq2seq_sin_cos.TINY)
    v = result.values
    assert (v["train"], v["validation"]) == (61, 16)           # int(77 * 0.8) train, as Keras splits
    assert v["updates"] == 2 * 4
    assert set(v["generated_loss_shown"]) == {"0", "24", "49", "74"}
    assert result.arrays["generated_74"].shape == (24,)


def test_dates_tiny_run():
    result = seq2seq_dates.run(seq2seq_dates.TINY)
    v = result.values
    assert set(v["curves"]) == {"plain", "reversed"}
    assert result.arrays["plain_accuracy"].shape == (2,)
    assert set(v["beams"]) == {"1", "2"}
    assert all(0 <= b["accuracy"] <= 1 for b in v["beams"].values())
    assert len(v["examples"]) == 2 and v["beam_not_worse"] <= 8
    assert all(set(e) >= {"source", "target", "greedy", "beam"} for e in v["examples"])


def test_both_directions_start_from_the_same_weights():
    a = Seq2seq(10, 4, 5, reverse_input=False, seed=3)
    b = Seq2seq(10, 4, 5, reverse_input=True, seed=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
