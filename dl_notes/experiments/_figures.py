"""Save experiment figures as files, deterministically, and only when they change.

Drawing is the slow part of a warm build, so each output folder keeps a ``manifest.json``: a
figure is redrawn only when its result's cache key (which covers the plotting code), the
matplotlib version, or the file itself changed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import ModuleType

from dl_notes._files import sha256_bytes, write_if_changed
from ._plotting import SAVE_RC
from ._result import Result

MANIFEST = "manifest.json"


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


def _drawing_key(result: Result) -> str:
    import matplotlib

    return f"{result.meta.get('key')}/matplotlib-{matplotlib.__version__}"


def render(module: ModuleType, name: str, result: Result, lang: str, out_dir: Path) -> list[str]:
    """Draw the figures of experiment ``name`` in ``lang`` into ``out_dir/lang``.

    Returns the paths (relative to ``out_dir``) that were drawn anew; an up-to-date figure is
    left alone.
    """
    manifest_path = out_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    drawn = []
    for figure_name, plot in module.FIGURES.items():
        relative = f"{lang}/{figure_filename(name, figure_name)}"
        path = out_dir / relative
        entry = manifest.get(relative, {})
        fresh = (
            entry.get("drawing_key") == _drawing_key(result)
            and path.is_file()
            and sha256_bytes(path.read_bytes()) == entry.get("sha256")
        )
        if fresh:
            continue
        data = figure_bytes(plot(result, lang), path.suffix)
        write_if_changed(path, data)
        manifest[relative] = {"drawing_key": _drawing_key(result), "sha256": sha256_bytes(data)}
        drawn.append(relative)
    if drawn:
        write_if_changed(manifest_path, json.dumps(manifest, sort_keys=True, indent=1).encode())
    return drawn
