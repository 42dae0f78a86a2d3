"""The channel and parameter counts of the DenseNet page."""

from __future__ import annotations

import pytest

from dl_notes.densenet import densenet_parameters
from dl_notes.experiments import densenet_parameters as exp


def test_tiny_counts_agree(tiny):
    v = tiny.values
    assert v["block"]["params"] == v["block"]["params_formula"]
    assert [r["in"] for r in v["block"]["layers"]] == [exp.TINY.k0 + exp.TINY.growth_rate * i for i in range(2)]
    assert v["d2l"]["sum"] == v["d2l"]["total"]


def test_plain_stack_counts_units():
    # 1 -> 4 channels, then 4 -> 4: (2*1 + 9*1*4 + 4) + (2*4 + 9*4*4 + 4)
    assert exp.plain_stack_parameters(2, 1, 4) == 42 + 156


def test_what_the_page_says_holds(default):
    """docs/densenet.*.md: d2l's DenseNet has 758,226 parameters (the PyTorch count) in parts that add up; a plain
    stack ending with as many channels needs far more; the counts grow with depth."""
    v = default.values
    assert v["d2l"]["total"] == v["d2l"]["sum"] == densenet_parameters() == 758226
    assert v["deepest"]["ratio"] > 10
    assert all(a < b for a, b in zip(default.arrays["dense"], default.arrays["dense"][1:]))
    assert v["simple_conv_net"] == 433890


@pytest.mark.parametrize("figure", sorted(exp.FIGURES))
@pytest.mark.parametrize("lang, word", [("ja", "チャネル"), ("en", "channels")])
def test_figures_are_labelled_in_their_language(tiny, figure, lang, word):
    fig = exp.FIGURES[figure](tiny, lang)
    texts = [t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()] + [fig.axes[0].get_xlabel()]
    assert any(word in t for t in texts)
