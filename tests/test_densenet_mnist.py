"""The tiny DenseNet of the DenseNet page: its network is gradient checked, it learns, and it is small."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import densenet_mnist as exp
from dl_notes.gradcheck import check_network


def test_tiny_runs_and_records_curves(tiny):
    a, v = tiny.arrays, tiny.values
    assert a["densenet/iterations"].tolist() == [0, 2, 4]
    assert a["densenet/test_acc"].shape == a["densenet/train_acc"].shape == (3,)
    assert v["params"] < v["simple_conv_net"]


def test_the_network_is_gradient_checked_in_float64():
    rng = np.random.default_rng(1)
    net = exp.tiny_densenet(2, 2, (1, 2), 0.5, dtype=np.float64, rng=rng)
    x, t = rng.standard_normal((4, 1, 6, 6)), np.array([0, 3, 9, 3])
    errors = check_network(net, x, t)
    # a convolution's bias followed by batch normalisation has a zero gradient (rounding noise / 1e-5 floor)
    assert max(errors.values()) < 1e-5, errors
    assert [layer.out_channels for layer in net.layers.values() if hasattr(layer, "out_channels")] == [4, 2, 6]


def test_what_the_page_says_holds(default):
    """docs/densenet.*.md: a few hundred iterations reach a test accuracy far above chance with a small
    fraction of SimpleConvNet's parameters."""
    v = default.values
    assert v["test_acc"] > 0.8
    assert v["params"] * 10 < v["simple_conv_net"]


@pytest.mark.parametrize("lang, word", [("ja", "正解率"), ("en", "accuracy")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    assert word in exp.plot(tiny, lang).axes[0].get_ylabel()
