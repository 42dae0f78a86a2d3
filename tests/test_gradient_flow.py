"""The gradient-flow experiment: norms by distance, the per-step bound max f' * ||W_h||, and the page's claims."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dl_notes.experiments import gradient_flow as exp
from dl_notes.rnn import TimeRNN


def test_tiny_run_has_one_norm_per_distance(tiny):
    v = tiny.values
    for group in ("cells", "scales"):
        for entry in v[group].values():
            assert len(entry["norms"]) == exp.TINY.steps
            assert all(np.isfinite(entry["norms"])) and min(entry["norms"]) > 0


def test_linear_rnn_gradient_is_the_power_of_W_h():
    """tanh'(0) = 1, so with zero input the Jacobian product is (W_h^T)^k: the norm is s^k exactly."""
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((4, 4)))
    layer = TimeRNN(np.eye(4), 0.7 * Q, np.zeros(4))
    norms = exp.input_gradient_norms(layer, np.zeros((2, 6, 4)), np.array([1.0, 0, 0, 0]))
    np.testing.assert_allclose(norms, 0.7 ** np.arange(6), rtol=1e-12)


def test_the_scaled_W_h_has_exactly_that_spectral_norm(tiny):
    for entry in tiny.values["scales"].values():
        assert entry["spectral_norm"] == pytest.approx(entry["scale"], rel=1e-12)


def test_derivative_bounds_come_from_dl_notes(tiny):
    assert tiny.values["sigmoid_grad_max"] == 0.25
    assert tiny.values["tanh_grad_max"] == 1.0
    assert tiny.values["scales"]["sigmoid/s=2"]["bound"] == 0.5


def test_bad_fit_range_is_refused():
    with pytest.raises(ValueError, match="need 0 < fit_from < fit_to < steps"):
        exp.run(replace(exp.TINY, fit_to=exp.TINY.steps))


def test_the_run_is_seeded(tiny):
    assert exp.run(exp.TINY).values == tiny.values


def test_what_the_page_says_holds(default):
    """docs/rnn_gradients.*.md reads the measurements this way."""
    v = default.values
    cells, scales = v["cells"], v["scales"]
    # every cell loses the gradient geometrically at initialisation; the forget bias 1 slows the loss
    for key in ("rnn", "lstm", "gru"):
        assert cells[key]["per_step"] < 0.8
        assert cells[key]["far_over_near"] < 1e-5
    assert cells["lstm/forget_bias=1"]["per_step"] > cells["lstm"]["per_step"] + 0.1
    assert cells["lstm/forget_bias=1"]["far_over_near"] > 100 * cells["lstm"]["far_over_near"]
    # the bound max f' * ||W_h|| holds, and decides vanishing; ReLU with ||W_h|| = 2 explodes
    for entry in scales.values():
        assert entry["per_step"] <= entry["bound"]
    assert v["bound_holds"]
    for key in ("tanh/s=0.5", "sigmoid/s=2"):
        assert scales[key]["bound"] < 1 and scales[key]["far_over_near"] < 1e-10
    assert scales["relu/s=2"]["per_step"] > 1.1 and scales["relu/s=2"]["far_over_near"] > 1e3
    # tanh with ||W_h|| = 2: the bound allows growth, saturation keeps it near 1 per step
    assert 0.9 < scales["tanh/s=2"]["per_step"] < 1.2


@pytest.mark.parametrize("lang, word", [("ja", "ステップ"), ("en", "steps back")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    for plot in (exp.plot_cells, exp.plot_scales):
        figure = plot(tiny, lang)
        assert word in figure.axes[0].get_xlabel()
        assert len(figure.axes[0].get_lines()) == 4
