"""The experiments behind the page "Transformer": scaled_attention, positional_encoding and
transformer_dates, on their TINY configurations, and the properties the page relies on."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import positional_encoding, scaled_attention, transformer_dates


def test_scaled_attention_variance_grows_with_d_k_and_scaling_keeps_the_softmax_unsaturated():
    result = scaled_attention.run(scaled_attention.TINY)
    v = result.values
    for d, ratio in v["variance_over_d_k"].items():
        assert 0.7 < ratio < 1.3, d                            # Var(qᵀk) ≈ d_k
    # without the scaling the widest width saturates: larger top weight, smaller Jacobian
    assert v["unscaled_max_weight_widest"] > v["scaled_max_weight_widest"] + 0.2
    assert v["unscaled_jacobian_widest"] < v["scaled_jacobian_widest"]
    assert v["scaled_spread"] < 0.1                              # scaled: the same softmax at every width
    course = v["course"]
    assert course["d_model"]["max_weight"] < course["d_k"]["max_weight"] < course["none"]["max_weight"]
    assert course["d_model"]["score_variance"] == pytest.approx(course["d_k"]["score_variance"] / 4, rel=1e-12)


def test_jacobian_size_matches_the_matrix():
    a = np.random.default_rng(0).dirichlet(np.ones(5), size=3)
    for row, size in zip(a, scaled_attention.jacobian_size(a)):
        assert size == pytest.approx(np.linalg.norm(np.diag(row) - np.outer(row, row)), rel=1e-12)


def test_positional_encoding_dot_products_depend_on_the_offset_only():
    result = positional_encoding.run(positional_encoding.TINY)
    assert result.values["shift_error"] < 1e-12
    assert result.values["dot_spread"] < 1e-12
    assert result.arrays["table"].shape == (positional_encoding.TINY.length, positional_encoding.TINY.d_model)
    with pytest.raises(ValueError, match="below length"):
        positional_encoding.run(positional_encoding.Config(length=5, starts=(3,), max_offset=3))


@pytest.fixture(scope="module")
def tiny():
    return transformer_dates.run(transformer_dates.TINY)


def test_transformer_dates_measures_both_models(tiny):
    v = tiny.values
    config = transformer_dates.TINY
    for key in transformer_dates.MODELS:
        assert v["params"][key] > 0 and v["ms_per_step"][key] > 0
        assert len(tiny.arrays[f"curve/{key}/exact"]) == config.epochs
        assert 0 <= v["exact"][key] <= v["per_char"][key] <= 1
    assert v["steps"] == config.epochs * config.n_train // config.batch_size
    assert v["winner"] in ("transformer", "lstm", "tie")


def test_transformer_dates_maps_are_weights_over_the_source(tiny):
    for fmt in transformer_dates.SHOWN:
        source = tiny.values["maps"][fmt]["source"]
        cross = tiny.arrays[f"maps/{fmt}/cross"]
        encoder = tiny.arrays[f"maps/{fmt}/encoder"]
        assert cross.shape == (transformer_dates.TINY.n_heads, 10, len(source))
        assert encoder.shape == (transformer_dates.TINY.n_heads, len(source), len(source))
        np.testing.assert_allclose(cross.sum(axis=-1), 1, rtol=1e-5)      # no weight left on the padding
        np.testing.assert_allclose(encoder.sum(axis=-1), 1, rtol=1e-5)


def test_bad_config():
    with pytest.raises(ValueError, match="multiple of batch_size"):
        transformer_dates.run(transformer_dates.Config(n_train=70))
