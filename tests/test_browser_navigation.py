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
    """Taps from the loaded page until the drawer shows a link to ``target`` (that tap not counted)."""
    page.touchscreen.tap(*center(page, 'label.md-header__button[for="__drawer"]'))
    page.wait_for_timeout(TRANSITION)
    taps = 1
    while taps <= MAX_TAPS + 3:  # a few more than allowed, so that a failure says how many
        if link_is_tappable(page, target):
            return taps
        if not (tap_first(page, "section") or tap_first(page, "back")):
            raise AssertionError(f"no way on towards {target} after {taps} taps")
        taps += 1
        page.wait_for_timeout(TRANSITION)
    return taps


def tap_link(page, target: str) -> str:
    """Tap the drawer's link to ``target`` (the last tap); the path of the page it opened."""
    page.evaluate(CANDIDATES, target)
    with page.expect_navigation():
        assert tap_first(page, "link"), f"the link to {target} is not tappable"
    return urlsplit(page.url).path


def center(page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def part_cases() -> list[tuple[str, int]]:
    """Every part of the nav (by position) in both languages; the home page is where a reader starts."""
    parts = [i for i, part in enumerate(outline("ja")) if [e.src for e in part.pages()] != ["index.md"]]
    return [(lang, i) for lang in LANGS for i in parts]


@pytest.fixture(scope="module")
def phone(browser):
    """One phone-sized touch context for the tap tests (a new page per case)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    yield context
    context.close()


@pytest.mark.parametrize("lang, part", part_cases(), ids=[f"{lang}-part{i}" for lang, i in part_cases()])
def test_a_phone_reaches_every_page_in_three_taps(phone, server, lang, part):
    """The taps that open a part's panel show a link to each of its pages; tapping one opens it.

    A part's pages share the drawer state that the taps reach (the drawer, then the part's panel),
    so one home-page load per part checks each of them: each link must be tappable there (a swipe
    to scroll the panel is allowed, another tap is not), and the last one is tapped to show that
    the tap really opens the page. Each page's own content is checked by test_browser.py.
    """
    # Only the drawer matters here, so the home page need not finish loading its images.
    page = phone.new_page()
    page.goto(server.base + PREFIX[lang], wait_until="domcontentloaded")
    targets = ["/" + PREFIX[lang] + page_url(entry.src) for entry in outline(lang)[part].pages()]
    taps = taps_to(page, targets[0]) + 1
    hidden = [target for target in targets[1:] if not link_is_tappable(page, target)]
    arrived = tap_link(page, targets[-1])
    page.close()
    assert taps <= MAX_TAPS, f"{targets[0]}: {taps} taps from the home page"
    assert hidden == [], f"not tappable where the part's first page is: {hidden}"
    assert arrived == targets[-1]


def link_is_tappable(page, target: str) -> bool:
    """Whether the drawer, as the taps so far left it, shows a link to ``target`` a thumb can tap."""
    page.evaluate(CANDIDATES, target)
    return any(h.evaluate(TAPPABLE) for h in page.query_selector_all('[data-tap-candidate="link"]'))


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
    taps = taps_to(page, "/" + PREFIX[lang] + "api/optim/") + 1
    arrived = tap_link(page, "/" + PREFIX[lang] + "api/optim/")
    context.close()
    assert (arrived, taps) == ("/" + PREFIX[lang] + "api/optim/", 4)
