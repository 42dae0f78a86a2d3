"""The navigation as readers use it, in headless Chromium: on a phone every page is at most three
taps from the home page; on a wide screen the parts of the course are tabs.

A tap is a touch at the centre of an element that is really there for a thumb (inside the screen
and on top: ``document.elementFromPoint`` finds it), so a link in a drawer panel that has slid
away does not count as reachable. The drawer's own scrolling is not a tap.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from test_browser import load
from test_navigation import LANGS, PREFIX, nav_sources, outline
from dl_notes_site.notebooks import page_url

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MAX_TAPS = 3
TRANSITION = 300  # ms: Material's drawer and panel slides take 250 ms

# The centre of ``el`` if a thumb can tap it there (on screen and not covered), else null; a
# link below the drawer's fold is first scrolled into view in its panel (a swipe, not a tap); a
# link of a closed panel, waiting beside the drawer, is not tappable.
TAPPABLE = """el => {
    let r = el.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= 0 || r.left >= innerWidth) return null;
    // A closed panel of the drawer waits beside it, off the drawer but not always off the screen
    // (scrolling its link into view would slide it in: no thumb can do that).
    const drawer = el.closest('.md-sidebar--primary');
    const edge = drawer && drawer.getBoundingClientRect();
    if (edge && (r.left + r.width / 2 < edge.left || r.left + r.width / 2 > edge.right)) return null;
    if (r.bottom > innerHeight || r.top < 0) {
        el.scrollIntoView({block: 'center'});  // whichever drawer panel scrolls: a swipe, not a tap
        r = el.getBoundingClientRect();
    }
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || x > innerWidth || y < 0 || y > innerHeight) return null;
    const hit = document.elementFromPoint(x, y);
    return hit && (hit === el || el.contains(hit)) ? {x, y} : null;
}"""

# The ways on from the drawer's current state towards the page at ``target`` (a site path):
# the link itself, the sections that hold it, then the back buttons of the open panels.
CANDIDATES = """target => {
    const drawer = document.querySelector('.md-sidebar--primary');
    const links = [...drawer.querySelectorAll('a[href]')].filter(
        a => new URL(a.getAttribute('href'), location.href).pathname === target);
    const sections = links.flatMap(a => {
        const ids = [];
        for (let li = a.closest('li.md-nav__item--nested'); li; li = li.parentElement.closest('li.md-nav__item--nested'))
            ids.push(li.querySelector(':scope > input.md-nav__toggle').id);
        return ids.flatMap(id => [...drawer.querySelectorAll(`label.md-nav__link[for="${id}"]`)]);
    });
    const backs = [...drawer.querySelectorAll('label.md-nav__title[for]')].filter(l => l.htmlFor !== '__drawer');
    const mark = (els, kind) => els.map(el => { el.dataset.tapCandidate = kind; return el; });
    document.querySelectorAll('[data-tap-candidate]').forEach(el => delete el.dataset.tapCandidate);
    return {links: mark(links, 'link').length, sections: mark(sections, 'section').length, backs: mark(backs, 'back').length};
}"""


def tap_first(page, kind: str) -> bool:
    """Tap the first element marked ``kind`` that a thumb can reach; False if none can be."""
    for handle in page.query_selector_all(f'[data-tap-candidate="{kind}"]'):
        point = handle.evaluate(TAPPABLE)
        if point:
            page.touchscreen.tap(point["x"], point["y"])
            return True
    return False


def taps_to(page, target: str) -> int:
    """Taps from the loaded page to the page at site path ``target``, through the drawer."""
    page.touchscreen.tap(*center(page, 'label.md-header__button[for="__drawer"]'))
    page.wait_for_timeout(TRANSITION)
    taps = 1
    while taps <= MAX_TAPS + 3:  # a few more than allowed, so that a failure says how many
        page.evaluate(CANDIDATES, target)
        with_link = page.query_selector_all('[data-tap-candidate="link"]')
        if any(h.evaluate(TAPPABLE) for h in with_link):
            with page.expect_navigation():
                tap_first(page, "link")
            return taps + 1
        if not (tap_first(page, "section") or tap_first(page, "back")):
            raise AssertionError(f"no way on towards {target} after {taps} taps")
        taps += 1
        page.wait_for_timeout(TRANSITION)
    return taps


def center(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def tap_cases() -> list[tuple[str, str]]:
    """Every page of the nav but the home page (where the reader starts), in both languages."""
    return [(lang, src) for lang in LANGS for src in nav_sources() if src != "index.md"]


@pytest.fixture(scope="module")
def phone(browser):
    """One phone-sized touch context for the tap tests (a new page per case)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    yield context
    context.close()


@pytest.mark.parametrize("lang, src", tap_cases(), ids=[f"{lang}-{src}" for lang, src in tap_cases()])
def test_a_phone_reaches_every_page_in_three_taps(phone, server, lang, src):
    # The pages themselves (console errors, math, images) are checked by test_browser.py; here
    # only the drawer matters, so the home page need not finish loading its images.
    page = phone.new_page()
    page.goto(server.base + PREFIX[lang], wait_until="domcontentloaded")
    target = "/" + PREFIX[lang] + page_url(src)
    taps = taps_to(page, target)
    arrived = urlsplit(page.url).path
    page.close()
    assert arrived == target
    assert taps <= MAX_TAPS, f"{target}: {taps} taps from the home page"


@pytest.mark.parametrize("lang", LANGS)
def test_a_wide_screen_shows_the_parts_as_tabs_and_a_phone_hides_them(browser, server, lang):
    page = browser.new_page(viewport=DESKTOP)
    load(page, server.base + PREFIX[lang] + "optimizers/")
    tabs = page.locator(".md-tabs__link")
    shown = [tabs.nth(i).inner_text().strip() for i in range(tabs.count()) if tabs.nth(i).is_visible()]
    active = page.locator(".md-tabs__item--active .md-tabs__link").inner_text().strip()
    page.set_viewport_size(PHONE)
    on_phone = page.locator(".md-tabs").is_visible()
    page.close()
    assert shown == [part.title for part in outline(lang)]
    assert active == "Day 2"
    assert not on_phone


@pytest.mark.parametrize("lang", LANGS)
def test_the_tap_counter_counts_the_way_back(browser, server, lang):
    """From a chapter the drawer opens inside its part, so another part's page costs a tap more
    (drawer, back, part, page): the counter sees what a deeper nav would cost."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    load(page, server.base + PREFIX[lang] + "optimizers/")
    taps = taps_to(page, "/" + PREFIX[lang] + "api/optim/")
    arrived = urlsplit(page.url).path
    context.close()
    assert (arrived, taps) == ("/" + PREFIX[lang] + "api/optim/", 4)
