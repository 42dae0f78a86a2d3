"""Fixtures shared by the site tests: one real build of the site per test session."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

import _browser
from _site import build_in_background, read_record


# Tests with these fixtures run after the others: they need the built site, or (`default`,
# `site_result`) the experiment results a build puts in the cache. Only `build` starts one.
RUN_LAST = frozenset({"build", "default", "site_result"})
BUILD_TIMEOUT = 40 * 60  # seconds: a build that has not ended by then has hung


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected what will not run
def pytest_collection_modifyitems(config, items):
    """Start the session's one site build now, in the background, and run the tests that wait
    for it last: the unit tests run while it builds (a cold build takes minutes, and its
    experiments leave part of the two cores idle).

    Every pytest-xdist worker collects the same items and reorders them the same way, as xdist
    requires; the first worker to get here starts the build and the others find it started.
    """
    last = {item for item in items if RUN_LAST & set(item.fixturenames)}
    items[:] = [item for item in items if item not in last] + [item for item in items if item in last]
    if any("build" in item.fixturenames for item in items) and not os.environ.get("DL_NOTES_SITE"):
        _start_the_build(_shared_folder(config))


@pytest.fixture(scope="session")
def build(pytestconfig) -> tuple[Path, subprocess.CompletedProcess]:
    """The session's one build of the site, started at collection: wait for it to end.

    ``DL_NOTES_SITE=<folder>`` tests a site built before instead (while working on one page or
    one browser test: a build takes minutes); its build output is then unknown (empty).
    """
    if built := os.environ.get("DL_NOTES_SITE"):
        return Path(built), subprocess.CompletedProcess([], 0, "", "")
    folder = _shared_folder(pytestconfig)
    _start_the_build(folder)
    _wait_for_the_build(folder)
    return folder / "site", read_record(folder / "site-build.json")


def _start_the_build(folder: Path) -> None:
    """Start the run's build into ``folder / 'site'`` unless a process of the run already has."""
    with open(folder / "site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "site-build.started").exists():
            (folder / "site-build.started").touch()
            build_in_background(folder / "site", folder / "site-build.json")


def _wait_for_the_build(folder: Path) -> None:
    """Wait until the build started at collection (if one was) has ended."""
    if not (folder / "site-build.started").exists():
        return
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not (folder / "site-build.json").exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the site build into {folder / 'site'} did not end within {BUILD_TIMEOUT} s")
        time.sleep(0.5)


def _shared_folder(config) -> Path:
    """The run's temporary folder: under pytest-xdist the workers' folders are inside it."""
    base = config._tmp_path_factory.getbasetemp()  # pytest's own folder for the run; no public handle in a hook
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


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
    """The page-weight report of tests/test_browser.py: the five heaviest pages.

    The weights travel as the tests' user properties, so the report also works when pytest-xdist
    runs the tests in worker processes.
    """
    reports = [r for kind in ("passed", "failed") for r in terminalreporter.stats.get(kind, []) if r.when == "call"]
    properties = [value for r in reports for name, value in r.user_properties if name == "page_weight"]
    if not properties:
        return
    write = terminalreporter.write_line
    write(f"site size: {properties[0]['site'] / 1e6:.1f} MB uncompressed (both languages, all assets)")
    write("page weight (transferred with gzip / uncompressed), heaviest first:")
    weights = sorted(((p["sent"], p["raw"], p["path"]) for p in properties), reverse=True)
    for sent, raw, path in weights[:5]:
        write(f"  {sent / 1e6:6.2f} MB / {raw / 1e6:5.2f} MB  {path}")


# --- experiment tests: a test module names its experiment `exp` ------------------------------

@pytest.fixture(autouse=True)
def _seed_the_global_random_state():
    """Code written the course's way (``TwoLayerNet()``, ``np.random.choice``) draws from NumPy's
    global random state. Seeded before every test, a test's numbers do not depend on which tests
    ran before it in the same process (pytest-xdist hands each worker a different set)."""
    np.random.seed(0)


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


@pytest.fixture
def site_result(request):
    """``site_result(name)``: experiment ``name`` on DEFAULT through the cache, as the site shows
    it. When the session builds the site, waits for the build, which computes it."""
    from dl_notes.experiments import load

    _wait_for_the_build(_shared_folder(request.config))
    return load


@pytest.fixture(scope="module")
def default(request):
    """The module's experiment ``exp`` on DEFAULT, through the cache: what the site shows.

    When the session builds the site, the build computes it: wait for the build rather than
    compute it a second time beside it."""
    from dl_notes.experiments import load

    _wait_for_the_build(_shared_folder(request.config))

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
