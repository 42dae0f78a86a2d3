"""Building the site for the tests (used by tests/conftest.py and tests/test_site.py)."""

from __future__ import annotations

import json
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


def build_in_background(site_dir: Path, record: Path) -> subprocess.Popen:
    """Start `mkdocs_build` into ``site_dir`` in another process; ``record`` appears when it ends.

    The record (`read_record` reads it) is written to a temporary name and renamed, so a reader
    never sees half of it; a build that crashes still writes one.
    """
    return subprocess.Popen([sys.executable, __file__, str(site_dir), str(record)], cwd=site_dir.parent,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read_record(record: Path) -> subprocess.CompletedProcess:
    """The build that `build_in_background` recorded."""
    return subprocess.CompletedProcess(*json.loads(record.read_text(encoding="utf-8")))


def _build_and_record(site_dir: Path, record: Path) -> None:
    try:
        done = mkdocs_build(site_dir)
        fields = [done.args, done.returncode, done.stdout, done.stderr]
    except BaseException as error:  # the waiting tests must learn why, not wait for ever
        fields = [[], 1, "", f"the background build failed to run: {error!r}"]
    partial = record.with_suffix(".partial")
    partial.write_text(json.dumps(fields), encoding="utf-8")
    partial.replace(record)


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


if __name__ == "__main__":
    _build_and_record(Path(sys.argv[1]), Path(sys.argv[2]))
