"""The lightweighting experiments: networks trained once, then quantised, pruned and distilled."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import compression_mnist as exp
from dl_notes.experiments import float_formats


def test_tiny_measures_every_network_bit_width_and_sparsity(tiny):
    v, c = tiny.values, exp.TINY
    assert v["nets"] == ["mlp", "cnn"]
    for key in v["nets"]:
        q = v["quant"][key]
        assert sorted(q["acc"]) == sorted(["32", *map(str, c.bits)])
        sizes = [q["bytes"][str(k)] for k in sorted(c.bits, reverse=True)]
        assert q["bytes"]["32"] > sizes[0] and sizes == sorted(sizes, reverse=True)
        assert set(q["float_acc"]) == set(c.floats) and q["float_bytes"]["float16"] == 2 * q["params"]
    p = v["pruning"]
    assert len(p["pruned"]) == len(p["finetuned"]) == len(p["bytes"]) == len(c.sparsities)
    assert p["nonzero"] == sorted(p["nonzero"], reverse=True)
    assert len(v["alone"]["acc"]) == len(c.student_seeds)
    assert all(len(v["distilled"][str(T)]["acc"]) == len(c.student_seeds) for T in c.temperatures)
    assert v["best_T"] in v["distilled"]


def test_same_seed_same_run(tiny):
    assert exp.run(exp.TINY).values == tiny.values


def test_what_the_page_says_holds(default):
    """docs/compression.*.md: 8 bits cost nothing, 2 bits cost a lot; fine-tuning recovers pruned
    accuracy; the distilled students' spread is quoted beside the difference; float16/bfloat16 cost nothing."""
    v = default.values
    for key in v["nets"]:
        acc = v["quant"][key]["acc"]
        assert abs(acc["8"] - acc["32"]) < 0.005 and acc["2"] < acc["32"] - 0.05
        assert all(abs(a - acc["32"]) < 0.005 for a in v["quant"][key]["float_acc"].values())
    p = v["pruning"]
    assert all(f >= q for f, q in zip(p["finetuned"], p["pruned"]))
    q = v["quant"]["mlp"]
    assert p["bytes"][0] > q["bytes"]["8"]                       # CSR at 50 %: bigger than 8-bit dense
    # "at the same size, quantisation kept the accuracy best": every pruned point that is not smaller
    # than all quantised ones has a quantised one at most as big and at least as accurate
    for size, acc in zip(p["bytes"], p["finetuned"]):
        if size >= min(q["bytes"].values()):
            assert any(b <= size and q["acc"][k] >= acc for k, b in q["bytes"].items())
    # "the distilled student is about as big as the 3-bit teacher, and less accurate"
    best = v["distilled"][v["best_T"]]
    assert 0.8 < v["student_bytes"] / q["bytes"]["3"] < 1.25 and best["mean"] < q["acc"]["3"]
    assert v["teacher_train_acc"] > 0.99 and 0.9 in v["sparsities"]


@pytest.mark.parametrize("lang, word", [("ja", "ビット"), ("en", "bits")])
def test_figures_draw_in_their_language(tiny, lang, word):
    assert word in exp.plot_bits(tiny, lang).axes[0].get_xlabel()
    exp.plot_pruning(tiny, lang), exp.plot_tradeoff(tiny, lang)


def test_float_formats_rounding_stays_within_half_an_epsilon():
    r = float_formats.run(float_formats.TINY)
    for name in r.values["rounded"]:
        assert r.values[name]["max_error_normal"] <= r.values[name]["half_epsilon"]
    assert r.values["formats"]["float64"]["memory_gib"] == 8.0
    assert r.values["float16"]["overflow"] > 0 and r.values["bfloat16"]["overflow"] == 0


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_float_formats_figures_draw(lang):
    r = float_formats.run(float_formats.TINY)
    float_formats.plot_layout(r, lang), float_formats.plot_error(r, lang)
    assert np.isfinite(r.arrays["x"]).all()
