"""MkDocs hook: turn the jupytext notebooks into executed ``.ipynb`` pages, cached.

Each ``docs/notebooks/<name>.<lang>.py`` (percent format) is executed with a Jupyter kernel and
written next to it as ``<name>.<lang>.ipynb`` (gitignored), which mkdocs-jupyter renders
(``execute: false``) and offers for download. The executed notebook is cached under
``.cache/notebooks/`` by a key over the notebook's text, every ``dl_notes`` source and the
versions, so a change in ``dl_notes`` re-runs it (mkdocs-jupyter's own cache would not notice)
while an unchanged build executes nothing. A failing cell fails the build.
"""

from __future__ import annotations

import hashlib
import logging
import platform
import subprocess
import time
from pathlib import Path

import jupytext
import nbformat
from mkdocs.plugins import event_priority

import dl_notes
from dl_notes._files import write_if_changed

log = logging.getLogger("mkdocs.hooks.notebooks")
PACKAGE = Path(dl_notes.__file__).resolve().parent
CACHE = PACKAGE.parent / ".cache" / "notebooks"
TIMEOUT = 600  # seconds per cell


def notebook_key(source: Path) -> str:
    digest = hashlib.sha256(source.read_bytes())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(f"{platform.python_version()} {jupytext.__version__}".encode())
    return digest.hexdigest()[:20]


def execute(source: Path) -> bytes:
    from nbclient import NotebookClient

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata.pop("jupytext", None)
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(source.parent)}})
    # Cell errors come back as messages; the kernel's own stderr only says that it runs over
    # local TCP without encryption, a warning that would read as a build problem.
    client.execute(stderr=subprocess.DEVNULL)
    return nbformat.writes(notebook).encode()


@event_priority(50)
def on_pre_build(config):
    for source in sorted((Path(config.docs_dir) / "notebooks").glob("*.py")):
        cached = CACHE / f"{source.stem}-{notebook_key(source)}.ipynb"
        if not cached.is_file():
            start = time.perf_counter()
            data = execute(source)
            CACHE.mkdir(parents=True, exist_ok=True)
            write_if_changed(cached, data)
            log.info("notebook %s executed in %.1f s", source.name, time.perf_counter() - start)
        write_if_changed(source.with_suffix(".ipynb"), cached.read_bytes())
