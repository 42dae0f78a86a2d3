"""Search for the course's own words lands on the page that teaches them, not on the glossary.

A student meets 荷重減衰 (the book's and the course's name for weight decay), ラッソ/リッジ and
ネステロフ in the course and types them into the search box. The glossary lists every term and
every synonym, so it matches all of them; it carries a low search boost (its front matter) so
that the page that teaches the term comes first. Each query here must put its teaching page
first among the pages found, and the glossary, if found, after it.

Japanese queries are cut by Material's segmentation and the separator of
scripts/dl_notes_site/search.py: 荷重減衰 is indexed as 荷重|減衰 and ラッソ回帰 as ラッソ|回帰, so
the query finds them whole or in part.
"""

from __future__ import annotations

import pytest

from test_browser import VIEWPORTS, Visit, load, search

pytestmark = pytest.mark.browser

# (language, query, the page that teaches it)
COURSE_WORDS = [
    ("ja", "荷重減衰", "regularization/"),
    ("ja", "ラッソ", "regularization/"),
    ("ja", "ラッソ回帰", "regularization/"),
    ("ja", "リッジ回帰", "regularization/"),
    ("ja", "ネステロフ", "optimizers/"),
    ("en", "Nesterov", "en/optimizers/"),
    ("en", "Lasso", "en/regularization/"),
]


def pages_in_order(found: list[str]) -> list[str]:
    """The pages of a result list (anchors dropped), best first, each once.

    >>> pages_in_order(["a/#x", "b/", "a/#y", "glossary/"])
    ['a/', 'b/', 'glossary/']
    """
    pages = [path.split("#")[0] for path in found]
    return list(dict.fromkeys(pages))


@pytest.mark.parametrize("lang, query, expected", COURSE_WORDS)
def test_a_course_word_finds_its_teaching_page_first(browser, server, lang, query, expected):
    page = browser.new_page()
    visit = Visit(page, server.base)
    load(page, server.base + ("" if lang == "ja" else "en/"))
    found = pages_in_order(search(page, query))
    page.close()
    assert visit.problems == []
    assert found and found[0] == expected, f"{query!r}: the pages found, best first: {found}"


@pytest.mark.parametrize("lang, query", [("ja", "荷重減衰"), ("en", "Nesterov")])
def test_the_glossary_is_found_too_but_after_the_teaching_page(browser, server, lang, query):
    """The glossary lists the synonym, so search finds it there as well, below the teaching page."""
    page = browser.new_page()
    load(page, server.base + ("" if lang == "ja" else "en/"))
    found = pages_in_order(search(page, query))
    page.close()
    glossary = "glossary/" if lang == "ja" else "en/glossary/"
    assert glossary in found[1:], f"{query!r}: {found}"


def test_the_index_is_fetched_when_search_is_opened_not_with_the_page(browser, server):
    """The index is the heaviest file of a visit; a reader who never searches never downloads it."""
    page = browser.new_page()
    visit = Visit(page, server.base)
    load(page, server.base + "optimizers/")
    assert not [p for p in visit.fetched if p.endswith("search_index.json")]
    found = pages_in_order(search(page, "ネステロフ"))
    page.close()
    assert "/search/search_index.json" in visit.fetched and found[0] == "optimizers/"
    assert visit.problems == []


def test_on_a_phone_the_search_button_fetches_the_english_index(browser, server):
    """On a phone the header's search button opens search: its tap starts the download."""
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    visit = Visit(page, server.base)
    load(page, server.base + "en/optimizers/")
    with page.expect_response(lambda r: r.url.endswith("/en/search/search_index.json")):
        page.click("label.md-header__button[for='__search']")
    found = pages_in_order(search(page, "Nesterov"))
    page.close()
    assert found[0] == "en/optimizers/" and visit.problems == []
