"""Every chapter heading has an explicit anchor, shared by its Japanese and English twins."""

from __future__ import annotations

import pytest

from dl_notes_site.sections import page_pairs, sections

PAIRS = page_pairs()


@pytest.mark.parametrize("ja, en", PAIRS, ids=[ja.name.removesuffix(".ja.md") for ja, _ in PAIRS])
def test_twins_share_one_anchor_per_heading(ja, en):
    ja_sections, en_sections = (sections(p.read_text(encoding="utf-8")) for p in (ja, en))
    missing = [f"{p.name}: {s.title}" for p, found in ((ja, ja_sections), (en, en_sections)) for s in found if not s.anchor]
    assert not missing, ("headings without an anchor {: #id } (python -m dl_notes_site.sections adds them "
                         f"from the English titles): {missing}")
    ja_anchors = [(s.level, s.anchor) for s in ja_sections]
    assert ja_anchors == [(s.level, s.anchor) for s in en_sections], f"{ja.name} and {en.name} differ in their headings"
    anchors = [a for _, a in ja_anchors]
    assert len(anchors) == len(set(anchors)), f"{ja.name}: an anchor appears twice"


def test_the_pairs_cover_every_page():
    assert len(PAIRS) > 30 and all(en.is_file() for _, en in PAIRS)
