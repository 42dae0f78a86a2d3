"""Every built page links "edit this page" to a file that exists in the repository, and "report an error"
to a new issue with the page's own address."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
EDIT = re.compile(r'<a href="https://github\.com/dl-notes/dl-notes/edit/main/([^"]+)"[^>]*class="[^"]*dl-edit-page')
REPORT = re.compile(r'<a href="(https://github\.com/dl-notes/dl-notes/issues/new\?[^"]+)"[^>]*class="[^"]*dl-report-error')


def test_every_page_can_be_edited_and_reported(site):
    pages = [p for p in site.rglob("index.html") if "assets" not in p.parts]
    assert len(pages) > 200
    missing, unreported = [], []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        edit, report = EDIT.search(text), REPORT.search(text)
        if not edit or not (ROOT / unescape(edit.group(1))).is_file():
            missing.append(f"{page.relative_to(site)}: {edit and edit.group(1)}")
        path = page.parent.relative_to(site).as_posix()
        body = parse_qs(urlsplit(unescape(report.group(1))).query)["body"][0] if report else ""
        if not body.startswith(("ページ：", "Page: ")) or not body.split("\n")[0].rstrip("/").endswith(path.rstrip(".")):
            unreported.append(f"{path}: {body[:80]!r}")
    assert missing == [], f"edit links to no file: {missing[:10]}"
    assert unreported == [], f"report links without the page's address: {unreported[:10]}"
