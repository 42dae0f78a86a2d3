"""dl_notes.dates: every format is the date it claims to be, the data are seeded, ids round-trip, bad input is refused."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from dl_notes.dates import FORMATS, CharVocabulary, date_pairs, format_date, load_dates, source_length

# how datetime reads each format back (month names through MONTHS, not the locale)
PARSERS = {
    "long": "%B %d, %Y",
    "abbreviated": "%b %d, %Y",
    "day_first": "%d %B %Y",
    "slash": "%m/%d/%Y",
    "dotted": "%d.%m.%Y",
    "japanese": "%Y年%m月%d日",
}


def test_every_format_has_a_parser():
    assert set(PARSERS) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_parses_back_to_the_same_date(fmt):
    for source, target in date_pairs(300, formats=(fmt,), seed=3):
        parsed = datetime.datetime.strptime(source.title() if "%B" in PARSERS[fmt] else source, PARSERS[fmt]).date()
        assert parsed.isoformat() == target, (fmt, source, target)


@pytest.mark.parametrize("formats", [FORMATS, ("japanese",), ("slash", "dotted")])
def test_the_longest_source_fits(formats):
    """source_length is the longest text of the formats, checked here on every day of a leap year."""
    year = [datetime.date(2000, 1, 1) + datetime.timedelta(days=d) for d in range(366)]
    assert max(len(format_date(d, f)) for d in year for f in formats) == source_length(formats)


def test_seeded_and_distinct():
    assert date_pairs(50, seed=7) == date_pairs(50, seed=7)
    assert date_pairs(50, seed=7) != date_pairs(50, seed=8)
    targets = [t for _, t in date_pairs(2000, seed=0)]
    assert len(set(targets)) == 2000


def test_formats_are_drawn_from_the_selection_only():
    sources = [s for s, _ in date_pairs(200, formats=("japanese", "dotted"), seed=0)]
    assert all(s.endswith("日") or s.count(".") == 2 for s in sources)
    assert any(s.endswith("日") for s in sources) and any("." in s for s in sources)


def test_load_dates_shapes_round_trip_and_disjoint_split():
    data = load_dates(300, 100, seed=1)
    vocab = data.vocab
    assert data.x_train.shape == (300, 18) and data.t_train.shape == (300, 11)
    assert data.x_test.shape == (100, 18) and data.t_test.shape == (100, 11)
    assert (data.t_train[:, 0] == vocab.start_id).all() and (data.t_test[:, 0] == vocab.start_id).all()
    assert vocab.decode(data.x_test) == data.sources_test
    assert vocab.decode(data.t_test) == data.targets_test
    assert not set(vocab.decode(data.t_train)) & set(data.targets_test)
    again = load_dates(300, 100, seed=1)
    np.testing.assert_array_equal(again.x_train, data.x_train)
    np.testing.assert_array_equal(again.t_test, data.t_test)


def test_vocabulary_round_trip_and_padding():
    vocab = CharVocabulary("ab年")
    ids = vocab.encode(["a年", "b", ""], length=3, start=True)
    np.testing.assert_array_equal(ids, [[1, 2, 4, 0], [1, 3, 0, 0], [1, 0, 0, 0]])
    assert vocab.decode(ids) == ["a年", "b", ""]
    assert vocab.decode(ids[0]) == "a年"
    assert len(vocab) == 5 and vocab.symbols[:2] == ("<pad>", "<s>")


@pytest.mark.parametrize("call, error, match", [
    (lambda v: v.encode(["abc"]), ValueError, r"texts\[0\] = 'abc' has characters outside the vocabulary: 'c'"),
    (lambda v: v.encode("ab"), TypeError, "texts must be a sequence of strings"),
    (lambda v: v.encode(["ab"], length=1), ValueError, r"length must be at least the longest text \(2\)"),
    (lambda v: v.decode(np.array([0.0])), TypeError, "ids must be integers"),
    (lambda v: v.decode(np.array([5])), ValueError, r"ids must lie in \[0, 4\)"),
    (lambda v: v.decode(np.zeros((1, 1, 1), int)), ValueError, "shape"),
])
def test_vocabulary_refuses_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(CharVocabulary("ab"))


@pytest.mark.parametrize("call, error, match", [
    (lambda: CharVocabulary("aba"), ValueError, "characters must be distinct, got 'a'"),
    (lambda: CharVocabulary(""), TypeError, "non-empty str"),
    (lambda: format_date(datetime.date(2000, 1, 1), "iso"), ValueError, "fmt must be one of"),
    (lambda: format_date("2000-01-01", "long"), TypeError, "date must be a datetime.date"),
    (lambda: date_pairs(3, formats=("long", "roman")), ValueError, "formats must be a non-empty selection"),
    (lambda: date_pairs(3, formats=()), ValueError, "formats must be a non-empty selection"),
    (lambda: date_pairs(0), ValueError, "n"),
    (lambda: date_pairs(10 ** 6), ValueError, "n must be at most 73049"),
    (lambda: load_dates(10, 0), ValueError, "n_test"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
