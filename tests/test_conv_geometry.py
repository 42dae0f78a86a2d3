"""Output sizes, the quiz, pooling and overlap counts behind the convolution and im2col pages."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import conv_geometry as exp


def test_the_course_quiz_is_seven_by_seven(tiny):
    assert tiny.values["quiz"] == {"H": 6, "F": 2, "S": 1, "P": 1, "output": 7}


def test_grid_cells_are_the_formula(tiny):
    """Rounded down; the input rows no window reaches are the remainder less the padding."""
    for row in tiny.values["grid"]:
        for H, cell in row["sizes"].items():
            span = int(H) + 2 * row["P"] - row["F"]
            assert cell["output"] == span // row["S"] + 1
            assert cell["exact"] == (span % row["S"] == 0)
            assert cell["dropped"] == max(0, span % row["S"] - row["P"])


def test_the_report_case_c_is_rounded_down(tiny):
    """Seed 004, case C: the report's own show_im2col prints OH,OW = (2, 2) and a 4x9 col; the last
    row and column of the 6x6 input are in no window."""
    r = tiny.values["report"]
    assert (r["H"], r["F"], r["S"], r["P"]) == (6, 3, 2, 0)
    assert "OH,OW = (2, 2)\ncol.shape = (4, 9)" in r["printout"]
    assert " [14 15 16 20 21 22 26 27 28]]" in r["printout"]
    assert (r["ratio"], r["output"], r["rows"], r["columns"]) == (2.5, 2, 4, 9)
    assert r["last_reached"] == 4 and r["dropped"] == [5]
    assert r["dropped_row"] == list(range(30, 36)) and r["dropped_column"] == list(range(5, 36, 6))


def test_pooling_default_strides_of_the_three_copies(tiny):
    """docs/cnn.*.md: Pooling(k, k) on 24x24 maps with the course's stride 1, the book's 2, dl_notes' k."""
    out = tiny.values["pool_strides"]["outputs"]
    assert out["2"] == {"course": 23, "book": 12, "dl_notes": 12}
    assert out["3"] == {"course": 22, "book": 11, "dl_notes": 8}


def test_edge_pixels_are_used_as_often_only_when_the_padding_is_the_filter_less_one(tiny):
    assert tiny.values["edge_rule"] == {"holds": True, "settings": 40}
    assert not exp.edge_rule(sizes=[4], filters=[4])["holds"]   # one window: uniform at P = 0 too


def test_same_padding_keeps_the_size(tiny):
    assert all(s["output"] == 28 for s in tiny.values["same"].values())


def test_pooling_and_overlaps(tiny):
    a = tiny.arrays
    x = a["pool_input"]
    assert a["pool_max"][0, 0] == x[:2, :2].max() and a["pool_avg"][1, 1] == x[2:, 2:].mean()
    np.testing.assert_array_equal(a["overlap0"], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert (a["overlap1"] == 4).all()  # P = F - 1 = 1: every pixel is in 4 windows
    o = tiny.values["overlaps"]
    assert [x["uniform"] for x in o] == [False, True, False, False]
    assert (o[2]["P"], o[2]["corner"], o[2]["centre"]) == (1, 4, 9)   # "same" padding: corners less used
    assert o[3]["dropped"] == 1 and (a["overlap3"][-1] == 0).all() and (a["overlap3"][:, -1] == 0).all()


def test_what_the_page_says_holds(default):
    """docs/cnn.*.md: some settings of the table are rounded down, some of those drop input rows."""
    v = default.values
    assert 0 < v["inexact_dropping"] < v["inexact"] < v["cells"]
    assert v["edge_rule"]["holds"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_figure_draws(tiny, lang):
    for plot in exp.FIGURES.values():
        assert plot(tiny, lang).axes
