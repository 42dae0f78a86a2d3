"""The seams of the site pipeline: one importable package, one public API, one rule for each thing.

These read the sources (no site build): the MkDocs plugins in ``dl_notes_site`` use only the
public names of ``dl_notes.experiments``; nothing is loaded by file path or through ``sys.path``
edits; nothing imports a private name of another module; the site's languages are the
pipeline's languages; and a cached notebook that is not a whole notebook is run again.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

import dl_notes.experiments as experiments
import dl_notes_site
from dl_notes_site import notebooks

ROOT = Path(__file__).resolve().parents[1]
SITE_PACKAGE = Path(dl_notes_site.__file__).parent
PYTHON_FILES = sorted(p for folder in ("dl_notes", "scripts", "tests") for p in (ROOT / folder).rglob("*.py")) + [
    ROOT / "conftest.py"]


def imports(path: Path) -> list[tuple[str, str, int]]:
    """``(module, name, line)`` for every ``from module import name`` in ``path`` (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = path.relative_to(ROOT).with_suffix("").parts
    package = list(parts[1:-1]) if parts[0] == "scripts" else list(parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found += [(module, alias.name, node.lineno) for alias in node.names]
    return found


def test_the_plugins_use_only_the_public_api_of_the_experiment_pipeline():
    offending = [
        f"{path.name}:{line}: from {module} import {name}"
        for path in SITE_PACKAGE.glob("*.py")
        for module, name, line in imports(path)
        if module.startswith("dl_notes.experiments") and (module != "dl_notes.experiments" or name not in experiments.__all__)
    ]
    assert offending == []


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_is_loaded_by_file_path_or_through_sys_path(path):
    text = path.read_text(encoding="utf-8")
    if path == Path(__file__):
        return  # this file names what it looks for
    assert "spec_from_file_location" not in text
    assert not re.search(r"sys\.path\.(insert|append)|sys\.path\s*(\[|\+?=)", text)


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_private_name_of_another_module_is_imported(path):
    """``from dl_notes.nets import _Network`` couples a caller to what a module may change at will.

    Inside a package, its modules may share private helper *modules* (``from ._cache import
    Cache``); a private *name* stays in its own module.
    """
    offending = [
        f"line {line}: from {module} import {name}"
        for module, name, line in imports(path)
        if module.split(".")[0] in ("dl_notes", "dl_notes_site", "dl_notes_references")
        and name.startswith("_") and not name.startswith("__") and not is_module(f"{module}.{name}")
    ]
    assert offending == []


def is_module(dotted: str) -> bool:
    """True if ``dotted`` names a module or package of this project (``dl_notes.experiments._cache``)."""
    parts = dotted.split(".")
    for base in (ROOT, ROOT / "scripts"):
        stem = base.joinpath(*parts)
        if stem.with_suffix(".py").is_file() or (stem / "__init__.py").is_file():
            return True
    return False


def test_the_site_languages_are_the_pipeline_languages():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    i18n = config.split("  - i18n:", 1)[1].split("\n  - ", 1)[0]
    assert tuple(re.findall(r"- locale: (\w+)", i18n)) == experiments.LANGS


def test_every_plugin_is_registered_and_listed():
    import importlib.metadata

    registered = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="mkdocs.plugins")
                  if ep.name.startswith("dl_notes/")}
    listed = re.findall(r"^  - (dl_notes/\w+)$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert sorted(listed) == sorted(registered) and len(listed) >= 6
    for value in registered.values():
        module, cls = value.split(":")
        assert getattr(__import__(module, fromlist=[cls]), cls).__module__ == module


def test_one_cache_rule_for_results_and_notebooks(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path))
    assert experiments.cache_root() == tmp_path
    from dl_notes.experiments._cache import default_dir

    assert default_dir() == tmp_path / "experiments"
    assert notebooks.cache_dir() == tmp_path / "notebooks"


@pytest.mark.parametrize("damage", ["truncated", "not json", "empty"])
def test_a_damaged_cached_notebook_is_not_used(damage):
    whole = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])).encode()
    data = {"truncated": whole[: len(whole) // 2], "not json": b"\x00\xff", "empty": b""}[damage]
    assert notebooks.is_notebook(whole)
    assert not notebooks.is_notebook(data)


def test_the_notebook_key_follows_the_package_fingerprint(tmp_path):
    source = tmp_path / "n.ja.py"
    source.write_text("# %%\n1 + 1\n")
    assert notebooks.notebook_key(source, "a") != notebooks.notebook_key(source, "b")
    assert notebooks.notebook_key(source, "a") == notebooks.notebook_key(source, "a")


class _Env:
    """The part of mkdocs-macros' ``env`` that `dl_notes_site.macros.define_env` uses."""

    def __init__(self, variables: dict) -> None:
        self.variables, self.conf, self.macros = variables, {"theme": {"language": "en"}}, {}

    def macro(self, function):
        self.macros[function.__name__] = function
        return function


def test_figure_refuses_a_figure_its_experiment_does_not_draw():
    """A file left in docs/assets/generated by older code must not pass on a used checkout."""
    from dl_notes_site import macros

    name = "optimizer_trajectories"
    drawn = [experiments.figure_filename(name, f) for f in experiments.get(name).FIGURES]
    env = _Env({"runs": {name: {"seed": 0, "seconds": 0.1, "command": "x"}}, "figures": {name: drawn}})
    macros.define_env(env)
    with pytest.raises(KeyError, match="draws no figure 'gone'"):
        env.macros["figure"](name, "gone", alt="a", caption="c")
