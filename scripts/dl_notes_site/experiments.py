"""MkDocs plugin ``dl_notes/experiments``: run the experiments through the cache and hand their
results to the pages.

On every build (each language, each `mkdocs serve` reload) it makes sure every experiment's
result is fresh and its figures are drawn into ``docs/assets/generated/<lang>/`` — the stale ones
in parallel worker processes, one per CPU; a fresh one costs a few milliseconds — deletes any
generated figure that the current code no longer draws, and exposes the values as
``results.<experiment>.<key>``, the run metadata as ``runs.<experiment>`` and the figure files
as ``figures.<experiment>`` to mkdocs-macros, through ``config.extra``. Generated files are
written only when their bytes change, so live reload does not loop.

``mkdocs serve`` rebuilds in one long-lived process: after an edit to ``dl_notes`` the modules it
imported are stale. So each build compares the package's `fingerprint` with the last one and
re-imports ``dl_notes`` when it changed (the worker processes always import the current code).
It uses only the public API of ``dl_notes.experiments``.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from dl_notes._files import write_if_changed

log = logging.getLogger("mkdocs.plugins.dl_notes.experiments")
_seen: dict[str, str] = {}  # the package fingerprint at the last build of this process
_reported: set[bool] = set()


def pipeline():
    """``dl_notes.experiments``, imported afresh if the package's sources changed since the last build."""
    experiments = importlib.import_module("dl_notes.experiments")
    now = experiments.fingerprint()
    if _seen.get("fingerprint", now) != now:
        for module in [m for m in sys.modules if m == "dl_notes" or m.startswith("dl_notes.")]:
            del sys.modules[module]
        log.info("dl_notes changed: re-imported")
        experiments = importlib.import_module("dl_notes.experiments")
    _seen["fingerprint"] = now
    return experiments


def generated_dir(config) -> Path:
    return Path(config.docs_dir) / "assets" / "generated"


@event_priority(100)  # before mkdocs-macros reads config.extra
def on_config(config):
    generated = generated_dir(config)
    ex = pipeline()
    # The first build of a process shows progress and a summary on stderr; the later ones
    # (the English build, serve reloads) stay quiet unless an experiment had to run.
    first = not _reported
    outcomes = ex.run_many(ex.names(), jobs=os.cpu_count() or 1, figures=generated, out=sys.stderr if first else None)
    _reported.add(True)
    if not first and any(o.ran for o in outcomes):
        log.info("experiments re-run: %s", ", ".join(f"{o.name} ({o.reason})" for o in outcomes if o.ran))
    drawn = [path for o in outcomes for path in o.drawn]
    if drawn and not first:
        log.info("figures drawn: %s", ", ".join(drawn))
    removed = ex.prune(generated, {p for o in outcomes for p in ex.figure_paths(ex.get(o.name), o.name)})
    if removed:
        log.info("generated figures no longer drawn by any experiment, deleted: %s", ", ".join(removed))
    results = {o.name: o.result.values for o in outcomes}
    runs = {o.name: o.result.meta for o in outcomes}
    write_json(generated / "results.json", {"results": results, "runs": runs})
    write_json(generated / "api_notes.json", {lang: _api_notes(ex, outcomes, lang) for lang in ex.LANGS})
    config.extra["results"] = results
    config.extra["runs"] = runs
    config.extra["figures"] = {o.name: [ex.figure_filename(o.name, f) for f in ex.get(o.name).FIGURES] for o in outcomes}
    return config


def write_json(path: Path, data) -> None:
    write_if_changed(path, json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1).encode())


def _api_notes(ex, outcomes, lang: str) -> dict[str, dict[str, str]]:
    """Notes that experiments attach to API objects (see ``griffe_results.py``)."""
    notes = {}
    for outcome in outcomes:
        module = ex.get(outcome.name)
        if not hasattr(module, "api_notes"):
            continue
        for path, (text, figure) in module.api_notes(outcome.result, lang).items():
            notes[path] = {"text": text, "alt": module.TITLE[lang],
                           "figure": figure and f"/assets/generated/{lang}/{ex.figure_filename(outcome.name, figure)}"}
    return notes


class Plugin(BasePlugin):
    """The experiments and their figures, before the pages are rendered."""

    on_config = staticmethod(on_config)
