"""MkDocs plugin ``dl_notes/offline``: the site and its notebooks as downloads, for reading without a network.

Every build writes three archives into ``downloads/`` (`ARCHIVES`), and the home page of each
language lists them with their sizes:

- ``dl-notes-site.zip``: the whole site, both languages, to unzip and open from the file system
  (``dl-notes/index.html``), search, math and figures included;
- ``dl-notes-notebooks-<lang>.zip``: the executed notebooks of one language under plain names,
  with the ``dl_notes`` package they import and a README (in that language) that says how to
  run them.

Why a post-processed copy of the one build, and not Material's ``offline`` plugin: that plugin
needs ``use_directory_urls: false`` (a second full build of both languages, about a minute) and
loads its Web Worker shim from a public CDN (a request to another host). Here the copy is made
from the built files as they are zipped, in one pass:

1. Links. ``use_directory_urls`` makes links end in a folder (``../lstm/``), which from
   ``file://`` opens a folder listing. `offline_href` points each relative link to a folder at
   its ``index.html``; a link to a file the archive leaves out (the ``.ipynb`` downloads, which
   are in the notebook archives) goes to the published site instead (`skipped`).
2. Search. From ``file://`` Chromium forbids both ``fetch`` and ``new Worker``. Material then
   loads the index from ``search/search_index.js`` (a script setting ``__index``) and its worker
   knows how to run inside the ``iframe-worker`` shim (MIT, vendored unchanged in
   ``docs/javascripts/vendor/``), which each page of the copy loads before Material's bundle.
   Each language keeps its own index, written by `dl_notes/search` (``search.py``): it is
   inlined as it is, with its locations pointed at ``index.html`` (`offline_location`).
   ``search.py``'s patch of the bundle (the index loaded when search is opened) loads it at
   once from ``file://``, where Material itself asks for it only once search is open.
3. What the copy leaves out (`skipped`): the archives themselves, the ``.ipynb`` files, the
   sitemaps, the 404 page (a browser shows its own for a missing file), the inventory for other
   sites' API links, source maps and the JSON indexes (replaced by 2.).
4. The home page (`downloads_list`, `fill_sizes`): the list is rendered with each size left
   empty, since no archive exists yet when the page is; after the archives are written, the
   built home pages get their real sizes. In the copy, the site archive's entry says that
   this is the offline copy and that notebooks come from the published site (`mark_offline_home`).

Archives are deterministic (sorted entries, one fixed timestamp, fixed permissions): the same
site gives the same bytes. ``mkdocs serve`` skips the site archive, the slow one (a rebuild on
every save), and its entry says so.
"""

from __future__ import annotations

import html
import json
import logging
import posixpath
import re
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from urllib.parse import urljoin

import dl_notes
from mkdocs.plugins import BasePlugin, event_priority

log = logging.getLogger("mkdocs.plugins.dl_notes.offline")

DOWNLOADS = "downloads"
SITE_ARCHIVE = "dl-notes-site.zip"
SITE_FOLDER = "dl-notes"  # the archive's one top folder: unzipping does not spill files
SHIM = "javascripts/vendor/iframe-worker-shim.js"
LANGUAGES = ("ja", "en")


def notebooks_archive(lang: str) -> str:
    """The file name of one language's notebook archive.

    >>> notebooks_archive("en")
    'dl-notes-notebooks-en.zip'
    """
    return f"dl-notes-notebooks-{lang}.zip"


ARCHIVES = (SITE_ARCHIVE, *(notebooks_archive(lang) for lang in LANGUAGES))


# --- 1. links --------------------------------------------------------------------------------

EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#|\?)")
# Files of the built site the offline copy leaves out (site paths, posix).
SKIPPED_FILES = frozenset({"404.html", "sitemap.xml", "sitemap.xml.gz", "objects.inv"})
SKIPPED_SUFFIXES = (".ipynb", ".map")


def skipped(path: str) -> bool:
    """Whether the offline copy leaves out the site file at ``path`` (see the module docstring, 3.).

    >>> [skipped(p) for p in ("downloads/dl-notes-site.zip", "notebooks/lstm/lstm.ja.ipynb", "en/sitemap.xml",
    ...                       "404.html", "search/search_index.json", "lstm/index.html", "assets/mathjax/core.js")]
    [True, True, True, True, True, False, False]
    """
    name = posixpath.basename(path)
    return (path.startswith(f"{DOWNLOADS}/") or name in SKIPPED_FILES or path.endswith(SKIPPED_SUFFIXES)
            or name == "search_index.json")


def offline_href(href: str, page_dir: str, is_dir: Callable[[str], bool], published: str = "") -> str:
    """A link of the page in folder ``page_dir`` as it must read in the offline copy.

    A link to a folder gets its ``index.html``; a link to a file the copy leaves out goes to the
    ``published`` site; anything else (another host, an anchor, a file) is left as it is.

    >>> folders = {"", "lstm", "en", "en/lstm", "notebooks/lstm"}.__contains__
    >>> [offline_href(h, "lstm", folders) for h in ("../", "../en/lstm/#quiz", "..", "./", "#x", "fig.svg")]
    ['../index.html', '../en/lstm/index.html#quiz', '../index.html', './index.html', '#x', 'fig.svg']
    >>> offline_href("https://example.org/a/", "", folders), offline_href("../notebooks/lstm", "lstm", folders)
    ('https://example.org/a/', '../notebooks/lstm/index.html')
    >>> offline_href("lstm.ja.ipynb", "notebooks/lstm", folders, "https://dl-notes.example/")
    'https://dl-notes.example/notebooks/lstm/lstm.ja.ipynb'
    """
    if not href or EXTERNAL.match(href):
        return href
    cut = min((at for at in (href.find("#"), href.find("?")) if at >= 0), default=len(href))
    path, rest = href[:cut], href[cut:]
    target = posixpath.normpath(posixpath.join(page_dir, path)).removeprefix(".")
    if target.startswith(".."):
        return href
    if skipped(target) and published:
        return urljoin(published, target) + rest
    if path.endswith("/"):
        return f"{path}index.html{rest}"
    if is_dir(target):
        return f"{path}/index.html{rest}"
    return href


HREF = re.compile(r'(\shref=")([^"]*)(")')


def offline_links(page_html: str, page_dir: str, is_dir: Callable[[str], bool], published: str = "") -> str:
    """Every ``href`` of a page rewritten by `offline_href` (text in code blocks is escaped, so untouched).

    >>> offline_links('<a href="../gru/">GRU</a> <code>href="x/"</code>', "lstm", {"gru"}.__contains__)
    '<a href="../gru/index.html">GRU</a> <code>href="x/"</code>'
    """
    return HREF.sub(lambda m: m.group(1) + html.escape(
        offline_href(html.unescape(m.group(2)), page_dir, is_dir, published), quote=True) + m.group(3), page_html)


BUNDLE_SCRIPT = re.compile(r'<script src="([^"]*?)assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')


def with_worker_shim(page_html: str) -> str:
    """The page loading the Web Worker shim just before Material's bundle (which creates the worker).

    >>> with_worker_shim('<script src="../assets/javascripts/bundle.ab12.min.js"></script>')
    '<script src="../javascripts/vendor/iframe-worker-shim.js"></script><script src="../assets/javascripts/bundle.ab12.min.js"></script>'
    >>> with_worker_shim("<p>no bundle</p>")
    '<p>no bundle</p>'
    """
    return BUNDLE_SCRIPT.sub(lambda m: f'<script src="{m.group(1)}{SHIM}"></script>{m.group(0)}', page_html, count=1)


# --- 2. search -------------------------------------------------------------------------------

def offline_location(location: str) -> str:
    """A search index location (relative to its language's root) pointed at the page's ``index.html``.

    >>> [offline_location(x) for x in ("", "#api-reference", "lstm/", "lstm/#quiz", "api/optim/#dl_notes.optim.SGD")]
    ['index.html', 'index.html#api-reference', 'lstm/index.html', 'lstm/index.html#quiz', 'api/optim/index.html#dl_notes.optim.SGD']
    """
    page, sep, anchor = location.partition("#")
    if page and not page.endswith("/"):
        return location
    return f"{page}index.html{sep}{anchor}"


def offline_index(index_json: str) -> str:
    """A language's ``search_index.json`` as the script Material loads from ``file://``.

    >>> offline_index('{"config": {}, "docs": [{"location": "a/#x", "text": "t"}]}')
    'var __index = {"config":{},"docs":[{"location":"a/index.html#x","text":"t"}]};'
    """
    index = json.loads(index_json)
    index["docs"] = [{**doc, "location": offline_location(doc["location"])} for doc in index["docs"]]
    return f"var __index = {json.dumps(index, ensure_ascii=False, separators=(',', ':'))};"


# --- 4. the home page ------------------------------------------------------------------------

LABELS = {
    "ja": {"site": "サイト全体（日本語と英語、ZIP）", "notebooks-ja": "ノートブック（日本語、ZIP）",
           "notebooks-en": "ノートブック（英語、ZIP）", "size": "（{}）",
           "reading": "いま読んでいるのが、このオフライン版です。ノートブック（ZIP と各ページの .ipynb）は"
                      "公開サイトからダウンロードするため、ネットワーク接続が必要です。",
           "serve": "（<code>make site</code> で作成されます）", "aria": "オフライン版のダウンロード"},
    "en": {"site": "The whole site (Japanese and English, ZIP)", "notebooks-ja": "Notebooks (Japanese, ZIP)",
           "notebooks-en": "Notebooks (English, ZIP)", "size": " ({})",
           "reading": "You are reading this offline copy. Notebooks (these archives and each page's .ipynb) "
                      "download from the published site, which needs a network connection.",
           "serve": " (made by <code>make site</code>)", "aria": "Offline downloads"},
}
PLACEHOLDER = '<div class="dl-offline"></div>'


def human_size(size: int) -> str:
    """A file size as a reader reads it (decimal units, as a file manager shows them).

    >>> human_size(23_456_789), human_size(987_654), human_size(1_000)
    ('23.5 MB', '988 KB', '1 KB')
    """
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def downloads_list(lang: str, root: str) -> str:
    """The home page's list of archives, each with an empty size that `fill_sizes` fills in.

    ``root`` is the site's root relative to the page ('' or '../').

    >>> print(downloads_list("en", "../"))  # doctest: +NORMALIZE_WHITESPACE
    <ul class="dl-offline" aria-label="Offline downloads" data-search-exclude>
    <li data-offline-archive="dl-notes-site.zip"><a href="../downloads/dl-notes-site.zip" download>The whole site (Japanese and English, ZIP)</a><span class="dl-offline__size" data-offline-size="dl-notes-site.zip"></span></li>
    <li data-offline-archive="dl-notes-notebooks-ja.zip"><a href="../downloads/dl-notes-notebooks-ja.zip" download>Notebooks (Japanese, ZIP)</a><span class="dl-offline__size" data-offline-size="dl-notes-notebooks-ja.zip"></span></li>
    <li data-offline-archive="dl-notes-notebooks-en.zip"><a href="../downloads/dl-notes-notebooks-en.zip" download>Notebooks (English, ZIP)</a><span class="dl-offline__size" data-offline-size="dl-notes-notebooks-en.zip"></span></li>
    </ul>
    """
    text = LABELS[lang]
    keys = ("site", *(f"notebooks-{other}" for other in LANGUAGES))
    items = [f'<li data-offline-archive="{name}"><a href="{root}{DOWNLOADS}/{name}" download>{text[key]}</a>'
             f'<span class="dl-offline__size" data-offline-size="{name}"></span></li>'
             for key, name in zip(keys, ARCHIVES)]
    return (f'<ul class="dl-offline" aria-label="{text["aria"]}" data-search-exclude>\n'
            + "\n".join(items) + "\n</ul>")


SIZE = re.compile(r'(<span class="dl-offline__size" data-offline-size="([^"]+)">)(.*?)(</span>)')


def fill_sizes(page_html: str, sizes: dict[str, int | None], lang: str) -> str:
    """The home page with each archive's size shown; an archive not built (None) says who builds it.

    >>> page = downloads_list("ja", "")
    >>> filled = fill_sizes(page, {"dl-notes-site.zip": 23_456_789, "dl-notes-notebooks-ja.zip": 4_000_000,
    ...                            "dl-notes-notebooks-en.zip": None}, "ja")
    >>> re.findall(r'data-offline-size="[^"]+">([^<]*(?:<code>[^<]*</code>[^<]*)?)<', filled)
    ['（23.5 MB）', '（4.0 MB）', '（<code>make site</code> で作成されます）']
    >>> fill_sizes(filled, {"dl-notes-site.zip": 1_000, "dl-notes-notebooks-ja.zip": 1_000,
    ...                     "dl-notes-notebooks-en.zip": 1_000}, "ja").count("（1 KB）")
    3
    """
    def size(match: re.Match) -> str:
        known = sizes[match.group(2)]
        shown = LABELS[lang]["serve"] if known is None else LABELS[lang]["size"].format(human_size(known))
        return match.group(1) + shown + match.group(4)

    return SIZE.sub(size, page_html)


SITE_ITEM = re.compile(rf'<li data-offline-archive="{re.escape(SITE_ARCHIVE)}">.*?</li>')


def mark_offline_home(page_html: str, lang: str) -> str:
    """The home page of the offline copy: its entry for the site archive says that this is it.

    >>> mark_offline_home(downloads_list("en", ""), "en").split("\\n")[1]
    '<li data-offline-archive="dl-notes-site.zip">You are reading this offline copy. Notebooks (...) download from the published site, which needs a network connection.</li>'
    """
    return SITE_ITEM.sub(f'<li data-offline-archive="{SITE_ARCHIVE}">{LABELS[lang]["reading"]}</li>', page_html, count=1)


# --- the archives ----------------------------------------------------------------------------

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can store: the same site gives the same bytes
STORED = (".png", ".jpg", ".jpeg", ".gif", ".woff", ".woff2", ".gz", ".zip")  # already compressed


def write_archive(path: Path, entries: dict[str, Callable[[], bytes]]) -> int:
    """A deterministic zip of ``entries`` (name -> what makes its bytes), written in name order
    under one fixed timestamp to a temporary name, renamed when complete; its size in bytes."""
    unfinished = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(unfinished, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(STORED) else zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name]())
    unfinished.replace(path)
    return path.stat().st_size


def site_files(site_dir: Path) -> Iterator[str]:
    """The site paths of the built site's files, sorted, as the offline copy keeps them."""
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir).as_posix()
        if path.is_file() and not skipped(relative):
            yield relative


def offline_file(site_dir: Path, relative: str, folders: frozenset[str], published: str,
                 homes: dict[str, str], sizes: dict[str, int | None]) -> bytes:
    """The bytes of one file of the offline copy (``relative``: its site path).

    ``folders``: the site's folders; ``homes``: the home pages' site paths and languages;
    ``sizes``: the archives' sizes, shown on the home pages.
    """
    path = site_dir / relative
    if not relative.endswith(".html"):
        return path.read_bytes()
    text = offline_links(path.read_text(encoding="utf-8"), posixpath.dirname(relative), folders.__contains__, published)
    text = with_worker_shim(text)
    if relative in homes:
        text = mark_offline_home(fill_sizes(text, sizes, homes[relative]), homes[relative])
    return text.encode("utf-8")


def write_site_archive(site_dir: Path, published: str, homes: dict[str, str], sizes: dict[str, int | None]) -> int:
    """``downloads/dl-notes-site.zip``: the offline copy of the built site; its size in bytes."""
    folders = frozenset({""} | {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_dir()})
    entries = {f"{SITE_FOLDER}/{relative}": partial(offline_file, site_dir, relative, folders, published, homes, sizes)
               for relative in site_files(site_dir)}
    for index in site_dir.glob("**/search/search_index.json"):
        relative = index.relative_to(site_dir).with_suffix(".js").as_posix()
        entries[f"{SITE_FOLDER}/{relative}"] = lambda index=index: offline_index(index.read_text(encoding="utf-8")).encode("utf-8")
    return write_archive(site_dir / DOWNLOADS / SITE_ARCHIVE, entries)


# --- the notebook archives ---------------------------------------------------------------------

README = {
    "ja": """\
# DL Notes のノートブック（日本語）

DL Notes（{url}）の各章のノートブックを、実行結果つきで収めています。
ノートブックは、このフォルダにある Python パッケージ `dl_notes` を読み込みます。

## 実行のしかた

Python 3.11 以上で、このフォルダに移動して次のコマンドを実行します。

```console
python -m pip install {requirements} jupyterlab
jupyter lab
```

`dl_notes` はこのフォルダから読み込まれるので、インストールは不要です。実験の結果は初回の実行時に
計算され、キャッシュ（`~/.cache/dl_notes`、環境変数 `DL_NOTES_CACHE` で変更できます）に保存されます。
最新のコードとテストはリポジトリ（{repo}）にあります。
""",
    "en": """\
# DL Notes notebooks (English)

The notebooks of DL Notes ({url}), one per chapter, with their outputs.
They import the Python package `dl_notes`, which is in this folder.

## Running them

With Python 3.11 or later, in this folder:

```console
python -m pip install {requirements} jupyterlab
jupyter lab
```

`dl_notes` is imported from this folder: it needs no installation. Experiment results are
computed the first time they are needed and cached (in `~/.cache/dl_notes`; the environment
variable `DL_NOTES_CACHE` changes where). The latest code and its tests are in the repository
({repo}).
""",
}


def requirements(pyproject: dict) -> list[str]:
    """What the notebooks need installed: the package's dependencies and its ``experiments`` extra.

    >>> requirements({"project": {"dependencies": ["numpy>=2.0"],
    ...               "optional-dependencies": {"experiments": ["matplotlib>=3.9", "dl_notes[x]"]}}})
    ['numpy>=2.0', 'matplotlib>=3.9']
    """
    project = pyproject["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["experiments"]
    return [r for r in wanted if not r.startswith("dl_notes")]


def notebook_name(path: str, lang: str) -> str | None:
    """A notebook's plain file name in its language's archive, or None for another language's.

    >>> notebook_name("notebooks/lstm/lstm.ja.ipynb", "ja"), notebook_name("en/notebooks/lstm/lstm.en.ipynb", "ja")
    ('lstm.ipynb', None)
    """
    name = posixpath.basename(path)
    return name.removesuffix(f".{lang}.ipynb") + ".ipynb" if name.endswith(f".{lang}.ipynb") else None


def package_files() -> Iterator[tuple[str, Path]]:
    """The ``dl_notes`` package's sources and data, as ``(path in the archive, file)``, sorted."""
    package = Path(dl_notes.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield f"dl_notes/{path.relative_to(package).as_posix()}", path


def write_notebooks_archive(site_dir: Path, lang: str, readme: str) -> int:
    """``downloads/dl-notes-notebooks-<lang>.zip``; its size in bytes."""
    folder = f"dl-notes-notebooks-{lang}"
    notebooks = {name: path for path in site_dir.rglob(f"*.{lang}.ipynb")
                 if (name := notebook_name(path.as_posix(), lang))}
    if not notebooks:
        raise ValueError(f"offline: the built site has no *.{lang}.ipynb notebooks to archive")
    entries = {f"{folder}/README.md": readme.encode}
    entries.update({f"{folder}/{name}": path.read_bytes for name, path in notebooks.items()})
    entries.update({f"{folder}/{name}": path.read_bytes for name, path in package_files()})
    return write_archive(site_dir / DOWNLOADS / notebooks_archive(lang), entries)


# --- MkDocs glue -----------------------------------------------------------------------------

_command = {"name": "build"}


def on_startup(command, dirty):
    _command["name"] = command


def on_page_content(page_html, page, config, files):
    """The home page of each language gets the list of archives where its Markdown has the placeholder."""
    lang = config.plugins["i18n"].current_language
    if page.url not in ("", f"{lang}/"):
        return page_html
    if PLACEHOLDER not in page_html:
        raise ValueError(f"offline: the home page {page.file.src_uri} lost its {PLACEHOLDER} (the list of archives)")
    return page_html.replace(PLACEHOLDER, downloads_list(lang, "../" * page.url.count("/")), 1)


def write_downloads(site_dir: Path, homes: dict[str, str], published: str, repo: str, pyproject: dict,
                    with_site: bool = True) -> dict[str, int | None]:
    """Every archive of `ARCHIVES` written into ``site_dir / downloads``, and their sizes shown on the
    ``homes`` (site path of each home page -> its language); the sizes (None: the site archive
    was not asked for)."""
    (site_dir / DOWNLOADS).mkdir(exist_ok=True)
    wanted = " ".join(f'"{r}"' for r in requirements(pyproject))
    sizes: dict[str, int | None] = {SITE_ARCHIVE: None}
    for lang in homes.values():
        readme = README[lang].format(url=published, repo=repo, requirements=wanted)
        sizes[notebooks_archive(lang)] = write_notebooks_archive(site_dir, lang, readme)
    (site_dir / DOWNLOADS / SITE_ARCHIVE).unlink(missing_ok=True)  # never inside itself, never stale
    if with_site:
        sizes[SITE_ARCHIVE] = write_site_archive(site_dir, published, homes, sizes)
    for relative, lang in homes.items():
        home = site_dir / relative
        home.write_text(fill_sizes(home.read_text(encoding="utf-8"), sizes, lang), encoding="utf-8")
    return sizes


@event_priority(-1000)  # after every other plugin, the search indexes (-100) included
def on_post_build(config):
    i18n = config.plugins["i18n"]
    if i18n.building:  # an inner build of one language: the whole site is not there yet
        return
    homes = {("" if lang.default else f"{lang.locale}/") + "index.html": lang.locale
             for lang in i18n.config.languages if lang.build}
    pyproject = tomllib.loads((Path(config.config_file_path).parent / "pyproject.toml").read_text(encoding="utf-8"))
    repo = config.extra.get("repository") or next(
        (s["link"] for s in config.extra.get("social", []) if "github" in s["link"]), config.site_url)
    start = time.perf_counter()
    sizes = write_downloads(Path(config.site_dir), homes, config.site_url, repo, pyproject,
                            with_site=_command["name"] != "serve")
    log.info("offline: %s written in %.1f s", ", ".join(f"{name} ({human_size(size)})" for name, size in sizes.items()
                                                     if size is not None), time.perf_counter() - start)


class Plugin(BasePlugin):
    """The site and its notebooks as downloadable archives, linked from the home pages."""

    on_startup = staticmethod(on_startup)
    on_page_content = staticmethod(on_page_content)
    on_post_build = staticmethod(on_post_build)
