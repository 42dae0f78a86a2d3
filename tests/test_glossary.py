"""One spelling per term: docs/glossary.yml is the list, and every page keeps to it.

- no page, notebook or Japanese string in ``dl_notes`` uses a spelling the glossary rejects;
- a term introduced as ``**用語**（English）`` is in the glossary, with that English name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TERMS = yaml.safe_load((ROOT / "docs" / "glossary.yml").read_text(encoding="utf-8"))
BY_JA = {term["ja"]: term for term in TERMS}
AVOID = {variant: term["ja"] for term in TERMS for variant in term.get("avoid", [])}
TEXTS = sorted(
    [*ROOT.glob("docs/**/*.md"), *ROOT.glob("docs/notebooks/*.py"), *ROOT.glob("dl_notes/**/*.py")],
    key=lambda p: p.as_posix(),
)
INTRODUCTION = re.compile(r"\*\*([^*\n]+)\*\*（([^）\n]+)）")


def test_the_glossary_is_consistent():
    assert len(BY_JA) == len(TERMS), "a Japanese term is listed twice"
    for term in TERMS:
        assert set(term) <= {"ja", "en", "avoid"}, term
        assert term["ja"].strip() and term["en"].strip(), term
    for variant, preferred in AVOID.items():
        clashes = [ja for ja in BY_JA if variant in ja]
        assert not clashes, f"{variant!r} (avoid, for {preferred}) is part of the preferred spelling {clashes}"


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_rejected_spelling(path):
    found = [
        f"line {number}: {variant!r}, write {preferred!r}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for variant, preferred in AVOID.items()
        if variant in line
    ]
    assert found == []


@pytest.mark.parametrize("path", sorted(ROOT.glob("docs/**/*.ja.md")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_introduced_terms_are_in_the_glossary(path):
    problems = []
    for ja, english in INTRODUCTION.findall(path.read_text(encoding="utf-8")):
        term = BY_JA.get(ja)
        if term is None:
            problems.append(f"**{ja}**（{english}） is not in docs/glossary.yml: add it")
        elif not english.lower().startswith(term["en"].lower()):
            problems.append(f"**{ja}**（{english}）: the glossary's English is {term['en']!r}")
    assert problems == []


def test_the_check_finds_a_variant(tmp_path):
    """The rule above can fail: a page with a rejected spelling is caught."""
    page = tmp_path / "bad.ja.md"
    page.write_text("誤差逆伝搬法と体重減衰\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        test_no_rejected_spelling(page)
