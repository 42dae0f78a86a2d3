"""The living glossary in the browser: definitions on a term's first use, and search by any name.

- the first use of a term on a chapter page shows its glossary definition in Material's tooltip,
  on hover with a mouse and on a tap on a phone (the term takes focus), in both languages;
- a synonym (荷重減衰) or the term's name in the other language (勾配クリッピング on the English
  site) finds the section that teaches it first: its index entry carries those names as tags.
"""

from __future__ import annotations

import pytest

from dl_notes_site.glossary import terms
from test_browser import VIEWPORTS, Visit, load, search

pytestmark = pytest.mark.browser

BY_JA = {term.ja: term for term in terms()}


def visible_tooltip(page) -> str:
    page.wait_for_selector(".md-tooltip2--active, .md-tooltip2[data-md-visible]", timeout=3_000)
    return page.inner_text(".md-tooltip2")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_first_use_of_a_term_shows_its_definition(browser, server, lang, device):
    term = BY_JA["勾配消失"]
    page = browser.new_page(viewport=VIEWPORTS[device], has_touch=device == "phone")
    visit = Visit(page, server.base)
    load(page, server.base + ("" if lang == "ja" else "en/") + "lstm/")
    name = term.name(lang)
    uses = page.locator("abbr.dl-term", has_text=name)
    assert uses.count() == 1, f"{name!r} has {uses.count()} tooltips on the page, expected its first use only"
    first = uses.first
    first.scroll_into_view_if_needed()
    first.tap() if device == "phone" else first.hover()
    shown = visible_tooltip(page)
    page.close()
    assert term.definition[lang] in shown
    assert visit.problems == []


def test_a_word_of_a_tag_does_not_outrank_the_page_that_teaches_the_phrase(browser, server):
    """Tags weigh less than Material's default: "logic gate" (the perceptron's) and "gated activation
    unit" (WaveNet's) put those pages above the LSTM for "forget gate"."""
    page = browser.new_page()
    load(page, server.base + "en/")
    found = search(page, "forget gate")
    page.close()
    assert found[0] == "en/lstm/", found[:5]


# (language, query, the section that teaches it): a synonym, or the other language's name
OTHER_NAMES = [
    ("ja", "荷重減衰", BY_JA["重み減衰"]),
    ("en", "荷重減衰", BY_JA["重み減衰"]),
    ("en", "勾配クリッピング", BY_JA["勾配クリッピング"]),
    ("en", "物体検知", BY_JA["物体検出"]),
    ("ja", "gradient clipping", BY_JA["勾配クリッピング"]),
]


@pytest.mark.parametrize("lang, query, term", OTHER_NAMES, ids=lambda x: getattr(x, "ja", x))
def test_another_name_of_a_term_finds_its_teaching_section_first(browser, server, lang, query, term):
    page = browser.new_page()
    visit = Visit(page, server.base)
    load(page, server.base + ("" if lang == "ja" else "en/"))
    found = search(page, query)
    sections = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "as => as.map(a => a.hash)")
    shown_tags = page.evaluate("() => [...document.querySelectorAll('.md-search-result .md-tags')].filter(t => t.offsetParent).length")
    page.close()
    assert shown_tags == 0, "the glossary's tags are for the index, not for display"
    page_path = ("" if lang == "ja" else "en/") + term.page.removesuffix(".md") + "/"
    assert found and found[0] == page_path, f"{query!r}: {found[:5]}"
    # The page's result group lists the sections that matched, the teaching one among the first.
    assert f"#{term.anchor}" in sections[:3], f"{query!r}: the first results' sections are {sections[:3]}"
    assert visit.problems == []
