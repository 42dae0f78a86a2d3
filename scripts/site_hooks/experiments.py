"""MkDocs hook: run the experiments through the cache and hand their results to the pages.

On every build (each language, each `mkdocs serve` reload) it makes sure every experiment's
result is fresh — a cache hit costs a few milliseconds — draws any figure whose result changed
into ``docs/assets/generated/<lang>/``, and exposes the values as ``results.<experiment>.<key>``
(and the run metadata as ``runs.<experiment>``) to mkdocs-macros, through ``config.extra``.
Generated files are written only when their bytes change, so live reload does not loop.

``mkdocs serve`` rebuilds in one long-lived process: after an edit to ``dl_notes`` the modules it
imported are stale, and running them would store old results under the new cache key. So each
build first checks the package's sources, and re-imports ``dl_notes`` when they changed.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import sys
from pathlib import Path
from types import SimpleNamespace

from mkdocs.plugins import event_priority

import dl_notes

log = logging.getLogger("mkdocs.hooks.experiments")
PACKAGE = Path(dl_notes.__file__).resolve().parent
_sources_seen: list[str] = []  # the fingerprint of dl_notes at the last build of this process


def current_dl_notes() -> SimpleNamespace:
    """The pipeline's functions, from a fresh import of dl_notes if its sources changed."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + path.read_bytes())
    if _sources_seen and _sources_seen[-1] != digest.hexdigest():
        for module in [m for m in sys.modules if m == "dl_notes" or m.startswith("dl_notes.")]:
            del sys.modules[module]
        log.info("dl_notes changed: re-imported")
    _sources_seen[:] = [digest.hexdigest()]
    experiments = importlib.import_module("dl_notes.experiments")
    return SimpleNamespace(
        get=experiments.get, names=experiments.names,
        run_many=importlib.import_module("dl_notes.experiments.__main__").run_many,
        render=importlib.import_module("dl_notes.experiments._figures").render,
        figure_filename=importlib.import_module("dl_notes.experiments._figures").figure_filename,
        write_if_changed=importlib.import_module("dl_notes._files").write_if_changed,
        LANGS=importlib.import_module("dl_notes.experiments._plotting").LANGS,
    )


@event_priority(100)  # before mkdocs-macros reads config.extra
def on_config(config):
    generated = Path(config.docs_dir) / "assets" / "generated"
    dn = current_dl_notes()
    # The first build of a process shows progress and a summary on stderr; the later ones
    # (the English build, serve reloads) stay quiet unless an experiment had to run.
    first = not _reported
    outcomes = dn.run_many(dn.names(), out=sys.stderr if first else _Quiet())
    if not first and any(o.ran for o in outcomes):
        log.info("experiments re-run: %s", ", ".join(f"{o.name} ({o.reason})" for o in outcomes if o.ran))
    _reported.add(True)
    drawn = []
    for outcome in outcomes:
        for lang in dn.LANGS:
            drawn += dn.render(dn.get(outcome.name), outcome.name, outcome.result, lang, generated)
    if drawn:
        log.info("figures drawn: %s", ", ".join(drawn))
    results = {o.name: o.result.values for o in outcomes}
    runs = {o.name: o.result.meta for o in outcomes}
    dn.write_if_changed(
        generated / "results.json",
        json.dumps({"results": results, "runs": runs}, sort_keys=True, ensure_ascii=False, indent=1).encode(),
    )
    notes = {lang: _api_notes(dn, outcomes, lang) for lang in dn.LANGS}
    dn.write_if_changed(generated / "api_notes.json", json.dumps(notes, sort_keys=True, ensure_ascii=False, indent=1).encode())
    config.extra["results"] = results
    config.extra["runs"] = runs
    return config


_reported: set[bool] = set()


def _api_notes(dn, outcomes, lang: str) -> dict[str, dict[str, str]]:
    """Notes that experiments attach to API objects (see ``griffe_results.py``)."""
    notes = {}
    for outcome in outcomes:
        module = dn.get(outcome.name)
        if not hasattr(module, "api_notes"):
            continue
        for path, (text, figure) in module.api_notes(outcome.result, lang).items():
            notes[path] = {"text": text, "alt": module.TITLE[lang], "figure": figure and f"/assets/generated/{lang}/{dn.figure_filename(outcome.name, figure)}"}
    return notes


class _Quiet:
    """A file that swallows what is written to it."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
