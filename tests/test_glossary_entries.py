"""The living glossary: every term says where it is taught and what it means, in both languages.

- ``taught`` names a page and a section (a shared anchor) that exist in both languages, and the
  section uses the term (or a synonym) in each language: a link that cannot point to nowhere;
- ``definition`` is one sentence per language, in the page's script, keeping the glossary's spellings.
"""

from __future__ import annotations

import re

import pytest

from dl_notes_site.glossary import terms
from dl_notes_site.sections import DOCS, sections
from test_style import check_markdown

TERMS = terms()
NOT_TEACHING = {"quiz", "see-also"}  # every chapter's last two sections
JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u9fff]")


def section_text(page: str, anchor: str, lang: str) -> str | None:
    path = DOCS / page.replace(".md", f".{lang}.md")
    if not path.is_file():
        return None
    found = [s.text for s in sections(path.read_text(encoding="utf-8")) if s.anchor == anchor]
    return found[0] if found else None


def loose(text: str) -> str:
    """Lower case, one kind of space: 'Max-pooling' and 'max pooling' are one name."""
    return re.sub(r"[\s\-‐]+", " ", text.lower())


def taught_problems(term) -> list[str]:
    if not term.taught or not term.anchor:
        return [f"{term.ja}: no `taught: <page>.md#<anchor>`"]
    if term.anchor in NOT_TEACHING:
        return [f"{term.ja}: {term.taught} is a quiz or a list of links, not the section that teaches the term"]
    problems = []
    for lang in ("ja", "en"):
        text = section_text(term.page, term.anchor, lang)
        if text is None:
            problems.append(f"{term.ja}: {term.taught} has no section #{term.anchor} in {lang}")
        elif not any(loose(name) in loose(text) for name in term.names(lang)):
            problems.append(f"{term.ja}: the {lang} section {term.taught} does not use {term.names(lang)}")
    return problems


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.ja)
def test_each_term_links_to_the_section_that_teaches_it(term):
    assert taught_problems(term) == []


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.ja)
def test_each_term_has_a_one_line_definition_in_both_languages(term):
    ja, en = term.definition.get("ja", ""), term.definition.get("en", "")
    assert ja.strip() and en.strip(), f"{term.ja}: definition.ja and definition.en are both needed"
    assert "\n" not in ja.strip() and "\n" not in en.strip()
    assert JAPANESE.search(ja) and ja.endswith("。") and len(ja) <= 100, f"{term.ja}: {ja!r}"
    assert not JAPANESE.search(en) and en.endswith(".") and len(en) <= 160, f"{term.ja}: {en!r}"
    rejected = [variant for other in TERMS for variant in other.avoid if variant in ja]
    assert rejected == [], f"{term.ja}: the definition uses the rejected spellings {rejected}"
    assert check_markdown(ja, "ja") == [] and check_markdown(en, "en") == [], f"{term.ja}: the site's style"


def test_a_wrong_link_is_caught():
    from dataclasses import replace

    term = next(t for t in TERMS if t.ja == "重み減衰")
    assert taught_problems(replace(term, taught="lstm.md#quiz"))
    assert taught_problems(replace(term, taught="regularization.md#see-also"))
    assert taught_problems(replace(term, taught="regularization.md#no-such-section"))
    assert taught_problems(replace(term, taught=None))
