"""The offline archives the build writes into ``downloads/`` (scripts/dl_notes_site/offline.py).

The site archive must hold every page of both languages as a file a browser opens from disk, with
no link that needs a web server (a folder, or a path from the site's root), and each language's
search index as the script Material loads from ``file://``. Each notebook archive holds its
language's notebooks under plain names, the ``dl_notes`` package they import and a README. The
home pages show each archive's real size. The browser checks are in test_browser_offline.py.
"""

from __future__ import annotations

import json
import posixpath
import re
import zipfile
from pathlib import Path

import pytest

from _site import DOCS, page_paths
from dl_notes_site import offline

LANGUAGES = {"ja": "", "en": "en/"}  # language -> its folder in the site
HREF_OR_SRC = re.compile(r'\s(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def site_zip(site) -> zipfile.ZipFile:
    with zipfile.ZipFile(site / offline.DOWNLOADS / offline.SITE_ARCHIVE) as archive:
        yield archive


@pytest.fixture(scope="module")
def copy(site_zip) -> dict[str, bytes]:
    """The offline copy: site path -> bytes (its top folder dropped)."""
    prefix = offline.SITE_FOLDER + "/"
    assert all(name.startswith(prefix) for name in site_zip.namelist()), "the archive must unzip into one folder"
    return {name.removeprefix(prefix): site_zip.read(name) for name in site_zip.namelist()}


def test_every_page_of_both_languages_is_an_index_html(copy):
    missing = [folder + path + "index.html" for folder in LANGUAGES.values() for path in page_paths()
               if folder + path + "index.html" not in copy]
    assert missing == []


def test_what_the_copy_leaves_out(copy):
    left_in = [name for name in copy if name.endswith((".ipynb", ".map", "search_index.json"))
               or name.startswith("downloads/") or posixpath.basename(name) in ("404.html", "sitemap.xml", "objects.inv")]
    assert left_in == []


def test_no_link_needs_a_web_server(copy):
    """Every relative link and source of every page is a file of the copy (a folder opens a
    listing from ``file://``); none starts at the site's root (``/``), which from ``file://`` is
    the disk's root."""
    problems = []
    for name, data in copy.items():
        if not name.endswith(".html"):
            continue
        for url in HREF_OR_SRC.findall(data.decode("utf-8")):
            if url.startswith("/") and not url.startswith("//"):
                problems.append(f"{name}: {url} (from the root)")
            elif not re.match(r"^(?:[a-zA-Z][\w+.-]*:|//|#|\?)", url) and url:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), re.split(r"[#?]", url)[0]))
                if target not in copy:
                    problems.append(f"{name}: {url} (no such file)")
    assert problems[:20] == []


def test_every_page_loads_the_worker_shim_before_the_bundle(copy):
    assert offline.SHIM in copy
    wrong = []
    for name, data in copy.items():
        if name.endswith(".html"):
            text = data.decode("utf-8")
            shim, bundle = text.find(posixpath.basename(offline.SHIM)), text.find("assets/javascripts/bundle.")
            if bundle >= 0 and not 0 <= shim < bundle:
                wrong.append(name)
    assert wrong == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_search_index_as_a_script_whose_results_are_files(copy, site, lang):
    folder = LANGUAGES[lang]
    script = copy[f"{folder}search/search_index.js"].decode("utf-8")
    assert script.startswith("var __index = ")
    index = json.loads(script.removeprefix("var __index = ").removesuffix(";"))
    built = json.loads((site / folder / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert len(index["docs"]) == len(built["docs"]) and index["config"] == built["config"]
    pages = {folder + doc["location"].split("#")[0] for doc in index["docs"]}
    assert sorted(page for page in pages if page not in copy) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_shows_the_real_size_of_each_archive(site, lang):
    home = (site / LANGUAGES[lang] / "index.html").read_text(encoding="utf-8")
    shown = dict(re.findall(r'data-offline-size="([^"]+)">([^<]*)<', home))
    real = {name: offline.LABELS[lang]["size"].format(offline.human_size((site / offline.DOWNLOADS / name).stat().st_size))
            for name in offline.ARCHIVES}
    assert shown == real
    for name in offline.ARCHIVES:
        assert f'href="{"../" if LANGUAGES[lang] else ""}downloads/{name}"' in home


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_of_the_copy_says_it_is_the_copy(copy, lang):
    home = copy[LANGUAGES[lang] + "index.html"].decode("utf-8")
    assert offline.LABELS[lang]["reading"] in home
    assert offline.SITE_ARCHIVE not in home.replace(f'data-offline-archive="{offline.SITE_ARCHIVE}"', "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_notebook_archive_holds_its_language_notebooks_the_package_and_a_readme(site, lang):
    expected = sorted(p.name.removesuffix(f".{lang}.py") + ".ipynb" for p in (DOCS / "notebooks").glob(f"*.{lang}.py"))
    with zipfile.ZipFile(site / offline.DOWNLOADS / offline.notebooks_archive(lang)) as archive:
        names = archive.namelist()
        folder = f"dl-notes-notebooks-{lang}/"
        assert all(name.startswith(folder) for name in names)
        notebooks = sorted(n.removeprefix(folder) for n in names if n.endswith(".ipynb"))
        assert notebooks == expected
        assert json.loads(archive.read(folder + notebooks[0]))["cells"]  # a whole notebook, not a stub
        assert {folder + "README.md", folder + "dl_notes/__init__.py", folder + "dl_notes/data/mnist_subset.tar.gz"} <= set(names)
        assert not [n for n in names if "__pycache__" in n]
        readme = archive.read(folder + "README.md").decode("utf-8")
        assert "numpy" in readme and "matplotlib" in readme and "jupyter lab" in readme


def test_the_archives_are_deterministic(site):
    """Sorted entries and one fixed timestamp: the same site gives the same bytes."""
    for name in offline.ARCHIVES:
        with zipfile.ZipFile(site / offline.DOWNLOADS / name) as archive:
            infos = archive.infolist()
            assert [i.filename for i in infos] == sorted(i.filename for i in infos)
            assert {i.date_time for i in infos} == {offline.FIXED_TIME}


def test_rewriting_a_notebook_archive_gives_the_same_bytes(site, tmp_path):
    copy_dir = tmp_path / "site"
    for path in site.rglob("*.en.ipynb"):
        target = copy_dir / path.relative_to(site)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    built = (site / offline.DOWNLOADS / offline.notebooks_archive("en")).read_bytes()
    readme = zipfile.ZipFile(site / offline.DOWNLOADS / offline.notebooks_archive("en")).read("dl-notes-notebooks-en/README.md")
    (copy_dir / offline.DOWNLOADS).mkdir()
    offline.write_notebooks_archive(copy_dir, "en", readme.decode("utf-8"))
    assert (copy_dir / offline.DOWNLOADS / offline.notebooks_archive("en")).read_bytes() == built
