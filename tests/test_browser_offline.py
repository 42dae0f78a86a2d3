"""The offline copy of the site, unzipped and opened from the file system (``file://``).

From ``file://`` Chromium fetches nothing and starts no Web Worker, and a link to a folder opens a
folder listing: scripts/dl_notes_site/offline.py rewrites the copy so that a reader who opens
``dl-notes/index.html`` can follow links, read math and figures, switch language and search in
either language, with nothing requested from any host.
"""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote, urlsplit

import pytest

from dl_notes_site import offline
from test_browser import search

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unpacked(site, tmp_path_factory):
    """The site archive unzipped, as a reader would: the folder holding its ``index.html``."""
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site / offline.DOWNLOADS / offline.SITE_ARCHIVE) as archive:
        archive.extractall(folder)
    return folder / offline.SITE_FOLDER


class FileVisit:
    """What went wrong on pages opened from ``file://``: errors, and any request that is not a local file."""

    def __init__(self, page) -> None:
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))
        page.on("request", lambda r: urlsplit(r.url).scheme not in ("file", "data", "blob", "about")
                and self.problems.append(f"request off the file system: {r.url}"))


def open_file(page, url: str) -> None:
    """Open ``url`` and wait for its images (lazy ones too) and its math."""
    page.goto(url, wait_until="load")
    settle(page)


def settle(page) -> None:
    """Wait for the images (lazy ones too) and the math of the page just reached; at most a few
    seconds, so that math that never loads fails the check below instead of hanging the test."""
    page.evaluate("""async () => {
        for (const img of document.images) img.loading = "eager";
        const images = Promise.all([...document.images].map(img => img.complete ? null :
            new Promise(done => { img.onload = img.onerror = done; })));
        const math = window.MathJax && MathJax.startup && MathJax.startup.promise;
        await Promise.race([Promise.all([images, math]), new Promise(done => setTimeout(done, 8000))]);
    }""")


def where(page, root) -> str:
    """The page's path inside the unpacked copy ('lstm/index.html')."""
    return unquote(urlsplit(page.url).path).removeprefix(root.as_posix() + "/")


def assert_a_chapter_reads(page) -> None:
    assert page.locator("h1").count() == 1, "not a page (a folder listing?)"
    assert page.locator("mjx-container").count() > 0, "no math typeset"
    widths = page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
    assert widths and all(w > 0 for w in widths), f"figures not shown: natural widths {widths}"


# (language, the page opened, a chapter it links, a query, a page that teaches it)
CASES = [
    ("ja", "index.html", "lstm/index.html", "勾配消失", "vanishing_gradients/index.html"),
    ("en", "en/lstm/index.html", "en/gru/index.html", "vanishing gradient", "en/vanishing_gradients/index.html"),
]


@pytest.mark.parametrize("lang, start, chapter, query, teaches", CASES, ids=[c[0] for c in CASES])
def test_the_unpacked_site_reads_and_searches_from_files(browser, unpacked, lang, start, chapter, query, teaches):
    page = browser.new_page()
    visit = FileVisit(page)
    open_file(page, (unpacked / start).as_uri())
    assert page.evaluate("document.documentElement.lang") == lang
    opened_a_chapter = start != "index.html"
    if opened_a_chapter:
        assert_a_chapter_reads(page)
    else:  # the home page: the offline copy says so where the live site offers the archive
        assert offline.LABELS[lang]["reading"] in page.inner_text(".dl-offline")
    # a link in the page, to another chapter (evaluated: it may be in a nav the layout folds)
    href = posixpath.relpath(chapter, posixpath.dirname(start) or ".")
    with page.expect_navigation():
        page.locator(f'a[href="{href}"]').first.evaluate("a => a.click()")
    settle(page)
    assert where(page, unpacked) == chapter and page.locator("h1").count() == 1, "not a page (a folder listing?)"
    if not opened_a_chapter:
        assert_a_chapter_reads(page)
    # search in this language's index, and a result leads to its page
    found = search(page, query)
    pages = [unquote(p).removeprefix(unpacked.as_posix().lstrip("/") + "/").split("?")[0] for p in found]
    assert teaches in pages, f"{query!r} found {pages[:8]}"
    assert all(p.startswith("en/") == (lang == "en") for p in pages), "results from the other language"
    with page.expect_navigation():
        page.locator(".md-search-result__item > a.md-search-result__link").first.click()
    assert where(page, unpacked) == pages[0] and page.locator("h1").count() == 1
    if lang == "en":  # the language switcher leads to the Japanese twin
        page.hover(".md-header__option .md-select")
        with page.expect_navigation():
            page.click('.md-select__link[hreflang="ja"]')
        assert where(page, unpacked) == pages[0].removeprefix("en/")
        assert page.evaluate("document.documentElement.lang") == "ja" and page.locator("h1").count() == 1
    page.close()
    assert visit.problems == []
