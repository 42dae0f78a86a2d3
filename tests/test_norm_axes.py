"""Batch, layer and instance normalisation: their groups, and which depends on the batch."""

from __future__ import annotations

import pytest

from dl_notes.experiments import norm_axes as exp


@pytest.fixture(scope="module", params=[exp.TINY, exp.DEFAULT], ids=["tiny", "default"])
def result(request):
    return exp.run(request.param), request.param


def test_every_group_is_standardised(result):
    r, config = result
    N, C, H, W = config.shape
    assert r.values["group_size"] == {"batch": N * H * W, "layer": C * H * W, "instance": H * W}
    for method in exp.METHODS:
        assert r.values["max_abs_mean"][method] < 1e-12
        assert r.values["max_std_error"][method] < 1e-3


def test_only_batch_norm_depends_on_the_other_samples(result):
    """What the page says: a sample's output changes with its batch only under batch normalisation."""
    r, _ = result
    dependence = r.values["batch_dependence"]
    assert dependence["batch"] > 0.1
    assert dependence["layer"] == 0.0 and dependence["instance"] == 0.0


def test_instance_norm_is_batch_norm_of_one_sample(result):
    r, _ = result
    assert r.values["instance_vs_per_sample_batch"] < 1e-9


def test_instance_norm_has_one_gamma_per_channel_and_layernorm_over_h_w_agrees(result):
    """The page's one definition: gamma of shape (C,); LayerNorm over (H, W) standardises the same groups."""
    r, config = result
    N, C, H, W = config.shape
    assert r.values["gamma_size"] == {"batch": C, "layer": C * H * W, "instance": C, "instance_per_pixel": H * W,
                                      "book_batch": C * H * W}
    assert r.values["instance_vs_layernorm_hw"] < 1e-12


def test_the_books_per_pixel_batch_norm_differs_from_per_channel(result):
    r, config = result
    N, C, H, W = config.shape
    assert (r.values["book_batch_groups"], r.values["book_batch_group_size"]) == (C * H * W, N)
    assert r.values["book_vs_channel_batch"] > 0.1


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        exp.normalizer("group", (2, 2, 2, 2))


@pytest.mark.parametrize("lang, word", [("ja", "層正規化"), ("en", "layer norm")])
def test_figure_is_labelled_in_its_language(lang, word):
    figure = exp.plot(exp.run(exp.TINY), lang)
    assert any(word in ax.get_title() for ax in figure.axes)
