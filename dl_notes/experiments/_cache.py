"""Content-keyed cache of experiment results.

A result is stored under a key that hashes everything it depends on: the experiment name and
configuration, the source of the experiment module and of every ``dl_notes`` module it imports
(transitively), the checksums of the files in ``dl_notes/data``, and the Python and NumPy
versions. Nothing depends on timestamps, so a fresh clone with the same code hits the same key.
An entry is a ``<key>.npz`` (arrays) and a ``<key>.json`` (values, metadata, and the SHA-256 of
the ``.npz`` and of the values and metadata); a missing, truncated or altered entry is reported
and recomputed.

The same two rules serve the whole site pipeline (the MkDocs plugins in ``dl_notes_site`` too):
`cache_root` is where anything computed is cached, and `fingerprint` is how a set of source
files is hashed.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import io
import os
import platform
from collections.abc import Iterable
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


def cache_root() -> Path:
    """Where computed things are cached (experiment results, executed notebooks): ``$DL_NOTES_CACHE``,
    else ``.cache/`` of the source checkout, else the user cache directory."""
    if env := os.environ.get("DL_NOTES_CACHE"):
        return Path(env)
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / ".cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dl_notes"


def default_dir() -> Path:
    """Where experiment results are cached: ``cache_root() / "experiments"``."""
    return cache_root() / "experiments"


def package_files() -> list[Path]:
    """Every file of the ``dl_notes`` package (sources and data), sorted."""
    return sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def file_digests(files: Iterable[Path]) -> dict[str, str]:
    """``{path relative to the checkout: SHA-256 of its bytes}`` for ``files``."""
    root = PACKAGE_DIR.parent
    return {p.resolve().relative_to(root).as_posix(): sha256_bytes(p.read_bytes()) for p in sorted(files)}


def fingerprint(files: Iterable[Path] | None = None) -> str:
    """One hash of ``files`` (their paths and bytes); of the whole package when ``files`` is None.

    >>> fingerprint() == fingerprint(package_files()) and len(fingerprint())
    20
    """
    digests = file_digests(package_files() if files is None else files)
    return sha256_bytes(json.dumps(digests, sort_keys=True).encode())[:20]


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


def data_files() -> list[Path]:
    """The files of ``dl_notes/data`` (the embedded data sets), sorted."""
    if not DATA_DIR.is_dir():
        return []
    return sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def key_inputs(name: str, module: ModuleType, config: Any) -> dict[str, Any]:
    """Everything the result of ``module.run(config)`` depends on, as a JSON-able dict."""
    return {
        "format": FORMAT,
        "experiment": name,
        "config": dataclasses.asdict(config),
        "sources": file_digests(source_closure(Path(module.__file__))),
        "data": file_digests(data_files()),
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
            if record.get("record_sha256") != _record_digest(record["values"], record["meta"]):
                raise CorruptEntry("the values or metadata were edited (their checksum does not match)")
            if record["meta"].get("key") != key:
                raise CorruptEntry(f"the entry says it is for key {record['meta'].get('key')!r}, not {key!r}")
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
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **result.arrays)
        payload = buffer.getvalue()
        record = {"format": FORMAT, "arrays_sha256": sha256_bytes(payload),
                  "record_sha256": _record_digest(result.values, result.meta),
                  "values": result.values, "meta": result.meta}
        # The .npz first, then the .json that vouches for it: a crash in between leaves an
        # entry whose checksum does not match, which load() rejects.
        atomic_write(arrays_path, payload)
        atomic_write(meta_path, json.dumps(record, sort_keys=True, ensure_ascii=False, indent=1).encode())

    def last_seconds(self, name: str) -> float:
        """How long the most recently stored run of experiment ``name`` took (0 if none is stored)."""
        entries = sorted((self.root / name).glob("*.json"), key=lambda p: p.stat().st_mtime)
        for path in reversed(entries):
            try:
                return float(json.loads(path.read_text(encoding="utf-8"))["meta"]["seconds"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return 0.0

    def discard(self, name: str, key: str) -> None:
        for path in self.paths(name, key):
            path.unlink(missing_ok=True)


def _record_digest(values: dict, meta: dict) -> str:
    """SHA-256 of the values and metadata as stored (sorted keys): an edit to either shows."""
    return sha256_bytes(json.dumps({"values": values, "meta": meta}, sort_keys=True, ensure_ascii=False).encode())
