"""Building the site for the tests (used by tests/conftest.py and tests/test_site.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def mkdocs_build(site_dir: Path) -> subprocess.CompletedProcess:
    """The real build, run from outside the checkout: no hook may depend on the working directory."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "--site-dir", str(site_dir)],
        cwd=site_dir.parent, capture_output=True, text=True, env=env,
    )


DOCS = ROOT / "docs"


def page_paths() -> list[str]:
    """Site paths of every page, from the sources: '' (home), 'optimizers/', 'notebooks/<name>/'.

    Each exists in Japanese at the path and in English under 'en/'.
    """
    paths = []
    for source in DOCS.rglob("*.ja.md"):
        relative = source.relative_to(DOCS).as_posix().removesuffix(".ja.md")  # 'index', 'api/optim'
        paths.append(relative.removesuffix("index") if relative.split("/")[-1] == "index" else relative + "/")
    paths += [f"notebooks/{p.name.removesuffix('.ja.py')}/" for p in (DOCS / "notebooks").glob("*.ja.py")]
    return sorted(paths)


def published_base_path() -> str:
    """The path part of the published site_url ('/dl-notes/'): absolute links of the 404 page start with it."""
    match = re.search(r'site_url: !ENV \[SITE_URL, "([^"]+)"\]', (ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return urlsplit(match.group(1)).path
