"""The experiment "wavenet_sequence" (page "WaveNet"): a dilated and an undilated causal stack with the
same parameters on sequences whose next value is told only by the value one period back."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import wavenet_sequence as exp
from dl_notes.sequences import repeating_patterns


@pytest.fixture(scope="module")
def tiny():
    return exp.run(exp.TINY)


def test_tiny_trains_both_stacks_with_the_same_parameters(tiny):
    v, a = tiny.values, tiny.arrays
    assert v["dilated"]["parameters"] == v["plain"]["parameters"]
    assert v["dilated"]["field"] > exp.TINY.period >= v["plain"]["field"]
    for stack in exp.STACKS:
        assert a[f"{stack}/curve"].shape == a["steps"].shape and np.isfinite(a[f"{stack}/curve"]).all()
    # After a few dozen steps the dilated stack already predicts better than the undilated one can.
    assert v["dilated"]["test_mse"] < v["plain"]["test_mse"]
    for lang in ("ja", "en"):
        assert exp.plot_training(tiny, lang).axes


def test_the_undilated_stack_cannot_beat_predicting_zero():
    """It sees fewer than period steps, and the pattern's values are independent: nothing nearer helps."""
    config = exp.Config(steps=150, n_test=64)
    v = exp.run(config).values
    assert v["plain"]["test_mse"] > 0.9 * v["baselines"]["zero"]
    assert v["dilated"]["test_mse"] < 2 * v["baselines"]["copy_back"]


def test_repeating_patterns_repeat_and_differ():
    xs = repeating_patterns(50, 30, period=7, noise=0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(xs[:, 7:], xs[:, :-7])
    assert xs.dtype == np.float32 and abs(float(xs.std()) - 1) < 0.15
    noisy = repeating_patterns(400, 30, period=7, noise=0.5, rng=np.random.default_rng(1))
    assert abs(float(np.var(noisy[:, 7:] - noisy[:, :-7])) - 2 * 0.25) < 0.05
    with pytest.raises(ValueError, match="noise"):
        repeating_patterns(2, 5, 2, noise=-1.0)


def test_bad_config():
    with pytest.raises(ValueError, match="must see period"):
        exp.run(exp.Config(period=20))
