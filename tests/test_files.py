"""dl_notes._files: atomic writes with the user's permissions, and no temporary files left forever."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from dl_notes import _files


@pytest.fixture
def umask():
    """Set the process umask for one test, then restore it."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield lambda mask: os.umask(mask)
    os.umask(saved)


def dead_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def live_pid():
    """The pid of another process that is running (a writer at work)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child.pid
    child.kill()
    child.wait()


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002, 0o077])
def test_written_files_follow_the_umask(tmp_path, umask, mask):
    umask(mask)
    path = tmp_path / "out.json"
    _files.atomic_write(path, b"{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    assert path.read_bytes() == b"{}"


def test_write_if_changed_follows_the_umask_too(tmp_path, umask):
    umask(0o002)
    path = tmp_path / "sub" / "figure.svg"
    assert _files.write_if_changed(path, b"<svg/>")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_the_temporary_name_carries_the_writers_pid(tmp_path):
    path = tmp_path / "data.npy"
    with _files.new_part(path) as (part, f):
        f.write(b"x")
        assert part.parent == tmp_path and part.name.endswith(".part")
        assert _files.part_pid(path, part) == os.getpid()
    part.unlink()


def test_a_failed_write_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "data.npy"
    with pytest.raises(RuntimeError, match="killed"):
        with _files.new_part(path) as (_, f):
            f.write(b"half")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_parts_of_dead_writers_are_removed_and_live_ones_kept(tmp_path, live_pid):
    path = tmp_path / "result.v1.json"
    dead = tmp_path / f"result.v1.json.{dead_pid()}.abcd1234.part"
    live = tmp_path / f"result.v1.json.{live_pid}.abcd1234.part"
    mine = tmp_path / f"result.v1.json.{os.getpid()}.abcd1234.part"
    other_target = tmp_path / f"result.json.{dead_pid()}.abcd1234.part"
    legacy = tmp_path / "result.v1.json.k3j_x9a1.part"  # no pid: cannot tell, left alone
    for part in (dead, live, mine, other_target, legacy):
        part.write_bytes(b"half")
    _files.atomic_write(path, b"whole")
    assert path.read_bytes() == b"whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (path, live, mine, other_target, legacy))


@pytest.mark.parametrize("name, part, pid", [
    ("x.json", "x.json.123.ab.part", 123),
    ("x.json", "x.json.ab.part", None),
    ("x.json", "y.json.123.ab.part", None),
    ("x.json", "x.json.123.ab.tmp", None),
    ("a[1].npy", "a[1].npy.77.ff.part", 77),
])
def test_part_pid_reads_only_parts_of_the_target(tmp_path, name, part, pid):
    assert _files.part_pid(tmp_path / name, tmp_path / part) == pid


def test_stale_parts_of_a_name_with_glob_characters_are_found(tmp_path):
    path = tmp_path / "a[1].npy"
    stale = tmp_path / f"a[1].npy.{dead_pid()}.ff.part"
    stale.write_bytes(b"")
    assert _files.remove_stale_parts(path) == [stale]
