"""Knowledge distillation: softmax with temperature, the loss layer and its gradient, the Distiller."""

from __future__ import annotations

import numpy as np
import pytest

from _reference import SOURCES, recorder, reference
from dl_notes.distillation import DistillationLoss, Distiller, distillation_loss, softmax_with_temperature
from dl_notes.gradcheck import check_layer, check_network
from dl_notes.losses import SoftmaxWithLoss
from dl_notes.nets import MultiLayerNet
from dl_notes.train import Trainer


def _scores(seed=0, n=4, k=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, k)) * 2, rng.standard_normal((n, k)) * 3, rng.integers(0, k, n)


def test_temperature_flattens_without_reordering():
    z = np.array([[3.0, 1.0, -2.0, 0.5]])
    p = [softmax_with_temperature(z, T) for T in (0.5, 1, 4, 100)]
    assert all(np.allclose(q.sum(axis=1), 1) for q in p)
    assert all((np.argsort(q) == np.argsort(z)).all() for q in p)
    assert [float(q.max()) for q in p] == sorted((float(q.max()) for q in p), reverse=True)
    assert np.allclose(p[-1], 0.25, atol=0.01)


@pytest.mark.parametrize("T, alpha", [(1.0, 0.5), (2.0, 0.1), (4.0, 0.0), (8.0, 0.9), (3.0, 1.0)])
def test_gradient_check_float64(T, alpha):
    z_s, z_t, t = _scores()
    errors = check_layer(DistillationLoss(T, alpha), z_s, t, z_t)
    assert errors["x"] < 1e-7


def test_alpha_one_is_softmax_with_loss():
    z_s, z_t, t = _scores(1)
    layer, plain = DistillationLoss(T=5.0, alpha=1.0), SoftmaxWithLoss()
    assert layer.forward(z_s, t, z_t) == pytest.approx(plain.forward(z_s, t))
    np.testing.assert_allclose(layer.backward(), plain.backward())


def test_same_scores_have_no_soft_loss():
    z_s, _, t = _scores(2)
    layer = DistillationLoss(T=4.0, alpha=0.0)
    assert layer.forward(z_s, t, z_s.copy()) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(layer.backward(), 0.0, atol=1e-12)


def test_the_t_squared_factor_keeps_the_soft_gradient_scale():
    """Without T², the soft term's gradient falls like 1/T²; with it, its size settles as T grows."""
    z_s, z_t, t = _scores(3, n=50, k=10)
    norms = []
    for T in (4.0, 8.0, 16.0, 32.0):
        layer = DistillationLoss(T, alpha=0.0)
        layer.forward(z_s, t, z_t)
        norms.append(np.linalg.norm(layer.backward()))
    assert max(norms) / min(norms) < 1.2
    assert norms[-1] / T ** 2 < norms[0] / 4.0 ** 2 / 50       # what the gradient would be without T²


def test_distillation_loss_function_matches_the_layer():
    z_s, z_t, t = _scores(4)
    assert distillation_loss(z_s, t, z_t, 3.0, 0.2) == DistillationLoss(3.0, 0.2).forward(z_s, t, z_t)


@pytest.mark.parametrize("call, error, match", [
    (lambda: DistillationLoss(T=0), ValueError, "T must be > 0, got 0.0"),
    (lambda: DistillationLoss(alpha=1.5), ValueError, r"alpha must be in \[0, 1\], got 1.5"),
    (lambda: DistillationLoss(alpha=0.5).forward(np.zeros((2, 3)), np.array([0, 1]), None), ValueError,
     "teacher_logits is None"),
    (lambda: DistillationLoss().forward(np.zeros((2, 3)), np.array([0, 1]), np.zeros((2, 4))), ValueError,
     r"teacher_logits has shape \(2, 4\)"),
    (lambda: DistillationLoss().forward(np.zeros((2, 3)), np.array([0, 3]), np.zeros((2, 3))), ValueError, "t"),
    (lambda: DistillationLoss().backward(), RuntimeError, "call forward first"),
    (lambda: Distiller(MultiLayerNet(2, [2], 2, seed=0)).loss(np.zeros((1, 2)), np.array([0])), ValueError,
     "no teacher was given"),
])
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_gradient_has_the_dtype_of_the_scores(dtype):
    z_s, z_t, t = _scores(5)
    layer = DistillationLoss()
    layer.forward(z_s.astype(dtype), t, z_t)
    assert layer.backward().dtype == dtype


def test_distiller_gradient_check_and_the_student_keeps_its_loss_layer():
    teacher = MultiLayerNet(5, [7], 4, dtype=np.float64, seed=0)
    student = MultiLayerNet(5, [3], 4, dtype=np.float64, weight_decay_lambda=0.01, seed=1)
    x, t = np.random.default_rng(0).standard_normal((6, 5)), np.array([0, 1, 2, 3, 0, 1])
    distiller = Distiller(student, teacher, T=2.5, alpha=0.3)
    assert max(check_network(distiller, x, t).values()) < 1e-6
    assert isinstance(student.last_layer, SoftmaxWithLoss)
    given = distiller.gradient(x, t, teacher_logits=teacher.predict(x))
    computed = {k: g.copy() for k, g in distiller.gradient(x, t).items()}
    assert all(np.allclose(given[k], computed[k]) for k in computed)


def test_a_trainer_trains_a_distiller():
    rng = np.random.default_rng(0)
    x, t = rng.random((60, 4)), rng.integers(0, 3, 60)
    distiller = Distiller(MultiLayerNet(4, [3], 3, seed=0), MultiLayerNet(4, [8], 3, seed=1), T=2.0)
    trainer = Trainer(distiller, x, t, x, t, iterations=5, eval_every=5, mini_batch_size=10, verbose=False, seed=0)
    trainer.train()
    assert len(trainer.train_loss_list) == 5 and np.isfinite(trainer.train_loss_list).all()


# --- PyTorch: KL divergence (batchmean) × T² plus cross-entropy, and its gradient (float64) ------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("distillation", request.param)


@pytest.mark.parametrize("i", range(len(recorder("distillation").SETTINGS)))
def test_loss_and_gradient_match_pytorch(ref, i):
    T, alpha = ref[f"setting/{i}"].tolist()
    layer = DistillationLoss(T, alpha)
    assert layer.forward(ref["student"], ref["t"], ref["teacher"]) == pytest.approx(float(ref[f"loss/{i}"]), rel=1e-12)
    np.testing.assert_allclose(layer.backward(), ref[f"grad/{i}"], rtol=1e-10, atol=1e-14)
