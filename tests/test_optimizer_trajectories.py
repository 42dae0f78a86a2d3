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
        "nesterov": {"lr": 0.1, "momentum": 0.9},
        "adagrad": {"lr": 1.5},
        "rmsprop": {"lr": 0.1, "decay_rate": 0.9},
        "adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999},
    }


def test_what_the_page_says_holds(default):
    """docs/optimizers.*.md reads the figure this way; if the code changes, this fails first.

    The page words these through template conditions on the same values; this test pins the
    version the text was written against, so a change shows up here too.
    """
    v = default.values
    assert v["y_sign_changes"]["sgd"] == v["steps"]  # zigzag at every step
    assert v["x_overshoot"]["momentum"] > 0  # inertia carries it past the minimum
    assert 0 < v["x_overshoot"]["nesterov"] < v["x_overshoot"]["momentum"]  # looking ahead brakes earlier
    assert v["final_distance"]["nesterov"] < v["final_distance"]["momentum"]
    assert v["ranking"][0] == "adagrad"  # closest in this short run
    assert v["y_sign_changes"]["adagrad"] == 0
    assert v["y_sign_changes"]["rmsprop"] == 0 and v["ranking"][-1] == "rmsprop"  # no zigzag, not there yet
    assert v["last_x_step"]["rmsprop"] < v["lr"]["rmsprop"]  # its late steps along x are shorter than lr
    assert v["y_sign_changes"]["adam"] <= 3  # the oscillation in y dies out quickly
    assert all(d < v["start_distance"] for d in v["final_distance"].values())


def test_adagrad_first_step_moves_y_from_2_to_half(default):
    """h = g² after one step, so each coordinate moves by lr * sign(g) = 1.5: not "nearly to 0"."""
    np.testing.assert_allclose(default.arrays["adagrad"][1], [-5.5, 0.5], atol=1e-6)
    np.testing.assert_allclose(default.values["first_point"]["adagrad"], [-5.5, 0.5], atol=1e-6)


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho(default):
    """No bias correction: h = (1 - rho) g² after one step, so each coordinate moves lr / sqrt(1 - rho)."""
    step = 0.1 / np.sqrt(1 - 0.9)
    np.testing.assert_allclose(default.arrays["rmsprop"][1], [-7 + step, 2 - step], rtol=1e-6)


def test_course_momentum_in_weight_difference_form_is_the_same_path():
    """Seed 000 / the course: w(t+1) = w(t) - lr * grad E(w(t)) + mu * (w(t) - w(t-1)), with w(-1) = w(0).

    The velocity v(t) = w(t+1) - w(t) of the site's form is exactly that weight difference.
    """
    lr, mu, steps = 0.1, 0.9, 30
    w_prev = w = np.array([-7.0, 2.0])
    path = [w]
    for _ in range(steps):
        w, w_prev = w - lr * np.array(exp.gradient(*w)) + mu * (w - w_prev), w
        path.append(w)
    np.testing.assert_allclose(exp.trajectory(optim.Momentum(lr=lr, momentum=mu), (-7.0, 2.0), steps),
                               np.array(path), rtol=1e-12, atol=1e-12)


def test_nesterov_is_the_look_ahead_form_seen_from_the_look_ahead_point():
    """Sutskever et al.: v <- mu v - lr grad f(theta + mu v), theta <- theta + v. dl_notes keeps W = theta + mu v."""
    lr, mu, steps = 0.1, 0.9, 30
    theta, v = np.array([-7.0, 2.0]), np.zeros(2)
    look_ahead = [theta + mu * v]
    for _ in range(steps):
        v = mu * v - lr * np.array(exp.gradient(*(theta + mu * v)))
        theta = theta + v
        look_ahead.append(theta + mu * v)
    np.testing.assert_allclose(exp.trajectory(optim.Nesterov(lr=lr, momentum=mu), (-7.0, 2.0), steps),
                               np.array(look_ahead), rtol=1e-12, atol=1e-12)


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
