"""Every experiment meets the contract of dl_notes/experiments/__init__.py, and stands on its own.

Experiments share code through the private modules of the package (``_toolkit``, ``_plotting``),
never by importing each other: an experiment's cache key covers the sources it imports, so one
experiment importing another would be recomputed whenever the other changes.
"""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

import dl_notes.experiments as experiments
from dl_notes.experiments import Result, get, names

PACKAGE = Path(experiments.__file__).resolve().parent
MODULES = sorted(PACKAGE.glob("*.py"))


def imported_experiments(source: str, experiment_names: list[str]) -> set[str]:
    """Names of the experiments that the module ``source`` (of dl_notes.experiments) imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:  # from .x import y / from . import x
                module = node.module or ""
            elif node.level == 0 and (node.module or "").startswith("dl_notes.experiments"):
                module = node.module.removeprefix("dl_notes.experiments").lstrip(".")
            else:
                continue
            candidates = [module.split(".")[0]] if module else [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name.split(".")[2] for alias in node.names
                          if alias.name.startswith("dl_notes.experiments.")]
        else:
            continue
        found |= {name for name in candidates if name in experiment_names}
    return found


@pytest.mark.parametrize("source, expected", [
    ("from .init_grid import train", {"init_grid"}),
    ("from . import zero_init, _toolkit", {"zero_init"}),
    ("from dl_notes.experiments.regularization import make_net", {"regularization"}),
    ("from dl_notes.experiments import load, init_grid", {"init_grid"}),
    ("import dl_notes.experiments.zero_init as z", {"zero_init"}),
    ("def f():\n    from .init_grid import ACT_NAMES", {"init_grid"}),
    ("from ._toolkit import train\nfrom ._plotting import panels\nfrom dl_notes import datasets", set()),
])
def test_the_import_check_finds_experiment_imports(source, expected):
    assert imported_experiments(source, ["init_grid", "zero_init", "regularization"]) == expected


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_imports_an_experiment(path):
    found = imported_experiments(path.read_text(encoding="utf-8"), names())
    assert not found, (f"{path.name} imports the experiment(s) {sorted(found)}; move what they share into "
                       "dl_notes/experiments/_toolkit.py (data, training) or _plotting.py (figures, labels)")


@pytest.mark.parametrize("name", names())
def test_every_experiment_meets_the_contract(name):
    module = get(name)
    assert set(module.TITLE) == {"ja", "en"} and all(isinstance(t, str) and t for t in module.TITLE.values())
    assert dataclasses.is_dataclass(module.Config) and module.Config.__dataclass_params__.frozen
    assert "seed" in {f.name for f in dataclasses.fields(module.Config)}
    assert isinstance(module.DEFAULT, module.Config) and isinstance(module.TINY, module.Config)
    assert module.FIGURES and all(isinstance(k, str) and callable(plot) for k, plot in module.FIGURES.items())
    assert isinstance(module.run(module.TINY), Result)


@pytest.mark.parametrize("name", names())
def test_figure_texts_exist_in_both_languages(name):
    text = getattr(get(name), "TEXT", {"ja": {}, "en": {}})
    assert set(text) == {"ja", "en"}
    assert set(text["ja"]) == set(text["en"]), f"only in ja: {set(text['ja']) - set(text['en'])}, " \
                                               f"only in en: {set(text['en']) - set(text['ja'])}"


MATPLOTLIB_FREE = """
import sys
import dl_notes
from dl_notes.experiments import get, names
for name in names():
    module = get(name)
    module.run(module.TINY)
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
print(" ".join(loaded[:5]) or "none")
"""


def test_running_every_tiny_experiment_never_imports_matplotlib():
    """run() is pure: only the plot functions (and notebooks) draw."""
    done = subprocess.run([sys.executable, "-c", MATPLOTLIB_FREE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "none", f"matplotlib modules loaded: {done.stdout.strip()}"
