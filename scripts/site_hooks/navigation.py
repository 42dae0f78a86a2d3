"""The course's navigation, drawn from one source: the ``nav`` of mkdocs.yml and i18n's ``nav_translations``.

Pure functions (no MkDocs objects), so that the home page, a later course-map page and the tests
read the same data:

- :func:`course_outline`: the parts of the course (Day 2, study tools, ...) with their pages,
  each page's title and front-matter ``description`` in the language asked for;
- :func:`outline_markdown`: that outline as Markdown (a table per part) for a page;
- :func:`read_notebook` and :func:`notebooks_by_chapter`: which chapter each notebook belongs
  to (the page its introduction links to first, ``[...](../<page>.md)``);
- :func:`notebook_links` and :func:`chapter_link`: the HTML a chapter page shows to open or
  download its notebooks, and a notebook page shows to go back to its chapter.

The MkDocs glue at the bottom (``on_files``, ``on_page_content``) only looks files up and inserts
that HTML after the page's title, so no page types these links by hand.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority

LANGUAGES = ("ja", "en")


# --- the outline ------------------------------------------------------------------------------

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


# --- notebooks and their chapters ------------------------------------------------------------

@dataclass(frozen=True)
class Notebook:
    """A notebook source ``notebooks/<name>.<lang>.py``: its title and the chapter it belongs to."""

    name: str
    title: str
    chapter: str   # nav source of the chapter page, 'optimizers.md'


NOTEBOOK_TITLE = re.compile(r"^# # (.+)$", re.M)
CHAPTER_LINK = re.compile(r"\]\(\.\./([^)#\s]+\.md)(?:#[^)]*)?\)")


def read_notebook(name: str, text: str) -> Notebook:
    """Title (the first ``# # `` heading) and chapter (the first ``](../<page>.md)`` link) of a
    jupytext percent notebook.

    >>> read_notebook("traj", "# %% [markdown]\\n# # Trajectories\\n#\\n# See [Optimizers](../optimizers.md#sgd).\\n")
    Notebook(name='traj', title='Trajectories', chapter='optimizers.md')
    """
    title = NOTEBOOK_TITLE.search(text)
    chapter = CHAPTER_LINK.search(text)
    if not title:
        raise ValueError(f"read_notebook: notebook {name!r} has no '# # Title' heading")
    if not chapter:
        raise ValueError(f"read_notebook: notebook {name!r} never links its chapter; its introduction "
                         "must link the page it reproduces, e.g. [Optimizers](../optimizers.md)")
    return Notebook(name, title.group(1).strip(), chapter.group(1))


def notebook_sources(docs_dir: Path, lang: str) -> dict[str, Path]:
    """``{name: docs/notebooks/<name>.<lang>.py}``, sorted by name."""
    suffix = f".{lang}.py"
    return {p.name.removesuffix(suffix): p for p in sorted((Path(docs_dir) / "notebooks").glob(f"*{suffix}"))}


def notebooks_by_chapter(notebooks: Iterable[Notebook]) -> dict[str, list[Notebook]]:
    """Notebooks grouped by chapter source, each group in the order given.

    >>> nbs = [Notebook("b", "B", "x.md"), Notebook("a", "A", "y.md"), Notebook("c", "C", "x.md")]
    >>> {k: [n.name for n in v] for k, v in notebooks_by_chapter(nbs).items()}
    {'x.md': ['b', 'c'], 'y.md': ['a']}
    """
    chapters: dict[str, list[Notebook]] = {}
    for notebook in notebooks:
        chapters.setdefault(notebook.chapter, []).append(notebook)
    return chapters


LABELS = {
    "ja": {"notebooks": "ノートブック", "open": "開く", "download": "ダウンロード（.ipynb）",
           "open_title": "ノートブック「{title}」を開く", "download_title": "ノートブック「{title}」をダウンロード",
           "back": "章に戻る：", "aria": "この章のノートブック"},
    "en": {"notebooks": "Notebooks", "open": "Open", "download": "Download (.ipynb)",
           "open_title": "Open the notebook “{title}”", "download_title": "Download the notebook “{title}”",
           "back": "Back to the chapter: ", "aria": "This chapter's notebooks"},
}


@dataclass(frozen=True)
class NotebookLink:
    """A notebook as a chapter page links it: title, page URL and ``.ipynb`` URL (relative)."""

    title: str
    page: str
    download: str


def notebook_links(links: Sequence[NotebookLink], lang: str) -> str:
    """The box under a chapter's title that opens or downloads each of its notebooks.

    ``data-search-exclude`` keeps the box's words out of the chapter's search entry.

    >>> print(notebook_links([NotebookLink("A & B", "../nb/a/", "../nb/a/a.en.ipynb")], "en"))
    <nav class="dl-notebooks" aria-label="This chapter's notebooks" data-search-exclude>
      <span class="dl-notebooks__label">Notebooks</span>
      <span class="dl-notebooks__item"><span class="dl-notebooks__title">A &amp; B</span> <span class="dl-notebooks__actions"><a href="../nb/a/" title="Open the notebook “A &amp; B”">Open</a> · <a href="../nb/a/a.en.ipynb" download title="Download the notebook “A &amp; B”">Download (.ipynb)</a></span></span>
    </nav>
    """
    if lang not in LABELS:
        raise ValueError(f"notebook_links: lang={lang!r}, expected one of {tuple(LABELS)}")
    if not links:
        raise ValueError("notebook_links: links is empty; a chapter without notebooks gets no box")
    text = LABELS[lang]
    items = []
    for link in links:
        title = html.escape(link.title)
        items.append(
            f'  <span class="dl-notebooks__item"><span class="dl-notebooks__title">{title}</span> '
            f'<span class="dl-notebooks__actions">'
            f'<a href="{html.escape(link.page)}" title="{text["open_title"].format(title=title)}">{text["open"]}</a> · '
            f'<a href="{html.escape(link.download)}" download title="{text["download_title"].format(title=title)}">'
            f'{text["download"]}</a></span></span>')
    return (f'<nav class="dl-notebooks" aria-label="{text["aria"]}" data-search-exclude>\n'
            f'  <span class="dl-notebooks__label">{text["notebooks"]}</span>\n' + "\n".join(items) + "\n</nav>")


def chapter_link(title: str, url: str, lang: str) -> str:
    """The line above a notebook's title that leads back to its chapter.

    >>> chapter_link("Optimizers", "../../optimizers/", "en")
    '<p class="dl-chapter-link" data-search-exclude>Back to the chapter: <a href="../../optimizers/">Optimizers</a></p>'
    """
    if lang not in LABELS:
        raise ValueError(f"chapter_link: lang={lang!r}, expected one of {tuple(LABELS)}")
    return (f'<p class="dl-chapter-link" data-search-exclude>{LABELS[lang]["back"]}'
            f'<a href="{html.escape(url)}">{html.escape(title)}</a></p>')


H1_END = re.compile(r"</h1>")


def after_title(page_html: str, snippet: str) -> str:
    """``snippet`` inserted after the page's ``<h1>`` (at the start if it has none).

    >>> after_title("<h1>T</h1><p>x</p>", "<nav/>"), after_title("<p>x</p>", "<nav/>")
    ('<h1>T</h1>\\n<nav/>\\n<p>x</p>', '<nav/>\\n<p>x</p>')
    """
    match = H1_END.search(page_html)
    at = match.end() if match else 0
    return f"{page_html[:at]}{chr(10) if at else ''}{snippet}\n{page_html[at:]}"


def before_title(page_html: str, snippet: str) -> str:
    """``snippet`` inserted before the page's ``<h1>`` (at the start if it has none).

    >>> before_title("<p>a</p><h1>T</h1>", "<p>up</p>")
    '<p>a</p><p>up</p>\\n<h1>T</h1>'
    """
    at = page_html.find("<h1")
    at = max(at, 0)
    return f"{page_html[:at]}{snippet}\n{page_html[at:]}"


# --- MkDocs glue -----------------------------------------------------------------------------

_chapters: dict[str, list[Notebook]] = {}
_notebook_chapter: dict[str, str] = {}


@event_priority(-150)  # after i18n (-100) has kept this language's files
def on_files(files, config):
    """Read this language's notebooks: which chapter each belongs to."""
    lang = config.plugins["i18n"].current_language
    notebooks = [read_notebook(name, path.read_text(encoding="utf-8"))
                 for name, path in notebook_sources(Path(config.docs_dir), lang).items()]
    _chapters.clear()
    _chapters.update(notebooks_by_chapter(notebooks))
    _notebook_chapter.clear()
    _notebook_chapter.update({f"notebooks/{n.name}.ipynb": n.chapter for n in notebooks})
    for chapter in _chapters:
        if files.get_file_from_path(chapter) is None:
            raise ValueError(f"navigation: a notebook links the chapter {chapter!r}, which is not a page")
    return files


def on_page_content(page_html, page, config, files):
    from mkdocs.utils import get_relative_url

    lang = config.plugins["i18n"].current_language
    src = page.file.norm_src_uri if hasattr(page.file, "norm_src_uri") else page.file.src_uri
    if src in _chapters:
        links = []
        for notebook in _chapters[src]:
            target = files.get_file_from_path(f"notebooks/{notebook.name}.ipynb")
            if target is None:
                raise ValueError(f"navigation: notebooks/{notebook.name}.{lang}.py was not executed into a page")
            url = get_relative_url(target.url, page.url)
            links.append(NotebookLink(notebook.title, url, posixpath.join(url, Path(target.abs_src_path).name)))
        return after_title(page_html, notebook_links(links, lang))
    if src in _notebook_chapter:
        chapter = files.get_file_from_path(_notebook_chapter[src])
        return before_title(page_html, chapter_link(chapter.page.title, get_relative_url(chapter.url, page.url), lang))
    return page_html
