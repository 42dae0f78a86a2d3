"""Every internal link and anchor of the built site resolves, in both languages.

Links to other hosts are listed, never fetched (the build and the tests run offline).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from _site import published_base_path


class Page(HTMLParser):
    """The ids a page defines and the URLs it refers to (a, img, script, link)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.heading_ids: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and attrs.get("id"):
            self.heading_ids.append(attrs["id"])
        if tag in ("a", "link") and attrs.get("href") and attrs.get("rel") not in ("canonical", "alternate"):
            self.urls.append(attrs["href"])
        if tag in ("img", "script", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_links(site: Path, base_path: str = "/") -> tuple[list[str], set[str]]:
    """Broken internal links ("page: url (why)") and the external URLs, over every HTML file.

    ``base_path`` is where the site is published ('/dl-notes/'): absolute links under it are
    links into the site.
    """
    pages = {html: parse(html) for html in site.rglob("*.html")}
    broken, external = [], set()
    for html, page in pages.items():
        here = "/" + html.relative_to(site).as_posix()
        for url in page.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto") or url.startswith("//"):
                external.add(url)
                continue
            if parts.scheme in ("data", "javascript") or not (parts.path or parts.fragment):
                continue
            target_url = urlsplit(urljoin(here, url))
            path = unquote(target_url.path)
            path = "/" + path.removeprefix(base_path) if path.startswith(base_path) else path
            target = site / path.lstrip("/")
            if target.is_dir() or target_url.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{here}: {url} (no file {target.relative_to(site)})")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{here}: {url} (no anchor #{parts.fragment})")
    return broken, external


def test_no_broken_internal_link_or_anchor(site, capsys):
    broken, external = check_links(site, published_base_path())
    with capsys.disabled():
        print(f"\nlinks to other hosts (listed, not fetched): {len(external)}")
        for url in sorted(external):
            print(f"  {url}")
    assert broken == []


def test_the_checker_finds_a_broken_link_and_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="x">x</h2><a href="../b/">b</a><a href="#y">y</a><a href="#x">x</a>')
    broken, _ = check_links(tmp_path)
    assert broken == ["/a/index.html: ../b/ (no file b/index.html)", "/a/index.html: #y (no anchor #y)"]


def repeated_heading_ids(site: Path) -> list[str]:
    """Pages where two headings share an id: a table-of-contents link reaches only the first, and
    Material's search, which keys its sections by location, fails on every query that matches one."""
    problems = []
    for path in sorted(site.rglob("*.html")):
        ids = parse(path).heading_ids
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            problems.append(f"{path.relative_to(site)}: heading ids {repeated} repeat")
    return problems


def test_no_two_headings_share_an_id(site):
    assert repeated_heading_ids(site) == []


def test_the_checker_finds_repeated_heading_ids(tmp_path):
    (tmp_path / "index.html").write_text('<h1 id="2">2 層</h1><h2 id="2">2. 学習率</h2><h2 id="x">x</h2>')
    assert repeated_heading_ids(tmp_path) == ["index.html: heading ids ['2'] repeat"]
