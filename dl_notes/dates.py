r"""Generated date-normalisation data for seq2seq: a date written in one of several English and Japanese formats → ``YYYY-MM-DD``.

The task of the book's second volume (``dataset/date.txt``: ``september 27, 1994`` →
``1994-09-27``), generated here instead of downloaded, seeded, with Japanese formats added:

===============  ======================
format           1994-09-27 written as
===============  ======================
``long``         ``september 27, 1994``
``abbreviated``  ``Sep 27, 1994``
``day_first``    ``27 september 1994``
``slash``        ``9/27/1994``
``dotted``       ``27.09.1994``
``japanese``     ``1994年9月27日``
===============  ======================

Every string is read one character at a time: `CharVocabulary` maps characters to ids
(with a padding id and a start symbol for the decoder's first input), and `load_dates`
returns train and test arrays of ids ready for `dl_notes.seq2seq.Seq2seq`.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

import numpy as np

from ._checks import count, generator

__all__ = ["FORMATS", "MONTHS", "CharVocabulary", "DateData", "format_date", "date_pairs", "source_length", "load_dates"]

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
FORMATS = ("long", "abbreviated", "day_first", "slash", "dotted", "japanese")
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
TARGET_LENGTH = 10  # YYYY-MM-DD


def format_date(date: datetime.date, fmt: str) -> str:
    """``date`` written in the format named ``fmt`` (one of `FORMATS`).

    Examples
    --------
    >>> day = datetime.date(1994, 9, 27)
    >>> [format_date(day, f) for f in FORMATS]
    ['september 27, 1994', 'Sep 27, 1994', '27 september 1994', '9/27/1994', '27.09.1994', '1994年9月27日']
    """
    if not isinstance(date, datetime.date):
        raise TypeError(f"format_date: date must be a datetime.date, got {type(date).__name__}")
    y, m, d = date.year, date.month, date.day
    month = MONTHS[m - 1]
    if fmt == "long":
        return f"{month} {d}, {y}"
    if fmt == "abbreviated":
        return f"{month[:3].capitalize()} {d}, {y}"
    if fmt == "day_first":
        return f"{d} {month} {y}"
    if fmt == "slash":
        return f"{m}/{d}/{y}"
    if fmt == "dotted":
        return f"{d:02d}.{m:02d}.{y}"
    if fmt == "japanese":
        return f"{y}年{m}月{d}日"
    raise ValueError(f"format_date: fmt must be one of {', '.join(map(repr, FORMATS))}, got {fmt!r}")


class CharVocabulary:
    """Characters ↔ ids, with a padding id (0) and a start symbol (1) for the decoder's first input.

    Parameters
    ----------
    characters : str
        The characters of the texts, each once (ids 2, 3, ... in this order).

    Attributes
    ----------
    symbols : tuple of str
        ``symbols[i]`` is what id ``i`` stands for: ``'<pad>'``, ``'<s>'``, then the characters.
    pad_id, start_id : int
        0 and 1.

    Examples
    --------
    >>> vocab = CharVocabulary("0123456789-")
    >>> ids = vocab.encode(["1994", "7-1"])          # padded to the longest text
    >>> ids
    array([[ 3, 11, 11,  6],
           [ 9, 12,  3,  0]])
    >>> vocab.decode(ids)                            # padding and the start symbol are dropped
    ['1994', '7-1']
    >>> vocab.decode(vocab.encode(["07"], start=True))
    ['07']
    """

    pad_id = 0
    start_id = 1

    def __init__(self, characters: str) -> None:
        if not isinstance(characters, str) or not characters:
            raise TypeError(f"CharVocabulary: characters must be a non-empty str, got {characters!r}")
        if len(set(characters)) != len(characters):
            repeated = sorted({c for c in characters if characters.count(c) > 1})
            raise ValueError(f"CharVocabulary: characters must be distinct, got {''.join(repeated)!r} more than once")
        self.symbols = ("<pad>", "<s>") + tuple(characters)
        self._ids = {c: i for i, c in enumerate(characters, start=2)}

    def __len__(self) -> int:
        return len(self.symbols)

    def __repr__(self) -> str:
        return f"CharVocabulary({''.join(self.symbols[2:])!r})"

    def encode(self, texts, length: int | None = None, start: bool = False) -> np.ndarray:
        """Ids (N, length) of N texts, padded with ``pad_id`` at the end; ``start`` puts ``start_id`` first.

        ``length`` (without the start symbol) defaults to the longest text.
        """
        if isinstance(texts, str):
            raise TypeError("CharVocabulary.encode: texts must be a sequence of strings, got one str "
                            f"{texts!r}; pass [text]")
        texts = list(texts)
        longest = max((len(t) for t in texts), default=0)
        length = longest if length is None else count("length", length)
        if longest > length:
            raise ValueError(f"CharVocabulary.encode: length must be at least the longest text ({longest}), "
                             f"got {length}")
        offset = int(bool(start))
        ids = np.full((len(texts), offset + length), self.pad_id, dtype=np.int64)
        if start:
            ids[:, 0] = self.start_id
        for n, text in enumerate(texts):
            unknown = sorted(set(text) - self._ids.keys())
            if unknown:
                raise ValueError(f"CharVocabulary.encode: texts[{n}] = {text!r} has characters outside the "
                                 f"vocabulary: {''.join(unknown)!r}")
            ids[n, offset:offset + len(text)] = [self._ids[c] for c in text]
        return ids

    def decode(self, ids) -> list[str]:
        """The texts of an id array (N, T) (or one text for (T,)), without padding and start symbols."""
        ids = np.asarray(ids)
        if ids.dtype.kind not in "iu":
            raise TypeError(f"CharVocabulary.decode: ids must be integers, got dtype {ids.dtype}")
        if ids.ndim not in (1, 2):
            raise ValueError(f"CharVocabulary.decode: ids must have shape (N, T) or (T,), got {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"CharVocabulary.decode: ids must lie in [0, {len(self)}), got {ids.min()} to {ids.max()}")
        texts = ["".join(self.symbols[i] for i in row if i > self.start_id) for row in np.atleast_2d(ids)]
        return texts[0] if ids.ndim == 1 else texts


DATE_CHARACTERS = "0123456789-" + "abcdefghijklmnopqrstuvwxyz" + "ADFJMNOS" + " ,/." + "年月日"


class DateData(NamedTuple):
    """What `load_dates` returns: id arrays and the texts they encode.

    Examples
    --------
    >>> data = load_dates(10, 2, formats="slash", seed=0)
    >>> data.sources_test, data.targets_test
    (['7/20/2082', '1/18/1915'], ['2082-07-20', '1915-01-18'])
    >>> data.vocab.decode(data.t_test) == data.targets_test
    True
    """

    x_train: np.ndarray
    t_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray
    vocab: CharVocabulary
    sources_test: list[str]
    targets_test: list[str]


def _formats(formats) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        raise ValueError(f"formats must be a non-empty selection of {', '.join(map(repr, FORMATS))}, got {formats!r}")
    return formats


def date_pairs(n: int, formats=FORMATS, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` pairs (source, ``YYYY-MM-DD``) of distinct dates from 1900-01-01 to 2099-12-31, each in a random format of ``formats``.

    Seeded: the same arguments give the same pairs.

    Examples
    --------
    >>> date_pairs(2, formats=("japanese", "slash"), seed=1)
    [('8/21/1994', '1994-08-21'), ('2002年5月14日', '2002-05-14')]
    """
    n = count("n", n)
    formats = _formats(formats)
    days = (LAST_DAY - FIRST_DAY).days + 1
    if n > days:
        raise ValueError(f"date_pairs: n must be at most {days} (distinct dates), got {n}")
    rng = generator(seed=seed)
    offsets = rng.choice(days, size=n, replace=False)
    chosen = rng.integers(0, len(formats), size=n)
    pairs = []
    for offset, f in zip(offsets, chosen):
        date = FIRST_DAY + datetime.timedelta(days=int(offset))
        pairs.append((format_date(date, formats[f]), date.isoformat()))
    return pairs


def load_dates(n_train: int = 5000, n_test: int = 500, formats=FORMATS, seed: int = 0) -> DateData:
    """Train and test id arrays for date normalisation: sources (N, Tx), targets (N, 1 + 10) starting with the start symbol.

    The test dates differ from the training dates. Sources are padded with ``vocab.pad_id``
    at the end to the longest text the chosen formats can give (`source_length`: 18 for all
    formats, 11 for ``japanese`` alone).

    Parameters
    ----------
    n_train, n_test : int
    formats : sequence of str, default all of `FORMATS`
        The formats to draw from (each pair's format uniformly among them).
    seed : int

    Returns
    -------
    DateData
        ``x_train``, ``t_train``, ``x_test``, ``t_test``, ``vocab``, and the test texts
        ``sources_test`` and ``targets_test``.

    Examples
    --------
    >>> data = load_dates(100, 20, seed=0)
    >>> data.x_train.shape, data.t_train.shape, len(data.vocab)
    ((100, 18), (100, 11), 54)
    >>> data.vocab.decode(data.x_test[:1]), data.vocab.decode(data.t_test[:1])
    (['12/26/2078'], ['2078-12-26'])
    >>> bool((data.t_train[:, 0] == data.vocab.start_id).all())
    True
    """
    n_train, n_test = count("n_train", n_train), count("n_test", n_test)
    pairs = date_pairs(n_train + n_test, formats, seed)
    vocab = CharVocabulary(DATE_CHARACTERS)
    sources, targets = zip(*pairs)
    x = vocab.encode(sources, length=source_length(formats))
    t = vocab.encode(targets, length=TARGET_LENGTH, start=True)
    return DateData(x[:n_train], t[:n_train], x[n_train:], t[n_train:], vocab,
                    list(sources[n_train:]), list(targets[n_train:]))


def source_length(formats=FORMATS) -> int:
    """The longest text the ``formats`` can give: the width of `load_dates`' source arrays.

    Examples
    --------
    >>> source_length(), source_length(["japanese"]), source_length("slash")
    (18, 11, 10)
    """
    days = [datetime.date(2000, month, 28) for month in range(1, 13)]   # years have 4 digits, days at most 2
    return max(len(format_date(day, f)) for day in days for f in _formats(formats))
