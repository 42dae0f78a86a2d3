"""The built site in headless Chromium, as readers meet it: every page, both languages.

Each page must load with no console error, no failed request and no request to another host;
every image loads and has alt text in the page's language; every formula is typeset; the
language switcher leads to the twin page and back; the page, with everything it loads, stays
under the weight budget; and at a phone's width, quiz answers open, nothing scrolls sideways. Search is tried with the terms learners type.

The site is served on 127.0.0.1 with gzip, as GitHub Pages serves it, so the weight is what a
reader downloads; the report also gives the uncompressed size. Chromium is Debian's
(/usr/bin/chromium, installed by .ci/run); Playwright never downloads a browser.
`make screenshots` runs the page test with --screenshots to save full-page PNGs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import _browser
from _site import page_paths

pytestmark = pytest.mark.browser

BUDGET = 1_500_000  # bytes a page may transfer, with its images, scripts, styles and fonts
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
RAW_TEX = re.compile(r"\$\$|\\frac|\\\(|\\\[|\\begin\{")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Terms learners type, and the page that teaches each (grows with the site).
SEARCHES = {
    "ja": [("勾配", "optimizers/"), ("勾配消失", "vanishing_gradients/"), ("確率的勾配降下法", "optimizers/"),
           ("バッチ正規化", "batch_norm/"), ("畳み込み", "cnn/"), ("誤差逆伝播法", "backprop/"),
           ("パーセプトロン", "perceptron/"), ("ソフトマックス関数", "forward_pass/"),
           ("学習率", "optimizers/"), ("重み減衰", "regularization/"), ("データセット", "dataset/"),
           ("ビームサーチ", "seq2seq/"), ("負例サンプリング", "word2vec/"), ("注意機構", "attention/"),
           ("価値反復法", "reinforcement_learning/"), ("方策勾配定理", "reinforcement_learning/"),
           ("モンテカルロ木探索", "alphago/"), ("三目並べ", "alphago/"),
           ("デプスワイズ畳み込み", "mobilenet/"),
           ("データ並列", "speedup/"), ("古い勾配", "speedup/"),
           ("膨張因果的畳み込み", "wavenet/"), ("膨張率", "wavenet/"),
           ("デンスブロック", "densenet/"), ("トランジション層", "densenet/"),
           ("ソフトターゲット", "compression/"), ("一様量子化", "compression/"),
           ("位置エンコーディング", "transformer/"), ("先読みマスク", "transformer/"),
           ("非最大値抑制", "object_detection/"), ("平均適合率", "object_detection/"),
           ("逆プーリング", "segmentation/"), ("画素正解率", "segmentation/")],
    "en": [("learning rate", "en/optimizers/"), ("stochastic gradient descent", "en/optimizers/"),
           ("vanishing gradient", "en/vanishing_gradients/"), ("batch normalization", "en/batch_norm/"),
           ("weight decay", "en/regularization/"), ("convolution", "en/cnn/"),
           ("MNIST", "en/dataset/"), ("stratified", "en/dataset/"),
           ("backpropagation", "en/backprop/"), ("perceptron", "en/perceptron/"),
           ("beam search", "en/seq2seq/"), ("negative sampling", "en/word2vec/"),
           ("reparameterisation trick", "en/autoencoder_vae/"),
           ("value iteration", "en/reinforcement_learning/"), ("policy gradient", "en/reinforcement_learning/"),
           ("Monte Carlo tree search", "en/alphago/"), ("tic-tac-toe", "en/alphago/"),
           ("depthwise separable convolution", "en/mobilenet/"),
           ("data parallelism", "en/speedup/"), ("stale gradient", "en/speedup/"),
           ("dilated causal convolution", "en/wavenet/"), ("receptive field per parameter", "en/wavenet/"),
           ("dense block", "en/densenet/"), ("growth rate", "en/densenet/"),
           ("knowledge distillation", "en/compression/"), ("bfloat16", "en/compression/"),
           ("positional encoding", "en/transformer/"), ("look-ahead mask", "en/transformer/"),
           ("non-maximum suppression", "en/object_detection/"), ("average precision", "en/object_detection/"),
           ("unpooling", "en/segmentation/"), ("pixel accuracy", "en/segmentation/")],
}


# --- serving and driving ----------------------------------------------------------------------

class Visit:
    """One page load: what went wrong, and what was fetched."""

    def __init__(self, page, base: str) -> None:
        self.problems: list[str] = []
        self.fetched: list[str] = []
        host = urlsplit(base).netloc
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        # ERR_ABORTED is a request cut short by leaving the page (the search worker's scripts);
        # a missing file shows up as an HTTP error below.
        page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "")
                and self.problems.append(f"failed request: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def on_request(request):
            url = urlsplit(request.url)
            if url.scheme in ("http", "https") and url.netloc != host:
                self.problems.append(f"request to another host: {request.url}")
            elif url.scheme in ("http", "https"):
                self.fetched.append(unquote(url.path))

        page.on("request", on_request)


def load(page, url: str) -> None:
    """Open ``url`` and wait until everything, lazy images and typeset math included, is there."""
    page.goto(url, wait_until="load")
    settle(page)


def settle(page) -> None:
    """Wait until the page just reached has everything: lazy images, typeset math, no request open."""
    page.evaluate("""async () => {
        for (const img of document.images) img.loading = "eager";
        await Promise.all([...document.images].map(img => img.complete ? null :
            new Promise(done => { img.onload = img.onerror = done; })));
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
    }""")
    page.wait_for_load_state("networkidle")


def page_problems(page, lang: str) -> list[str]:
    """What a reader would see as broken on the loaded page."""
    problems = []
    for img in page.evaluate("""() => [...document.images].map(i => ({
            src: i.getAttribute('src').slice(0, 80), alt: i.alt, ok: i.complete && i.naturalWidth > 0}))"""):
        if not img["ok"]:
            problems.append(f"image did not load: {img['src']}")
        if not img["alt"].strip():
            problems.append(f"image without alt text: {img['src']}")
        elif (lang == "ja") != bool(JAPANESE.search(img["alt"])):
            problems.append(f"alt text not in {lang}: {img['alt']!r}")
    untypeset = page.evaluate("() => [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('mjx-container')).length")
    if untypeset:
        problems.append(f"{untypeset} formulas not typeset")
    text = page.evaluate("""() => {
        const article = document.querySelector('article').cloneNode(true);
        article.querySelectorAll('pre, code, script, style, mjx-assistive-mml').forEach(e => e.remove());
        return article.innerText; }""")
    problems += [f"raw TeX in the text: ...{text[max(m.start() - 30, 0):m.end() + 30]!r}..." for m in RAW_TEX.finditer(text)]
    return problems


def phone_overflow(page) -> list[str]:
    """At a phone's width, with every quiz answer open, nothing may make the page scroll sideways.

    Wide formulas, tables and code scroll in their own boxes; what breaks a phone is a line that
    cannot wrap outside them, such as a long inline formula (MathJax does not break inline math).
    """
    phone = VIEWPORTS["phone"]["width"]
    page.set_viewport_size(VIEWPORTS["phone"])
    width = page.evaluate("""() => {
        document.querySelectorAll('article details').forEach(d => { d.open = true; });
        return document.documentElement.scrollWidth; }""")
    page.set_viewport_size(VIEWPORTS["desktop"])
    return [f"{width} px wide on a {phone} px phone: a line that cannot wrap (a long inline formula?)"] if width > phone else []


def switch_language(page, lang: str) -> None:
    """Use the header's language menu like a reader: hover it, click the entry."""
    page.hover(".md-header__option .md-select")
    with page.expect_navigation():
        page.click(f'.md-select__link[hreflang="{lang}"]')


# --- every page, both languages -------------------------------------------------------------

@pytest.mark.parametrize("path", page_paths(), ids=lambda p: p or "home")
def test_page(browser, server, request, path):
    """Japanese page, then the switcher's English twin: each page in both languages.

    The way back (English to Japanese) is the switcher link that tests/test_site.py checks on
    every built page; clicking it here too doubled the time of the slowest test of the suite.
    """
    shots = request.config.getoption("--screenshots")
    context = browser.new_context(viewport=VIEWPORTS["desktop"])  # a fresh cache: weigh each page alone
    page = context.new_page()
    visit = Visit(page, server.base)
    problems = []
    for lang, url_path in (("ja", path), ("en", "en/" + path)):
        if lang == "ja":
            load(page, server.base + path)
        else:
            switch_language(page, "en")
            settle(page)
        assert urlsplit(page.url).path == "/" + url_path, f"the switcher went to {page.url}, not /{url_path}"
        assert page.evaluate("document.documentElement.lang") == lang
        problems += [f"/{url_path}: {p}" for p in page_problems(page, lang)]
        sent = sum(server.sizes[p][1] for p in set(visit.fetched) if p in server.sizes)
        raw = sum(server.sizes[p][0] for p in set(visit.fetched) if p in server.sizes)
        request.node.user_properties.append(
            ("page_weight", {"path": "/" + url_path, "sent": sent, "raw": raw, "site": _browser.SITE_BYTES[0]}))
        if sent > BUDGET:
            problems.append(f"/{url_path}: {sent:,} bytes transferred, over the {BUDGET:,}-byte budget")
        visit.fetched.clear()
        if shots:
            save_screenshots(page, Path(shots), lang, path)
        problems += [f"/{url_path}: {p}" for p in phone_overflow(page)]
    problems += visit.problems
    context.close()
    assert problems == []


def save_screenshots(page, folder: Path, lang: str, path: str) -> None:
    name = (path.strip("/") or "home").replace("/", "-")
    for device, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        # After a resize the images are laid out anew; capturing at once left them blank.
        page.evaluate("() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))")
        page.wait_for_timeout(300)
        page.screenshot(path=folder / lang / f"{name}-{device}.png", full_page=True)
    page.set_viewport_size(VIEWPORTS["desktop"])


def test_the_page_list_is_complete(site):
    """Every Japanese page the build made is visited above (none is forgotten)."""
    built = sorted(
        "" if html.parent == site else html.parent.relative_to(site).as_posix() + "/"
        for html in site.rglob("index.html")
        if not html.parent.relative_to(site).as_posix().startswith(("en", "assets", "search"))
    )
    assert built == page_paths()


# --- search -----------------------------------------------------------------------------------

def search(page, query: str) -> list[str]:
    """Type ``query`` into the header search; the site paths of the result list.

    Material ignores what is typed before its search worker has loaded the index, as a reader
    who types at once would see; so type again until the result count replaces the placeholder.
    """
    answered = ("() => { const m = document.querySelector('.md-search-result__meta');"
                " return m && /\\d|No matching|見つかりません/.test(m.innerText); }")
    for _ in range(10):
        # Material reads the query on keyup; Japanese text arrives through an input method, with
        # no key events of its own, so press End after it, as the key that commits the input would.
        page.fill("input.md-search__input", query)
        page.press("input.md-search__input", "End")
        try:
            page.wait_for_function(answered, timeout=2_000)
            break
        except Exception:
            continue
    else:
        raise AssertionError(f"search never answered {query!r}: {page.inner_text('.md-search-result__meta')!r}")
    page.wait_for_timeout(300)  # the list renders right after the count
    hrefs = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "as => as.map(a => a.href)")
    return [urlsplit(h).path.lstrip("/") for h in hrefs]


# Queries that mix scripts (バッチ正規化, 重み減衰) are found because the search separator also
# cuts where the script changes (scripts/dl_notes_site/search.py); Material alone kept each one as
# a single term that prefixes no indexed word, and answered "no results".
@pytest.mark.parametrize("lang, query, expected", [
    (lang, q, e) for lang, cases in SEARCHES.items() for q, e in cases
])
def test_search_finds_the_page_that_teaches_it(browser, server, lang, query, expected):
    page = browser.new_page()
    visit = Visit(page, server.base)
    load(page, server.base + ("" if lang == "ja" else "en/"))
    found = search(page, query)
    page.close()
    assert expected in found, f"{query!r}: {found}"
    assert visit.problems == []


@pytest.mark.parametrize("lang, query", [("en", "勾配"), ("ja", "gradient"), ("en", "zzqx"), ("ja", "ぬぬぬ")])
def test_search_in_the_other_language_or_for_nothing_is_calm(browser, server, lang, query):
    """A query in the other language, or one that matches nothing, answers without an error."""
    page = browser.new_page()
    visit = Visit(page, server.base)
    load(page, server.base + ("" if lang == "ja" else "en/"))
    found = search(page, query)
    page.close()
    assert visit.problems == []
    assert all(p.startswith("en/") == (lang == "en") for p in found), f"results from the other language: {found}"


@pytest.mark.parametrize("width, scrolls", [(390, True), (1280, False)])
def test_wide_figures_scroll_on_a_phone_and_fit_on_a_desktop(browser, server, width, scrolls):
    """On a phone a multi-panel figure keeps a readable width and scrolls sideways; on a
    desktop it fits the column, as every other figure does."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    load(page, server.base + "regularization/")
    sizes = page.eval_on_selector_all(".dl-figure--wide", """fs => fs.map(f => ({
        scroll: f.scrollWidth, client: f.clientWidth, img: f.querySelector('img').getBoundingClientRect().width}))""")
    page.close()
    assert sizes, "the page has no wide figure to check"
    for size in sizes:
        assert (size["scroll"] > size["client"]) == scrolls, size
        assert size["img"] >= (600 if scrolls else 0), size


@pytest.mark.parametrize("lang, query", [("ja", "重み減衰"), ("en", "weight decay")])
def test_math_in_search_results_is_typeset(browser, server, lang, query):
    """The snippets quote formulas (the L2 update rule): they are rendered, not left as TeX."""
    page = browser.new_page()
    visit = Visit(page, server.base)
    load(page, server.base + ("" if lang == "ja" else "en/"))
    search(page, query)
    page.wait_for_function("() => document.querySelector('.md-search-result__list mjx-container')", timeout=5_000)
    text = page.inner_text(".md-search-result__list")
    page.close()
    assert "\\(" not in text and "\\[" not in text and "\\frac" not in text, text[:500]
    assert visit.problems == []
