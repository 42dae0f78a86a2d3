"""Content-keyed cache of experiment results.

A result is stored under a key that hashes everything it depends on: the experiment name and
configuration, the source of the experiment module and of every ``dl_notes`` module it imports
(transitively), the checksums of the files in ``dl_notes/data``, and the Python and NumPy
versions. Nothing depends on timestamps, so a fresh clone with the same code hits the same key.
An entry is a ``<key>.npz`` (arrays) and a ``<key>.json`` (values, metadata and the SHA-256 of the
``.npz``); a missing, truncated or altered entry is reported and recomputed.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import platform
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import dl_notes
from dl_notes._files import atomic_write, sha256_bytes

from ._result import Result

FORMAT = 1
PACKAGE_DIR = Path(dl_notes.__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


class CorruptEntry(Exception):
    """A cache entry that cannot be trusted."""


def default_dir() -> Path:
    """Where results are cached: ``$DL_NOTES_CACHE``, else ``.cache/`` of the source checkout,
    else the user cache directory."""
    if env := os.environ.get("DL_NOTES_CACHE"):
        return Path(env) / "experiments"
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / ".cache" / "experiments"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dl_notes" / "experiments"


def dl_notes_imports(path: Path) -> set[Path]:
    """Source files of the ``dl_notes`` modules that the module at ``path`` imports, directly."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts[:-1]
    found: set[Path] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            stem = base + (node.module.split(".") if node.module else [])
            # `from pkg import name` may import a submodule `pkg.name`: try both.
            modules = [".".join(stem)] + [".".join(stem + [alias.name]) for alias in node.names]
        else:
            continue
        for module in modules:
            if module.split(".")[0] == "dl_notes":
                found |= _module_files(module)
    return found


def _module_files(module: str) -> set[Path]:
    """The files that importing ``module`` executes: each package ``__init__`` on the way and the
    module itself."""
    parts = module.split(".")
    files = set()
    for i in range(1, len(parts) + 1):
        base = PACKAGE_DIR.parent.joinpath(*parts[:i])
        for candidate in (base / "__init__.py", base.with_suffix(".py")):
            if candidate.is_file():
                files.add(candidate)
    return files


def source_closure(path: Path) -> list[Path]:
    """``path`` and every ``dl_notes`` source it imports, transitively, sorted."""
    seen: set[Path] = set()
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(dl_notes_imports(current) - seen)
    return sorted(seen)


def data_checksums() -> dict[str, str]:
    if not DATA_DIR.is_dir():
        return {}
    return {
        p.relative_to(DATA_DIR).as_posix(): sha256_bytes(p.read_bytes())
        for p in sorted(DATA_DIR.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def key_inputs(name: str, module: ModuleType, config: Any) -> dict[str, Any]:
    """Everything the result of ``module.run(config)`` depends on, as a JSON-able dict."""
    root = PACKAGE_DIR.parent
    return {
        "format": FORMAT,
        "experiment": name,
        "config": dataclasses.asdict(config),
        "sources": {
            p.relative_to(root).as_posix(): sha256_bytes(p.read_bytes())
            for p in source_closure(Path(module.__file__))
        },
        "data": data_checksums(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def cache_key(inputs: dict[str, Any]) -> str:
    return sha256_bytes(json.dumps(inputs, sort_keys=True).encode())[:20]


class Cache:
    """Results on disk, one folder per experiment."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_dir()

    def paths(self, name: str, key: str) -> tuple[Path, Path]:
        folder = self.root / name
        return folder / f"{key}.json", folder / f"{key}.npz"

    def load(self, name: str, key: str) -> Result | None:
        """The stored result, or None when there is none. Raises CorruptEntry for a bad entry."""
        meta_path, arrays_path = self.paths(name, key)
        if not meta_path.exists() and not arrays_path.exists():
            return None
        try:
            record = json.loads(meta_path.read_text(encoding="utf-8"))
            payload = arrays_path.read_bytes()
            if record.get("format") != FORMAT or record.get("arrays_sha256") != sha256_bytes(payload):
                raise CorruptEntry("checksum or format mismatch")
            with np.load(arrays_path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            return Result(arrays=arrays, values=record["values"], meta=record["meta"])
        except CorruptEntry:
            raise
        except Exception as exc:  # truncated JSON, missing half, unreadable zip, ...
            raise CorruptEntry(f"{type(exc).__name__}: {exc}") from exc

    def store(self, name: str, key: str, result: Result) -> None:
        meta_path, arrays_path = self.paths(name, key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=meta_path.parent, suffix=".npz", delete=False) as tmp:
            np.savez_compressed(tmp, **result.arrays)
        payload = Path(tmp.name).read_bytes()
        record = {"format": FORMAT, "arrays_sha256": sha256_bytes(payload), "values": result.values, "meta": result.meta}
        # The .npz first, then the .json that vouches for it: a crash in between leaves an
        # entry whose checksum does not match, which load() rejects.
        os.replace(tmp.name, arrays_path)
        atomic_write(meta_path, json.dumps(record, sort_keys=True, ensure_ascii=False, indent=1).encode())

    def discard(self, name: str, key: str) -> None:
        for path in self.paths(name, key):
            path.unlink(missing_ok=True)
