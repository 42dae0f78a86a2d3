"""The autoencoder_vae experiment: TINY runs, its numbers are consistent, it is seeded, its figures draw."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from dl_notes.experiments import autoencoder_vae as experiment
from dl_notes.experiments._figures import figure_bytes


@pytest.fixture(scope="module")
def result():
    return experiment.run(experiment.TINY)


def test_curves_have_one_point_per_epoch_and_the_vae_loss_adds_its_terms(result):
    v, c = result.values, experiment.TINY
    assert len(v["ae"]["train_loss"]) == c.ae_epochs and len(v["vae"]["train_kl"]) == c.vae_epochs
    np.testing.assert_allclose(v["vae"]["train_loss"],
                               np.add(v["vae"]["train_reconstruction"], v["vae"]["train_kl"]), rtol=1e-6)
    assert v["vae"]["test_loss"] == pytest.approx(v["vae"]["test_reconstruction"] + v["vae"]["test_kl"])
    assert v["vae"]["test_kl"] > 0 and v["ae"]["test_loss"] > 0


def test_arrays_have_the_shapes_the_figures_need(result):
    a, c = result.arrays, experiment.TINY
    assert a["originals"].shape == a["ae_reconstructions"].shape == (c.n_show, 784)
    assert a["mu"].shape == a["codes2"].shape == (c.n_test, 2) and a["labels"].shape == (c.n_test,)
    assert a["grid_images"].shape == (c.grid**2, 784)
    assert 0 < a["grid_images"].min() and a["grid_images"].max() < 1


def test_probit_grid_splits_the_prior_into_equal_shares():
    q = experiment.probit_grid(4)
    np.testing.assert_allclose([NormalDist().cdf(v) for v in q], [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(q, -q[::-1])


def test_run_is_seeded(result):
    again = experiment.run(experiment.TINY)
    np.testing.assert_array_equal(result.arrays["mu"], again.arrays["mu"])
    assert result.values == again.values


@pytest.mark.parametrize("name", sorted(experiment.FIGURES))
def test_figures_draw(result, name):
    """Each figure once, in Japanese (the font path that can fail); the build draws both languages."""
    assert figure_bytes(experiment.FIGURES[name](result, "ja"), name)
