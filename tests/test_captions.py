"""Every figure made from MNIST says in its caption which data produced it.

An experiment that imports dl_notes.datasets (directly or through another module, such as the
experiments' `_toolkit`) may draw from MNIST; each `figure(...)` of it on a page must put the experiment's `description` (from
`describe_mnist`: subset or full, how many images) into its caption, or say that the figure
uses no data set (some figures of such experiments are made from random inputs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dl_notes.experiments import get, names
from dl_notes.experiments._cache import source_closure

DOCS = Path(__file__).resolve().parents[1] / "docs"
FIGURE = re.compile(r"\{\{\s*figure\(\s*\"(?P<name>\w+)\",\s*\"(?P<figure>[\w.]+)\"(?P<args>.*?)\)\s*\}\}", re.S)
NO_DATA = re.compile(r"[Nn]o data set|データ(?:セット)?(?:は|も)使っていません")
MNIST_EXPERIMENTS = sorted(
    name for name in names() if any(p.name == "datasets.py" for p in source_closure(Path(get(name).__file__)))
)


def mnist_figures():
    for page in sorted(DOCS.rglob("*.md")):
        for match in FIGURE.finditer(page.read_text(encoding="utf-8")):
            if match["name"] in MNIST_EXPERIMENTS:
                yield page.relative_to(DOCS).as_posix(), match["name"], match["figure"], match["args"]


@pytest.mark.parametrize("page, experiment, figure, args", list(mnist_figures()), ids=lambda v: str(v)[:40])
def test_mnist_figure_captions_name_the_data(page, experiment, figure, args):
    caption = args.split("caption=", 1)[-1]
    assert "description" in caption or NO_DATA.search(caption), \
        f"{page}: the caption of {experiment}/{figure} does not name the data (or say it uses none)"


@pytest.mark.parametrize("name, uses_mnist", [
    ("mnist_subset", True),
    ("init_grid", True),
    ("optimizer_trajectories", False),
    ("activation_histograms", False),  # random inputs; it shares only figure code (_plotting)
])
def test_the_rule_applies(name, uses_mnist):
    assert (name in MNIST_EXPERIMENTS) == uses_mnist


def test_the_rule_finds_figures():
    assert len(list(mnist_figures())) >= 4
