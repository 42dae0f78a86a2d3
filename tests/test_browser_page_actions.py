"""Every page links to "report an error" and "edit this page", and asks nothing of GitHub until clicked.

The report link opens a new issue with the page's address; clicked while a section is in view, it
also names that section, in the reader's language.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from test_browser import Visit, load

pytestmark = pytest.mark.browser

REPOSITORY = "https://github.com/dl-notes/dl-notes"


def issue_fields(href: str) -> tuple[str, dict[str, str]]:
    """The address of a new-issue link and its prefilled fields."""
    url = urlsplit(href)
    return f"{url.scheme}://{url.netloc}{url.path}", {k: v[0] for k, v in parse_qs(url.query).items()}


def click_without_leaving(page, selector: str) -> str:
    """Click a link as a reader would and return where it pointed; the browser stays on the page."""
    # The page's own handler runs first (capture phase) and fills the link in.
    page.evaluate("() => document.addEventListener('click', e => e.preventDefault())")
    page.click(selector)
    return page.get_attribute(selector, "href")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_links_name_the_section_being_read(browser, server, lang):
    page = browser.new_page()
    visit = Visit(page, server.base)
    prefix = "" if lang == "ja" else "en/"
    load(page, server.base + prefix + "lstm/")
    assert page.get_attribute("a.dl-edit-page", "href") == f"{REPOSITORY}/edit/main/docs/lstm.{lang}.md"
    quiz = "確認テスト" if lang == "ja" else "Quiz"

    # Reading the quiz, the reader uses the link under the table of contents, which stays in view.
    page.evaluate("() => scrollTo(0, document.getElementById('quiz').getBoundingClientRect().top + scrollY - 100)")
    page.wait_for_timeout(300)  # the table of contents follows the scroll
    address, fields = issue_fields(click_without_leaving(page, "a.dl-report-error--toc"))
    assert address == f"{REPOSITORY}/issues/new"
    assert fields["title"].endswith(f"— {quiz}") and ("[誤り]" if lang == "ja" else "[Error]") in fields["title"]
    assert f"{prefix}lstm/#quiz" in fields["body"] and quiz in fields["body"]

    # With text selected, the link at the top of the page names the selection's section and quotes it.
    section, quoted = page.evaluate("""() => {
        const h = document.getElementById('peephole-connections'), p = h.nextElementSibling;
        const range = document.createRange(); range.selectNodeContents(p);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        return [h.textContent.replace(/¶\\s*$/, '').trim(), getSelection().toString().replace(/\\s+/g, ' ').trim()]; }""")
    page.evaluate("() => scrollTo(0, 0)")
    _, fields = issue_fields(click_without_leaving(page, "a.dl-report-error:not(.dl-report-error--toc)"))
    page.close()
    assert len(quoted) > 20 and fields["title"].endswith(f"— {section}")
    assert f"{prefix}lstm/#peephole-connections" in fields["body"] and "> " + quoted[:40] in fields["body"]
    assert visit.problems == []  # nothing was requested from github.com
