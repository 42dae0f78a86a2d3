"""dl_notes.seq2seq: float64 gradient checks of Encoder, Decoder and Seq2seq (every parameter, every cell), PyTorch's loss and gradients, the thought vector, teacher forcing, generation, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.decoding import beam_search
from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.lstm import TimeLSTM
from dl_notes.optim import Adam
from dl_notes.activations import log_softmax
from dl_notes.seq2seq import Decoder, Encoder, Seq2seq
from _reference import SOURCES, load_reference, recorder, reference

CELLS = ("lstm", "rnn", "gru")


def jitter(params, rng):
    for p in params.values():  # non-zero biases, so that their gradients are tested too
        p += 0.1 * rng.standard_normal(p.shape)


def check(params, grads, scalar):
    errors = {k: relative_error(grads[k], numerical_gradient(scalar, p)) for k, p in params.items()}
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("vocab_size", [7, None])
def test_encoder_gradient_check(cell, vocab_size):
    """Every hidden state and the final state carry gradient: s = sum(hs * dhs) + sum(state * dstate)."""
    rng = np.random.default_rng(0)
    encoder = Encoder(vocab_size, 3, 4, cell, dtype=np.float64, seed=1)
    jitter(encoder.params, rng)
    xs = rng.integers(0, 7, (2, 5)) if vocab_size else rng.standard_normal((2, 5, 3))
    dhs = rng.standard_normal((2, 5, 4))
    dstate = tuple(rng.standard_normal((2, 4)) for _ in encoder.recurrent.cell.state_names)

    def scalar(_):
        hs = encoder.forward(xs)
        return np.sum(hs * dhs) + sum(np.sum(s * d) for s, d in zip(encoder.state, dstate))

    scalar(None)
    encoder.backward(dhs, *dstate)
    check(encoder.params, {k: g.copy() for k, g in encoder.grads.items()}, scalar)
    assert set(encoder.params) == {"Wx", "Wh", "b"} | ({"W_embed"} if vocab_size else set())


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("vocab_size", [7, None])
def test_decoder_gradient_check_and_initial_state_gradient(cell, vocab_size):
    rng = np.random.default_rng(2)
    decoder = Decoder(vocab_size, 3, 4, cell, output_size=None if vocab_size else 2, dtype=np.float64, seed=3)
    jitter(decoder.params, rng)
    xs = rng.integers(0, 7, (2, 4)) if vocab_size else rng.standard_normal((2, 4, 3))
    state = tuple(rng.standard_normal((2, 4)) for _ in decoder.recurrent.cell.state_names)
    dout = rng.standard_normal((2, 4, 7 if vocab_size else 2))

    def scalar(_):
        return np.sum(decoder.forward(xs, state) * dout)

    scalar(None)
    dstate = decoder.backward(dout)
    check(decoder.params, {k: g.copy() for k, g in decoder.grads.items()}, scalar)
    for s, d in zip(state, dstate):
        assert relative_error(d, numerical_gradient(scalar, s)) < 1e-6


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("reverse_input", [False, True])
def test_seq2seq_gradient_check(cell, reverse_input):
    rng = np.random.default_rng(4)
    model = Seq2seq(6, 3, 4, cell, reverse_input=reverse_input, dtype=np.float64, seed=5)
    jitter(model.params, rng)
    xs = rng.integers(0, 6, (3, 5))
    ts = np.concatenate([np.ones((3, 1), int), rng.integers(0, 6, (3, 4))], axis=1)
    analytic = {k: g.copy() for k, g in model.gradient(xs, ts).items()}
    numeric = model.numerical_gradient(xs, ts)
    assert set(analytic) == set(model.params) == {
        "enc_W_embed", "enc_Wx", "enc_Wh", "enc_b", "dec_W_embed", "dec_Wx", "dec_Wh", "dec_b", "dec_W_out", "dec_b_out"}
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    assert max(errors.values()) < 1e-6, errors


def test_seq2seq_mse_gradient_check():
    """The course's sin → cos shape: real inputs, an RNN, a linear output, the squared error."""
    rng = np.random.default_rng(6)
    model = Seq2seq(None, 1, 4, "rnn", output_size=1, dtype=np.float64, seed=7)
    jitter(model.params, rng)
    xs = rng.standard_normal((3, 6, 1))
    ts = np.concatenate([np.zeros((3, 1, 1)), rng.standard_normal((3, 5, 1))], axis=1)
    analytic = {k: g.copy() for k, g in model.gradient(xs, ts).items()}
    numeric = model.numerical_gradient(xs, ts)
    assert "enc_W_embed" not in analytic
    errors = {k: relative_error(analytic[k], numeric[k]) for k in analytic}
    assert max(errors.values()) < 1e-6, errors


def test_final_state_gradient_enters_the_time_loop():
    """TimeRecurrent.backward(dhs, dh_T, dc_T): the gradients of a state that a later layer continued from."""
    rng = np.random.default_rng(8)
    layer = TimeLSTM(rng.standard_normal((2, 12)), rng.standard_normal((3, 12)), rng.standard_normal(12))
    xs = rng.standard_normal((2, 4, 2))
    dh, dc = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))

    def scalar(_):
        layer.forward(xs)
        return np.sum(layer.h * dh) + np.sum(layer.c * dc)

    scalar(None)
    dxs = layer.backward(np.zeros((2, 4, 3)), dh, dc)
    assert relative_error(dxs, numerical_gradient(scalar, xs)) < 1e-6
    assert relative_error(layer.dWh.copy(), numerical_gradient(scalar, layer.Wh)) < 1e-6
    with pytest.raises(ValueError, match=r"the state of LSTM is h, c \(2 array\(s\)\), got 1"):
        layer.backward(np.zeros((2, 4, 3)), dh)


def test_the_thought_vector_is_the_encoders_last_hidden_state_and_all_the_decoder_sees():
    model = Seq2seq(9, 4, 5, seed=0)
    xs = np.array([[2, 3, 4, 5], [5, 4, 3, 2]])
    ts = np.array([[1, 2, 2], [1, 3, 3]])
    hs = model.encoder.forward(xs)
    h, c = model.encode(xs)
    np.testing.assert_array_equal(h, hs[:, -1])
    assert not np.allclose(h, model.encoder.embed.W[xs[:, -1]] @ np.ones((4, 5)))   # not an embedding
    # the decoder's scores depend on the source only through (h, c)
    scores = model.decoder.forward(ts[:, :-1], (h, c))
    np.testing.assert_array_equal(scores, model.decoder.forward(ts[:, :-1], model.encode(xs)))


def test_teacher_forcing_feeds_the_true_previous_word():
    """Changing the last target word changes no output (it is never an input), only the loss."""
    model = Seq2seq(9, 4, 5, seed=0)
    xs = np.array([[2, 3, 4]])
    a, b = np.array([[1, 2, 3, 4]]), np.array([[1, 2, 3, 8]])
    model.loss(xs, a)
    ya = model.softmax.y.copy()
    model.loss(xs, b)
    np.testing.assert_array_equal(model.softmax.y, ya)
    c = np.array([[1, 7, 3, 4]])
    model.loss(xs, c)
    assert not np.allclose(model.softmax.y[1:], ya[1:])     # the second input changed, the later outputs follow


def test_reverse_input_is_the_reversed_source():
    a = Seq2seq(9, 4, 5, reverse_input=True, seed=0)
    b = Seq2seq(9, 4, 5, seed=0)
    xs = np.array([[2, 3, 4, 5]])
    np.testing.assert_array_equal(a.encode(xs)[0], b.encode(xs[:, ::-1])[0])


def test_generation_greedy_beam_and_the_step_are_consistent():
    model = Seq2seq(6, 4, 8, seed=1)
    xs = np.random.default_rng(0).integers(0, 6, (4, 3))
    greedy = model.generate(xs, 1, 5)
    assert greedy.shape == (4, 5)
    np.testing.assert_array_equal(model.generate(xs, 1, 5, beam_width=1), greedy)
    sequences, scores = beam_search(model.step, model.encode(xs), 1, 5, beam_width=3)
    np.testing.assert_array_equal(model.generate(xs, 1, 5, beam_width=3), sequences[:, 0])
    log_probs, _ = model.step(np.array([1, 1, 1, 1]), model.encode(xs))
    np.testing.assert_allclose(np.exp(log_probs).sum(axis=1), 1, rtol=1e-5)


def test_training_learns_to_copy():
    rng = np.random.default_rng(0)
    xs = rng.integers(2, 6, (64, 3))
    ts = np.concatenate([np.ones((64, 1), int), xs], axis=1)
    model = Seq2seq(6, 8, 32, seed=0)
    optimizer = Adam(lr=0.02)
    first = model.loss(xs, ts)
    for _ in range(150):
        optimizer.update(model.params, model.gradient(xs, ts))
    assert model.last_loss < 0.2 * first
    assert model.exact_match(xs, ts) > 0.9


def test_mse_generation_feeds_the_output_back():
    model = Seq2seq(None, 1, 4, "rnn", output_size=1, seed=0)
    xs = np.zeros((2, 5, 1))
    out = model.generate(xs, 0.0, 3)
    assert out.shape == (2, 3, 1)
    y1, state = model.decoder.step(np.zeros((2, 1)), model.encode(xs))
    np.testing.assert_allclose(out[:, 0], y1)


def test_log_softmax():
    x = np.array([[1000.0, 1000.0], [0.0, np.log(3)]])
    np.testing.assert_allclose(np.exp(log_softmax(x)), [[0.5, 0.5], [0.25, 0.75]])


@pytest.mark.parametrize("call, error, match", [
    (lambda: Seq2seq(0, 3, 4), ValueError, "vocab_size"),
    (lambda: Seq2seq(5, 3, 4, "transformer"), ValueError, "cell"),
    (lambda: Seq2seq(5, 3, 4, loss="hinge"), ValueError, "loss"),
    (lambda: Decoder(None, 3, 4), ValueError, "output_size must be given when vocab_size is None"),
    (lambda: Seq2seq(5, 3, 4).loss(np.zeros((2, 3), int), np.zeros((2, 1), int)), ValueError,
     r"ts must be \(N, 1 \+ L\) with L >= 1"),
    (lambda: Seq2seq(5, 3, 4).loss(np.zeros((2, 3), int), np.zeros((3, 2), int)), ValueError,
     "same number of sequences, got 2 and 3"),
    (lambda: Seq2seq(5, 3, 4).loss(np.full((2, 3), 5), np.zeros((2, 2), int)), ValueError, r"word ids must lie in \[0, 5\)"),
    (lambda: Seq2seq(5, 3, 4).generate(np.zeros((2, 3), int), 1, 3, beam_width=0), ValueError, "beam_width"),
    (lambda: Seq2seq(None, 2, 4, output_size=1).generate(np.zeros((1, 3, 2)), 0.0, 3), ValueError,
     "output_size = wordvec_size"),
    (lambda: Encoder(5, 3, 4).state, RuntimeError, "call forward first"),
    (lambda: Encoder(5, 3, 4).backward(), RuntimeError, "forward"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- PyTorch: nn.Embedding + nn.LSTM encoder, nn.Embedding + nn.LSTM + nn.Linear decoder -------


def test_reference_fixture_is_complete():
    recorded = load_reference("seq2seq")
    for case in recorder("seq2seq").CASES:
        assert {f"{case}.loss", f"{case}.denc_weight_ih", f"{case}.ddec_embedding", f"{case}.dlinear_bias"} <= set(recorded)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case", list(recorder("seq2seq").CASES))
def test_loss_and_every_gradient_match_pytorch(source, case):
    ref = {k.split(".", 1)[1]: v for k, v in reference("seq2seq", source).items() if k.startswith(case + ".")}
    V, D, H, N, Tx, L, reverse = recorder("seq2seq").CASES[case]
    model = Seq2seq(V, D, H, reverse_input=reverse, dtype=np.float64, seed=0)
    for part in ("enc", "dec"):          # PyTorch's layout: weights transposed, two biases summed
        model.params[f"{part}_W_embed"][...] = ref[f"{part}_embedding"]
        model.params[f"{part}_Wx"][...] = ref[f"{part}_weight_ih"].T
        model.params[f"{part}_Wh"][...] = ref[f"{part}_weight_hh"].T
        model.params[f"{part}_b"][...] = ref[f"{part}_bias_ih"] + ref[f"{part}_bias_hh"]
    model.params["dec_W_out"][...] = ref["linear_weight"].T
    model.params["dec_b_out"][...] = ref["linear_bias"]
    grads = model.gradient(ref["xs"], ref["ts"])
    np.testing.assert_allclose(model.last_loss, ref["loss"], rtol=1e-10)
    np.testing.assert_allclose(model.encoder.state[0], ref["thought_vector"], rtol=1e-10)
    for part in ("enc", "dec"):
        np.testing.assert_allclose(grads[f"{part}_W_embed"], ref[f"d{part}_embedding"], rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(grads[f"{part}_Wx"], ref[f"d{part}_weight_ih"].T, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(grads[f"{part}_Wh"], ref[f"d{part}_weight_hh"].T, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(grads[f"{part}_b"], ref[f"d{part}_bias_ih"], rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(ref[f"d{part}_bias_ih"], ref[f"d{part}_bias_hh"], rtol=1e-12)
    np.testing.assert_allclose(grads["dec_W_out"], ref["dlinear_weight"].T, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(grads["dec_b_out"], ref["dlinear_bias"], rtol=1e-8, atol=1e-12)
