"""Small file helpers shared by the dataset loader and the experiment cache.

Files are written whole or not at all: into a temporary ``<name>.<pid>.<random>.part`` beside the
target, then renamed over it. The writer's process id in the name lets a later writer remove the
parts a killed process left behind, without touching the parts of writers still running.
Files get the permissions the user's umask gives new files (``0o666 & ~umask``), like any file
the user creates.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

PART = ".part"


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    >>> sha256_bytes(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()



def read_embedded(path: Path, sha256: str, what: str, rebuild: str, error: type[Exception]) -> bytes:
    """The bytes of a data file shipped inside the package, refused unless they hash to ``sha256``.

    ``what`` names the data in the message, ``rebuild`` is the script that writes the file again,
    and ``error`` is the loader's own exception for a damaged file.
    """
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall dl_notes (its package data includes "
                                "dl_notes/data/*) or restore the file from git")
    data = path.read_bytes()
    if sha256_bytes(data) != sha256:
        raise error(f"{path} has SHA-256 {sha256_bytes(data)}, expected {sha256}: the embedded {what} is damaged; "
                    f"reinstall dl_notes or restore the file from git (python {rebuild} --write rebuilds it)")
    return data

def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:  # e.g. a pid out of range
        return False
    return True


def part_pid(path: Path, part: Path) -> int | None:
    """The writer's pid in the name of ``part``, a temporary file for ``path``; None if it is not one.

    >>> part_pid(Path("a/x.json"), Path("a/x.json.123.k3j4.part")), part_pid(Path("x.json"), Path("y.json.1.k.part"))
    (123, None)
    """
    name = part.name
    if part.parent != path.parent or not (name.startswith(path.name + ".") and name.endswith(PART)):
        return None
    pid = name[len(path.name) + 1:-len(PART)].split(".")[0]
    return int(pid) if pid.isdigit() else None


def remove_stale_parts(path: Path) -> list[Path]:
    """Remove the temporary files of ``path`` whose writer process is gone; return them.

    Parts of live processes (another writer at work right now, or this process) are kept.
    """
    removed = []
    for part in path.parent.glob(f"{glob.escape(path.name)}.*{PART}"):
        pid = part_pid(path, part)
        if pid is not None and pid != os.getpid() and not _alive(pid):
            with contextlib.suppress(FileNotFoundError):  # another writer removed it first
                part.unlink()
                removed.append(part)
    return removed


@contextlib.contextmanager
def new_part(path: Path) -> Iterator[tuple[Path, object]]:
    """Create ``<path>.<pid>.<random>.part`` for writing, with the umask's permissions.

    Yields ``(part path, binary file)``. The part is removed if the block raises; otherwise the
    caller renames it (``os.replace``) or removes it.
    """
    part = path.parent / f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}{PART}"
    # O_EXCL: never reuse a name; mode 0o666 is reduced by the umask, as for any new file.
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            yield part, f
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, so a reader never
    sees half a file, even if the writer is killed; first remove what killed writers left.

    The file gets the permissions of the user's umask (usually 0644).
    """
    remove_stale_parts(path)
    with new_part(path) as (part, f):
        f.write(data)
    os.replace(part, path)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly these bytes; True if written.

    Rewriting identical files would make ``mkdocs serve`` rebuild in a loop.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)
    return True
