"""The clipping experiment: both runs see the same start and batches; clipping keeps every run finite."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import gradient_clipping as exp


def test_tiny_run_records_both_runs_for_every_seed(tiny):
    v = tiny.values
    assert len(v["seeds"]) == exp.TINY.seeds
    for s in range(exp.TINY.seeds):
        for name in exp.RUNS:
            assert tiny.arrays[f"{s}/{name}/loss"].shape == (exp.TINY.iterations,)
            assert tiny.arrays[f"{s}/{name}/norm"].shape == (exp.TINY.iterations,)


def test_runs_start_alike_and_clipping_changes_only_steps_above_the_threshold():
    """Same weights and batches: the first losses agree, and they stay equal until a step is clipped."""
    plain = exp.train(exp.TINY, 0, None)
    clipped = exp.train(exp.TINY, 0, exp.TINY.max_norm)
    first = np.argmax(plain["norms"] > exp.TINY.max_norm) if (plain["norms"] > exp.TINY.max_norm).any() else None
    stop = exp.TINY.iterations if first is None else first + 1
    np.testing.assert_array_equal(plain["losses"][:stop], clipped["losses"][:stop])


def test_a_diverged_run_stops_and_is_recorded():
    from dataclasses import replace
    config = replace(exp.TINY, lr=50.0, wh_scale=3.0, iterations=60)
    r = exp.train(config, 0, None)
    assert r["diverged"] is not None
    assert np.isnan(r["losses"][r["diverged"] + 1:]).all()


def test_the_run_is_seeded(tiny):
    again = exp.run(exp.TINY)
    assert again.values == tiny.values


def test_what_the_page_says_holds(default):
    """docs/rnn_gradients.*.md reads the runs this way."""
    v, s = default.values, default.values["summary"]
    assert s["plain"]["diverged"] >= 1 and s["clipped"]["diverged"] == 0
    assert v["seeds"][v["example"]]["plain"]["diverged_at"] is not None
    # clipped runs learn: every one ends well below predicting the mean
    for e in v["seeds"]:
        assert e["clipped"]["val_loss"] < 0.5 * v["baseline_val_loss"]
    # clipping acts on few steps: the rest of training is plain SGD
    assert s["clipped"]["above_threshold"] < 0.2
    assert v["baseline_val_loss"] == pytest.approx(1 / 12, rel=0.15)


@pytest.mark.parametrize("lang, word", [("ja", "勾配のノルム"), ("en", "gradient norm")])
def test_figures_are_labelled_in_their_language(tiny, lang, word):
    figure = exp.plot_curves(tiny, lang)
    assert word in figure.axes[1].get_ylabel()
