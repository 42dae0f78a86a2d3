"""MkDocs plugin ``dl_notes/notebooks``: turn the jupytext notebooks into executed ``.ipynb`` pages, cached.

Each ``docs/notebooks/<name>.<lang>.py`` (percent format) is executed with a Jupyter kernel and
written next to it as ``<name>.<lang>.ipynb`` (gitignored), which mkdocs-jupyter renders
(``execute: false``) and offers for download. The executed notebook is cached under
``<cache_root>/notebooks/`` by a key over the notebook's text, the `fingerprint` of ``dl_notes``
and of this package, and the versions, so a change in ``dl_notes`` re-runs it (mkdocs-jupyter's
own cache would not notice) while an unchanged build executes nothing. Notebooks that must run
run in parallel (each kernel is a process of its own); a cached file that is not a valid
notebook (a killed write, a truncated copy) is executed again. A failing cell fails the build.

Four repairs of mkdocs-jupyter's pages: figures get alt text in the notebook's language (the
page title and the heading above the figure) instead of nbconvert's "No description has been
provided"; links to ``.md`` pages in Markdown cells are made into page URLs, as MkDocs does in
pages; headings get the ids of the table of contents (mkdocs-jupyter slugs headings to ASCII,
so a Japanese heading had an empty id while the TOC linked to ``#_1``); and the JupyterLab
stylesheet that mkdocs-jupyter inlines into every notebook page (570 KB, the same on all of
them) becomes one shared file, which a browser fetches once for all notebook pages.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import posixpath
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jupytext
import nbformat
from mkdocs.plugins import BasePlugin, event_priority

from dl_notes._files import write_if_changed
from dl_notes.experiments import cache_root, fingerprint
from dl_notes_site import japanese_text
from dl_notes_site.japanese_text import join_japanese_lines

log = logging.getLogger("mkdocs.plugins.dl_notes.notebooks")
TIMEOUT = 600  # seconds per cell


def notebook_key(source: Path, package: str) -> str:
    """Hash of the notebook, the package's fingerprint, the code that prepares notebooks, and versions."""
    digest = hashlib.sha256(source.read_bytes())
    digest.update(package.encode())
    for code in (Path(__file__), Path(japanese_text.__file__)):
        digest.update(code.read_bytes())
    digest.update(f"{platform.python_version()} {jupytext.__version__}".encode())
    return digest.hexdigest()[:20]


def is_notebook(data: bytes) -> bool:
    """True if ``data`` is a complete, valid notebook (a truncated or garbled file is not).

    >>> is_notebook(nbformat.writes(nbformat.v4.new_notebook()).encode()), is_notebook(b'{"cells": [')
    (True, False)
    """
    try:
        nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))
    except Exception:  # JSON, Unicode or schema errors alike: the file cannot be used
        return False
    return True


def execute(source: Path) -> bytes:
    from nbclient import NotebookClient

    notebook = jupytext.read(source)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = join_japanese_lines(cell.source)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata.pop("jupytext", None)
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(source.parent)}})
    # Cell errors come back as messages; the kernel's own stderr only says that it runs over
    # local TCP without encryption, a warning that would read as a build problem.
    client.execute(stderr=subprocess.DEVNULL)
    return nbformat.writes(notebook).encode()


@event_priority(-150)  # after mkdocs-static-i18n has set the language of this build (-100)
def on_config(config):
    """mkdocs-jupyter caches each notebook's HTML under ``cache_dir`` and, after a build, evicts
    every entry that build did not use: with its default (``.cache/mkdocs-jupyter`` of the working
    directory) the Japanese and the English builds evicted each other's entries, and every build
    converted all notebooks again. One folder per language, under `cache_root`, keeps both."""
    language = config.plugins["i18n"].current_language
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(cache_root() / "mkdocs-jupyter" / language)
    return config


def _execute_into(source: Path, cached: Path) -> float:
    start = time.perf_counter()
    write_if_changed(cached, execute(source))
    return time.perf_counter() - start


def cache_dir() -> Path:
    """Where executed notebooks are cached: beside the experiment results, under `cache_root`."""
    return cache_root() / "notebooks"


@event_priority(50)
def on_pre_build(config):
    cache = cache_dir()
    package = fingerprint()
    sources = sorted((Path(config.docs_dir) / "notebooks").glob("*.py"))
    cached = {source: cache / f"{source.stem}-{notebook_key(source, package)}.ipynb" for source in sources}
    todo = [s for s in sources if not (cached[s].is_file() and is_notebook(cached[s].read_bytes()))]
    # One language after the other: the two languages of a notebook run the same code, so the
    # second finds in the experiment cache what the first computed ("try it yourself" cells).
    todo.sort(key=lambda source: (source.stem.rsplit(".", 1)[-1], source.stem))
    if todo:
        with ThreadPoolExecutor(min(len(todo), os.cpu_count() or 1)) as pool:
            seconds = dict(zip(todo, pool.map(_execute_into, todo, [cached[s] for s in todo])))
        for source, took in seconds.items():
            log.info("notebook %s executed in %.1f s", source.name, took)
        slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:5]
        log.info("slowest notebooks: %s", ", ".join(f"{s.stem} {t:.1f} s" for s, t in slowest))
    for source in sources:
        write_if_changed(source.with_suffix(".ipynb"), cached[source].read_bytes())


FIGURE_OR_HEADING = re.compile(r"<h[1-6][^>]*>(?P<heading>.*?)</h[1-6]>|<img\b(?P<img>[^>]*)>", re.S)
NO_ALT = re.compile(r'\s*alt="(?:No description has been provided for this image)?"')


def describe_figures(html: str, title: str) -> str:
    """Give every figure without a description the alt text "<title>: <heading above it>".

    >>> describe_figures('<h2>The paths<a>¶</a></h2><img src="x.png" alt="">', "Trajectories")
    '<h2>The paths<a>¶</a></h2><img src="x.png" alt="Trajectories: The paths">'
    """
    heading = ""

    def replace(match: re.Match) -> str:
        nonlocal heading
        if match.group("heading") is not None:
            heading = re.sub(r"<[^>]+>.*?</[^>]+>|<[^>]+>", "", match.group("heading")).strip()
            return match.group(0)
        attributes = match.group("img")
        if 'alt="' in attributes and not NO_ALT.search(attributes):
            return match.group(0)
        alt = f"{title}: {heading}" if heading else title
        return f"<img{NO_ALT.sub('', attributes)} alt=\"{alt}\">"

    return FIGURE_OR_HEADING.sub(replace, html)


MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+)\.md(#[^"]*)?"')


def page_url(src: str) -> str:
    """The site URL of the Markdown page ``src`` (directory URLs): 'optimizers.md' -> 'optimizers/'.

    >>> page_url("optimizers.md"), page_url("index.md"), page_url("api/index.md")
    ('optimizers/', '', 'api/')
    """
    stem = src.removesuffix(".md")
    return stem.removesuffix("index") if stem.split("/")[-1] == "index" else stem + "/"


def link_pages(html: str, page_src: str, page_url_: str, lang_prefix: str) -> str:
    """Rewrite ``href="../x.md#a"`` (relative to the notebook's source) as a link to the page x.

    >>> link_pages('<a href="../optimizers.md#sgd">', "notebooks/n.ipynb", "en/notebooks/n/", "en/")
    '<a href="../../optimizers/#sgd">'
    """
    here = posixpath.dirname(page_src)
    up = "../" * (page_url_.count("/") - lang_prefix.count("/"))

    def replace(match: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(here, match.group(1) + ".md"))
        return f'href="{up}{page_url(target)}{match.group(2) or ""}"'

    return MD_LINK.sub(replace, html)


HEADING_ID = re.compile(r'(<h[1-6] id=")([^"]*)(">)(.*?)(<a class="anchor-link" href="#)([^"]*)(")', re.S)


def heading_ids(html: str, ids: list[str]) -> str:
    """Give the notebook's headings, in order, the ids of the table of contents (if they match in number)."""
    if len(HEADING_ID.findall(html)) != len(ids):
        return html
    queue = iter(ids)

    def replace(match: re.Match) -> str:
        anchor = next(queue)
        return "".join((match.group(1), anchor, match.group(3), match.group(4), match.group(5), anchor, match.group(7)))

    return HEADING_ID.sub(replace, html)


def toc_ids(toc) -> list[str]:
    return [item for link in toc for item in (link.id, *toc_ids(link.children))]


def on_post_page(output, page, config):
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    lang = config.plugins["i18n"].current_language
    prefix = f"{lang}/" if page.url.startswith(f"{lang}/") else ""  # '' for the default language
    output = link_pages(output, page.file.src_uri, page.url, prefix)
    output = heading_ids(output, toc_ids(page.toc))
    output = share_styles(output, page.url, Path(config.site_dir))
    return describe_figures(output, page.title)


SHARED_STYLE_MIN = 20_000  # characters: only JupyterLab's theme CSS is this large
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def share_styles(html: str, page_url: str, site_dir: Path) -> str:
    """Large inline ``<style>`` blocks replaced by links to one file per distinct block.

    The file is named by its content, so a changed stylesheet gets a new URL (no stale cache).
    Its CSS refers to nothing by relative URL (only ``data:`` URLs), so it may move.

    >>> import tempfile
    >>> css = "p { color: red }" * 2000
    >>> with tempfile.TemporaryDirectory() as site:
    ...     out = share_styles(f"<style>{css}</style><style>small</style>", "en/notebooks/a/", Path(site))
    ...     written = sorted(p.name for p in (Path(site) / "assets" / "stylesheets").iterdir())
    >>> out.replace(written[0], "NAME")
    '<link rel="stylesheet" href="../../../assets/stylesheets/NAME"><style>small</style>'
    """
    depth = page_url.count("/")

    def replace(match: re.Match) -> str:
        css = match.group(1)
        if len(css) < SHARED_STYLE_MIN:
            return match.group(0)
        data = css.encode("utf-8")
        name = f"assets/stylesheets/notebook-{hashlib.sha256(data).hexdigest()[:12]}.css"
        write_if_changed(site_dir / name, data)
        return f'<link rel="stylesheet" href="{"../" * depth}{name}">'

    return INLINE_STYLE.sub(replace, html)


def on_page_context(context, page, config, nav):
    """A notebook page's description (for search engines and link previews): its first paragraph."""
    if page.file.src_uri.endswith(".ipynb") and not (page.meta or {}).get("description"):
        page.meta = {**(page.meta or {}), "description": first_paragraph(Path(page.file.abs_src_path))}
    return context


def first_paragraph(notebook: Path) -> str:
    """The first paragraph of the first Markdown cell after its heading, as plain text.

    >>> import nbformat, tempfile
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\\n\\nSee [the page](p.md) for $x$.\\n\\nMore.")])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "n.ipynb"
    ...     nbformat.write(nb, path)
    ...     first_paragraph(path)
    'See the page for x.'
    """
    cells = nbformat.read(notebook, as_version=4).cells
    text = next((c.source for c in cells if c.cell_type == "markdown"), "")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip() and not p.lstrip().startswith("#")]
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", paragraphs[0] if paragraphs else "")
    return " ".join(plain.replace("$", "").replace("`", "").split())


class Plugin(BasePlugin):
    """Executed notebooks as pages, with alt text, page links, heading ids and one shared stylesheet."""

    on_config = staticmethod(on_config)
    on_pre_build = staticmethod(on_pre_build)
    on_post_page = staticmethod(on_post_page)
    on_page_context = staticmethod(on_page_context)
