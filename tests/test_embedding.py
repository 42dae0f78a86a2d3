"""dl_notes.embedding: the lookup is the one-hot product, its gradient a numerical check's, and bad ids are refused."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.embedding import Embedding, TimeEmbedding
from dl_notes.gradcheck import numerical_gradient, relative_error


def test_lookup_is_the_one_hot_product_the_course_writes():
    """The course's seq2seq fill-in e = E.dot(w): a (D, V) matrix times a one-hot column."""
    rng = np.random.default_rng(0)
    W = rng.standard_normal((7, 3))
    ids = np.array([4, 0, 6])
    onehot = np.eye(7)[ids]                      # (N, V)
    np.testing.assert_array_equal(Embedding(W).forward(ids), onehot @ W)
    E = W.T                                      # the course's (D, V) layout
    np.testing.assert_array_equal(E.dot(onehot[0]), W[4])


@pytest.mark.parametrize("layer_type, shape", [(Embedding, (6,)), (TimeEmbedding, (2, 5))])
def test_gradient_check(layer_type, shape):
    rng = np.random.default_rng(1)
    layer = layer_type(rng.standard_normal((4, 3)))
    ids = rng.integers(0, 4, shape)              # repeated ids: their gradients must add up
    dout = rng.standard_normal(shape + (3,))

    def scalar(_):
        return np.sum(layer.forward(ids) * dout)

    scalar(None)
    assert layer.backward(dout) is None
    analytic = layer.dW.copy()
    assert relative_error(analytic, numerical_gradient(scalar, layer.W)) < 1e-8


def test_grads_list_is_the_same_array_after_every_backward():
    layer = TimeEmbedding(np.zeros((3, 2)))
    grads = layer.grads
    layer.forward(np.array([[1, 1]]))
    layer.backward(np.ones((1, 2, 2)))
    assert grads[0] is layer.dW and layer.params[0] is layer.W
    np.testing.assert_array_equal(grads[0], [[0, 0], [2, 2], [0, 0]])
    layer.forward(np.array([[0, 2]]))
    layer.backward(np.ones((1, 2, 2)))
    np.testing.assert_array_equal(grads[0], [[1, 1], [0, 0], [1, 1]])   # reset, not accumulated across calls


def test_dtype_follows_the_weights():
    layer = TimeEmbedding(np.ones((3, 2), np.float32))
    assert layer.forward(np.array([[0, 1]])).dtype == np.float32


@pytest.mark.parametrize("ids, error, match", [
    (np.array([0, 3]), ValueError, r"word ids must lie in \[0, 3\)"),
    (np.array([-1]), ValueError, r"word ids must lie in \[0, 3\)"),
    (np.array([0.0, 1.0]), TypeError, "integer word ids"),
])
def test_bad_ids_are_refused(ids, error, match):
    with pytest.raises(error, match=match):
        Embedding(np.zeros((3, 2))).forward(ids)


def test_time_embedding_wants_a_batch_of_sequences():
    with pytest.raises(ValueError, match=r"shape \(N, T\)"):
        TimeEmbedding(np.zeros((3, 2))).forward(np.array([0, 1]))


def test_backward_before_forward_and_wrong_upstream_shape():
    layer = Embedding(np.zeros((3, 2)))
    with pytest.raises(RuntimeError, match="call forward first"):
        layer.backward(np.zeros((1, 2)))
    layer.forward(np.array([0, 1]))
    with pytest.raises(ValueError, match=r"dout must have the output's shape \(2, 2\)"):
        layer.backward(np.zeros((2, 3)))


# --- the sparse gradient -------------------------------------------------------------------------

from _reference import SOURCES, reference  # noqa: E402

from dl_notes.embedding import SparseGradient, sgd_rows  # noqa: E402


@pytest.fixture(params=SOURCES)
def torch_embedding(request):
    return reference("embedding", request.param)


def test_forward_and_dense_gradient_match_pytorch(torch_embedding):
    ref = torch_embedding
    layer = TimeEmbedding(ref["W"].copy())
    np.testing.assert_allclose(layer.forward(ref["ids"]), ref["y"], rtol=1e-12)
    layer.backward(ref["dout"])
    np.testing.assert_allclose(layer.dW, ref["dense/grad"], rtol=1e-12, atol=1e-15)


def test_sparse_gradient_matches_pytorchs_coalesced_one(torch_embedding):
    ref = torch_embedding
    layer = TimeEmbedding(ref["W"].copy(), sparse=True)
    layer.forward(ref["ids"])
    layer.backward(ref["dout"])
    assert isinstance(layer.grads[0], SparseGradient)
    np.testing.assert_array_equal(layer.dW.indices, ref["sparse/indices"])
    np.testing.assert_allclose(layer.dW.values, ref["sparse/values"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.dW.to_dense(), ref["dense/grad"], rtol=1e-12, atol=1e-15)


def test_sparse_gradient_is_the_dense_one_and_names_only_used_rows():
    rng = np.random.default_rng(3)
    W = rng.standard_normal((50, 4))
    ids = rng.integers(0, 50, (3, 6))
    dout = rng.standard_normal((3, 6, 4))
    dense, sparse = TimeEmbedding(W.copy()), TimeEmbedding(W.copy(), sparse=True)
    for layer in (dense, sparse):
        layer.forward(ids)
        layer.backward(dout)
    np.testing.assert_array_equal(sparse.dW.indices, np.unique(ids))
    assert sparse.dW.values.shape == (len(np.unique(ids)), 4)
    np.testing.assert_allclose(sparse.dW.to_dense(), dense.dW, rtol=1e-13, atol=1e-15)


def test_sgd_rows_equals_the_dense_step_and_leaves_other_rows_untouched():
    rng = np.random.default_rng(4)
    W = rng.standard_normal((20, 3))
    grad = SparseGradient.from_rows(np.array([5, 2, 5]), rng.standard_normal((3, 3)), W.shape)
    expected = W - 0.1 * grad.to_dense()
    untouched = np.setdiff1d(np.arange(20), [2, 5])
    W_before = W.copy()
    sgd_rows(W, grad, lr=0.1)
    np.testing.assert_allclose(W, expected, rtol=1e-14)
    np.testing.assert_array_equal(W[untouched], W_before[untouched])


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros((3, 2)), np.eye(2)), TypeError, "must be a SparseGradient"),
    ((np.zeros((3, 2)), SparseGradient.from_rows(np.array([0]), np.ones((1, 2)), (4, 2))), ValueError, r"shape \(4, 2\)"),
])
def test_sgd_rows_refuses_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        sgd_rows(*args, lr=0.1)


def test_sparse_flag_must_be_a_bool():
    with pytest.raises(TypeError, match="sparse must be True or False"):
        Embedding(np.zeros((3, 2)), sparse="yes")
