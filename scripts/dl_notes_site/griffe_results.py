"""Griffe extension: append build-time measurements to docstrings in the API reference.

Experiments may define ``api_notes(result, lang) -> {object path: (markdown, figure name)}``;
the ``dl_notes/experiments`` plugin collects them into ``docs/assets/generated/api_notes.json``. This extension
adds each note, with its figure, as an admonition section at the end of that object's rendered
docstring, in the language of the build (``DL_NOTES_SITE_LANG``, set by the ``dl_notes/i18n_fixes`` plugin).
The docstring in the source stays as it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import griffe

from dl_notes_site.macros import figure_html

TITLES = {"ja": "実測（サイトのビルド時に計算）", "en": "Measured (computed when the site is built)"}
# Written by experiments.py in on_config, before griffe loads anything; resolved from this file,
# not from the working directory, so `mkdocs build -f path/to/mkdocs.yml` works from anywhere.
NOTES = Path(__file__).resolve().parents[2] / "docs" / "assets" / "generated" / "api_notes.json"


class ResultsExtension(griffe.Extension):
    def __init__(self, notes: str | None = None) -> None:
        super().__init__()
        self.notes_path = Path(notes) if notes else NOTES

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        lang = os.environ.get("DL_NOTES_SITE_LANG", "ja")
        if not self.notes_path.is_file():
            raise FileNotFoundError(f"{self.notes_path} is missing: the experiments hook writes it before griffe runs")
        notes = json.loads(self.notes_path.read_text(encoding="utf-8")).get(lang, {})
        for path, note in notes.items():
            if not path.startswith(pkg.path + "."):
                continue
            obj = pkg.get_member(path.removeprefix(pkg.path + "."))
            if obj.docstring is None:
                raise ValueError(f"api_notes: {path} has no docstring to extend")
            text = note["text"]
            if note.get("figure"):
                text += "\n\n" + figure_html(note["figure"], note["alt"])
            obj.docstring.parsed.append(griffe.DocstringSectionAdmonition(kind="info", text=text, title=TITLES[lang]))
