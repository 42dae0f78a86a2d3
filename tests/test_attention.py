"""dl_notes.attention (the page "Attention"): the masked softmax, dot-product and additive scores, the
context vector; float64 gradient checks of every input and parameter with masks; PyTorch's
scaled_dot_product_attention and an additive attention in torch ops; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.attention import (AdditiveScore, Attention, AttentionSeq2seq, DotScore, TimeAttention, additive_scores, context,
                                dot_scores, masked_softmax)
from dl_notes.gradcheck import numerical_gradient, relative_error
from _reference import SOURCES, recorder, reference

SCORES = {
    "dot": lambda rng, d: DotScore(),
    "scaled": lambda rng, d: DotScore(scale=True),
    "additive": lambda rng, d: AdditiveScore.init(d, d, 5, rng),
}
MASK = np.array([[True, True, True, True], [True, True, False, False]])


# --- the formulas --------------------------------------------------------------------------------

def test_masked_softmax_gives_padding_exactly_zero_and_rows_sum_to_one():
    rng = np.random.default_rng(0)
    scores = 10 * rng.standard_normal((2, 3, 4))
    weights = masked_softmax(scores, MASK[:, None, :])
    assert np.all(weights[1, :, 2:] == 0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1)
    # the kept positions get the ordinary softmax of their own scores
    kept = np.exp(scores[1, :, :2]) / np.exp(scores[1, :, :2]).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(weights[1, :, :2], kept)


def test_masked_softmax_is_stable_for_large_scores_and_ignores_huge_masked_ones():
    weights = masked_softmax(np.array([1000.0, 1001.0, 1e308]), np.array([True, True, False]))
    np.testing.assert_allclose(weights, [1 / (1 + np.e), np.e / (1 + np.e), 0])


def test_a_fully_masked_row_is_an_error_not_nan():
    with pytest.raises(ValueError, match=r"mask leaves no position in row \(1,\)"):
        masked_softmax(np.zeros((2, 3)), np.array([[True, False, False], [False, False, False]]))


@pytest.mark.parametrize("mask, error, match", [
    (np.array([[1, 0, 1]]), TypeError, "mask must be boolean"),
    (np.ones((1, 4), bool), ValueError, r"does not broadcast to the scores' shape \(1, 3\)"),
])
def test_bad_masks(mask, error, match):
    with pytest.raises(error, match=match):
        masked_softmax(np.zeros((1, 3)), mask)


def test_scaling_divides_by_the_square_root_of_the_width():
    rng = np.random.default_rng(1)
    q, k = rng.standard_normal((2, 3, 16)), rng.standard_normal((2, 5, 16))
    np.testing.assert_allclose(dot_scores(q, k, scale=True), dot_scores(q, k) / 4)
    np.testing.assert_allclose(dot_scores(q, k)[1, 2, 3], q[1, 2] @ k[1, 3])


def test_scaled_scores_of_random_unit_vectors_have_variance_one():
    """Why the Transformer divides by √d: entries of variance 1 give q·k a variance of d."""
    rng = np.random.default_rng(2)
    d = 64
    q, k = rng.standard_normal((1, 400, d)), rng.standard_normal((1, 100, d))
    assert abs(dot_scores(q, k).var() / d - 1) < 0.1
    assert abs(dot_scores(q, k, scale=True).var() - 1) < 0.1


def test_additive_score_is_the_formula_for_one_pair():
    rng = np.random.default_rng(3)
    q, k = rng.standard_normal((1, 2, 3)), rng.standard_normal((1, 4, 2))   # different widths are fine
    Wq, Wk, v = rng.standard_normal((3, 5)), rng.standard_normal((2, 5)), rng.standard_normal(5)
    np.testing.assert_allclose(additive_scores(q, k, Wq, Wk, v)[0, 1, 2], v @ np.tanh(Wq.T @ q[0, 1] + Wk.T @ k[0, 2]))
    np.testing.assert_allclose(AdditiveScore(Wq, Wk, v).forward(q, k), additive_scores(q, k, Wq, Wk, v))


def test_context_is_the_weighted_sum_and_lies_in_the_hull_of_the_states():
    rng = np.random.default_rng(4)
    hs = rng.standard_normal((2, 4, 3))
    layer = TimeAttention()
    cs = layer.forward(hs, rng.standard_normal((2, 5, 3)), MASK)
    np.testing.assert_allclose(cs[1, 2], layer.weights[1, 2, 0] * hs[1, 0] + layer.weights[1, 2, 1] * hs[1, 1])
    np.testing.assert_allclose(cs, context(layer.weights, hs))
    # padding can hold anything: it changes nothing
    changed = hs.copy()
    changed[1, 2:] = 1e6
    np.testing.assert_array_equal(TimeAttention().forward(changed, np.ones((2, 5, 3)), MASK)[1],
                                  TimeAttention().forward(hs, np.ones((2, 5, 3)), MASK)[1])


# --- gradient checks (float64) -------------------------------------------------------------------

@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("mask", [None, MASK], ids=["no mask", "mask"])
def test_time_attention_gradient_check(score, mask):
    rng = np.random.default_rng(5)
    hs, queries = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3))
    dcs = rng.standard_normal((2, 5, 3))
    layer = TimeAttention(SCORES[score](rng, 3))

    def scalar(_):
        return np.sum(layer.forward(hs, queries, mask) * dcs)

    scalar(None)
    dhs, dqueries = layer.backward(dcs)
    analytic = [p.copy() for p in layer.grads]
    assert relative_error(dhs, numerical_gradient(scalar, hs)) < 1e-7
    assert relative_error(dqueries, numerical_gradient(scalar, queries)) < 1e-7
    for grad, param in zip(analytic, layer.params):
        assert relative_error(grad, numerical_gradient(scalar, param)) < 1e-7
    if mask is not None:
        assert np.all(dhs[1, 2:] == 0)          # padded states get no gradient


@pytest.mark.parametrize("score", SCORES)
def test_one_step_attention_is_time_attention_with_one_query_and_checks_its_gradients(score):
    rng = np.random.default_rng(6)
    hs, h, dc = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    layer = Attention(SCORES[score](rng, 3))

    def scalar(_):
        return np.sum(layer.forward(hs, h, MASK) * dc)

    c = layer.forward(hs, h, MASK)
    assert c.shape == (2, 3) and layer.weights.shape == (2, 4)
    np.testing.assert_allclose(c, TimeAttention(layer.score).forward(hs, h[:, None], MASK)[:, 0])
    layer.forward(hs, h, MASK)
    dhs, dh = layer.backward(dc)
    assert relative_error(dhs, numerical_gradient(scalar, hs)) < 1e-7
    assert relative_error(dh, numerical_gradient(scalar, h)) < 1e-7


# --- PyTorch ------------------------------------------------------------------------------------

@pytest.fixture(params=SOURCES)
def torch_values(request):
    return reference("attention", request.param)


@pytest.mark.parametrize("case", ["dot", "scaled", "additive"])
def test_matches_pytorch(torch_values, case):
    ref = torch_values
    score = AdditiveScore(ref["Wq"].copy(), ref["Wk"].copy(), ref["v"].copy()) if case == "additive" \
        else DotScore(scale=case == "scaled")
    layer = TimeAttention(score)
    cs = layer.forward(ref["hs"], ref["queries"], ref["mask"])
    np.testing.assert_allclose(cs, ref[f"{case}_context"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.weights, ref[f"{case}_weights"], rtol=1e-10, atol=1e-12)
    dhs, dqueries = layer.backward(ref["dout"])
    np.testing.assert_allclose(dhs, ref[f"{case}_dhs"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dqueries, ref[f"{case}_dqueries"], rtol=1e-9, atol=1e-12)
    if case == "additive":
        for name in ("Wq", "Wk", "v"):
            np.testing.assert_allclose(getattr(score, "d" + name), ref[f"additive_d{name}"], rtol=1e-9, atol=1e-12)


def test_recorded_inputs_are_the_recorders():
    inputs = recorder("attention").inputs()
    recorded = reference("attention", "recorded")
    for name, value in inputs.items():
        np.testing.assert_array_equal(recorded[name], value)


# --- bad input ----------------------------------------------------------------------------------

def test_bad_input_is_refused_with_the_names():
    with pytest.raises(ValueError, match="one width d, got 3 and 2"):
        DotScore().forward(np.zeros((1, 1, 3)), np.zeros((1, 2, 2)))
    with pytest.raises(ValueError, match="one batch size N, got 1 and 2"):
        dot_scores(np.zeros((1, 1, 3)), np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match=r"queries must be 3-D \(N, T_q, d\)"):
        DotScore().forward(np.zeros((1, 3)), np.zeros((1, 2, 3)))
    with pytest.raises(TypeError, match="scale must be True or False"):
        DotScore(scale="yes")
    with pytest.raises(ValueError, match="must share A"):
        AdditiveScore(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(3))
    with pytest.raises(ValueError, match=r"must match Wq \(2, 3\)"):
        AdditiveScore(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(3)).forward(np.zeros((1, 1, 5)), np.zeros((1, 1, 2)))
    with pytest.raises(TypeError, match="score must be a DotScore or an AdditiveScore"):
        TimeAttention(score="dot")
    with pytest.raises(ValueError, match=r"mask must mark the source positions, shape \(N, T_s\) = \(2, 4\)"):
        TimeAttention().forward(np.zeros((2, 4, 3)), np.zeros((2, 1, 3)), np.ones((2, 3), bool))
    with pytest.raises(RuntimeError, match="call forward first"):
        TimeAttention().backward(np.zeros((1, 1, 1)))
    layer = TimeAttention()
    layer.forward(np.zeros((2, 4, 3)), np.zeros((2, 1, 3)))
    with pytest.raises(ValueError, match=r"dout must have the output's shape \(2, 1, 3\)"):
        layer.backward(np.zeros((2, 3)))


# --- the attention seq2seq ----------------------------------------------------------------------

@pytest.mark.parametrize("score", ["dot", "scaled", "additive", None])
def test_attention_seq2seq_gradient_check_of_every_parameter(score):
    model = AttentionSeq2seq(6, 3, 4, score, dtype=np.float64, seed=7)
    for p in model.params.values():                      # larger weights than the initial ones: a stricter check
        p[...] = np.random.default_rng(8).normal(0, 0.5, p.shape)
    xs = np.array([[2, 3, 4, 5], [5, 2, 0, 0]])          # the second source is padded
    ts = np.array([[1, 5, 4, 3, 2], [1, 2, 5, 0, 0]])    # so is its target: ignored steps
    analytic = {k: g.copy() for k, g in model.gradient(xs, ts).items()}
    assert sorted(analytic) == sorted(model.params)
    for key, param in model.params.items():
        numeric = numerical_gradient(lambda _: model.forward(xs, ts), param)
        assert relative_error(analytic[key], numeric) < 1e-6, key


def test_padding_is_masked_and_ignored():
    model = AttentionSeq2seq(6, 3, 4, "dot", dtype=np.float64, seed=0)
    xs = np.array([[2, 3, 0, 0]])
    model.forward(xs, np.array([[1, 3, 2, 0]]))
    assert np.all(model.attention.weights[0, :, 2:] == 0)
    loss = model.forward(xs, np.array([[1, 3, 2, 0]]))
    assert loss == pytest.approx(model.forward(xs, np.array([[1, 3, 2, 0]])))
    # the ignored last label does not count: the mean is over the two real steps
    steps = model.loss_layer.y.shape[0]
    assert steps == 2


def test_greedy_generation_is_the_argmax_of_teacher_forced_steps_it_produced():
    model = AttentionSeq2seq(6, 3, 4, "additive", pad_id=99, dtype=np.float64, seed=1)   # no step ignored
    xs = np.array([[2, 3, 4], [4, 4, 5]])
    ids = model.generate(xs, start_id=1, length=4)
    weights = model.attention.weights.copy()
    assert ids.shape == (2, 4) and weights.shape == (2, 4, 3)
    model.forward(xs, np.concatenate([np.ones((2, 1), int), ids], axis=1))
    np.testing.assert_array_equal(model.loss_layer.y.reshape(2, 4, 6).argmax(axis=-1), ids)
    np.testing.assert_allclose(model.attention.weights, weights)


def test_beam_search_of_width_one_is_greedy():
    from dl_notes.decoding import beam_search
    model = AttentionSeq2seq(6, 3, 4, "dot", dtype=np.float64, seed=2)
    xs = np.array([[2, 3, 4], [5, 4, 0]])
    sequences, _ = beam_search(model.step, model.initial_state(xs), 1, 4, beam_width=1)
    np.testing.assert_array_equal(sequences[:, 0], model.generate(xs, 1, 4))


def test_bad_model_arguments():
    with pytest.raises(ValueError, match="score must be 'dot', 'scaled', 'additive' or None, got 'cosine'"):
        AttentionSeq2seq(5, 2, 2, "cosine")
    model = AttentionSeq2seq(5, 2, 2)
    with pytest.raises(ValueError, match=r"xs must be symbol ids of shape \(N, T\)"):
        model.forward(np.array([2, 3]), np.array([[1, 2]]))
    with pytest.raises(ValueError, match="at least one target"):
        model.forward(np.array([[2, 3]]), np.array([[1]]))
    with pytest.raises(ValueError, match="as many sequences, got 1 and 2"):
        model.forward(np.array([[2, 3]]), np.array([[1, 2], [1, 3]]))
