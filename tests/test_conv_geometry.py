"""Output sizes, the quiz, pooling and overlap counts behind the convolution and im2col pages."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import conv_geometry as exp


def test_the_course_quiz_is_seven_by_seven(tiny):
    assert tiny.values["quiz"] == {"H": 6, "F": 2, "S": 1, "P": 1, "output": 7}


def test_grid_cells_are_the_formula(tiny):
    for row in tiny.values["grid"]:
        for H, cell in row["sizes"].items():
            span = int(H) + 2 * row["P"] - row["F"]
            assert cell["floor"] == span // row["S"] + 1
            assert (cell["exact"] is None) == bool(span % row["S"])
            assert (cell["error"] is None) == (cell["exact"] is not None)


def test_same_padding_keeps_the_size(tiny):
    assert all(s["output"] == 28 for s in tiny.values["same"].values())


def test_pooling_and_overlaps(tiny):
    a = tiny.arrays
    x = a["pool_input"]
    assert a["pool_max"][0, 0] == x[:2, :2].max() and a["pool_avg"][1, 1] == x[2:, 2:].mean()
    np.testing.assert_array_equal(a["overlap0"], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert (a["overlap1"] == 4).all()  # with pad 1 every pixel is in 4 windows


def test_what_the_page_says_holds(default):
    """docs/cnn.*.md: some settings of the table are not exact (an error by default)."""
    assert 0 < default.values["inexact"] < default.values["cells"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_figure_draws(tiny, lang):
    for plot in exp.FIGURES.values():
        assert plot(tiny, lang).axes
