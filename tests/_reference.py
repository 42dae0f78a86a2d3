"""Recorded PyTorch reference values, and the live variant when torch is importable.

``tests/references/<topic>.npz`` is written by ``python -m dl_notes_references`` from
``scripts/dl_notes_references/<topic>.py`` (``record() -> dict[str, np.ndarray]``). Tests compare against
the recorded arrays, so they need no PyTorch; where torch is installed, ``reference(topic,
"live")`` re-runs the same ``record()`` and the same tests compare against fresh values.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "tests" / "references"

# Parametrise a fixture over these to run a test on the recorded and on the live values.
SOURCES = ("recorded", "live")


def load_reference(topic: str) -> dict[str, np.ndarray]:
    """The recorded arrays of ``topic`` (``tests/references/<topic>.npz``)."""
    with np.load(RECORDED / f"{topic}.npz", allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def torch_or_skip() -> ModuleType:
    """``torch``, or skip the calling test when it is not installed."""
    return pytest.importorskip("torch", reason="PyTorch is not installed: live reference checks are skipped")


def recorder(topic: str) -> ModuleType:
    """The recorder ``dl_notes_references.<topic>`` (its settings are importable without torch)."""
    return importlib.import_module(f"dl_notes_references.{topic}")


@cache
def _live(topic: str) -> dict[str, np.ndarray]:
    torch = torch_or_skip()
    torch.use_deterministic_algorithms(True)
    return recorder(topic).record()


def reference(topic: str, source: str) -> dict[str, np.ndarray]:
    """The reference arrays from ``source``: "recorded" (the fixture) or "live" (PyTorch now; skips without it)."""
    if source == "live":
        torch_or_skip()
        return _live(topic)
    return load_reference(topic)
