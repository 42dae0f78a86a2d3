"""Collect the examples readers see as tests: code blocks of the docs pages and docstring doctests.

``make test`` runs pytest with ``-p no:doctest``, so each example is collected once, by Sybil:
- ``docs/**/*.md``: ```` ```python ```` blocks run in order in one namespace per page (a block that
  starts with ``>>>`` is a doctest), and ```` ```pycon ```` blocks are doctests;
- ``dl_notes/**/*.py`` and ``scripts/dl_notes_site/*.py``: the ``>>>`` examples in docstrings.
"""

from __future__ import annotations

import doctest

import pytest

from sybil import Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser
from sybil.parsers.rest import DocTestParser

FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


class PyconBlockParser(PythonCodeBlockParser):
    """```` ```pycon ```` blocks: interactive sessions, checked as doctests."""

    codeblock_parser_class = staticmethod(lambda language, evaluator: CodeBlockParser("pycon", evaluator))


pages = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=FLAGS), PyconBlockParser(doctest_optionflags=FLAGS), SkipParser()],
    patterns=["docs/**/*.md", "docs/*.md"],
    name="pages",
)
docstrings = Sybil(
    parsers=[DocTestParser(optionflags=FLAGS)],
    patterns=["dl_notes/**/*.py", "dl_notes/*.py", "scripts/dl_notes_site/*.py"],
    excludes=["__main__.py"],
    name="docstrings",
)

pytest_collect_file = (pages + docstrings).pytest()


def pytest_terminal_summary(terminalreporter):
    """Say how many of the collected tests are reader-visible examples."""
    counts = {"pages": 0, "docstrings": 0}
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for kind in counts:
            counts[kind] += f"::sybil:{kind}," in report.nodeid
    terminalreporter.write_line(
        f"doc examples run: {counts['pages']} from docs pages, {counts['docstrings']} from docstrings"
    )


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: ``make test`` runs ``-n auto``
def pytest_xdist_make_scheduler(config, log):
    """The examples of one page (or of one module's docstrings) share a namespace and run in
    order, so under pytest-xdist they go to one worker together; every other test is a unit of
    its own and spreads as with xdist's default ``load``. (xdist's ``loadgroup`` cannot do this:
    it renames ``item._nodeid``, which Sybil's examples do not read.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ExamplesOfAFileTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid.split("::", 1)[0] if "::sybil:" in nodeid else nodeid

    return ExamplesOfAFileTogether(config, log)
