"""The experiment behind the page "Attention" (dl_notes.experiments.attention): its TINY run, the month
positions of every date format, and the alignment measure."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from dl_notes.dates import FORMATS, MONTHS, format_date
from dl_notes.experiments import attention as exp


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY)


def test_tiny_run_measures_both_parts(tiny):
    v = tiny.values
    assert set(v["length"]["by_length"]) == set(exp.MODELS)
    assert len(tiny.arrays["length/dot"]) == exp.TINY.max_length
    assert set(v["dates"]["aligned"]) == set(FORMATS)
    assert all(0 <= a <= 1 for a in v["dates"]["aligned"].values())
    for fmt in exp.SHOWN:
        assert tiny.arrays[f"heatmap/{fmt}"].shape == (10, len(v["dates"][f"source_{fmt}"]))
        np.testing.assert_allclose(tiny.arrays[f"heatmap/{fmt}"].sum(axis=1), 1, rtol=1e-5)   # no weight on padding


def test_copy_data_targets_are_the_sources_behind_the_start_symbol():
    xs, ts, lengths = exp.copy_data(exp.TINY, 3, 2, lengths=np.array([1, 4]))
    np.testing.assert_array_equal(ts[:, 1:], xs)
    assert (ts[:, 0] == exp.DIGITS.start_id).all()
    np.testing.assert_array_equal(lengths, [1, 1, 1, 4, 4, 4])
    np.testing.assert_array_equal((xs != exp.DIGITS.pad_id).sum(axis=1), lengths)


@pytest.mark.parametrize("fmt", FORMATS)
def test_month_span_spells_the_month_in_every_format(fmt):
    rng = np.random.default_rng(0)
    for offset in rng.integers(0, 70000, 200):
        day = datetime.date(1900, 1, 1) + datetime.timedelta(days=int(offset))
        text = format_date(day, fmt)
        spelled = text[slice(exp.month_span(text, day, fmt).start, exp.month_span(text, day, fmt).stop)]
        names = {MONTHS[day.month - 1], MONTHS[day.month - 1][:3].capitalize()}
        assert spelled in names or int(spelled) == day.month, (text, spelled)


def test_reads_month_counts_the_closing_character_and_nothing_beyond():
    weights = np.full((10, 8), 0.01)
    weights[5, 3] = weights[6, 4] = 1.0            # the month is 1..3: 3 is in it, 4 closes it
    assert exp.reads_month(weights, range(1, 4)).tolist() == [True, True]
    weights[6, 5] = 2.0
    assert exp.reads_month(weights, range(1, 4)).tolist() == [True, False]


def test_bad_config():
    with pytest.raises(ValueError, match="multiples of batch_size = 50, got 3010 and 3000"):
        exp.run(exp.Config(n_train=3010))
