"""The optimizer-trajectory experiment: its paths, its figure, and the claims its page makes."""

from __future__ import annotations

import inspect
from dataclasses import replace

import numpy as np
import pytest

from dl_notes import optim
from dl_notes.experiments import load
from dl_notes.experiments import optimizer_trajectories as exp


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return exp.run(exp.DEFAULT)


def test_every_path_starts_at_the_start_and_has_one_point_per_step():
    result = exp.run(exp.TINY)
    for key, _, _ in exp.TINY.optimizers:
        path = result.arrays[key]
        assert path.shape == (exp.TINY.steps + 1, 2)
        np.testing.assert_array_equal(path[0], exp.TINY.start)
        assert result.values["final_distance"][key] == pytest.approx(np.hypot(*path[-1]))


def test_sgd_path_is_the_closed_form():
    """On this quadratic, SGD multiplies x by (1 - lr/10) and y by (1 - 2 lr) at each step."""
    lr, steps = 0.95, 30
    path = exp.trajectory(optim.SGD(lr=lr), (-7.0, 2.0), steps)
    t = np.arange(steps + 1)
    np.testing.assert_allclose(path[:, 0], -7.0 * (1 - lr / 10) ** t, rtol=1e-12)
    np.testing.assert_allclose(path[:, 1], 2.0 * (1 - 2 * lr) ** t, rtol=1e-12)


def test_the_course_settings(default):
    assert exp.DEFAULT.start == (-7.0, 2.0) and exp.DEFAULT.steps == 30
    settings = {key: dict(kwargs) for key, _, kwargs in exp.DEFAULT.optimizers}
    assert settings == {
        "sgd": {"lr": 0.95},
        "momentum": {"lr": 0.1, "momentum": 0.9},
        "adagrad": {"lr": 1.5},
        "rmsprop": {"lr": 0.1, "decay_rate": 0.9},
        "adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999},
    }


def test_what_the_page_says_holds(default):
    """docs/optimizers.*.md reads the figure this way; if the code changes, this fails first."""
    v = default.values
    assert v["y_sign_changes"]["sgd"] == v["steps"]  # zigzag at every step
    assert v["x_overshoot"]["momentum"] > 0  # inertia carries it past the minimum
    assert v["ranking"][0] == "adagrad"  # closest in this short run
    assert v["y_sign_changes"]["rmsprop"] == 0 and v["ranking"][-1] == "rmsprop"  # no zigzag, not there yet
    assert v["y_sign_changes"]["adam"] <= 3  # the oscillation in y dies out quickly
    assert all(d < v["start_distance"] for d in v["final_distance"].values())


def test_noise_is_drawn_from_the_seed():
    noisy = replace(exp.TINY, noise=0.5)
    a, b = exp.run(noisy), exp.run(noisy)
    c = exp.run(replace(noisy, seed=1))
    np.testing.assert_array_equal(a.arrays["sgd"], b.arrays["sgd"])
    assert not np.array_equal(a.arrays["sgd"], c.arrays["sgd"])


def test_divergence_is_reported_with_the_optimizer_and_the_step():
    config = replace(exp.TINY, steps=200, optimizers=(("sgd", "SGD", (("lr", 1e3),)),))
    with pytest.raises(FloatingPointError, match=r"SGD \(lr=1000\) diverged: .* at step \d+"):
        exp.run(config)


@pytest.mark.parametrize("lang, word", [("ja", "ステップ"), ("en", "step")])
def test_figure_is_labelled_in_its_language(lang, word):
    figure = exp.plot(exp.run(exp.TINY), lang)
    texts = [t.get_text() for ax in figure.axes for t in (ax.xaxis.label, ax.yaxis.label, ax.title)]
    assert any(word in text for text in texts)
    assert sum(ax.get_visible() for ax in figure.axes) == len(exp.TINY.optimizers) + 1


def test_api_notes_cover_every_optimizer_class(default):
    classes = {f"dl_notes.optim.{obj.__name__}" for _, obj in inspect.getmembers(optim, inspect.isclass)
               if obj.__module__ == optim.__name__ and obj is not optim.Optimizer and issubclass(obj, optim.Optimizer)}
    classes -= {"dl_notes.optim.Nesterov"}  # not part of the course's figure
    for lang in ("ja", "en"):
        notes = exp.api_notes(default, lang)
        assert set(notes) == classes
        assert all(figure == "trajectories" for _, figure in notes.values())


def test_the_notebooks_variant_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path))
    config = replace(exp.DEFAULT, optimizers=(("sgd", "SGD", (("lr", 0.3),)),))
    assert load("optimizer_trajectories", config).values["final_distance"]["sgd"] > 0


def test_a_cached_result_draws_the_same_figure_as_a_fresh_one(tmp_path, monkeypatch):
    """The cache stores dicts key-sorted; the figure must not depend on dict order."""
    from dl_notes.experiments import ensure
    from dl_notes.experiments._figures import figure_bytes

    monkeypatch.setenv("DL_NOTES_CACHE", str(tmp_path))
    fresh, cached = ensure("optimizer_trajectories", tiny=True), ensure("optimizer_trajectories", tiny=True)
    assert fresh.ran and not cached.ran
    assert figure_bytes(exp.plot(fresh.result, "en"), ".svg") == figure_bytes(exp.plot(cached.result, "en"), ".svg")
