"""The vanishing-gradient experiment: activation slopes, per-layer gradient norms, and the page's claims."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dl_notes.experiments import vanishing_gradients as exp


def test_tiny_run_has_one_norm_per_layer(tiny):
    v = tiny.values
    for key in v["order"]:
        assert len(v["grad_norms"][key]) == len(exp.TINY.hidden) + 1
        assert all(n > 0 and np.isfinite(n) for n in v["grad_norms"][key])
    assert tiny.arrays["x"].shape == (exp.TINY.points,)


def test_sigmoid_slope_peaks_at_a_quarter(tiny):
    assert tiny.values["sigmoid_grad_max"] == pytest.approx(0.25)
    assert tiny.values["sigmoid_grad_argmax"] == 0.0
    assert tiny.values["tanh_grad_max"] == pytest.approx(1.0)


def test_a_too_shallow_net_is_refused():
    with pytest.raises(ValueError, match="at least 3 layers"):
        exp.run(replace(exp.TINY, hidden=(8, 8)))


def test_the_run_is_seeded(tiny):
    again = exp.run(exp.TINY)
    assert again.values["grad_norms"] == tiny.values["grad_norms"]


def test_what_the_page_says_holds(default):
    """docs/vanishing_gradients.*.md reads the figure this way."""
    v = default.values
    sig, tanh, relu = "sigmoid/xavier", "tanh/xavier", "relu/he"
    # sigmoid: the norm shrinks about fourfold per layer towards the input, i.e. by close to max sigma' = 1/4
    assert 0.15 < v["per_layer_factor"][sig] < 0.3
    assert v["input_over_output"][sig] < 1e-4
    norms = v["grad_norms"][sig]
    assert all(a < b for a, b in zip(norms, norms[1:]))  # strictly growing towards the output
    # tanh with Xavier and ReLU with He keep it within a factor 1.5 per layer
    for key in (tanh, relu):
        assert 1 / 1.5 < v["per_layer_factor"][key] < 1.5
        assert v["input_over_output"][key] > 0.5
        norms = v["grad_norms"][key]
        assert norms[0] > max(norms[1:-1])  # W1, fed by the pixels, a little larger than the hidden layers


@pytest.mark.parametrize("lang, word", [("ja", "層"), ("en", "layer")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    figure = exp.plot_norms(tiny, lang)
    assert word in figure.axes[0].get_xlabel()
    figure = exp.plot_activations(tiny, lang)
    assert len(figure.axes) == 2
