"""A skipped test says why: every skip in tests/ carries a reason a reader understands.

``make test`` prints skip reasons in its summary (``-rs`` in pyproject's ``addopts``), so a line
like ``SKIPPED [1] tests/test_x.py:12: could not import 'torch'`` must tell the reader what is
missing and what is not being checked. This test reads the sources of tests/ (it does not run
them) and finds every ``pytest.skip(...)``, ``pytest.importorskip(...)``, ``pytest.mark.skip`` and
``pytest.mark.skipif``. Each needs a reason: a string (or a name bound to one in the same
function) of at least ``MIN_WORDS`` words. ``importorskip`` needs ``reason=``: pytest's own
message only names the module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MIN_WORDS = 3
SKIPS = {"pytest.skip", "pytest.importorskip", "pytest.mark.skip", "pytest.mark.skipif"}
REASON_POSITION = {"pytest.skip": 0, "pytest.importorskip": None, "pytest.mark.skip": 0, "pytest.mark.skipif": None}


def dotted(node: ast.AST, aliases: dict[str, str]) -> str:
    """'pytest.mark.skipif' for ``pytest.mark.skipif`` (or for ``skipif`` after ``from pytest.mark import skipif``)."""
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value, aliases)}.{node.attr}"
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    return "?"


def text_of(node: ast.AST | None, scope: ast.AST) -> str | None:
    """The text of a reason: a string, an f-string (its fixed parts), or a name assigned one in ``scope``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{…}" for part in node.values)
    if isinstance(node, ast.Name):
        for assign in ast.walk(scope):
            if isinstance(assign, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in assign.targets):
                return text_of(assign.value, scope)
    return None


def skip_problems(source: str, filename: str = "<test>") -> list[str]:
    """Each skip in ``source`` that has no reason, or one too short to say why."""
    tree = ast.parse(source, filename)
    aliases = {"pytest": "pytest"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name: a.name for a in node.names if a.name == "pytest"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pytest"):
            aliases |= {a.asname or a.name: f"{node.module}.{a.name}" for a in node.names}
    scopes = {child: scope for scope in ast.walk(tree) if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef))
              for child in ast.walk(scope)}
    # A skip named but not called is a bare mark (@pytest.mark.skip), unless it is part of a longer
    # name (pytest.skip.Exception).
    inner = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    inner |= {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    problems = []
    for node in ast.walk(tree):
        name = dotted(node.func if isinstance(node, ast.Call) else node, aliases)
        if name not in SKIPS or (not isinstance(node, ast.Call) and id(node) in inner):
            continue
        where = f"{filename}:{node.lineno} {name}"
        if not isinstance(node, ast.Call):
            problems.append(f"{where} without a reason: write {name}(reason='...')")
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        position = REASON_POSITION[name]
        argument = keywords.get("reason", keywords.get("msg"))
        if argument is None and position is not None and len(node.args) > position:
            argument = node.args[position]
        reason = text_of(argument, scopes.get(node, tree))
        if reason is None:
            problems.append(f"{where} has no reason a reader can see: pass reason='why it is skipped'")
        elif len(re.findall(r"[^\W\d_]{2,}", reason)) < MIN_WORDS:
            problems.append(f"{where}: the reason {reason!r} is too short to say why (at least {MIN_WORDS} words)")
    return problems


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")), ids=lambda path: path.relative_to(TESTS).as_posix())
def test_every_skip_says_why(path):
    assert skip_problems(path.read_text(encoding="utf-8"), path.name) == []


@pytest.mark.parametrize("source", [
    'pytest.importorskip("torch")',
    'pytest.importorskip("torch", reason="torch")',
    "pytest.skip()",
    'pytest.skip("no")',
    "def f(message):\n    pytest.skip(message)",
    "@pytest.mark.skip\ndef test_x(): ...",
    '@pytest.mark.skipif(sys.platform == "win32")\ndef test_x(): ...',
    'from pytest import importorskip\nimportorskip("torch")',
    'import pytest as pt\npt.mark.skip(reason="slow")',
])
def test_a_skip_without_a_reason_is_found(source):
    assert len(skip_problems("import pytest\n" + source)) == 1


@pytest.mark.parametrize("source", [
    'pytest.importorskip("torch", reason="PyTorch is not installed: live checks are skipped")',
    'pytest.skip(f"Chromium not found at {path}: install it")',
    'def f():\n    message = f"Chromium not found at {path}"\n    pytest.skip(message)',
    '@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes only")\ndef test_x(): ...',
    "with pytest.raises(pytest.skip.Exception): ...",
])
def test_a_skip_with_a_reason_passes(source):
    assert skip_problems("import pytest\n" + source) == []
