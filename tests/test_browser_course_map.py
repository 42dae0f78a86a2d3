"""The course map in headless Chromium, as a student uses it: find a notebook by its name in the
table, follow its link, and land on the section that reproduces it, in both languages, on a
desktop and on a phone. (The page's load, console, weight and phone width are checked with every
other page by tests/test_browser.py.)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from test_browser import VIEWPORTS, Visit, load

pytestmark = pytest.mark.browser

PREFIX = {"ja": "", "en": "en/"}
NOTEBOOK = "3_1_simple_RNN"
TARGET = ("rnn_bptt/", "the-courses-binary-addition-3_1")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", PREFIX)
def test_a_notebooks_link_lands_on_its_section(browser, server, lang, viewport):
    page = browser.new_page(viewport=VIEWPORTS[viewport])
    visit = Visit(page, server.base)
    load(page, f"{server.base}{PREFIX[lang]}course_map/")
    assert page.locator("article table").count() == 10  # 4 days of sections, 4 of notebooks, 2 books
    # The name is split by <wbr> (line-break hints), which :text-is() does not see through.
    row = page.locator("article tr", has=page.locator("code", has_text=re.compile(f"^{re.escape(NOTEBOOK)}$")))
    link = row.locator(f'a[href$="#{TARGET[1]}"]')
    assert link.count() == 1, f"the row of {NOTEBOOK} has no link to #{TARGET[1]}"
    heading = link.inner_text()
    link.scroll_into_view_if_needed()
    with page.expect_navigation():
        link.click()
    url = urlsplit(page.url)
    assert (url.path, url.fragment) == (f"/{PREFIX[lang]}{TARGET[0]}", TARGET[1])
    target = page.locator(f"#{TARGET[1]}")
    assert target.count() == 1, f"no section #{TARGET[1]} on the page the link opened"
    assert target.inner_text().startswith(heading), "the link text is the title of the section it opens"
    top = target.evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < VIEWPORTS[viewport]["height"] / 3, f"the section is not at the top of the screen (top = {top} px)"
    page.close()
    assert visit.problems == []
