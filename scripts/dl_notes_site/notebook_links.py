"""MkDocs plugin ``dl_notes/notebook_links``: each chapter page links its notebooks under its title; each notebook page links back.

The notebooks are not in nav (their pages are built, and found by search, but would double the
sidebar). Which chapter a notebook belongs to is read from the notebook itself: the first page
its introduction links, ``[...](../<page>.md)``. So a new notebook is linked from its chapter in
both languages without anyone typing a link.

- :func:`read_notebook`, :func:`notebooks_by_chapter`: notebooks and their chapters (pure);
- :func:`notebook_links`, :func:`chapter_link`: the HTML shown, in the page's language (pure);
- ``on_files``, ``on_page_content``: the glue, which looks files up and inserts that HTML.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.utils import get_relative_url


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
            raise ValueError(f"notebook_links: a notebook links the chapter {chapter!r}, which is not a page")
    return files


def on_page_content(page_html, page, config, files):
    """A chapter gets its notebooks' box under its title; a notebook, the way back above its title."""
    lang = config.plugins["i18n"].current_language
    src = page.file.norm_src_uri if hasattr(page.file, "norm_src_uri") else page.file.src_uri
    if src in _chapters:
        links = []
        for notebook in _chapters[src]:
            target = files.get_file_from_path(f"notebooks/{notebook.name}.ipynb")
            if target is None:
                raise ValueError(f"notebook_links: notebooks/{notebook.name}.{lang}.py was not executed into a page")
            url = get_relative_url(target.url, page.url)
            links.append(NotebookLink(notebook.title, url, posixpath.join(url, Path(target.abs_src_path).name)))
        return after_title(page_html, notebook_links(links, lang))
    if src in _notebook_chapter:
        chapter = files.get_file_from_path(_notebook_chapter[src])
        return before_title(page_html, chapter_link(chapter.page.title, get_relative_url(chapter.url, page.url), lang))
    return page_html


class Plugin(BasePlugin):
    """The same glue as a plugin, for the dl_notes_site package (MkDocs hooks ignore this class)."""

    on_files = staticmethod(on_files)
    on_page_content = staticmethod(on_page_content)
