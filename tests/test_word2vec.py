"""dl_notes.word2vec: gradient checks of every layer, the loss against PyTorch, the sampler's distribution."""

from __future__ import annotations

import numpy as np
import pytest
from _reference import SOURCES, reference

from dl_notes.embedding import sgd_rows
from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.optim import SGD
from dl_notes.word2vec import (
    CBOW,
    EmbeddingDot,
    NegativeSamplingLoss,
    SkipGram,
    UnigramSampler,
    model_costs,
    sigmoid_cross_entropy,
)

CORPUS = np.array([0, 1, 2, 3, 4, 1, 5, 6, 2, 0, 3, 6])


def test_sigmoid_cross_entropy_and_its_gradient():
    s = np.linspace(-15, 15, 7)  # where the naive formula is still accurate
    for t in (0.0, 1.0):
        loss, grad = sigmoid_cross_entropy(s, np.full_like(s, t))
        p = 1 / (1 + np.exp(-s))
        naive = -(t * np.log(p) + (1 - t) * np.log(1 - p))
        np.testing.assert_allclose(loss, naive, rtol=1e-7, atol=1e-12)
        assert sigmoid_cross_entropy(np.array(-800.0), np.array(1.0))[0] == 800.0   # no overflow, no log(0)
        numeric = numerical_gradient(lambda x: sigmoid_cross_entropy(x, np.full_like(x, t))[0].sum(), s.copy())
        np.testing.assert_allclose(grad, numeric, atol=1e-7)


@pytest.mark.parametrize("idx_shape", [(4,), (4, 3)])
def test_embedding_dot_gradient_check(idx_shape):
    rng = np.random.default_rng(0)
    layer = EmbeddingDot(rng.standard_normal((5, 3)))
    h = rng.standard_normal((4, 3))
    idx = rng.integers(0, 5, idx_shape)
    dout = rng.standard_normal(idx_shape)

    def f(_):
        return np.sum(layer.forward(h, idx) * dout)

    f(None)
    dh = layer.backward(dout)
    dW = layer.grads[0].copy()
    assert relative_error(dh, numerical_gradient(f, h)) < 1e-8
    assert relative_error(dW, numerical_gradient(f, layer.params[0])) < 1e-8


def test_negative_sampling_loss_gradient_check():
    rng = np.random.default_rng(1)
    layer = NegativeSamplingLoss(rng.standard_normal((7, 3)), CORPUS, sample_size=3, seed=0)
    h = rng.standard_normal((5, 3))
    target = rng.integers(0, 7, 5)
    negatives = layer.sampler.get_negative_sample(target)

    def f(_):
        return layer.forward(h, target, negatives)

    f(None)
    dh = layer.backward()
    dW = layer.grads[0].copy()
    assert relative_error(dh, numerical_gradient(f, h)) < 1e-8
    assert relative_error(dW, numerical_gradient(f, layer.params[0])) < 1e-8


@pytest.fixture(params=SOURCES)
def torch_ns(request):
    return reference("word2vec", request.param)


def test_negative_sampling_matches_pytorch_bce_with_logits(torch_ns):
    ref = torch_ns
    layer = NegativeSamplingLoss(ref["W"].copy(), CORPUS, sample_size=ref["negatives"].shape[1], seed=0)
    loss = layer.forward(ref["h"], ref["target"], ref["negatives"])
    assert loss == pytest.approx(float(ref["loss"]), rel=1e-12)
    np.testing.assert_allclose(layer.backward(), ref["dh"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.grads[0], ref["dW"], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
@pytest.mark.parametrize("window", [1, 2])
def test_model_gradient_check(Model, window):
    """Every parameter of both models, with the negatives held fixed between the evaluations."""
    model = Model(7, 3, CORPUS, window_size=window, sample_size=2, seed=1, dtype=np.float64)
    for W in model.params.values():  # larger than the 0.01 start, so that the check is not trivial
        W *= 50
    rng = np.random.default_rng(2)
    contexts, target = rng.integers(0, 7, (4, 2 * window)), rng.integers(0, 7, 4)
    state = model.loss_layer.sampler.rng.bit_generator.state

    def f(_):
        model.loss_layer.sampler.rng.bit_generator.state = state  # the same negatives every time
        return model.forward(contexts, target)

    f(None)
    model.backward()
    grads = {"W_in": model.in_layer.dW.copy(), "W_out": model.loss_layer.grads[0].copy()}
    for key, W in model.params.items():
        assert relative_error(grads[key], numerical_gradient(f, W)) < 1e-7, key


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_sparse_gradients_equal_the_dense_ones_and_train_the_same(Model):
    contexts, target = np.array([[0, 2], [1, 3], [6, 0]]), np.array([1, 2, 3])
    dense = Model(7, 3, CORPUS, seed=4, dtype=np.float64)
    sparse = Model(7, 3, CORPUS, seed=4, dtype=np.float64, sparse=True)
    g_dense, g_sparse = dense.gradient(contexts, target), sparse.gradient(contexts, target)
    for key in ("W_in", "W_out"):
        np.testing.assert_allclose(g_sparse[key].to_dense(), g_dense[key], rtol=1e-13, atol=1e-16)
    SGD(lr=0.5).update(dense.params, g_dense)
    for key in ("W_in", "W_out"):
        sgd_rows(sparse.params[key], g_sparse[key], lr=0.5)
        np.testing.assert_allclose(sparse.params[key], dense.params[key], rtol=1e-13)


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_training_lowers_the_loss(Model):
    from dl_notes.corpus import create_contexts_target
    from dl_notes.optim import Adam

    corpus = np.tile(np.array([0, 1, 2, 3, 4, 5]), 30)
    contexts, target = create_contexts_target(corpus, 1)
    model = Model(6, 5, corpus, sample_size=2, seed=0)
    first = model.forward(contexts, target)
    optimizer = Adam(lr=0.05)
    for _ in range(60):
        optimizer.update(model.params, model.gradient(contexts, target))
    assert model.forward(contexts, target) < 0.5 * first


def test_sampler_follows_the_powered_counts_and_never_returns_the_target():
    corpus = np.repeat(np.arange(4), [80, 10, 5, 5])
    sampler = UnigramSampler(corpus, power=0.75, sample_size=4, seed=0)
    p = np.array([80, 10, 5, 5]) ** 0.75
    np.testing.assert_allclose(sampler.word_p, p / p.sum())
    target = np.full(20_000, 1)
    sample = sampler.get_negative_sample(target)
    assert sample.shape == (20_000, 4) and not (sample == 1).any()
    q = np.delete(p, 1) / np.delete(p, 1).sum()  # the distribution without the target
    freq = np.bincount(sample.ravel(), minlength=4)[[0, 2, 3]] / sample.size
    np.testing.assert_allclose(freq, q, atol=0.01)


def test_sampler_is_seeded():
    a = UnigramSampler(CORPUS, seed=3).get_negative_sample(np.arange(5))
    b = UnigramSampler(CORPUS, seed=3).get_negative_sample(np.arange(5))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"corpus": np.array([1, 1])}, ValueError, "at least 2 different words"),
    ({"corpus": np.array([0.0, 1.0])}, ValueError, "nonnegative integer word ids"),
    ({"corpus": CORPUS, "power": 0}, ValueError, "power"),
    ({"corpus": CORPUS, "sample_size": 0}, ValueError, "sample_size"),
])
def test_sampler_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        UnigramSampler(**kwargs)


def test_models_refuse_bad_shapes_and_ids():
    with pytest.raises(ValueError, match=r"contexts must have shape \(N, 4\)"):
        CBOW(7, 3, CORPUS, window_size=2).forward(np.zeros((2, 2), int), np.zeros(2, int))
    with pytest.raises(ValueError, match="outside a vocabulary of vocab_size = 5"):
        SkipGram(5, 3, CORPUS)
    with pytest.raises(ValueError, match=r"idx must have shape \(N,\) or \(N, K\) with N = 2"):
        EmbeddingDot(np.zeros((3, 2))).forward(np.zeros((2, 2)), np.zeros(3, int))


def test_model_costs():
    c = model_costs(3282, 50, 5, itemsize=4)
    assert c["onehot_table"] == 3282 ** 2 and c["embedding_table"] == 3282 * 50
    assert c["onehot_bytes"] == 4 * 3282 ** 2 and c["embedding_bytes"] == 4 * 3282 * 50
    assert (c["onehot_product"], c["lookup"], c["softmax_dots"], c["negative_sampling_dots"]) == (3282 * 50, 50, 3282, 6)
    # The one-hot product is the lookup: same numbers, V*D multiply-adds instead of D copies.
    rng = np.random.default_rng(0)
    W = rng.standard_normal((9, 4))
    np.testing.assert_array_equal(np.eye(9)[5] @ W, W[5])
