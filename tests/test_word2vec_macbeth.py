"""The word2vec experiment on Macbeth: shapes, determinism, and what the page says."""

from __future__ import annotations

import numpy as np

from dl_notes.experiments import word2vec_macbeth as exp


def test_records_both_models(tiny):
    for key in exp.MODELS:
        assert tiny.arrays[f"{key}/loss"].shape == (exp.TINY.epochs,)
        assert tiny.arrays[f"{key}/projection"].shape == (tiny.values["n_projected"], 2)
        assert set(tiny.values["neighbours"][key]) <= set(exp.TINY.queries)
    assert tiny.values["n_words"] == exp.TINY.max_words
    assert tiny.values["costs"]["onehot_table"] == tiny.values["vocab_size"] ** 2


def test_is_deterministic(tiny):
    again = exp.run(exp.TINY)
    for name, array in tiny.arrays.items():
        np.testing.assert_array_equal(array, again.arrays[name], err_msg=name)
    assert again.values["neighbours"] == tiny.values["neighbours"]


def test_what_the_page_says_holds(default):
    """docs/word2vec.*.md: losses fall; real neighbours in the text are more similar than random pairs."""
    v = default.values
    for key in exp.MODELS:
        assert v["loss"][key]["last"] < v["loss"][key]["first"]
        s = v["similarity"][key]
        assert s["random_raw"] > 0.1 > abs(s["random"])
    assert v["costs"]["onehot_table"] > 50 * v["costs"]["embedding_table"]


def test_counts_are_those_of_the_embedded_text(default):
    from dl_notes.corpus import text_provenance

    p = text_provenance()["file"]
    v = default.values
    assert (v["n_lines"], v["n_words"], v["vocab_size"]) == (p["lines"], p["words"], p["distinct_words"])
    assert v["n_examples"] == v["n_words"] - 2 * v["window_size"]
