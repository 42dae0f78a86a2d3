"""`from dl_notes import ...`: the book's chapter 2-5 names resolve to the modules that define them."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import dl_notes


@pytest.mark.parametrize("name", dl_notes.__all__)
def test_every_export_is_the_object_of_its_module(name):
    module = importlib.import_module(f"dl_notes.{dl_notes._EXPORTS[name]}")
    assert getattr(dl_notes, name) is getattr(module, name)


def test_an_unknown_name_says_so():
    with pytest.raises(AttributeError, match="no attribute 'sigmoidd'"):
        dl_notes.sigmoidd  # noqa: B018


def test_dir_lists_the_exports():
    assert set(dl_notes.__all__) <= set(dir(dl_notes))


def test_import_stays_light():
    """Importing the package imports none of its modules until a name is used."""
    code = "import sys, dl_notes; print(sorted(m for m in sys.modules if m.startswith('dl_notes.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
