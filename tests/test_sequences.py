"""dl_notes.sequences: the generated data of the recurrent chapters."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.sequences import binary_addition, from_bits, sine_wave, sine_windows, to_bits


def test_bits_round_trip_lsb_first():
    values = np.arange(256)
    bits = to_bits(values)
    np.testing.assert_array_equal(from_bits(bits), values)
    np.testing.assert_array_equal(bits[:, ::-1], np.unpackbits(values.astype(np.uint8)[:, None], axis=1))


def test_binary_addition_targets_decode_to_the_sum():
    xs, ts, a, b = binary_addition(1000, seed=0)
    assert xs.shape == (1000, 8, 2) and ts.shape == (1000, 8) and xs.dtype == np.float64
    assert a.min() >= 0 and max(a.max(), b.max()) < 128 and a.max() > 120
    np.testing.assert_array_equal(from_bits(xs[:, :, 0]), a)
    np.testing.assert_array_equal(from_bits(xs[:, :, 1]), b)
    np.testing.assert_array_equal(from_bits(ts), a + b)


def test_binary_addition_is_seeded_and_sized():
    first = binary_addition(5, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(first, binary_addition(5, seed=3)))
    xs, ts, a, b = binary_addition(7, binary_dim=4, rng=np.random.default_rng(0))
    assert xs.shape == (7, 4, 2) and a.max() < 8
    np.testing.assert_array_equal(from_bits(ts), a + b)


def test_sine_windows_are_the_course_data():
    f = sine_wave()
    np.testing.assert_array_equal(f, np.sin(np.linspace(0, 10 * np.pi, 500)))
    xs, ts = sine_windows(5)
    assert xs.shape == (495, 5, 1) and ts.shape == (495, 1)
    for i in (0, 17, 494):
        np.testing.assert_array_equal(xs[i, :, 0], f[i:i + 5])
        assert ts[i, 0] == f[i + 5]


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"values must lie in \[0, 2\*\*binary_dim\) = \[0, 256\), got 0 to 256"):
        to_bits([0, 256])
    with pytest.raises(TypeError, match="values must be integers"):
        to_bits([1.5])
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        binary_addition(0)
    with pytest.raises(ValueError, match="maxlen must be smaller than length = 10, got 10"):
        sine_windows(10, length=10)
    with pytest.raises(ValueError, match="turns must be a positive number"):
        sine_wave(10, turns=0)


def test_digit_strings_are_seeded_digits_with_lengths_in_range():
    from dl_notes.sequences import digit_strings
    strings = digit_strings(2000, 9, min_length=3, seed=5)
    assert strings == digit_strings(2000, 9, min_length=3, rng=np.random.default_rng(5))
    assert strings != digit_strings(2000, 9, min_length=3, seed=6)
    lengths = np.array([len(s) for s in strings])
    assert set(lengths) == set(range(3, 10))                  # every length occurs, no other
    assert all(s.isdigit() for s in strings)
    digits = np.array([int(c) for s in strings for c in s])
    assert np.all(np.abs(np.bincount(digits, minlength=10) / digits.size - 0.1) < 0.02)   # uniform digits
    with pytest.raises(ValueError, match="min_length must be at most max_length = 2, got 3"):
        digit_strings(1, 2, min_length=3)
