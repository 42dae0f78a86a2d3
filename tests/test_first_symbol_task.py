"""dl_notes.sequences.first_symbol_task: the long-range dependency of the LSTM and GRU pages."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.sequences import first_symbol_task


def test_first_step_is_the_one_hot_class_and_the_rest_is_noise():
    xs, ts = first_symbol_task(2000, 7, n_classes=5, noise=0.5, seed=1)
    assert xs.shape == (2000, 7, 5) and xs.dtype == np.float32 and ts.dtype == np.int64
    np.testing.assert_array_equal(xs[:, 0], np.eye(5, dtype=np.float32)[ts])
    assert set(np.unique(ts)) == set(range(5))
    rest = xs[:, 1:]
    assert abs(rest.mean()) < 0.01 and abs(rest.std() - 0.5) < 0.01
    # the distractors carry nothing about the class: their mean per class is the same
    means = [rest[ts == k].mean() for k in range(5)]
    assert np.ptp(means) < 0.02


def test_seeded_and_rng_give_the_same_draws():
    a = first_symbol_task(4, 3, seed=7)
    b = first_symbol_task(4, 3, rng=np.random.default_rng(7))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    c = first_symbol_task(4, 3, seed=8)
    assert not np.array_equal(a[0], c[0])


def test_length_one_is_the_class_alone():
    xs, ts = first_symbol_task(3, 1, noise=2.0, seed=0)
    np.testing.assert_array_equal(xs.argmax(axis=2)[:, 0], ts)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"n": 0}, ValueError, "n must be an integer >= 1, got 0"),
    ({"length": 2.5}, TypeError, "length must be an integer"),
    ({"n_classes": 1}, ValueError, "n_classes must be an integer >= 2, got 1"),
    ({"noise": -0.1}, ValueError, "noise must be >= 0, got -0.1"),
])
def test_bad_input_is_named(kwargs, error, words):
    args = {"n": 2, "length": 3, **kwargs}
    with pytest.raises(error, match=words.replace("(", r"\(")):
        first_symbol_task(**args)
