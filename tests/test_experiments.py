"""The experiment pipeline: registry, CLI, content-keyed cache, figure output."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dl_notes.experiments import ContractError, Result, ensure, get, names, run_many
from dl_notes.experiments import _cache
from dl_notes.experiments._cache import Cache, cache_key, key_inputs, source_closure
from dl_notes.experiments._figures import render
from dl_notes.experiments._registry import check_contract
from dl_notes._files import write_if_changed

NAME = "optimizer_trajectories"
PACKAGE = Path(__file__).resolve().parents[1] / "dl_notes"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dl_notes.experiments", *args], capture_output=True, text=True)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path))
    return tmp_path / "experiments"


def _broken(what: str):
    """A copy of a real experiment module with one part of the contract broken."""
    import types

    real = get(NAME)
    module = types.ModuleType("dl_notes.experiments.broken")
    module.__dict__.update({k: getattr(real, k) for k in ("TITLE", "Config", "DEFAULT", "TINY", "run", "FIGURES")})
    if what == "no TINY":
        del module.TINY
    elif what == "one title":
        module.TITLE = {"en": "only English"}
    elif what == "mutable config":
        @dataclasses.dataclass
        class Config:
            seed: int = 0
        module.Config, module.DEFAULT, module.TINY = Config, Config(), Config()
    elif what == "no seed":
        @dataclasses.dataclass(frozen=True)
        class Config:
            n: int = 1
        module.Config, module.DEFAULT, module.TINY = Config, Config(), Config()
    elif what == "DEFAULT not a Config":
        module.DEFAULT = {"seed": 0}
    elif what == "no figures":
        module.FIGURES = {}
    elif what == "run not callable":
        module.run = None
    return module


@pytest.mark.parametrize("what", ["no TINY", "one title", "mutable config", "no seed", "DEFAULT not a Config",
                                  "no figures", "run not callable"])
def test_the_registry_rejects_an_experiment_that_breaks_the_contract(what):
    check_contract(_broken("none"))  # the unbroken copy passes
    with pytest.raises(ContractError, match="dl_notes.experiments.broken"):
        check_contract(_broken(what))


def test_get_checks_the_contract(monkeypatch):
    monkeypatch.delattr(get(NAME), "FIGURES")
    with pytest.raises(ContractError, match="lacks FIGURES"):
        get(NAME)


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


@pytest.mark.parametrize("damage", ["truncate npz", "garbage json", "delete json", "edit values", "edit a number",
                                    "another key"])
def test_a_damaged_entry_is_reported_and_recomputed(cache_dir, damage):
    good = ensure(NAME, tiny=True).result
    meta_path, arrays_path = Cache().paths(NAME, good.meta["key"])
    if damage == "truncate npz":
        arrays_path.write_bytes(arrays_path.read_bytes()[:50])
    elif damage == "garbage json":
        meta_path.write_text("{not json")
    elif damage == "delete json":
        meta_path.unlink()
    elif damage == "edit values":  # a valid JSON whose checksum no longer matches the arrays
        record = json.loads(meta_path.read_text())
        record["arrays_sha256"] = "0" * 64
        meta_path.write_text(json.dumps(record))
    elif damage == "edit a number":  # a valid JSON, arrays intact, one value changed by hand
        record = json.loads(meta_path.read_text())
        record["values"]["steps"] = record["values"]["steps"] + 1
        meta_path.write_text(json.dumps(record))
    else:  # a sound entry copied under another key
        record = json.loads(meta_path.read_text())
        record["meta"]["key"] = "0" * 20
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


def test_key_changes_with_the_embedded_data(tmp_path, monkeypatch):
    """A result computed on other data must not be served: the data files' checksums are in the key."""
    module = get(NAME)
    data = tmp_path / "dl_notes" / "data"
    data.mkdir(parents=True)
    (data / "digits.bin").write_bytes(b"one")
    monkeypatch.setattr(_cache, "PACKAGE_DIR", tmp_path / "dl_notes")
    monkeypatch.setattr(_cache, "DATA_DIR", data)
    monkeypatch.setattr(_cache, "source_closure", lambda path: [])
    before = cache_key(key_inputs(NAME, module, module.DEFAULT))
    (data / "digits.bin").write_bytes(b"two")
    assert cache_key(key_inputs(NAME, module, module.DEFAULT)) != before


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
    keys = iter(["before", "after"])
    monkeypatch.setattr(_cache, "cache_key", lambda inputs: next(keys))
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


def test_parallel_and_serial_runs_give_the_same_bytes(tmp_path, monkeypatch):
    """Experiments in worker processes give the values and figure files of a run one by one."""
    selected = [NAME, "norm_geometry"]
    produced = {}
    for jobs in (1, 2):
        monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path / f"cache{jobs}"))
        figures = tmp_path / f"figures{jobs}"
        outcomes = run_many(selected, tiny=True, jobs=jobs, figures=figures, out=None)
        assert all(o.ran and o.drawn for o in outcomes), outcomes
        files = {p.relative_to(figures).as_posix(): p.read_bytes() for p in figures.glob("*/*") if p.is_file()}
        produced[jobs] = ([o.result.values for o in outcomes], files)
    assert produced[1][0] == produced[2][0]
    assert produced[1][1].keys() == produced[2][1].keys() and len(produced[1][1]) >= 4
    for path, data in produced[1][1].items():
        assert produced[2][1][path] == data, path


def test_a_second_run_many_draws_nothing_and_runs_nothing(cache_dir, tmp_path):
    run_many([NAME], tiny=True, figures=tmp_path, out=None)
    again = run_many([NAME], tiny=True, jobs=2, figures=tmp_path, out=None)
    assert not again[0].ran and again[0].drawn == []


def test_prune_deletes_only_figures_no_experiment_draws(tmp_path):
    from dl_notes.experiments import figure_paths, prune

    expected = set(figure_paths(get(NAME), NAME))
    for relative in expected | {"en/old-figure.svg", "ja/old-figure.png"}:
        write_if_changed(tmp_path / relative, b"x")
    assert sorted(prune(tmp_path, expected)) == ["en/old-figure.svg", "ja/old-figure.png"]
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/*")} == expected


def test_cli_checks_the_figures_folder_before_any_work(cache_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = cli("run", NAME, "--tiny", "--figures", str(blocker / "figures"))
    assert done.returncode == 2
    assert "--figures" in done.stderr and "cannot write" in done.stderr and "Traceback" not in done.stderr
    assert not cache_dir.exists()  # nothing ran


def test_cli_reports_a_bad_data_source_without_a_traceback():
    import os

    done = subprocess.run([sys.executable, "-m", "dl_notes.experiments", "list"], capture_output=True, text=True,
                          env={**os.environ, "DL_NOTES_MNIST": "foo"})
    assert done.returncode == 2
    assert "DL_NOTES_MNIST" in done.stderr and "foo" in done.stderr and "Traceback" not in done.stderr


def test_cli_names_the_extra_to_install_for_a_missing_package():
    from dl_notes.experiments.__main__ import problems

    (problem,) = problems(None, ("no_such_package_for_dl_notes",))
    assert "no_such_package_for_dl_notes" in problem and ".[experiments]" in problem


def test_last_seconds_reads_the_newest_entry_and_survives_a_damaged_one(cache_dir):
    outcome = ensure(NAME, tiny=True)
    cache = Cache()
    assert cache.last_seconds(NAME) == outcome.result.meta["seconds"]
    assert cache.last_seconds("never_ran") == 0.0
    meta_path, _ = cache.paths(NAME, outcome.result.meta["key"])
    meta_path.write_text("{broken")
    assert cache.last_seconds(NAME) == 0.0
