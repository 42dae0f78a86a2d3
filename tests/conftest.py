"""Fixtures shared by the site tests: one real build of the site per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
    if browser.SITE_BYTES:
        write(f"site size: {browser.SITE_BYTES[0] / 1e6:.1f} MB uncompressed (both languages, all assets)")
    write("page weight (transferred with gzip / uncompressed), heaviest first:")
    for path, (sent, raw) in sorted(weights.items(), key=lambda kv: -kv[1][0])[:5]:
        write(f"  {sent / 1e6:6.2f} MB / {raw / 1e6:5.2f} MB  {path}")
