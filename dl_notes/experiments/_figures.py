"""Save experiment figures as files, deterministically, and only when they change.

Drawing is the slow part of a warm build, so each experiment keeps a manifest per output folder
(``.manifests/<lang>/<experiment>.json``): a figure is redrawn only when its result's cache key
(which covers the plotting code), the matplotlib version, or the file itself changed. One
manifest per experiment lets experiments draw in parallel processes without sharing a file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import ModuleType

from dl_notes._files import sha256_bytes, write_if_changed
from ._plotting import LANGS, SAVE_RC
from ._result import Result

MANIFESTS = ".manifests"


def figure_bytes(figure, suffix: str) -> bytes:
    """The figure as SVG or PNG bytes with no date or software stamp (identical runs, identical bytes)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    with plt.rc_context(SAVE_RC):
        if suffix == ".png":
            figure.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight", dpi=110)
        else:
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def figure_filename(experiment: str, figure: str) -> str:
    """``optimizer_trajectories-trajectories.svg`` for figure ``trajectories``.

    >>> figure_filename("weight_init", "filters.png")
    'weight_init-filters.png'
    """
    suffix = "" if figure.endswith(".png") else ".svg"
    return f"{experiment}-{figure}{suffix}"


def figure_paths(module: ModuleType, name: str, langs: tuple[str, ...] = LANGS) -> list[str]:
    """The files (relative to the output folder) that experiment ``name`` draws: ``<lang>/<file>``."""
    return [f"{lang}/{figure_filename(name, figure)}" for lang in langs for figure in module.FIGURES]


def _drawing_key(result: Result) -> str:
    import matplotlib

    return f"{result.meta.get('key')}/matplotlib-{matplotlib.__version__}"


def _manifest(out_dir: Path, name: str, lang: str) -> tuple[Path, dict]:
    path = out_dir / MANIFESTS / lang / f"{name}.json"
    try:
        return path, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path, {}


def stale(module: ModuleType, name: str, result: Result, lang: str, out_dir: Path) -> list[str]:
    """The figures of experiment ``name`` in ``lang`` that must be drawn (again): missing, changed
    on disk, or drawn from another result or matplotlib version."""
    _, manifest = _manifest(out_dir, name, lang)
    key = _drawing_key(result)
    names = []
    for figure_name in module.FIGURES:
        relative = f"{lang}/{figure_filename(name, figure_name)}"
        path, entry = out_dir / relative, manifest.get(relative, {})
        if not (entry.get("drawing_key") == key and path.is_file() and sha256_bytes(path.read_bytes()) == entry.get("sha256")):
            names.append(figure_name)
    return names


def render(module: ModuleType, name: str, result: Result, lang: str, out_dir: Path) -> list[str]:
    """Draw the figures of experiment ``name`` in ``lang`` into ``out_dir/lang``.

    Returns the paths (relative to ``out_dir``) that were drawn anew; an up-to-date figure is
    left alone.
    """
    manifest_path, manifest = _manifest(out_dir, name, lang)
    drawn = []
    for figure_name in stale(module, name, result, lang, out_dir):
        plot = module.FIGURES[figure_name]
        relative = f"{lang}/{figure_filename(name, figure_name)}"
        path = out_dir / relative
        data = figure_bytes(plot(result, lang), path.suffix)
        write_if_changed(path, data)
        manifest[relative] = {"drawing_key": _drawing_key(result), "sha256": sha256_bytes(data)}
        drawn.append(relative)
    if drawn:
        write_if_changed(manifest_path, json.dumps(manifest, sort_keys=True, indent=1).encode())
    return drawn


def prune(out_dir: Path, expected: set[str], langs: tuple[str, ...] = LANGS) -> list[str]:
    """Delete the figures in ``out_dir/<lang>/`` that are not ``expected`` (``<lang>/<file>`` paths).

    A figure that the current code no longer draws must not linger: a page could still show it
    on a used checkout and fail on a fresh clone. Returns the deleted paths.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for name in ("a-x.svg", "a-old.svg"):
    ...         _ = write_if_changed(Path(tmp) / "en" / name, b"<svg/>")
    ...     prune(Path(tmp), {"en/a-x.svg"}, langs=("en",))
    ['en/a-old.svg']
    """
    removed = []
    for lang in langs:
        folder = out_dir / lang
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            relative = f"{lang}/{path.name}"
            if path.is_file() and path.suffix in (".svg", ".png") and relative not in expected:
                path.unlink()
                removed.append(relative)
    return removed
