"""dl_notes.multihead (the page "Transformer"): scaled dot-product attention, the padding and look-ahead
masks, multi-head attention; float64 gradient checks of every input and parameter (self- and
cross-attention, with masks); masked keys get zero weight and never change the output; PyTorch's
nn.MultiheadAttention on recorded values; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.multihead import (MultiHeadAttention, look_ahead_mask, padding_mask, scaled_dot_product_attention,
                                scaled_dot_product_attention_backward)
from _reference import SOURCES, recorder, reference

RNG = np.random.default_rng(0)


def test_scaled_dot_product_attention_is_the_formula():
    Q, K, V = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 5, 4)), RNG.standard_normal((2, 5, 3))
    out, weights = scaled_dot_product_attention(Q, K, V)
    scores = np.einsum("nqd,nkd->nqk", Q, K) / 2.0             # √d_k = √4
    expected = np.exp(scores) / np.exp(scores).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(weights, expected, rtol=1e-12)
    np.testing.assert_allclose(out, expected @ V, rtol=1e-12)


def test_scale_argument_replaces_the_square_root_of_d_k():
    Q, K, V = RNG.standard_normal((1, 2, 4)), RNG.standard_normal((1, 3, 4)), RNG.standard_normal((1, 3, 2))
    _, course = scaled_dot_product_attention(Q, K, V, scale=np.sqrt(16.0))
    _, ours = scaled_dot_product_attention(Q / 2, K, V)        # √16 = 2 · √4
    np.testing.assert_allclose(course, ours, rtol=1e-12)


@pytest.mark.parametrize("masked", [False, True])
def test_scaled_dot_product_attention_backward_gradient_check(masked):
    rng = np.random.default_rng(1)
    Q, K, V = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 3))
    dout = rng.standard_normal((2, 3, 3))
    mask = padding_mask(np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]])) if masked else None
    out, weights = scaled_dot_product_attention(Q, K, V, mask)
    grads = scaled_dot_product_attention_backward(dout, Q, K, V, weights)
    for x, grad in zip((Q, K, V), grads):
        numeric = numerical_gradient(lambda _: np.sum(scaled_dot_product_attention(Q, K, V, mask)[0] * dout), x)
        assert relative_error(grad, numeric) < 1e-8


def test_look_ahead_mask_is_the_strict_upper_triangle():
    mask = look_ahead_mask(5)
    i, j = np.indices((5, 5))
    np.testing.assert_array_equal(mask, j > i)


def test_padding_mask_marks_the_pad_keys_for_every_query():
    mask = padding_mask(np.array([[4, 5, 0], [4, 0, 0]]))
    assert mask.shape == (2, 1, 3)
    np.testing.assert_array_equal(mask[:, 0], [[False, False, True], [False, True, True]])


# --- multi-head attention ----------------------------------------------------------------------------

def _mha(seed=3):
    mha = MultiHeadAttention(6, 3, dtype=np.float64, seed=seed)
    for p in mha.params.values():                              # non-zero biases: every term checked
        p[...] = np.random.default_rng(seed + 1).normal(0, 0.5, p.shape)
    return mha


CASES = {
    "self": (False, None),
    "self, look-ahead": (False, "look_ahead"),
    "cross": (True, None),
    "cross, padding": (True, "padding"),
}


@pytest.mark.parametrize("case", CASES)
def test_multihead_attention_gradient_check(case):
    cross, mask_kind = CASES[case]
    rng = np.random.default_rng(5)
    mha = _mha()
    queries = rng.standard_normal((2, 4, 6))
    keys = rng.standard_normal((2, 5, 6)) if cross else queries
    values = rng.standard_normal((2, 5, 6)) if cross else queries
    mask = {None: None, "look_ahead": look_ahead_mask(4),
            "padding": padding_mask(np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]))}[mask_kind]
    dout = rng.standard_normal((2, 4, 6))

    def scalar(_):
        return np.sum(mha.forward(queries, keys, values, mask) * dout)

    scalar(None)
    dq, dk, dv = mha.backward(dout)
    grads = {k: g.copy() for k, g in mha.grads.items()}
    if cross:
        inputs = {"queries": (queries, dq), "keys": (keys, dk), "values": (values, dv)}
    else:                                                       # one input used three times
        inputs = {"x": (queries, dq + dk + dv)}
    for name, (x, grad) in inputs.items():
        assert relative_error(grad, numerical_gradient(scalar, x)) < 1e-7, name
    for name, param in mha.params.items():
        numeric = numerical_gradient(scalar, param)
        if name == "b_K":       # a key bias adds q·b_K to every score of a row: the softmax ignores it
            assert np.abs(grads[name]).max() < 1e-12 and np.abs(numeric).max() < 1e-9
        else:
            assert relative_error(grads[name], numeric) < 1e-7, name


def test_masked_keys_get_zero_weight_and_never_change_the_output():
    rng = np.random.default_rng(6)
    mha = _mha()
    queries, keys = rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 6))
    ids = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    mask = padding_mask(ids)
    out = mha.forward(queries, keys, keys, mask)
    assert np.all(mha.weights[1, :, :, 3:] == 0)
    np.testing.assert_allclose(mha.weights.sum(axis=-1), 1, rtol=1e-12)
    changed = keys.copy()
    changed[1, 3:] = 100 * rng.standard_normal((2, 6))           # new keys and values where the padding is
    np.testing.assert_array_equal(mha.forward(queries, changed, changed, mask), out)


def test_look_ahead_mask_makes_every_output_independent_of_the_future():
    rng = np.random.default_rng(7)
    mha = _mha()
    x = rng.standard_normal((1, 5, 6))
    out = mha.forward(x, x, x, look_ahead_mask(5))
    assert np.all(mha.weights[..., np.triu_indices(5, 1)[0], np.triu_indices(5, 1)[1]] == 0)
    for t in range(4):
        changed = x.copy()
        changed[:, t + 1:] = rng.standard_normal((1, 4 - t, 6))
        np.testing.assert_allclose(mha.forward(changed, changed, changed, look_ahead_mask(5))[:, :t + 1],
                                   out[:, :t + 1], rtol=1e-12, atol=1e-14)


def test_float32_stays_float32():
    mha = MultiHeadAttention(4, 2, seed=0)
    x = np.ones((1, 2, 4), np.float32)
    assert mha.forward(x, x, x).dtype == np.float32
    assert all(g.dtype == np.float32 for g in mha.backward(np.ones((1, 2, 4), np.float32)))


# --- PyTorch ------------------------------------------------------------------------------------------

@pytest.fixture(params=SOURCES)
def torch_values(request):
    return reference("multihead_attention", request.param)


def _from(ref):
    rec = recorder("multihead_attention")
    mha = MultiHeadAttention(rec.D, rec.H, dtype=np.float64, seed=0)
    for name in rec.NAMES:
        getattr(mha, name)[...] = ref[name]
    return mha


@pytest.mark.parametrize("case", ["cross", "padded", "causal"])
def test_matches_pytorch_multihead_attention(torch_values, case):
    ref = torch_values
    mha = _from(ref)
    q = ref["queries"]
    k, v = (q, q) if case == "causal" else (ref["keys"], ref["values"])
    mask = {"cross": None, "padded": ref["key_padding"][:, None, :], "causal": look_ahead_mask(len(q[0]))}[case]
    out = mha.forward(q, k, v, mask)
    np.testing.assert_allclose(out, ref[f"{case}_out"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mha.weights, ref[f"{case}_head_weights"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mha.weights.mean(axis=1), ref[f"{case}_weights"], rtol=1e-10, atol=1e-12)
    dq, dk, dv = mha.backward(ref["dout"])
    if case == "causal":
        np.testing.assert_allclose(dq + dk + dv, ref["causal_dqueries"], rtol=1e-9, atol=1e-12)
    else:
        for name, grad in (("dqueries", dq), ("dkeys", dk), ("dvalues", dv)):
            np.testing.assert_allclose(grad, ref[f"{case}_{name}"], rtol=1e-9, atol=1e-12, err_msg=name)
    for name, grad in mha.grads.items():
        np.testing.assert_allclose(grad, ref[f"{case}_d{name}"], rtol=1e-9, atol=1e-12, err_msg=name)


def test_recorded_inputs_are_the_recorders():
    recorded = reference("multihead_attention", "recorded")
    for name, value in recorder("multihead_attention").inputs().items():
        np.testing.assert_array_equal(recorded[name], value)


# --- bad input ----------------------------------------------------------------------------------------

def test_bad_input_is_refused_with_the_names():
    with pytest.raises(ValueError, match="n_heads = 3 must divide d_model = 8"):
        MultiHeadAttention(8, 3)
    mha = MultiHeadAttention(4, 2, dtype=np.float64, seed=0)
    with pytest.raises(ValueError, match="queries must have d_model = 4 features"):
        mha.forward(np.zeros((1, 2, 3)), np.zeros((1, 2, 4)), np.zeros((1, 2, 4)))
    with pytest.raises(TypeError, match="queries has dtype float32, the weights float64"):
        mha.forward(np.zeros((1, 2, 4), np.float32), np.zeros((1, 2, 4)), np.zeros((1, 2, 4)))
    with pytest.raises(TypeError, match="mask must be boolean"):
        mha.forward(np.zeros((1, 2, 4)), np.zeros((1, 2, 4)), np.zeros((1, 2, 4)), mask=np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="call forward first"):
        MultiHeadAttention(4, 2).backward(np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="length"):
        look_ahead_mask(0)
