"""MkDocs hook: segment Japanese text into words in the search index, at build time.

Material's search keeps Japanese text as long runs (Japanese has no spaces), so a query such as
``勾配`` would not match a page that only says ``勾配消失``. Material solves this for Chinese by
segmenting with jieba and joining the words with zero-width spaces (U+200B), which its
separator then splits on. This hook does the same for Japanese with Janome (a pure-Python
morphological analyser with the IPA dictionary): ``勾配消失`` is indexed as ``勾配␣消失``. The
browser shows the text unchanged (U+200B is invisible) and the query side segments Han runs
against the indexed words (Material's ``segment``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from mkdocs.plugins import event_priority

ZWSP = "\u200b"
# Runs of Japanese script: kanji (incl. 々〆ヶ), hiragana, katakana and the long-vowel mark.
JAPANESE = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶー]+")


@lru_cache(maxsize=1)
def _tokenizer():
    from janome.tokenizer import Tokenizer

    return Tokenizer(wakati=True)


@lru_cache(maxsize=65536)
def segment_run(run: str) -> str:
    """Japanese words of ``run`` joined by U+200B.

    >>> segment_run("勾配消失").split("\u200b")
    ['勾配', '消失']
    """
    return ZWSP.join(_tokenizer().tokenize(run))


def segment(text: str) -> str:
    """``text`` with every Japanese run segmented into words and fenced by U+200B; idempotent."""
    text = text.replace(ZWSP, "")
    segmented = JAPANESE.sub(lambda m: ZWSP + segment_run(m.group(0)) + ZWSP, text)
    return re.sub(f"{ZWSP}+", ZWSP, segmented).strip(ZWSP)


def with_zwsp_separator(separator: str) -> str:
    r"""Add U+200B to the search separator's character class.

    >>> with_zwsp_separator(r"[\s\-]+")
    '[\\s\\u200b\\-]+'
    """
    if "\\u200b" in separator:
        return separator
    if not separator.startswith("["):
        raise ValueError(f"search separator {separator!r} does not start with a character class")
    return "[\\s\\u200b" + separator[1:].replace("\\s", "", 1)


@event_priority(-100)  # after the search plugin has written the index
def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["config"]["separator"] = with_zwsp_separator(index["config"]["separator"])
    for doc in index["docs"]:
        for field in ("title", "text"):
            if doc.get(field):
                doc[field] = segment(doc[field])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
