"""The course's navigation: one nav, read by the sidebar, the tabs, the home page and the notebook links.

The pure parts (scripts/dl_notes_site/navigation.py, notebook_links.py) are tested on small
inputs and on the real mkdocs.yml; the built site (the session's one build) is checked for what
a reader meets: every page of the nav in the home page's outline of both languages, each
chapter's notebooks linked under its title in its language, each notebook leading back, no
notebook in the sidebar, and notebooks still built and searchable.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
from dl_notes_site import navigation, notebook_links
from dl_notes_site.navigation import Entry, Part
from dl_notes_site.notebooks import page_url

LANGS = ("ja", "en")
PREFIX = {"ja": "", "en": "en/"}


class _Loader(yaml.SafeLoader):
    """mkdocs.yml's own tags (!ENV, !!python/name) read as plain values."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def mkdocs_config() -> dict:
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def translations(lang: str) -> dict | None:
    """i18n's nav_translations for ``lang`` (None for Japanese, the default language)."""
    i18n = next(p["i18n"] for p in mkdocs_config()["plugins"] if isinstance(p, dict) and "i18n" in p)
    language = next(lang_ for lang_ in i18n["languages"] if lang_["locale"] == lang)
    return None if language.get("default") else language.get("nav_translations", {})


def outline(lang: str) -> list[Part]:
    return navigation.course_outline(mkdocs_config()["nav"], translations(lang), lang, DOCS)


def nav_sources() -> list[str]:
    return [entry.src for part in outline("ja") for entry in part.pages()]


def notebooks(lang: str) -> list[notebook_links.Notebook]:
    return [notebook_links.read_notebook(name, path.read_text(encoding="utf-8"))
            for name, path in notebook_links.notebook_sources(DOCS, lang).items()]


def html_of(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


class Links(HTMLParser):
    """The links inside one element (found by its class), with their text."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth, self.links, self._href = css_class, 0, [], None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in ("img", "br", "input", "meta", "link", "hr")
        elif self.css_class in (attrs.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a" and attrs.get("href"):
            self._href, self.text = attrs, ""

    def handle_data(self, data):
        if self._href is not None:
            self.text += data

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self._href is not None:
            self.links.append({**self._href, "text": self.text.strip()})
            self._href = None
        if self.depth and tag not in ("img", "br", "input", "meta", "link", "hr"):
            self.depth -= 1


def links_in(html: str, css_class: str) -> list[dict]:
    parser = Links(css_class)
    parser.feed(html)
    return parser.links


def site_path(page_path: str, href: str) -> str:
    """The site path ('en/optimizers/') a link on the page at ``page_path`` leads to."""
    return urlsplit(urljoin(f"http://site/{page_path}", href)).path.lstrip("/")


# --- the outline, pure -------------------------------------------------------------------------

def write_page(folder: Path, src: str, lang: str, description: str | None) -> None:
    path = navigation.localized_source(folder, src, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    front = f"---\ndescription: {description}\n---\n\n" if description is not None else ""
    path.write_text(f"{front}# {src}\n", encoding="utf-8")


def test_outline_of_a_small_nav_in_english(tmp_path):
    for src, text in (("index.md", "Home."), ("a.md", "All about A."), ("sub/b.md", "B, measured."), ("p.md", "Speed.")):
        write_page(tmp_path, src, "en", text)
    nav = [{"ホーム": ["index.md", {"エー": "a.md"}]}, {"Day 2": [{"ビー": "sub/b.md"}]}, {"性能": "p.md"}]
    names = {"ホーム": "Home", "エー": "A", "ビー": "B", "性能": "Performance"}
    parts = navigation.course_outline(nav, names, "en", tmp_path)
    assert [(p.title, [(e.src, e.title, e.description) for e in p.pages()]) for p in parts] == [
        ("Home", [("index.md", "Home", "Home."), ("a.md", "A", "All about A.")]),
        ("Day 2", [("sub/b.md", "B", "B, measured.")]),
        ("Performance", [("p.md", "Performance", "Speed.")]),
    ]


@pytest.mark.parametrize("nav, translations_, message", [
    ([{"部": [{"章": "a.md"}]}], {"部": "Part"}, "'章' has no entry in nav_translations"),
    ([{"部": [{"組": [{"章": "a.md"}]}]}], None, "holds the section '組'"),
    (["a.md"], None, "needs a title"),
    ([["a.md"]], None, "must be 'page.md' or {title: target}"),
], ids=["untranslated", "nested", "untitled", "malformed"])
def test_outline_refuses_what_the_navigation_cannot_show(tmp_path, nav, translations_, message):
    write_page(tmp_path, "a.md", "en", "A.")
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        navigation.course_outline(nav, translations_, "en", tmp_path)


@pytest.mark.parametrize("description, message", [
    (None, "has no front-matter 'description'"),
    ("''", "has no front-matter 'description'"),
    ("Dropout: units are dropped", "is not valid YAML"),  # MkDocs itself drops it silently
], ids=["no front matter", "empty", "invalid YAML"])
def test_a_page_without_description_is_named(tmp_path, description, message):
    write_page(tmp_path, "a.md", "ja", description)
    with pytest.raises(ValueError, match=r"a\.ja\.md " + re.escape(message)):
        navigation.course_outline([{"部": [{"章": "a.md"}]}], None, "ja", tmp_path)


def test_outline_links_are_relative_to_the_page_that_shows_them():
    parts = [Part("Day 2", (Entry("optimizers.md", "Optimizers", "Rules."), Entry("tools/map.md", "Map", "All.")))]
    table = navigation.outline_markdown(parts, "en", "tools/map.md")
    assert "[Optimizers](../optimizers.md)" in table
    assert "(map.md)" not in table and "tools/map.md" not in table  # the page itself is left out


# --- the outline of the real nav ---------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_nav_page_has_a_title_and_description_in_each_language(lang):
    """course_outline raises on a missing translation or description; the titles are in ``lang``."""
    titles = [entry.title for part in outline(lang) for entry in part.pages()] + [p.title for p in outline(lang)]
    in_japanese = [t for t in titles if navigation.JAPANESE.search(t)]
    assert (in_japanese == []) == (lang == "en"), in_japanese


def test_the_nav_has_one_entry_per_part_and_no_notebooks():
    parts = [p.title for p in outline("en")]
    assert parts[0] == "Home" and "Day 2" in parts
    assert parts.index("Day 2") < parts.index("Study tools") < parts.index("API reference") < parts.index("Performance")
    assert not [src for src in nav_sources() if src.startswith("notebooks/")]


def test_every_page_is_in_the_nav_or_a_notebook():
    """A page missing from nav would be reachable from nowhere but search."""
    pages = {p.relative_to(DOCS).as_posix().replace(".ja.md", ".md") for p in DOCS.rglob("*.ja.md")}
    assert pages - set(nav_sources()) == set()


@pytest.mark.parametrize("lang", LANGS)
def test_every_notebook_belongs_to_a_chapter_in_the_nav(lang):
    chapters = {nb.name: nb.chapter for nb in notebooks(lang)}
    assert chapters, "no notebook found"
    assert {name: ch for name, ch in chapters.items() if ch not in nav_sources()} == {}


def test_both_languages_put_each_notebook_in_the_same_chapter():
    assert {nb.name: nb.chapter for nb in notebooks("ja")} == {nb.name: nb.chapter for nb in notebooks("en")}


# --- the built site ---------------------------------------------------------------------------

def outline_cases() -> list[tuple[str, str]]:
    return [(lang, src) for lang in LANGS for src in nav_sources() if src != "index.md"]


@pytest.mark.parametrize("lang, src", outline_cases(), ids=[f"{lang}-{src}" for lang, src in outline_cases()])
def test_every_nav_page_is_in_the_home_outline(site, lang, src):
    home = html_of(site, PREFIX[lang])
    article = home[home.index("<article"):home.index("</article>")]
    targets = {site_path(PREFIX[lang], href) for href in re.findall(r'<a href="([^"#]+)"', article)}
    assert PREFIX[lang] + page_url(src) in targets


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_outline_shows_each_description_in_its_language(site, lang):
    """The descriptions come from each page's front matter in ``lang`` (Markdown there: `code`)."""
    home = html_of(site, PREFIX[lang])
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", home[home.index("<article"):])).split())
    shown = [(e.src, navigation.without_restated_title(e.description, e.title, part.title))
             for part in outline(lang) for e in part.pages() if e.src != "index.md"]
    missing = [src for src, description in shown if description.replace("`", "") not in text]
    assert missing == []


def notebook_cases() -> list[tuple[str, notebook_links.Notebook]]:
    return [(lang, nb) for lang in LANGS for nb in notebooks(lang)]


@pytest.mark.parametrize("lang, notebook", notebook_cases(), ids=[f"{lang}-{nb.name}" for lang, nb in notebook_cases()])
def test_each_chapter_opens_and_downloads_its_notebooks_in_its_language(site, lang, notebook):
    chapter = PREFIX[lang] + page_url(notebook.chapter)
    html = html_of(site, chapter)
    box = links_in(html, "dl-notebooks")
    article = html[html.index("<article"):]
    assert article.index('class="dl-notebooks"') < article.index("</h1>") + 200  # right under the title
    opened = [site_path(chapter, a["href"]) for a in box if "download" not in a]
    downloaded = [site_path(chapter, a["href"]) for a in box if "download" in a]
    page = f"{PREFIX[lang]}notebooks/{notebook.name}/"
    assert page in opened
    assert f"{page}{notebook.name}.{lang}.ipynb" in downloaded
    assert (site / page / f"{notebook.name}.{lang}.ipynb").is_file()
    assert json.loads((site / page / f"{notebook.name}.{lang}.ipynb").read_text(encoding="utf-8"))["cells"]
    label = {"ja": "ダウンロード", "en": "Download"}[lang]
    assert all(label in a["text"] for a in box if "download" in a)


@pytest.mark.parametrize("lang, notebook", notebook_cases(), ids=[f"{lang}-{nb.name}" for lang, nb in notebook_cases()])
def test_each_notebook_page_leads_back_to_its_chapter(site, lang, notebook):
    page = f"{PREFIX[lang]}notebooks/{notebook.name}/"
    back = links_in(html_of(site, page), "dl-chapter-link")
    assert [site_path(page, a["href"]) for a in back] == [PREFIX[lang] + page_url(notebook.chapter)]
    title = next(e.title for part in outline(lang) for e in part.pages() if e.src == notebook.chapter)
    assert back[0]["text"] == title


@pytest.mark.parametrize("lang", LANGS)
def test_chapters_without_a_notebook_get_no_box(site, lang):
    with_notebooks = {nb.chapter for nb in notebooks(lang)}
    boxed = {src for src in nav_sources() if 'class="dl-notebooks"' in html_of(site, PREFIX[lang] + page_url(src))}
    assert boxed == with_notebooks


@pytest.mark.parametrize("lang", LANGS)
def test_the_sidebar_and_tabs_follow_the_nav(site, lang):
    html = html_of(site, PREFIX[lang] + "optimizers/")
    sidebar = links_in(html, "md-nav--primary")
    assert sidebar and not [a["href"] for a in sidebar if "notebooks/" in a["href"]]
    tabs = [a["text"] for a in links_in(html, "md-tabs__list")]
    assert tabs == [p.title for p in outline(lang)]


def test_notebooks_are_left_out_of_nav_without_a_word_in_the_build_log(build):
    _, done = build
    assert "not included in the" not in done.stderr


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_are_built_and_searchable(site, lang):
    index = json.loads((site / PREFIX[lang] / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    for notebook in notebooks(lang):
        assert f"notebooks/{notebook.name}/" in locations, notebook.name
        assert (site / PREFIX[lang] / "notebooks" / notebook.name / "index.html").is_file()
