"""The LeNet/AlexNet tables of the AlexNet page."""

from __future__ import annotations

import pytest

from dl_notes.experiments import cnn_architectures as exp


def test_tiny_runs_and_sums(tiny):
    v = tiny.values
    assert v["networks"] == ["lenet5"]
    assert v["totals"]["lenet5"] == sum(r["params"] for r in v["layers"]["lenet5"])


def test_what_the_page_says_holds(default):
    """docs/alexnet.*.md: the fully connected layers hold most of AlexNet's parameters, few of LeNet's;
    global pooling shrinks the first FC layer; the paper's 224 input does not fit conv1."""
    t = default.values["totals"]
    assert t["alexnet_fc_share"] > 0.9
    assert t["lenet5_fc_share"] < 0.5
    assert default.values["head"]["ratio"] > 30
    assert "not divisible by stride = 4" in default.values["alexnet_224_error"]
    assert t["alexnet_one_gpu"] > t["alexnet"]


@pytest.mark.parametrize("lang, word", [("ja", "パラメータ"), ("en", "parameters")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    figure = exp.plot(tiny, lang)
    assert any(word in ax.get_xlabel() for ax in figure.axes)
