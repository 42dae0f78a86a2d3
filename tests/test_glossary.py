"""One spelling per term: docs/glossary.yml is the list, and every page keeps to it.

- no page, notebook or Japanese string in ``dl_notes`` uses a spelling the glossary rejects;
- a synonym (a name the course or the book uses, such as 荷重減衰 for 重み減衰) appears only as an
  alias, on a line that also has the preferred spelling;
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
SYNONYMS = {synonym: term["ja"] for term in TERMS for synonym in term.get("synonyms", [])}
TEXTS = sorted(
    [*ROOT.glob("docs/**/*.md"), *ROOT.glob("docs/notebooks/*.py"), *ROOT.glob("dl_notes/**/*.py")],
    key=lambda p: p.as_posix(),
)
INTRODUCTION = re.compile(r"\*\*([^*\n]+)\*\*（([^）\n]+)）")


def test_the_glossary_is_consistent():
    assert len(BY_JA) == len(TERMS), "a Japanese term is listed twice"
    for term in TERMS:
        assert set(term) <= {"ja", "en", "taught", "synonyms", "en_synonyms", "avoid", "tooltip", "definition"}, term
        assert term["ja"].strip() and term["en"].strip(), term
    for kind, variants in (("avoid", AVOID), ("synonyms", SYNONYMS)):
        for variant, preferred in variants.items():
            clashes = [ja for ja in BY_JA if variant in ja]
            assert not clashes, f"{variant!r} ({kind}, for {preferred}) is part of the preferred spelling {clashes}"
    both = set(AVOID) & set(SYNONYMS)
    assert not both, f"{sorted(both)} are listed both as synonyms and under avoid"


def test_english_names_use_ise_spelling():
    """The glossary's English names are prose: regularisation, normalisation (COMMON spelling decision)."""
    assert [t["en"] for t in TERMS if re.search(r"(?<!optim)iz(e|ation|ing)", t["en"])] == []


def spelling_problems(text: str) -> list[str]:
    """Rejected spellings, and synonyms written without the preferred spelling on their line."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        problems += [f"line {number}: {variant!r}, write {preferred!r}" for variant, preferred in AVOID.items()
                     if variant in line]
        # 荷重減衰 is welcome as 「重み減衰（講義では荷重減衰とも）」, never on its own.
        problems += [f"line {number}: {synonym!r} without {preferred!r} on the same line" for synonym, preferred
                     in SYNONYMS.items() if synonym in line and preferred not in line]
    return problems


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_rejected_spelling_and_no_lone_synonym(path):
    assert spelling_problems(path.read_text(encoding="utf-8")) == []


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


def test_the_check_finds_a_variant():
    """The rule above can fail: a page with a rejected spelling is caught."""
    problems = spelling_problems("誤差逆伝搬法と体重減衰\n")
    assert any("write '誤差逆伝播法'" in p for p in problems) and any("write '重み減衰'" in p for p in problems)


def test_the_check_finds_a_lone_synonym():
    """The synonym rule can fail: a synonym alone is caught, beside its preferred spelling it passes."""
    assert spelling_problems("L2 正則化は荷重減衰と呼ばれます。\n") == ["line 1: '荷重減衰' without '重み減衰' on the same line"]
    assert spelling_problems("L2 正則化は重み減衰（講義では荷重減衰とも）と呼ばれます。\n") == []
