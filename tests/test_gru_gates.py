"""The GRU's update gate on the long-range task: shapes, the gate's range, and what the page says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dl_notes.experiments import gru_gates as exp


def test_every_case_records_its_curve_and_gates(tiny):
    T, H = exp.TINY.length, exp.TINY.hidden_size
    for key in exp.CASES:
        a = tiny.arrays
        assert a[f"{key}/z_mean"].shape == (T,), key
        assert a[f"{key}/kept"].shape == (H,), key
        assert ((a[f"{key}/z_mean"] > 0) & (a[f"{key}/z_mean"] < 1)).all(), key
        assert (np.diff(a[f"{key}/kept"]) <= 0).all(), key  # sorted, the best-kept unit first
        assert a[f"{key}/steps"][-1] == exp.TINY.iterations
        assert tiny.values["kept_max"][key] == pytest.approx(float(a[f"{key}/kept"][0]))


def test_the_closed_gate_starts_near_its_sigmoid():
    assert exp.run(exp.TINY).values["closed_z"] == pytest.approx(1 / (1 + np.exp(3)))


def test_what_the_page_says_holds(default):
    """docs/gru.*.md: the closed gate learns the task, the half-open one stays near chance; the closed gate keeps the state."""
    v = default.values
    assert v["accuracy"]["closed_bias"] > 0.95
    assert v["accuracy"]["zero_bias"] < 0.5
    assert v["solved_at"]["zero_bias"] is None
    assert v["z_distractors"]["closed_bias"] < v["z_distractors"]["zero_bias"]
    assert v["kept_max"]["closed_bias"] > 100 * v["kept_max"]["zero_bias"]


def test_parameter_counts_are_for_the_experiments_sizes(tiny):
    v = tiny.values
    D, H = v["input_size"], v["hidden_size"]
    assert v["parameters"]["gru"]["ours"] == 3 * (D * H + H * H + H)
    assert v["parameters"]["lstm"]["pytorch"] == 4 * (D * H + H * H + 2 * H)


def test_the_quiz_counts_the_experiments_sizes():
    """docs/gru.*.md's quiz counts parameter_count("lstm", 4, 16) "at the sizes of the experiment above"."""
    assert (exp.DEFAULT.n_classes, exp.DEFAULT.hidden_size) == (4, 16)
    for lang in ("ja", "en"):
        page = (Path(__file__).resolve().parents[1] / "docs" / f"gru.{lang}.md").read_text(encoding="utf-8")
        assert 'parameter_count("lstm", 4, 16), parameter_count("gru", 4, 16)' in page, lang
