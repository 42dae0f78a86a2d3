"""Docstring conventions of dl_notes, which the API reference renders as Markdown.

- every public function and class of a public module has a docstring with an Examples section
  (its examples run as doctests through conftest.py);
- no Sphinx roles (``:func:`x```): mkdocstrings renders Markdown and would show them raw.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import dl_notes

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(dl_notes.__path__, "dl_notes.")
    if not any(part.startswith("_") for part in m.name.split(".")) and not m.name.startswith("dl_notes.experiments")
)
SPHINX_ROLE = re.compile(r":(?:func|class|meth|attr|data|mod|math|obj|exc|ref):`")


def public_objects(module):
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name)
        is_error = inspect.isclass(obj) and issubclass(obj, BaseException)  # documented where raised
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__ and not is_error:
            yield name, obj


@pytest.mark.parametrize("name", MODULES)
def test_public_objects_have_examples(name):
    module = importlib.import_module(name)
    missing = [n for n, obj in public_objects(module) if "Examples\n" not in (inspect.getdoc(obj) or "")]
    assert missing == [], f"{name}: no Examples section in {missing}"


@pytest.mark.parametrize("path", sorted(p.relative_to(dl_notes.__path__[0]).as_posix()
                                         for p in __import__("pathlib").Path(dl_notes.__path__[0]).rglob("*.py")))
def test_no_sphinx_roles(path):
    text = (__import__("pathlib").Path(dl_notes.__path__[0]) / path).read_text(encoding="utf-8")
    found = [f"line {i}: {line.strip()}" for i, line in enumerate(text.splitlines(), 1) if SPHINX_ROLE.search(line)]
    assert found == [], "use `name` (Markdown), not Sphinx roles"
