"""The sections of a page's Markdown source, and the anchors the two languages share.

Every heading of a chapter carries an explicit anchor written after it, ``## 確認テスト {: #quiz }``,
the same in the Japanese and the English page. Without one, the Japanese headings got ``_1``,
``_2``... (Python-Markdown's slug drops non-ASCII letters): meaningless links that changed when a
section was added. With shared anchors, ``lstm.md#quiz`` names one section in both languages,
which the course map, the glossary, the quiz bank and the translation check (`translations`)
all rely on. ``python -m dl_notes_site.sections`` gives the headings of a new page the anchors
of its English twin's titles.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
HEADING = re.compile(r"^(#{2,4}) +(.*?)(?: +\{:? *#([\w-]+) *\})? *$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Section:
    """One heading of a page and the source lines up to the next heading of any level."""

    level: int
    title: str
    anchor: str | None
    line: int          # 0-based index of the heading line
    text: str          # the heading line and its body


def sections(source: str) -> list[Section]:
    """The headings of level 2–4 of a Markdown page (not those in code blocks), with their text.

    >>> page = "# T\\n\\nIntro\\n## A {: #a }\\nx\\n```\\n## not a heading\\n```\\n### B\\ny\\n"
    >>> [(s.level, s.title, s.anchor, s.line) for s in sections(page)]
    [(2, 'A', 'a', 3), (3, 'B', None, 8)]
    >>> sections(page)[0].text
    '## A {: #a }\\nx\\n```\\n## not a heading\\n```\\n'
    """
    lines = source.splitlines(keepends=True)
    starts = [(number, match) for number, line in prose_lines(lines) if (match := HEADING.match(line.rstrip("\n")))]
    bounds = [number for number, _ in starts] + [len(lines)]
    return [Section(len(m.group(1)), m.group(2), m.group(3), number, "".join(lines[number:bounds[i + 1]]))
            for i, (number, m) in enumerate(starts)]


def prose_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """The lines outside fenced code blocks, with their 0-based numbers (fences themselves left out).

    >>> list(prose_lines(["a", "```", "# code", "```", "b"]))
    [(0, 'a'), (4, 'b')]
    """
    fence = None
    for number, line in enumerate(lines):
        if match := FENCE.match(line):
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
        elif fence is None:
            yield number, line


def slug(title: str) -> str:
    """The anchor of an English heading, as Python-Markdown's toc makes it.

    >>> slug("The CEC: a memory cell that passes the gradient unchanged")
    'the-cec-a-memory-cell-that-passes-the-gradient-unchanged'
    >>> slug("Why $\\\\sqrt{d_k}$?"), slug("`im2col` and col2im")
    ('why-sqrtd_k', 'im2col-and-col2im')
    """
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def page_pairs(docs: Path = DOCS) -> list[tuple[Path, Path]]:
    """The Japanese and English sources of every chapter-like page under ``docs/`` (not the API reference)."""
    return [(ja, ja.with_name(ja.name.replace(".ja.md", ".en.md"))) for ja in sorted(docs.glob("*.ja.md"))]


def add_anchors(ja_source: str, en_source: str) -> tuple[str, str]:
    """Both sources with every heading given the anchor of the English title, where it has none.

    >>> add_anchors("## 前 {: #a }\\n## 後\\n## 後2\\n", "## Before {: #a }\\n## After\\n## After\\n")
    ('## 前 {: #a }\\n## 後 {: #after }\\n## 後2 {: #after-2 }\\n', '## Before {: #a }\\n## After {: #after }\\n## After {: #after-2 }\\n')
    """
    ja, en = sections(ja_source), sections(en_source)
    if [s.level for s in ja] != [s.level for s in en]:
        raise ValueError("the two pages have different headings; make them match first")
    taken = {s.anchor for s in ja + en if s.anchor}
    anchors = []
    for ja_section, en_section in zip(ja, en):
        anchor = ja_section.anchor or en_section.anchor
        if anchor is None:
            base = slug(en_section.title) or f"section-{len(anchors) + 1}"
            anchor, n = base, 2
            while anchor in taken:
                anchor, n = f"{base}-{n}", n + 1
            taken.add(anchor)
        anchors.append(anchor)
    return _with_anchors(ja_source, ja, anchors), _with_anchors(en_source, en, anchors)


def _with_anchors(source: str, found: list[Section], anchors: list[str]) -> str:
    lines = source.splitlines(keepends=True)
    for section, anchor in zip(found, anchors):
        if section.anchor is None:
            end = "\n" if lines[section.line].endswith("\n") else ""
            lines[section.line] = f"{lines[section.line].rstrip()} {{: #{anchor} }}{end}"
    return "".join(lines)


def main(argv: list[str]) -> int:
    changed = 0
    for ja, en in page_pairs():
        if argv and ja.name.removesuffix(".ja.md") not in argv:
            continue
        new_ja, new_en = add_anchors(ja.read_text(encoding="utf-8"), en.read_text(encoding="utf-8"))
        for path, text in ((ja, new_ja), (en, new_en)):
            if text != path.read_text(encoding="utf-8"):
                path.write_text(text, encoding="utf-8")
                changed += 1
                print(f"anchors added: {path.relative_to(DOCS.parent)}")
    print(f"{changed} files changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
