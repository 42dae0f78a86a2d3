"""The quiz bank's practice mode as a reader uses it, in headless Chromium, in both languages.

Reveal an answer (its math typeset, its code copyable), mark questions known and not yet, reload
and find the marks kept, filter to the ones not yet known, clear them all; the marks are shared
by the two languages and show on the chapter pages; a question's link lands on it, open, on its
chapter; on a phone nothing scrolls sideways and the buttons are big enough for a thumb. The
page checks every page gets (weight, alt text, no request to another host) are in test_browser.py,
which visits the bank like every other page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dl_notes_site.quiz_bank import LABELS
from test_browser import VIEWPORTS, Visit, load, settle
from test_navigation import PREFIX

pytestmark = pytest.mark.browser

LANGS = ("ja", "en")
OTHER = {"ja": "en", "en": "ja"}
THUMB = 44  # px: the smallest tap target (Apple's and Material's guidance)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    yield context.new_page()
    context.close()


def bank_url(server, lang: str) -> str:
    return f"{server.base}{PREFIX[lang]}quiz_bank/"


def state(page) -> dict:
    """What the reader sees: the progress line, which questions show, and which buttons are pressed."""
    return page.evaluate("""() => ({
        progress: document.querySelector('.dl-quiz-bank__progress').textContent,
        shown: [...document.querySelectorAll('.dl-quiz')].filter(q => q.offsetParent !== null).map(q => q.id),
        pressed: Object.fromEntries([...document.querySelectorAll('.dl-quiz__mark[aria-pressed="true"]')]
            .map(b => [b.closest('.dl-quiz').id, b.dataset.mark])),
        total: document.querySelectorAll('.dl-quiz').length })""")


def progress(lang: str, known: int, total: int, unknown: int) -> str:
    return LABELS[lang]["progress"].format(known=known, total=total, unknown=unknown)


def mark(page, qid: str, which: str) -> None:
    page.click(f'#{qid} .dl-quiz__mark[data-mark="{which}"]')


@pytest.mark.parametrize("lang", LANGS)
def test_reveal_mark_reload_filter_and_clear(page, server, lang):
    visit = Visit(page, server.base)
    load(page, bank_url(server, lang))
    start = state(page)
    total = start["total"]
    assert start["progress"] == progress(lang, 0, total, 0) and start["pressed"] == {} and len(start["shown"]) == total
    first, second, third = start["shown"][:3]

    # Reveal: an answer is hidden until its question is clicked; its formulas are then typeset.
    with_math = page.evaluate("() => document.querySelector('.dl-quiz details .dl-quiz-math').closest('.dl-quiz').id")
    answer = page.locator(f"#{with_math} details > :not(summary)").first
    assert not answer.is_visible()
    page.click(f"#{with_math} summary")
    assert answer.is_visible()
    page.wait_for_function("""id => { const math = document.querySelectorAll(`#${id} details .arithmatex`);
        return math.length && [...math].every(m => m.querySelector('mjx-container')); }""", arg=with_math, timeout=10_000)
    # ... and each code block of a revealed answer has a copy button that copies that block
    # (no answer has two blocks today; test_quiz_bank.py checks that two would not share a name).
    with_code = page.evaluate("""() => [...document.querySelectorAll('.dl-quiz')]
        .find(q => q.querySelector('details pre')).id""")
    page.click(f"#{with_code} summary")
    page.wait_for_function("""id => [...document.querySelectorAll(`#${id} details pre`)]
        .every(pre => pre.querySelector('[data-clipboard-target]'))""", arg=with_code)
    copy = page.evaluate("""id => [...document.querySelectorAll(`#${id} details pre`)].map(pre => {
        const targets = document.querySelectorAll(pre.querySelector('[data-clipboard-target]').dataset.clipboardTarget);
        return targets.length === 1 && targets[0] === pre.querySelector('code'); })""", with_code)
    assert copy and all(copy), copy

    # Mark: one known, one not yet; pressing "known" again removes the mark.
    mark(page, first, "known")
    mark(page, second, "unknown")
    mark(page, third, "known")
    mark(page, third, "known")
    assert state(page)["pressed"] == {first: "known", second: "unknown"}
    assert state(page)["progress"] == progress(lang, 1, total, 1)

    # Reload: the marks are kept.
    page.reload(wait_until="load")
    settle(page)
    assert state(page)["pressed"] == {first: "known", second: "unknown"}
    assert state(page)["progress"] == progress(lang, 1, total, 1)

    # Filter: only the questions not yet known (marked "not yet" or not marked) show.
    page.check(".dl-quiz-bank__filter input")
    shown = state(page)["shown"]
    assert first not in shown and second in shown and len(shown) == total - 1

    # The other language's bank shows the same marks (the ids are shared) ...
    other = OTHER[lang]
    load(page, bank_url(server, other))
    assert state(page)["pressed"] == {first: "known", second: "unknown"}

    # ... and clears them: a cancelled confirmation keeps the marks, an accepted one empties them.
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click(".dl-quiz-bank__clear")
    assert state(page)["pressed"] == {first: "known", second: "unknown"}
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.click(".dl-quiz-bank__clear")
    assert messages == [LABELS[other]["confirm"]] * 2
    assert state(page)["pressed"] == {} and state(page)["progress"] == progress(other, 0, total, 0)
    page.reload(wait_until="load")
    assert state(page)["pressed"] == {}
    assert visit.problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_question_links_to_itself_open_on_its_chapter_with_its_mark(page, server, lang):
    visit = Visit(page, server.base)
    load(page, bank_url(server, lang))
    qid = page.evaluate("() => document.querySelectorAll('.dl-quiz')[4].id")
    mark(page, qid, "unknown")
    with page.expect_navigation():
        page.click(f"#{qid} .dl-quiz__source")
    settle(page)
    url = urlsplit(page.url)
    chapter = qid.removeprefix("quiz-").rsplit("-", 1)[0]
    assert (url.path, url.fragment) == (f"/{PREFIX[lang]}{chapter}/", qid)
    landed = page.evaluate("""id => { const d = document.getElementById(id);
        const top = d.getBoundingClientRect().top;
        return {question: d.matches('details.question'), open: d.open, inView: top >= 0 && top < innerHeight,
                badge: d.querySelector('summary .dl-quiz__badge')?.textContent}; }""", qid)
    assert landed == {"question": True, "open": True, "inView": True, "badge": LABELS[lang]["unknown"]}
    assert visit.problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_bank_fits_a_phone(browser, server, lang):
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    load(page, bank_url(server, lang))
    page.tap(".dl-quiz summary")
    sizes = page.evaluate("""() => [...document.querySelectorAll(
            '.dl-quiz__mark, .dl-quiz-bank__clear, .dl-quiz-bank__filter')].slice(0, 6)
        .map(b => Math.round(b.getBoundingClientRect().height))""")
    assert min(sizes) >= THUMB, sizes
    width = page.evaluate("""async () => {
        document.querySelectorAll('.dl-quiz details').forEach(d => { d.open = true; });
        await new Promise(done => setTimeout(done, 50));   // the toggle events give the formulas back
        await MathJax.startup.promise;
        return document.documentElement.scrollWidth; }""")
    assert width <= VIEWPORTS["phone"]["width"]
    context.close()
