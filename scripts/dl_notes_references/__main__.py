"""Record PyTorch reference values into ``tests/references/<topic>.npz``.

Each module ``dl_notes_references.<topic>`` defines ``record() -> dict[str, numpy.ndarray]``:
inputs it draws (seeded) and the outputs and gradients PyTorch computes from them. The tests
compare ``dl_notes`` against these recorded arrays, so PyTorch is needed only to re-record:

    python -m venv /tmp/torch && /tmp/torch/bin/pip install torch==2.13.0 numpy
    PYTHONPATH=.:scripts /tmp/torch/bin/python -m dl_notes_references [TOPIC ...]

Files are written only when their content changes, with the torch version stored inside.
"""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
TOPICS = Path(__file__).resolve().parent
OUT = ROOT / "tests" / "references"


def main(topics: list[str]) -> int:
    import torch

    torch.use_deterministic_algorithms(True)
    available = sorted(p.stem for p in TOPICS.glob("*.py") if not p.name.startswith("_"))
    unknown = sorted(set(topics) - set(available))
    if unknown:
        print(f"unknown topic(s) {unknown}; known: {available}", file=sys.stderr)
        return 2
    for topic in topics or available:
        arrays = importlib.import_module(f"{__package__}.{topic}").record()
        arrays["torch_version"] = np.array(torch.__version__)
        buffer = io.BytesIO()
        np.savez(buffer, **dict(sorted(arrays.items())))
        path = OUT / f"{topic}.npz"
        changed = not path.is_file() or not _same(path, arrays)
        if changed:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_bytes(buffer.getvalue())
        print(f"{path.relative_to(ROOT)}: {len(arrays)} arrays, {'written' if changed else 'unchanged'}")
    return 0


def _same(path: Path, arrays: dict[str, np.ndarray]) -> bool:
    with np.load(path) as old:
        return set(old.files) == set(arrays) and all(np.array_equal(old[k], arrays[k]) for k in arrays)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
