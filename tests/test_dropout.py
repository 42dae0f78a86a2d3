"""dl_notes.dropout: inverted dropout's expectation, its masks and bad ratios (the layer contract
and gradient checks of Dropout run with every layer in test_layers.py)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.dropout import Dropout


def test_inverted_dropout_keeps_the_expected_value_and_the_book_form_agrees():
    rng = np.random.default_rng(12)
    x = rng.standard_normal(50)
    p = 0.3
    layer = Dropout(p, seed=0)
    ours = np.mean([layer.forward(x[None])[0] for _ in range(20000)], axis=0)
    np.testing.assert_allclose(ours, layer.forward(x[None], train_flg=False)[0], atol=0.03)
    # The book: train m * x, inference (1 - p) * x; the ratio of the two expectations is the same.
    book_train = np.mean([x * (rng.random(50) > p) for _ in range(20000)], axis=0)
    np.testing.assert_allclose(book_train / (1 - p), ours, atol=0.05)


def test_dropout_masks_come_from_the_seed_and_the_ratio():
    a, b = Dropout(0.25, seed=5), Dropout(0.25, rng=np.random.default_rng(5))
    x = np.ones((100, 100), dtype=np.float32)
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    assert a.mask.mean() == pytest.approx(0.75, abs=0.01)
    assert Dropout(0.0, seed=0).forward(x) is x


@pytest.mark.parametrize("build, error, message", [
    (lambda: Dropout(1.0), ValueError, r"dropout_ratio must be in \[0, 1\), got 1.0"),
    (lambda: Dropout(-0.1), ValueError, r"dropout_ratio must be in \[0, 1\), got -0.1"),
    (lambda: Dropout("half"), TypeError, "dropout_ratio must be a real number, got 'half'"),
], ids=["dropout-1", "dropout-negative", "dropout-str"])
def test_bad_ratio_is_named(build, error, message):
    with pytest.raises(error, match=message):
        build()
