"""The timed comparison of the im2col page: the three methods agree; the loops are the slowest."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.conv import im2col
from dl_notes.experiments import im2col_speed as exp


def test_methods_agree(tiny):
    assert max(tiny.values["max_abs_difference"].values()) < 1e-4
    assert set(tiny.values["seconds"]) == set(exp.METHODS)
    assert tiny.values["machine"]["cpu_count"] >= 1


@pytest.mark.parametrize("shape, F", [((1, 1, 4, 4), 2), ((2, 3, 7, 6), 3), ((1, 2, 5, 5), 5)])
def test_course_loop_is_the_same_im2col(shape, F):
    x = np.random.default_rng(0).standard_normal(shape)
    np.testing.assert_array_equal(exp.im2col_loop(x, F, F), im2col(x, F, F))


def test_what_the_page_says_holds(site_result):
    """docs/im2col.*.md: both im2col versions are many times faster than the loops."""
    v = site_result("im2col_speed").values
    assert v["speedup_vs_naive"]["loop_im2col"] > 5 and v["speedup_vs_naive"]["strided_im2col"] > 5
    assert max(v["max_abs_difference"].values()) < 1e-3  # "float32 rounding"


@pytest.mark.parametrize("lang, word", [("ja", "ミリ秒"), ("en", "ms")])
def test_figure_is_labelled(tiny, lang, word):
    assert word in exp.plot(tiny, lang).axes[0].get_xlabel()
