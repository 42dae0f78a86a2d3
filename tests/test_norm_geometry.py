"""The L1 diamond and the L2 disc: where the loss contours touch them."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import norm_geometry as exp
from dl_notes.regularizers import lp_norm


def test_boundary_points_have_norm_r():
    for p in (0.5, 1.0, 2.0, 4.0, np.inf):
        points = exp.boundary(p, 2.0, 100)
        np.testing.assert_allclose([lp_norm(w, p) for w in points], 2.0, rtol=1e-12)


def test_the_solutions_are_on_the_boundary_and_better_than_their_neighbours(default):
    for name, p in (("l1", 1.0), ("l2", 2.0)):
        w = np.array(default.values["solution"][name])
        assert lp_norm(w, p) == pytest.approx(1.0)
        others = exp.boundary(p, 1.0, 4000)
        assert exp.loss(w, exp.DEFAULT) <= exp.loss(others, exp.DEFAULT).min() + 1e-9


def test_l2_solution_is_where_the_gradient_is_normal_to_the_circle(default):
    """KKT: H (w - w*) = -mu w for some mu > 0 on the circle."""
    w = np.array(default.values["solution"]["l2"])
    g = np.asarray(exp.DEFAULT.hessian) @ (w - np.asarray(exp.DEFAULT.w_star))
    assert abs(g[0] * w[1] - g[1] * w[0]) < 1e-3 and g @ w < 0


def test_what_the_page_says_holds(default):
    """docs/regularization.*.md: L1's solution sits on an axis (one weight is 0), L2's does not."""
    v = default.values
    assert v["zero_coordinates"] == {"l1": 1, "l2": 0}
    assert v["l2_norm_w_star"] > v["radius"] and v["l1_norm_w_star"] > v["radius"]  # both constraints bind


def test_tiny_runs():
    assert exp.run(exp.TINY).values["zero_coordinates"]["l1"] == 1


@pytest.mark.parametrize("lang, word", [("ja", "ひし形"), ("en", "diamond")])
def test_figure_is_labelled_in_its_language(default, lang, word):
    figure = exp.plot(default, lang)
    assert word in figure.axes[1].get_title()
    exp.plot_balls(default, lang)
