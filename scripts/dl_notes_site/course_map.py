"""The course map: the course's sections, the books' chapters and the exercise notebooks, each
linked to the pages and sections of this site that cover it.

The data is ``docs/data/course_map.yml`` (its header describes the rows); the page
``course_map.{ja,en}.md`` shows it through the ``course_map()`` macro (macros.py) as Markdown
tables in the page's language. A link is ``page.md#anchor`` with the anchor both languages share
(sections.py), and its text is the target's title read from the target page in the reader's
language: a renamed section renames its link, and a removed one stops the build, since the
macro raises (mkdocs-macros' ``on_error_fail``) before MkDocs' own anchor check would only warn.

The module reads the YAML itself rather than through mkdocs-macros' ``include_yaml``: the rows
are checked here (every key, every target) once for the page and for the tests alike, which
need no MkDocs to run.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from dl_notes_site.navigation import cell
from dl_notes_site.sections import sections

DOCS = Path(__file__).resolve().parents[2] / "docs"
DATA = DOCS / "data" / "course_map.yml"
LANGS = ("ja", "en")
TABLES = ("course", "book", "notebooks")

# Column headers of each table, and the words around the links.
HEADERS = {
    "course": {"ja": ("講義の項目", "このサイトのページと節"), "en": ("Course section", "Pages and sections here")},
    "book": {"ja": ("章", "章の題", "このサイトのページと節"), "en": ("Chapter", "Title", "Pages and sections here")},
    "notebooks": {"ja": ("ノートブック", "計算する内容", "再現しているページと節"),
                  "en": ("Notebook", "What it computes", "Where this site reproduces it")},
}
NO_PAGE = {"ja": "ページはまだありません。", "en": "No page yet."}
ALSO = {"ja": "別名：", "en": "Also: "}
COLON = {"ja": "：", "en": ": "}
COMMA = {"ja": "、", "en": ", "}
H1 = re.compile(r"^# +(.+?)(?: +\{:? *#[\w-]+ *\})? *$", re.M)
FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)


@dataclass(frozen=True)
class Row:
    """One row of a table: an item of the course or a book, or an exercise notebook."""

    table: str
    group: int                   # the course's day, or the book (1 or 2)
    name: dict                   # {'ja': ..., 'en': ...}; a notebook's name is the same in both
    covered_by: tuple[str, ...]  # 'page.md' or 'page.md#anchor'
    note: dict | None = None
    chapter: str | None = None   # a book's chapter: '1'..'8', or an appendix letter
    also: tuple[str, ...] = ()   # a notebook's other names
    computes: dict | None = None


def parse(data: dict) -> list[Row]:
    """The rows of the YAML data, checked: every table, key and language present.

    >>> rows = parse({"course": [{"day": 1, "ja": "出力層", "en": "Output layer", "covered_by": ["forward_pass.md#the-output-layer"]}],
    ...               "book": [], "notebooks": [{"day": 3, "name": "3_1_simple_RNN", "computes": {"ja": "足し算", "en": "Addition"},
    ...                                          "covered_by": [], "note": {"ja": "まだです。", "en": "Not yet."}}]})
    >>> [(r.table, r.group, r.name["en"], r.covered_by) for r in rows]
    [('course', 1, 'Output layer', ('forward_pass.md#the-output-layer',)), ('notebooks', 3, '3_1_simple_RNN', ())]
    >>> parse({"course": [{"day": 1, "ja": "出力層", "en": "Output layer"}], "book": [], "notebooks": []})
    Traceback (most recent call last):
    ...
    ValueError: course_map.yml: course row 'Output layer' has the keys ['day', 'en', 'ja']; expected ['covered_by', 'day', 'en', 'ja'] and optionally ['note']
    """
    if set(data) != set(TABLES):
        raise ValueError(f"course_map.yml: expected the tables {TABLES}, got {tuple(data)}")
    rows = []
    for table in TABLES:
        for entry in data[table]:
            keys = {"course": {"day", "ja", "en", "covered_by"}, "book": {"book", "chapter", "ja", "en", "covered_by"},
                    "notebooks": {"day", "name", "computes", "covered_by"}}[table]
            optional = {"note", "also"} if table == "notebooks" else {"note"}
            label = entry.get("name") or entry.get("en")
            if not keys <= set(entry) or not set(entry) <= keys | optional:
                raise ValueError(f"course_map.yml: {table} row {label!r} has the keys {sorted(entry)}; "
                                 f"expected {sorted(keys)} and optionally {sorted(optional)}")
            for field in ("note", "computes"):
                if field in entry and set(entry[field]) != set(LANGS):
                    raise ValueError(f"course_map.yml: {table} row {label!r}: {field} needs exactly the languages {LANGS}")
            if not isinstance(entry["covered_by"], list):
                raise ValueError(f"course_map.yml: {table} row {label!r}: covered_by must be a list")
            name = {"ja": entry["name"], "en": entry["name"]} if table == "notebooks" else {"ja": entry["ja"], "en": entry["en"]}
            rows.append(Row(table, entry.get("day", entry.get("book")), name, tuple(entry["covered_by"]), entry.get("note"),
                            str(entry["chapter"]) if "chapter" in entry else None, tuple(entry.get("also", ())),
                            entry.get("computes")))
    return rows


def rows(path: Path = DATA) -> list[Row]:
    """Every row of ``docs/data/course_map.yml``, read again when the file changes (a live preview sees edits)."""
    return list(_rows(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _rows(path: Path, mtime_ns: int) -> tuple[Row, ...]:
    # Each of the page's ten tables asks for the rows; parse the YAML once per version of the file.
    return tuple(parse(yaml.safe_load(path.read_text(encoding="utf-8"))))


def page_title(source: str) -> str:
    """The ``# title`` of a page's Markdown source (after its front matter).

    >>> page_title("---\\ndescription: x\\n---\\n\\n# LSTM\\n\\n## A {: #a }\\n")
    'LSTM'
    """
    match = H1.search(FRONT_MATTER.sub("", source, count=1))
    if not match:
        raise ValueError("course_map: the page has no '# title' line")
    return match.group(1)


def target_title(target: str, lang: str, docs: Path = DOCS) -> tuple[str, str | None]:
    """The title of the page ``target`` names and, if it names a section, that section's title, in ``lang``.

    Raises ``ValueError`` naming the target when the page or the anchor does not exist.

    >>> target_title("lstm.md#quiz", "en")
    ('LSTM', 'Quiz')
    >>> target_title("lstm.md#no-such-section", "ja")
    Traceback (most recent call last):
    ...
    ValueError: course_map.yml: lstm.md#no-such-section: lstm.ja.md has no section {: #no-such-section }
    """
    page, _, anchor = target.partition("#")
    path = docs / page.replace(".md", f".{lang}.md")
    if not page.endswith(".md") or not path.is_file():
        raise ValueError(f"course_map.yml: {target}: no page {path.name} in docs/")
    title, section_titles = _titles(path, path.stat().st_mtime_ns)
    if not anchor:
        return title, None
    if anchor not in section_titles:
        raise ValueError(f"course_map.yml: {target}: {path.name} has no section {{: #{anchor} }}")
    return title, section_titles[anchor]


@lru_cache(maxsize=256)
def _titles(path: Path, mtime_ns: int) -> tuple[str, dict[str, str]]:
    """A page's title and its sections' titles by anchor, parsed once per version of the file
    (a page is the target of many rows; the modification time keeps a live preview current)."""
    source = path.read_text(encoding="utf-8")
    return page_title(source), {s.anchor: s.title for s in sections(source) if s.anchor}


def links(targets: tuple[str, ...], lang: str, from_src: str, docs: Path = DOCS) -> str:
    """The targets as Markdown links for a table cell: a whole page by its title; a page's
    sections after the page's title, ``page：[section](page.md#a)、[section](page.md#b)``;
    pages apart on lines of their own.

    >>> print(links(("lstm.md#quiz", "lstm.md#see-also", "gru.md"), "en", "course_map.md"))
    LSTM: [Quiz](lstm.md#quiz), [See also](lstm.md#see-also)<br>[GRU](gru.md)
    >>> print(links(("lstm.md#quiz",), "ja", "course_map.md"))
    LSTM：[確認テスト](lstm.md#quiz)
    """
    here = posixpath.dirname(from_src) or "."
    by_page: dict[str, list[str]] = {}
    for target in targets:
        by_page.setdefault(target.partition("#")[0], []).append(target)
    parts = []
    for page, page_targets in by_page.items():
        href = posixpath.relpath(page, here)
        section_links, page_link = [], None
        for target in page_targets:
            title, section = target_title(target, lang, docs)
            if section is None:
                page_link = f"[{cell(title)}]({href})"
            else:
                section_links.append(f"[{cell(section)}]({href}#{target.partition('#')[2]})")
        if page_link:
            parts.append(page_link + (COMMA[lang] + COMMA[lang].join(section_links) if section_links else ""))
        else:
            parts.append(cell(title) + COLON[lang] + COMMA[lang].join(section_links))
    return "<br>".join(parts)


def chapter_label(chapter: str, lang: str) -> str:
    """A book's chapter as the book numbers it: a number, or an appendix's letter.

    >>> chapter_label("5", "ja"), chapter_label("5", "en"), chapter_label("C", "ja"), chapter_label("C", "en")
    ('第 5 章', '5', '付録 C', 'Appendix C')
    """
    if chapter.isdigit():
        return f"第 {chapter} 章" if lang == "ja" else chapter
    return f"付録 {chapter}" if lang == "ja" else f"Appendix {chapter}"


def coverage(row: Row, lang: str, from_src: str, docs: Path = DOCS) -> str:
    """The cell that says where the site covers ``row``: its links, or that no page does, and its note."""
    text = links(row.covered_by, lang, from_src, docs) if row.covered_by else NO_PAGE[lang]
    if row.note:
        text += ("<br>" if row.covered_by else ("" if lang == "ja" else " ")) + cell(row.note[lang])
    return text


def course_name(row: Row, lang: str) -> str:
    """The course's or book's name for the row: on the English page, the Japanese original
    follows, since that is what the course's material and a search for it use."""
    if lang == "ja" or row.name["ja"] == row.name["en"]:
        return cell(row.name[lang])
    return f'{cell(row.name["en"])}<br><span class="dl-course-map__original" lang="ja">{cell(row.name["ja"])}</span>'


def notebook_code(name: str) -> str:
    """A notebook's name as code that a narrow column breaks only after an underscore before a word.

    >>> notebook_code("3_1_simple_RNN"), notebook_code("a<b")
    ('<code>3_1_<wbr>simple_<wbr>RNN</code>', '<code>a&lt;b</code>')
    """
    return "<code>" + re.sub(r"_(?=[A-Za-z(])", "_<wbr>", html.escape(name)) + "</code>"


def wrapped(markdown: str) -> str:
    """A table of the map inside the block that the site's CSS styles (``.dl-course-map``)."""
    return f'<div class="dl-course-map" markdown>\n\n{markdown}\n</div>\n'


def table(all_rows: list[Row], kind: str, group: int, lang: str, from_src: str, docs: Path = DOCS) -> str:
    """The Markdown table of ``kind`` ('course', 'book' or 'notebooks') for one day or book, in ``lang``.

    >>> row = Row("notebooks", 3, {"ja": "3_1_simple_RNN", "en": "3_1_simple_RNN"}, ("lstm.md#quiz",),
    ...           also=("3_1_simple_RNN_after",), computes={"ja": "足し算", "en": "Binary addition."})
    >>> print(table([row], "notebooks", 3, "en", "course_map.md"))
    | Notebook | What it computes | Where this site reproduces it |
    | --- | --- | --- |
    | <code>3_1_<wbr>simple_<wbr>RNN</code><br>Also: <code>3_1_<wbr>simple_<wbr>RNN_<wbr>after</code> | Binary addition. | LSTM: [Quiz](lstm.md#quiz) |
    <BLANKLINE>
    """
    if kind not in TABLES or lang not in LANGS:
        raise ValueError(f"course_map: table({kind!r}, lang={lang!r}); expected one of {TABLES} and {LANGS}")
    selected = [r for r in all_rows if r.table == kind and r.group == group]
    if not selected:
        raise ValueError(f"course_map: no {kind} rows for {'book' if kind == 'book' else 'day'} {group} in course_map.yml")
    headers = HEADERS[kind][lang]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    for row in selected:
        if kind == "course":
            cells = [course_name(row, lang)]
        elif kind == "book":
            cells = [chapter_label(row.chapter, lang), course_name(row, lang)]
        else:
            name = notebook_code(row.name[lang])
            if row.also:
                name += "<br>" + ALSO[lang] + COMMA[lang].join(notebook_code(a) for a in row.also)
            cells = [name, cell(row.computes[lang])]
        lines.append("| " + " | ".join(cells + [coverage(row, lang, from_src, docs)]) + " |")
    return "\n".join(lines) + "\n"


def groups(all_rows: list[Row]) -> set[tuple[str, int]]:
    """The (table, day or book) pairs the data holds: each needs one ``course_map()`` call on the page."""
    return {(r.table, r.group) for r in all_rows}


def notebook_names(all_rows: list[Row]) -> list[str]:
    """Every exercise notebook's name, other names included."""
    return [name for r in all_rows if r.table == "notebooks" for name in (r.name["en"], *r.also)]
