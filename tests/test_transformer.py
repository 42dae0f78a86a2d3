"""dl_notes.transformer and dl_notes.transformer_seq2seq (the page "Transformer"): the positional encoding
and its shift matrices; float64 gradient checks of the position-wise network, the residual + layer
norm, the encoder and decoder layers and the whole model; masks (padding never changes the result,
the decoder never reads the future); PyTorch's nn.TransformerEncoderLayer on recorded values."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import check_layer, numerical_gradient, relative_error
from dl_notes.multihead import look_ahead_mask, padding_mask
from dl_notes.transformer import (AddNorm, DecoderLayer, EncoderLayer, PositionwiseFeedForward, positional_encoding,
                                  shift_matrix)
from dl_notes.transformer_seq2seq import Transformer
from _reference import SOURCES, recorder, reference


# --- positional encoding ------------------------------------------------------------------------------

def test_positional_encoding_values_follow_the_formula():
    pe = positional_encoding(50, 16)
    t, i = 7, 3                                     # dimensions 2i = 6 (sine) and 2i + 1 = 7 (cosine)
    omega = 10000 ** (-2 * i / 16)
    assert pe[t, 2 * i] == pytest.approx(np.sin(omega * t), abs=1e-15)
    assert pe[t, 2 * i + 1] == pytest.approx(np.cos(omega * t), abs=1e-15)
    np.testing.assert_array_equal(pe[0], np.tile([0.0, 1.0], 8))
    np.testing.assert_allclose(np.sum(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, axis=1), 8, rtol=1e-12)   # |PE_t|² = d/2


@pytest.mark.parametrize("d_model", [2, 8, 32])
@pytest.mark.parametrize("k", [0, 1, 5, 37])
def test_shift_is_linear_and_independent_of_the_position(d_model, k):
    pe = positional_encoding(120, d_model)
    M = shift_matrix(k, d_model)
    t = np.arange(0, 120 - k)
    np.testing.assert_allclose(pe[t] @ M.T, pe[t + k], atol=1e-10)
    np.testing.assert_allclose(M @ M.T, np.eye(d_model), atol=1e-12)            # a rotation: lengths kept


def test_dot_product_of_two_encodings_depends_on_the_offset_only():
    pe = positional_encoding(100, 32)
    for k in (1, 4, 20):
        dots = np.sum(pe[:100 - k] * pe[k:], axis=1)
        np.testing.assert_allclose(dots, dots[0], rtol=1e-10)


def test_odd_width_is_refused():
    with pytest.raises(ValueError, match="d_model must be even"):
        positional_encoding(4, 5)


# --- layers -------------------------------------------------------------------------------------------

def _randomise(layer, seed):
    for p in layer.params.values():
        p[...] = np.random.default_rng(seed).normal(0, 0.5, p.shape)


def test_feed_forward_gradient_check():
    ffn = PositionwiseFeedForward(4, 6, dtype=np.float64, seed=0)
    _randomise(ffn, 1)
    x = np.random.default_rng(2).standard_normal((2, 3, 4))
    ffn.forward(x)
    dout = np.random.default_rng(3).standard_normal((2, 3, 4))
    dx = ffn.backward(dout)
    grads = {k: g.copy() for k, g in ffn.grads.items()}
    scalar = lambda _: np.sum(ffn.forward(x) * dout)    # noqa: E731
    assert relative_error(dx, numerical_gradient(scalar, x)) < 1e-7
    for name, param in ffn.params.items():
        assert relative_error(grads[name], numerical_gradient(scalar, param)) < 1e-7, name


def test_add_norm_gradient_check():
    layer = AddNorm(5, dtype=np.float64)
    _randomise(layer, 4)
    rng = np.random.default_rng(5)
    x, y, dout = rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 3, 5))
    layer.forward(x, y)
    dsum = layer.backward(dout)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    scalar = lambda _: np.sum(layer.forward(x, y) * dout)    # noqa: E731
    assert relative_error(dsum, numerical_gradient(scalar, x)) < 1e-7
    assert relative_error(dsum, numerical_gradient(scalar, y)) < 1e-7
    for name, param in layer.params.items():
        assert relative_error(grads[name], numerical_gradient(scalar, param)) < 1e-7, name


def _check_params(layer, scalar, grads):
    for name, param in layer.params.items():
        numeric = numerical_gradient(scalar, param)
        if name.endswith("b_K"):                        # exactly 0 (a key bias shifts a whole row of scores)
            assert np.abs(numeric).max() < 1e-8 and np.abs(grads[name]).max() < 1e-10, name
        else:
            assert relative_error(grads[name], numeric) < 1e-6, name


@pytest.mark.parametrize("masked", [False, True])
def test_encoder_layer_gradient_check(masked):
    layer = EncoderLayer(6, 2, 8, dtype=np.float64, seed=0)
    _randomise(layer, 6)
    x = np.random.default_rng(7).standard_normal((2, 4, 6))
    mask = padding_mask(np.array([[1, 1, 1, 1], [1, 1, 0, 0]])) if masked else None
    errors = check_layer(layer, x, mask, seed=8)
    assert errors["x"] < 1e-6
    dout = np.random.default_rng(9).standard_normal((2, 4, 6))
    layer.forward(x, mask)
    layer.backward(dout)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    _check_params(layer, lambda _: np.sum(layer.forward(x, mask) * dout), grads)


def test_decoder_layer_gradient_check_with_both_masks():
    layer = DecoderLayer(6, 3, 8, dtype=np.float64, seed=1)
    _randomise(layer, 10)
    rng = np.random.default_rng(11)
    y, memory, dout = rng.standard_normal((2, 3, 6)), rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 3, 6))
    self_mask, cross_mask = look_ahead_mask(3), padding_mask(np.array([[1, 1, 1, 1], [1, 0, 0, 0]]))
    scalar = lambda _: np.sum(layer.forward(y, memory, self_mask, cross_mask) * dout)    # noqa: E731
    scalar(None)
    dy, dmemory = layer.backward(dout)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    assert relative_error(dy, numerical_gradient(scalar, y)) < 1e-6
    assert relative_error(dmemory, numerical_gradient(scalar, memory)) < 1e-6
    _check_params(layer, scalar, grads)


# --- the model ----------------------------------------------------------------------------------------

def _model(seed=0, **kwargs):
    model = Transformer(7, d_model=4, n_heads=2, d_ff=6, dtype=np.float64, seed=seed, **kwargs)
    for key, p in model.params.items():             # larger weights than the initial ones: a stricter check
        p[...] = np.random.default_rng([seed, len(key)]).normal(0, 0.5, p.shape)
    return model


XS = np.array([[2, 3, 4, 5], [5, 2, 0, 0]])           # the second source is padded
TS = np.array([[1, 5, 4, 3, 2], [1, 2, 5, 0, 0]])     # so is its target: ignored steps


@pytest.mark.parametrize("n_layers", [1, 2])
def test_transformer_gradient_check_of_every_parameter(n_layers):
    model = _model(n_layers=n_layers)
    analytic = {k: g.copy() for k, g in model.gradient(XS, TS).items()}
    assert sorted(analytic) == sorted(model.params)
    for key, param in model.params.items():
        numeric = numerical_gradient(lambda _: model.forward(XS, TS), param)
        if key.endswith("b_K"):
            assert np.abs(numeric).max() < 1e-8 and np.abs(analytic[key]).max() < 1e-10, key
        else:
            assert relative_error(analytic[key], numeric) < 1e-6, key


def test_future_targets_never_change_earlier_steps():
    model = _model(seed=1)
    memory, mask = model.encode(XS)
    logits = model.decode(memory, mask, TS[:, :-1])
    for t in range(3):
        changed = TS[:, :-1].copy()
        changed[:, t + 1:] = 6                          # another future
        np.testing.assert_allclose(model.decode(memory, mask, changed)[:, :t + 1], logits[:, :t + 1], atol=1e-12)
    # the padded source positions get no weight in any cross-attention head
    assert np.all(model.decoders[0].cross_attention.weights[1, :, :, 2:] == 0)


def test_padded_source_rows_do_not_reach_the_output():
    model = _model(seed=2)
    memory, mask = model.encode(XS)
    logits = model.decode(memory, mask, TS[:, :-1])
    memory[1, 2:] = 50.0                               # whatever the encoder wrote at the padding
    np.testing.assert_allclose(model.decode(memory, mask, TS[:, :-1]), logits, atol=1e-12)


def test_greedy_generation_is_the_argmax_of_teacher_forced_steps_it_produced():
    model = _model(seed=3)
    out = model.generate(XS, start_id=1, length=4)
    memory, mask = model.encode(XS)
    logits = model.decode(memory, mask, np.concatenate([np.ones((2, 1), int), out[:, :-1]], axis=1))
    np.testing.assert_array_equal(logits.argmax(axis=-1), out)
    assert model.decoders[0].cross_attention.weights.shape == (2, 2, 4, 4)


def test_float32_model_trains_in_float32():
    model = Transformer(7, d_model=4, n_heads=2, d_ff=6, seed=0)
    grads = model.gradient(XS, TS)
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert all(g.dtype == np.float32 for g in grads.values())


def test_bad_model_arguments():
    with pytest.raises(ValueError, match="n_heads = 3 must divide d_model = 4"):
        Transformer(7, d_model=4, n_heads=3)
    model = Transformer(7, d_model=4, n_heads=2, max_length=3)
    with pytest.raises(ValueError, match="more than max_length = 3"):
        model.forward(np.ones((1, 4), int), np.ones((1, 2), int))
    with pytest.raises(ValueError, match="start symbol and at least one target"):
        model.forward(np.ones((1, 2), int), np.ones((1, 1), int))


# --- PyTorch ------------------------------------------------------------------------------------------

@pytest.fixture(params=SOURCES)
def torch_values(request):
    return reference("multihead_attention", request.param)


def test_encoder_layer_matches_pytorch(torch_values):
    ref = torch_values
    rec = recorder("multihead_attention")
    layer = EncoderLayer(rec.D, rec.H, rec.F, dtype=np.float64, seed=0)
    for name in rec.NAMES:
        getattr(layer.attention, name)[...] = ref[name]
    for name in ("W1", "b1", "W2", "b2"):
        getattr(layer.ffn, name)[...] = ref[f"ffn_{name}"]
    out = layer.forward(ref["keys"], ref["key_padding"][:, None, :])
    np.testing.assert_allclose(out, ref["encoder_out"], rtol=1e-9, atol=1e-11)
    dx = layer.backward(ref["keys"][..., ::-1])
    np.testing.assert_allclose(dx, ref["encoder_dx"], rtol=1e-8, atol=1e-10)
