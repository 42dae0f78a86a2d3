"""The experiment pipeline: registry, CLI, content-keyed cache, figure output."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dl_notes.experiments import Result, ensure, get, names
from dl_notes.experiments._cache import (
    Cache,
    cache_key,
    key_inputs,
    source_closure,
)
from dl_notes._files import write_if_changed
from dl_notes.experiments._figures import render

NAME = "optimizer_trajectories"
PACKAGE = Path(__file__).resolve().parents[1] / "dl_notes"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dl_notes.experiments", *args], capture_output=True, text=True)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path))
    return tmp_path / "experiments"


def test_every_experiment_follows_the_contract():
    for name in names():
        module = get(name)
        assert set(module.TITLE) == {"ja", "en"}, name
        assert dataclasses.is_dataclass(module.Config) and module.Config.__dataclass_params__.frozen, name
        assert hasattr(module.DEFAULT, "seed"), name
        assert module.FIGURES, name


def test_cli_lists_experiments():
    done = cli("list")
    assert done.returncode == 0
    assert NAME in done.stdout


def test_cli_unknown_experiment_exits_2_and_lists_known_ones():
    done = cli("run", "nosuch")
    assert done.returncode == 2
    assert "nosuch" in done.stderr and NAME in done.stderr


def test_cli_needs_names_or_all():
    assert cli("run").returncode == 2


def test_cli_runs_then_serves_from_cache(cache_dir):
    first = cli("run", NAME, "--tiny")
    second = cli("run", NAME, "--tiny")
    assert first.returncode == second.returncode == 0
    assert "1 run, 0 from cache" in first.stderr
    assert "0 run, 1 from cache" in second.stderr
    assert "1 run" in cli("run", NAME, "--tiny", "--force").stderr


def test_ensure_runs_once_then_hits_the_cache(cache_dir):
    first = ensure(NAME, tiny=True)
    second = ensure(NAME, tiny=True)
    assert first.ran and not second.ran
    assert second.result.values == first.result.values
    for key, array in first.result.arrays.items():
        np.testing.assert_array_equal(second.result.arrays[key], array)
    assert second.result.meta["key"] == first.result.meta["key"]
    assert second.result.meta["command"] == f"python -m dl_notes.experiments run {NAME}"


def test_force_runs_again(cache_dir):
    ensure(NAME, tiny=True)
    assert ensure(NAME, tiny=True, force=True).ran


@pytest.mark.parametrize("damage", ["truncate npz", "garbage json", "delete json", "edit values"])
def test_a_damaged_entry_is_reported_and_recomputed(cache_dir, damage):
    good = ensure(NAME, tiny=True).result
    meta_path, arrays_path = Cache().paths(NAME, good.meta["key"])
    if damage == "truncate npz":
        arrays_path.write_bytes(arrays_path.read_bytes()[:50])
    elif damage == "garbage json":
        meta_path.write_text("{not json")
    elif damage == "delete json":
        meta_path.unlink()
    else:  # a valid JSON whose checksum no longer matches the arrays
        record = json.loads(meta_path.read_text())
        record["arrays_sha256"] = "0" * 64
        meta_path.write_text(json.dumps(record))
    again = ensure(NAME, tiny=True)
    assert again.ran and again.reason.startswith("corrupt cache entry")
    assert again.result.values == good.values
    assert not ensure(NAME, tiny=True).ran  # and the rebuilt entry is sound


def test_key_covers_the_experiment_and_the_library_code_it_imports():
    module = get(NAME)
    sources = {p.name for p in source_closure(Path(module.__file__))}
    # the experiment itself, the optimizers it runs, and the framework modules it imports
    assert {"optimizer_trajectories.py", "optim.py", "_result.py", "_plotting.py"} <= sources
    inputs = key_inputs(NAME, module, module.DEFAULT)
    assert all(path.startswith("dl_notes/") for path in inputs["sources"])  # never a page
    assert inputs["numpy"] == np.__version__ and inputs["python"]


def test_key_changes_with_config_and_with_any_source_byte():
    module = get(NAME)
    inputs = key_inputs(NAME, module, module.DEFAULT)
    assert cache_key(key_inputs(NAME, module, module.TINY)) != cache_key(inputs)
    edited = json.loads(json.dumps(inputs))
    edited["sources"]["dl_notes/optim.py"] = "0" * 64
    assert cache_key(edited) != cache_key(inputs)


def test_source_closure_follows_relative_and_absolute_imports(tmp_path, monkeypatch):
    closure = {p.relative_to(PACKAGE).as_posix() for p in source_closure(PACKAGE / "experiments" / "__init__.py")}
    assert {"experiments/_cache.py", "experiments/_registry.py", "experiments/_result.py", "__init__.py"} <= closure


def test_result_rejects_what_the_cache_cannot_store():
    with pytest.raises(TypeError, match="arrays"):
        Result(arrays={"x": [1, 2]})
    with pytest.raises(TypeError, match="float()"):
        Result(values={"x": np.float32(1.0)})
    with pytest.raises(ValueError, match="not finite"):
        Result(values={"x": float("nan")})


def test_write_if_changed_leaves_identical_files_alone(tmp_path):
    path = tmp_path / "a" / "f.txt"
    assert write_if_changed(path, b"x")
    stamp = path.stat().st_mtime_ns
    assert not write_if_changed(path, b"x")
    assert path.stat().st_mtime_ns == stamp
    assert write_if_changed(path, b"y") and path.read_bytes() == b"y"


def test_figures_are_deterministic_and_drawn_only_when_stale(cache_dir, tmp_path):
    module = get(NAME)
    result = ensure(NAME, tiny=True).result
    first, second = tmp_path / "one", tmp_path / "two"
    drawn = render(module, NAME, result, "ja", first)
    assert drawn == [f"ja/{NAME}-{name}.svg" for name in module.FIGURES]
    assert render(module, NAME, result, "ja", first) == []  # fresh: nothing redrawn
    render(module, NAME, result, "ja", second)
    for relative in drawn:
        assert (first / relative).read_bytes() == (second / relative).read_bytes()
        (first / relative).write_text("damaged")
    assert render(module, NAME, result, "ja", first) == drawn  # a damaged file is redrawn


def test_a_result_computed_while_the_sources_changed_is_not_cached(cache_dir, monkeypatch):
    import dl_notes.experiments as experiments

    keys = iter(["before", "after"])
    monkeypatch.setattr(experiments, "cache_key", lambda inputs: next(keys))
    outcome = ensure(NAME, tiny=True)
    assert outcome.ran and "sources changed" in outcome.reason
    assert not any(cache_dir.rglob("*.json"))


@pytest.mark.parametrize("name", names())
def test_figures_from_the_cache_are_the_figures_of_the_run(name, cache_dir):
    """The cache gives dicts back with sorted keys; a figure must not depend on dict order, so
    drawing from a fresh result and from its cached copy gives the same bytes (TINY configs)."""
    from dl_notes.experiments._figures import figure_bytes

    fresh, cached = ensure(name, tiny=True), ensure(name, tiny=True)
    assert fresh.ran and not cached.ran
    for figure, plot in get(name).FIGURES.items():
        suffix = ".png" if figure.endswith(".png") else ".svg"
        assert figure_bytes(plot(fresh.result, "en"), suffix) == figure_bytes(plot(cached.result, "en"), suffix), figure
