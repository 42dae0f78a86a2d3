"""The course's outline, drawn from one source: the ``nav`` of mkdocs.yml and i18n's ``nav_translations``.

Pure functions (no MkDocs objects), so that the home page, a later course-map page and the tests
read the same data:

- :func:`course_outline`: the parts of the course (Day 2, study tools, ...) with their pages,
  each page's title and front-matter ``description`` in the language asked for;
- :func:`outline_markdown`: that outline as Markdown (a table per part) for a page, which the
  ``course_outline()`` macro (macros.py) puts on the home page.

The notebooks, which are not in nav, are linked from their chapters by ``notebook_links.py``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

LANGUAGES = ("ja", "en")


@dataclass(frozen=True)
class Entry:
    """One page of the outline: its nav source ('optimizers.md'), title and description."""

    src: str
    title: str
    description: str


@dataclass(frozen=True)
class Part:
    """A top-level entry of the navigation: a section of pages, or a single page (``page`` set)."""

    title: str
    entries: tuple[Entry, ...] = ()
    page: Entry | None = None

    def pages(self) -> tuple[Entry, ...]:
        return (self.page,) if self.page else self.entries


def nav_items(nav: Sequence) -> list[tuple[str | None, str | list]]:
    """The ``nav`` of mkdocs.yml as (title, target) pairs; target is a source path or a list.

    >>> nav_items(["index.md", {"Day 2": [{"A": "a.md"}]}, {"B": "b.md"}])
    [(None, 'index.md'), ('Day 2', [{'A': 'a.md'}]), ('B', 'b.md')]
    """
    items = []
    for item in nav:
        if isinstance(item, str):
            items.append((None, item))
        elif isinstance(item, Mapping) and len(item) == 1:
            items.append(next(iter(item.items())))
        else:
            raise TypeError(f"nav_items: a nav entry must be 'page.md' or {{title: target}}, got {item!r}")
    return items


JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def translate(title: str, translations: Mapping[str, str] | None) -> str:
    """The title in the build's language: ``translations`` maps the Japanese nav titles (None: Japanese).

    A title with no Japanese in it ('dl_notes.optim', 'Day 2') reads the same in both languages.

    >>> translate("用語集", {"用語集": "Glossary"}), translate("用語集", None), translate("Day 2", {})
    ('Glossary', '用語集', 'Day 2')
    """
    if translations is None:
        return title
    if title in translations:
        return translations[title]
    if JAPANESE.search(title):
        raise ValueError(f"translate: nav title {title!r} has no entry in nav_translations; add its English title")
    return title


def localized_source(docs_dir: Path, src: str, lang: str) -> Path:
    """The Markdown file of the nav source ``src`` in ``lang`` (suffix layout: 'a/b.md' -> 'a/b.<lang>.md')."""
    if lang not in LANGUAGES:
        raise ValueError(f"localized_source: lang={lang!r}, expected one of {LANGUAGES}")
    stem, dot, suffix = src.rpartition(".")
    if not dot:
        raise ValueError(f"localized_source: src={src!r} has no file extension")
    return Path(docs_dir) / f"{stem}.{lang}.{suffix}"


FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def description(path: Path) -> str:
    """The front-matter ``description`` of the Markdown page at ``path`` (required, non-empty).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = Path(tmp) / "a.en.md"
    ...     _ = page.write_text("---\\ndescription: What it covers.\\n---\\n\\n# A\\n")
    ...     description(page)
    'What it covers.'
    """
    match = FRONT_MATTER.match(Path(path).read_text(encoding="utf-8"))
    try:
        meta = yaml.safe_load(match.group(1)) if match else None
    except yaml.YAMLError as error:  # MkDocs would drop such front matter without a word
        raise ValueError(f"description: the front matter of {path} is not valid YAML "
                         f"(quote a value that holds ': '): {error}") from None
    text = (meta or {}).get("description") if isinstance(meta, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"description: {path} has no front-matter 'description'; every page in nav needs one")
    return " ".join(text.split())


def course_outline(nav: Sequence, translations: Mapping[str, str] | None, lang: str, docs_dir: Path) -> list[Part]:
    """The parts of the course in nav order, titled and described in ``lang``.

    Parameters
    ----------
    nav : list
        The ``nav`` of mkdocs.yml (Japanese titles).
    translations : dict or None
        i18n's ``nav_translations`` of ``lang`` (None for Japanese, the default language).
    lang : {'ja', 'en'}
        The language of titles and descriptions.
    docs_dir : Path
        Where ``<page>.<lang>.md`` are, for their front-matter ``description``.

    Returns
    -------
    list of Part
        One per top-level nav entry: a section with its pages (an untitled entry, such as a
        section's ``index.md``, takes the section's title), or a single page.

    Raises
    ------
    ValueError
        A nav title without a translation, a page without a description, or a section nested
        in a section (the course has two levels, so that a phone reaches every page in three taps).
    """
    parts = []
    for title, target in nav_items(nav):
        if title is None and isinstance(target, str):
            raise ValueError(f"course_outline: top-level nav entry {target!r} needs a title")
        part_title = translate(title, translations)
        if isinstance(target, str):
            parts.append(Part(part_title, page=Entry(target, part_title, description(localized_source(docs_dir, target, lang)))))
            continue
        entries = []
        for child_title, child in nav_items(target):
            if not isinstance(child, str):
                raise ValueError(f"course_outline: section {title!r} holds the section {child_title!r}; "
                                 "keep to two levels (part, page) so that a phone reaches every page in three taps")
            entry_title = part_title if child_title is None else translate(child_title, translations)
            entries.append(Entry(child, entry_title, description(localized_source(docs_dir, child, lang))))
        parts.append(Part(part_title, tuple(entries)))
    return parts


HEADERS = {"ja": ("ページ", "内容"), "en": ("Page", "What it covers")}


def cell(text: str) -> str:
    r"""Text for a Markdown table cell (a ``|`` would end the cell).

    >>> cell("a | b")
    'a \\| b'
    """
    return text.replace("|", r"\|")


SENTENCE_END = re.compile(r"(?<=。)|(?<=\.)\s+")


def without_restated_title(text: str, title: str, part_title: str) -> str:
    """``text`` without a first sentence that only restates the page and its part, as an API
    page's description starts ("API reference of dl_notes.optim."): in a table, the link says so.

    >>> without_restated_title("API reference of dl_notes.optim. SGD and Adam.", "dl_notes.optim", "API reference")
    'SGD and Adam.'
    >>> without_restated_title("dl_notes.optim の API リファレンス。SGD です。", "dl_notes.optim", "API リファレンス")
    'SGD です。'
    >>> without_restated_title("How Adam works. Measured.", "Adam", "Day 2")
    'How Adam works. Measured.'
    """
    first, *rest = SENTENCE_END.split(text, maxsplit=1)
    if rest and rest[0].strip() and title in first and part_title.lower() in first.lower():
        return rest[0].strip()
    return text


def outline_markdown(parts: Iterable[Part], lang: str, from_src: str, heading_level: int = 3) -> str:
    """The outline as Markdown for the page ``from_src``: a heading and a table per part.

    Links are relative to ``from_src`` (a nav source such as 'index.md'), which is itself left
    out. A single-page part is its heading, linked, followed by the page's description.

    >>> parts = [Part("Day 2", (Entry("index.md", "Home", "-"), Entry("a/b.md", "B", "Bees | wasps"))),
    ...          Part("Glossary", page=Entry("glossary.md", "Glossary", "Terms."))]
    >>> print(outline_markdown(parts, "en", "index.md"))
    ### Day 2
    <BLANKLINE>
    | Page | What it covers |
    | --- | --- |
    | [B](a/b.md) | Bees \\| wasps |
    <BLANKLINE>
    ### [Glossary](glossary.md)
    <BLANKLINE>
    Terms.
    <BLANKLINE>
    """
    if lang not in HEADERS:
        raise ValueError(f"outline_markdown: lang={lang!r}, expected one of {tuple(HEADERS)}")
    here = posixpath.dirname(from_src)
    hashes = "#" * heading_level

    def link(entry: Entry) -> str:
        return f"[{cell(entry.title)}]({posixpath.relpath(entry.src, here or '.')})"

    blocks = []
    for part in parts:
        if part.page:
            if part.page.src != from_src:
                blocks.append(f"{hashes} {link(part.page)}\n\n{part.page.description}\n")
            continue
        rows = [f"| {link(e)} | {cell(without_restated_title(e.description, e.title, part.title))} |"
                for e in part.entries if e.src != from_src]
        if rows:
            header = "| {} | {} |\n| --- | --- |".format(*HEADERS[lang])
            blocks.append(f"{hashes} {part.title}\n\n{header}\n" + "\n".join(rows) + "\n")
    return "\n".join(blocks)
