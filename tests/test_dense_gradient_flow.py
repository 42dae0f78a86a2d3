"""The gradient-flow measurement of the DenseNet page: plain, residual and dense stacks of one depth."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import dense_gradient_flow as exp


def test_tiny_measures_every_layer_of_every_network(tiny):
    v = tiny.values
    assert v["kinds"] == ["plain", "residual", "dense"]
    for kind in v["kinds"]:
        g = tiny.arrays[f"{kind}/rms"]
        assert g.shape == (exp.TINY.num_layers,) and np.all(np.isfinite(g)) and np.all(g > 0)
        assert v["spread"][kind] >= 1
    assert v["head_channels"]["dense"] == exp.TINY.growth_rate * (exp.TINY.num_layers + 1)


def test_networks_differ_only_in_their_connections():
    rng = np.random.default_rng
    bodies = {kind: exp.build(kind, 3, 2, rng(0))[1] for kind in exp.KINDS}
    assert {kind: [layer.in_channels for layer in body.layers] for kind, body in bodies.items()} == \
        {"plain": [2, 2, 2], "residual": [2, 2, 2], "dense": [2, 4, 6]}


def test_what_the_page_says_holds(default):
    """docs/densenet.*.md: the plain stack's gradient changes size from layer to layer many times more than the
    dense block's (and the residual stack's)."""
    s = default.values["spread"]
    assert s["plain"] > 5 * s["dense"]
    assert s["plain"] > 5 * s["residual"]
    assert default.values["first_over_last"]["plain"] > 2   # it grows toward the input


@pytest.mark.parametrize("lang, word", [("ja", "層"), ("en", "layer")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    figure = exp.plot(tiny, lang)
    assert word in figure.axes[0].get_xlabel()
