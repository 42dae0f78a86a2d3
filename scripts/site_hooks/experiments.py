"""MkDocs hook: run the experiments through the cache and hand their results to the pages.

On every build (each language, each `mkdocs serve` reload) it makes sure every experiment's
result is fresh — a cache hit costs a few milliseconds — draws any figure whose result changed
into ``docs/assets/generated/<lang>/``, and exposes the values as ``results.<experiment>.<key>``
(and the run metadata as ``runs.<experiment>``) to mkdocs-macros, through ``config.extra``.
Generated files are written only when their bytes change, so live reload does not loop.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

from dl_notes.experiments import get, names
from dl_notes.experiments.__main__ import run_many
from dl_notes._files import write_if_changed
from dl_notes.experiments._figures import figure_filename, render
from dl_notes.experiments._plotting import LANGS

log = logging.getLogger("mkdocs.hooks.experiments")


@event_priority(100)  # before mkdocs-macros reads config.extra
def on_config(config):
    generated = Path(config.docs_dir) / "assets" / "generated"
    # The first build of a process shows progress and a summary on stderr; the later ones
    # (the English build, serve reloads) stay quiet unless an experiment had to run.
    first = not _reported
    outcomes = run_many(names(), out=sys.stderr if first else _Quiet())
    if not first and any(o.ran for o in outcomes):
        log.info("experiments re-run: %s", ", ".join(f"{o.name} ({o.reason})" for o in outcomes if o.ran))
    _reported.add(True)
    drawn = []
    for outcome in outcomes:
        for lang in LANGS:
            drawn += render(get(outcome.name), outcome.name, outcome.result, lang, generated)
    if drawn:
        log.info("figures drawn: %s", ", ".join(drawn))
    results = {o.name: o.result.values for o in outcomes}
    runs = {o.name: o.result.meta for o in outcomes}
    write_if_changed(
        generated / "results.json",
        json.dumps({"results": results, "runs": runs}, sort_keys=True, ensure_ascii=False, indent=1).encode(),
    )
    notes = {lang: _api_notes(outcomes, lang) for lang in LANGS}
    write_if_changed(generated / "api_notes.json", json.dumps(notes, sort_keys=True, ensure_ascii=False, indent=1).encode())
    config.extra["results"] = results
    config.extra["runs"] = runs
    return config


_reported: set[bool] = set()


def _api_notes(outcomes, lang: str) -> dict[str, dict[str, str]]:
    """Notes that experiments attach to API objects (see ``griffe_results.py``)."""
    notes = {}
    for outcome in outcomes:
        module = get(outcome.name)
        if not hasattr(module, "api_notes"):
            continue
        for path, (text, figure) in module.api_notes(outcome.result, lang).items():
            notes[path] = {"text": text, "alt": module.TITLE[lang], "figure": figure and f"/assets/generated/{lang}/{figure_filename(outcome.name, figure)}"}
    return notes


class _Quiet:
    """A file that swallows what is written to it."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
