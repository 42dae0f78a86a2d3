"""The gradient_basics experiment: the claims the page "Losses and gradients" makes from it."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dl_notes.experiments import gradient_basics as exp

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def default():
    return exp.run(exp.DEFAULT)


def test_tiny_runs_and_draws_every_figure():
    import matplotlib.pyplot as plt

    result = exp.run(exp.TINY)
    for plot in exp.FIGURES.values():
        for lang in ("ja", "en"):
            plt.close(plot(result, lang))


def test_central_beats_forward_at_the_books_h(default):
    v = default.values
    assert v["error_at_book_h"]["central"] < v["error_at_book_h"]["forward"] / 1000
    # the measured errors are the truncation errors h/2 e and h²/6 e at h = 1e-4
    assert v["error_at_book_h"]["forward"] == pytest.approx(1e-4 / 2 * np.e, rel=1e-3)
    assert v["error_at_book_h"]["central"] == pytest.approx(1e-8 / 6 * np.e, rel=1e-2)


def test_each_method_is_best_near_its_theoretical_h(default):
    v = default.values
    eps = np.finfo(float).eps
    # minimising h/2 e + eps e / h gives h = sqrt(2 eps); h²/6 e + eps e / h gives h = (3 eps)^(1/3)
    assert v["best_h"]["forward"] == pytest.approx(np.sqrt(2 * eps), rel=3)
    assert v["best_h"]["central"] == pytest.approx((3 * eps) ** (1 / 3), rel=3)
    assert v["best_h"]["central"] > v["best_h"]["forward"]
    assert v["best_error"]["central"] < v["best_error"]["forward"]


def test_smaller_h_is_worse_below_the_rounding_floor(default):
    h, e = default.arrays["h"], default.arrays["error/central"]
    assert e[h < 1e-12].min() > 100 * default.values["best_error"]["central"]


def test_h_1e_50_changes_nothing(default):
    v = default.values
    assert v["tiny_h_no_change"] and v["tiny_h_derivative"] == 0.0 and v["float32_tiny_h"] == 0.0


def test_the_field_is_minus_twice_the_point(default):
    np.testing.assert_allclose(default.arrays["arrows"], -2 * default.arrays["points"], atol=1e-8)
    assert default.values["field_points"] == 18 * 18  # the book's grid, arange(-2, 2.5, 0.25)


def test_learning_rates(default):
    v = default.values
    assert v["final_distance"]["0.1"] < 1e-8  # good: 0.8^100 * 5
    assert v["final_distance"]["1e-10"] == pytest.approx(5.0 * (1 - 2e-10) ** 100, rel=1e-6)  # too small: hardly moves
    assert v["final_distance"]["1e-10"] < 5.0
    assert v["final_distance"]["10"] > 1e12  # too large: flung away ...
    assert v["stall_step"]["10"] is not None and v["large_lr_x_plus_h_equals_x"]  # ... and stuck where x + h == x
    assert v["stall_step"]["0.1"] is None and v["stall_step"]["1e-10"] is None


def test_stall_step():
    assert exp.stall_step(np.array([[1.0, 1.0], [2.0, 1.0], [2.0, 1.0]])) == 1
    assert exp.stall_step(np.zeros((3, 2))) == 0
