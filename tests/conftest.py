"""Fixtures shared by the site tests: one real build of the site per test session."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

import _browser
from _site import mkdocs_build


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    site = tmp_path_factory.mktemp("site")
    return site, mkdocs_build(site)


@pytest.fixture(scope="session")
def site(build) -> Path:
    """The built site's folder; the build must have succeeded."""
    site, done = build
    assert done.returncode == 0, done.stderr[-4000:]
    return site


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="save full-page PNGs of every page (desktop and phone) into DIR/<lang>/")


def pytest_terminal_summary(terminalreporter):
    """The page-weight report of tests/test_browser.py: the five heaviest pages."""
    browser = sys.modules.get("test_browser")
    weights = getattr(browser, "WEIGHTS", None)
    if not weights:
        return
    write = terminalreporter.write_line
    if _browser.SITE_BYTES:
        write(f"site size: {_browser.SITE_BYTES[0] / 1e6:.1f} MB uncompressed (both languages, all assets)")
    write("page weight (transferred with gzip / uncompressed), heaviest first:")
    for path, (sent, raw) in sorted(weights.items(), key=lambda kv: -kv[1][0])[:5]:
        write(f"  {sent / 1e6:6.2f} MB / {raw / 1e6:5.2f} MB  {path}")


# --- experiment tests: a test module names its experiment `exp` ------------------------------

@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test drew (matplotlib keeps every open figure alive)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(scope="module")
def tiny(request):
    """The module's experiment ``exp`` run on its TINY configuration."""
    return request.module.exp.run(request.module.exp.TINY)


@pytest.fixture(scope="module")
def default(request):
    """The module's experiment ``exp`` on DEFAULT, through the cache: what the site shows."""
    from dl_notes.experiments import load

    return load(request.module.exp.__name__.rsplit(".", 1)[1])


# --- browser tests (tests/test_browser*.py): one server and one Chromium per session --------------

@pytest.fixture(scope="session")
def server(site):
    handler = partial(type("Handler", (_browser.GzipHandler,), {"sizes": {}}), directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.sizes = handler.func.sizes
    _browser.SITE_BYTES.append(sum(f.stat().st_size for f in site.rglob("*") if f.is_file()))
    yield httpd
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not _browser.CHROMIUM.exists():
        message = f"Chromium not found at {_browser.CHROMIUM}: apt-get install chromium (or set DL_NOTES_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(_browser.CHROMIUM), args=_browser.CHROMIUM_ARGS)
        yield chromium
        chromium.close()
