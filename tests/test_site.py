"""The built site: a clean `mkdocs build --strict`, both languages, search, math, figures, numbers.

The site is built once per session into a temporary folder (the real build, hooks and all, see
tests/conftest.py); tests/test_browser.py looks at the same pages in Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from _site import mkdocs_build, page_paths

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
from dl_notes_site.macros import WIDE, display_width, fmt
from dl_notes_site.search import SEGMENT_LOOP


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def results() -> dict:
    return json.loads((DOCS / "assets" / "generated" / "results.json").read_text(encoding="utf-8"))


def test_strict_build_has_no_warnings(build):
    _, done = build
    assert done.returncode == 0, done.stderr[-4000:]
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert warnings == []


def test_a_second_build_runs_no_experiment_and_says_so(site, tmp_path):
    again = mkdocs_build(tmp_path / "again")
    assert again.returncode == 0, again.stderr[-4000:]
    assert re.search(r"experiments: 0 run, \d+ from cache", again.stderr), again.stderr[-2000:]
    assert "executed in" not in again.stderr  # notebooks served from their cache too


def test_every_page_exists_in_both_languages():
    sources = [p for p in DOCS.rglob("*") if re.search(r"\.(ja|en)\.(md|py)$", p.name)]
    stems = {}
    for path in sources:
        stem = re.sub(r"\.(ja|en)\.", ".", str(path.relative_to(DOCS)))
        stems.setdefault(stem, set()).add(path.name.split(".")[-2])
    lonely = {stem: langs for stem, langs in stems.items() if langs != {"ja", "en"}}
    assert lonely == {}
    assert len(stems) >= 4


def japanese_pages(site: Path) -> list[str]:
    """Paths of every Japanese page ('' for the home page, 'optimizers/', ...)."""
    paths = []
    for html in site.rglob("index.html"):
        path = html.parent.relative_to(site).as_posix()
        path = "" if path == "." else path + "/"
        if not path.startswith(("en/", "assets/", "search/")):
            paths.append(path)
    return sorted(paths)


def switcher_target(html: str, page_path: str, lang: str) -> str:
    """Where the header language switcher's ``lang`` entry leads, as a site path."""
    href = re.search(rf'<a href="([^"]*)" hreflang="{lang}" class="md-select__link">', html)
    assert href, f"{page_path or 'home'}: no switcher entry for {lang}"
    return urlsplit(urljoin(f"http://site/{page_path}", href.group(1))).path.removeprefix("/")


def test_every_page_has_its_twin_and_the_switcher_links_them(site):
    pages = japanese_pages(site)
    assert {"", "optimizers/", "glossary/", "api/optim/", "notebooks/optimizer_trajectories/"} <= set(pages)
    for path in pages:
        ja, en = page(site, path), page(site, "en/" + path)
        assert '<html lang="ja"' in ja and '<html lang="en"' in en, path
        assert switcher_target(ja, path, "en") == "en/" + path
        assert switcher_target(en, "en/" + path, "ja") == path


def test_japanese_search_index_is_segmented(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    compounds = [doc for doc in index["docs"] if "勾配消失" in doc["text"].replace("\u200b", "")]
    assert compounds, "no page mentions 勾配消失"
    for doc in compounds:
        assert "勾配" in separator.split(doc["text"]), doc["location"]


def test_the_search_worker_segments_a_query_to_its_end(site):
    """Material's query segmentation never tried the word at the end of a kanji run (回帰 became 回):
    the built worker carries the patch of dl_notes_site/search.py (4.)."""
    (worker,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    loops = SEGMENT_LOOP.findall(worker.read_text(encoding="utf-8"))
    assert [loop[2] for loop in loops] == ["<="]


@pytest.mark.parametrize("folder", ["", "en/"])
def test_reference_pages_rank_below_the_teaching_pages(site, folder):
    """The glossary, the API reference and the home page's outline are boosted down in search."""
    index = json.loads((site / folder / "search" / "search_index.json").read_text(encoding="utf-8"))
    boosts = {doc["location"].split("#")[0]: doc.get("boost", 1) for doc in index["docs"]}
    assert boosts["glossary/"] < boosts["api/optim/"] < boosts["optimizers/"] == boosts["regularization/"] == 1
    assert boosts[""] < 1


def test_each_language_has_its_own_search_index(site):
    ja = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    en = json.loads((site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert ja["docs"] and en["docs"]
    assert not any(doc["location"].startswith("en/") for doc in ja["docs"])
    assert {doc["location"].split("#")[0] for doc in en["docs"]} >= {"", "optimizers/"}  # relative to /en/
    assert en["config"]["lang"] == ["en"]
    assert '"base": ".."' in page(site, "en/optimizers/")  # English pages search /en/search/


def test_no_asset_comes_from_another_host(site):
    offenders = []
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for tag in re.findall(r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*>', text):
            if re.search(r'\b(?:src|href)="(?:https?:)?//', tag) and not re.search(r'rel="(?:canonical|alternate)"', tag):
                offenders.append(f"{html.relative_to(site)}: {tag}")
        if "fonts.googleapis" in text or "cdn.jsdelivr" in text:
            offenders.append(f"{html.relative_to(site)}: CDN reference")
    assert offenders == []


def test_math_is_served_from_the_site(site):
    html = page(site, "optimizers/")
    assert 'class="arithmatex"' in html
    assert re.search(r'<script src="[./]*assets/mathjax/startup\.js"', html)
    for component in ("core.js", "input/tex.js", "output/chtml.js", "a11y/assistive-mml.js"):
        assert (site / "assets" / "mathjax" / component).stat().st_size > 5_000, component
    assert any((site / "assets" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))


def test_copy_button_and_colour_toggle_are_on(site):
    html = page(site, "optimizers/")
    assert "content.code.copy" in html
    assert 'data-md-component="palette"' in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_figure_is_built_in_the_page_language_with_provenance(site, lang):
    prefix = "" if lang == "ja" else "en/"
    html = page(site, prefix + "optimizers/")
    figure = f"assets/generated/{lang}/optimizer_trajectories-trajectories.svg"
    assert figure in html
    assert (site / figure).stat().st_size > 1000
    assert "python -m dl_notes.experiments run optimizer_trajectories" in html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_distance_table_comes_from_the_results(site, lang):
    html = page(site, ("" if lang == "ja" else "en/") + "optimizers/")
    distances = results()["results"]["optimizer_trajectories"]["final_distance"]
    for key, distance in distances.items():
        assert f">{fmt(distance)}<" in html, (key, fmt(distance))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_notebook_is_executed_rendered_and_downloadable(site, lang):
    prefix = "" if lang == "ja" else "en/"
    html = page(site, prefix + "notebooks/optimizer_trajectories/")
    assert "jp-Cell" in html and "jp-OutputArea" in html
    assert "<img" in html  # the figure cell's output
    # the download button links to the executed notebook, next to the page
    link = re.search(r'<a href="([^"/]+\.ipynb)" download', html)
    assert link, "no download link on the notebook page"
    notebook = json.loads((site / prefix / "notebooks" / "optimizer_trajectories" / link.group(1)).read_text(encoding="utf-8"))
    outputs = [o for cell in notebook["cells"] if cell["cell_type"] == "code" for o in cell["outputs"]]
    assert outputs, "the published notebook was not executed"


def test_notebook_pages_share_one_jupyter_stylesheet(site):
    """mkdocs-jupyter's 570 KB of inline CSS is moved to one file that every notebook page links."""
    linked = set()
    for html_file in site.glob("**/notebooks/*/index.html"):
        html = html_file.read_text(encoding="utf-8")
        assert max((len(css) for css in re.findall(r"<style[^>]*>(.*?)</style>", html, re.S)), default=0) < 20_000
        hrefs = re.findall(r'<link rel="stylesheet" href="([^"]*notebook-[0-9a-f]{12}\.css)">', html)
        assert len(hrefs) == 1, html_file
        target = (html_file.parent / hrefs[0]).resolve()
        assert target.is_file() and target.stat().st_size > 100_000, target
        linked.add(target)
    assert len(linked) == 1


def test_wide_figures_are_marked_to_scroll_on_phones(site):
    """Every generated figure wider than WIDE pixels, and only those, gets the scrolling class."""
    figure = re.compile(r'<figure class="dl-figure( dl-figure--wide)?">\s*<img[^>]*src="([^"]+)"', re.S)
    seen = {True: 0, False: 0}
    for html_file in site.glob("**/index.html"):
        for wide, src in figure.findall(html_file.read_text(encoding="utf-8")):
            image = (html_file.parent / src).resolve()
            assert bool(wide) == (display_width(image) > WIDE), (html_file, src)
            seen[bool(wide)] += 1
    assert seen[True] and seen[False], seen


def test_api_reference_is_localised_and_enriched(site):
    from dl_notes.experiments import optimizer_trajectories

    ja, en = page(site, "api/optim/"), page(site, "en/api/optim/")
    for html in (ja, en):
        assert "dl_notes.optim.Adam" in html
        # one "measured" box per optimizer of the experiment, each with the figure
        assert html.count('<details class="info" open>') == len(optimizer_trajectories.COURSE)
        assert html.count("optimizer_trajectories-trajectories.svg") == len(optimizer_trajectories.COURSE)
    assert "実測" in ja and "Measured" in en
    assert "Parameters" in en and "引数" not in en
    distances = results()["results"]["optimizer_trajectories"]["final_distance"]
    assert fmt(distances["adam"]) in en


def test_every_page_has_its_own_description_in_its_language(site):
    default = re.search(r'<meta name="description" content="([^"]*)"', page(site, "")).group(1)
    for path in page_paths():
        for lang, prefix in (("ja", ""), ("en", "en/")):
            html = page(site, prefix + path)
            found = re.search(r'<meta name="description" content="([^"]*)"', html)
            assert found and found.group(1).strip(), f"/{prefix}{path}: no description"
            if path:  # the home pages may use the site's own description
                assert found.group(1) != default, f"/{prefix}{path}: the site's description, not the page's"
            assert bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", found.group(1))) == (lang == "ja"), f"/{prefix}{path}"


def test_sitemap_and_404_page(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for path in page_paths():
        assert f"/dl-notes/{path}</loc>" in sitemap and f"/dl-notes/en/{path}</loc>" in sitemap or path == "", path
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert "<h1>404</h1>" in not_found and "English home" in not_found and "日本語のホーム" in not_found


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_notebook_figure_is_on_its_page(site, lang):
    """Each show(...) of a notebook is an image on the built page (once, not dropped)."""
    for source in sorted(DOCS.glob(f"notebooks/*.{lang}.py")):
        name = source.name.removesuffix(f".{lang}.py")
        shown = len(re.findall(r"^\s*show\(", source.read_text(encoding="utf-8"), re.M))
        html = page(site, ("" if lang == "ja" else "en/") + f"notebooks/{name}/")
        assert html.count('<img') == shown, f"{source.name}: {shown} figures shown, {html.count('<img')} on the page"
