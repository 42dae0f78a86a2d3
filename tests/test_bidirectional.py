"""dl_notes.time_layers.Bidirectional (the page "Bidirectional RNNs"): gradient checks over the three
recurrent layers, the order of the concatenation, PyTorch's bidirectional nn.RNN/nn.LSTM, bad input;
the generator dl_notes.sequences.phrase_tags; the experiment bidirectional_tagging."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import bidirectional_tagging as exp
from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.gru import TimeGRU
from dl_notes.lstm import TimeLSTM
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.rnn import TimeRNN
from dl_notes.sequences import phrase_tags
from dl_notes.time_layers import Bidirectional
from _reference import SOURCES, recorder, reference

LAYERS = {"rnn": (TimeRNN, 1), "lstm": (TimeLSTM, 4), "gru": (TimeGRU, 3)}


def make_layer(cell: str, D: int, H: int, rng: np.random.Generator):
    layer_type, gates = LAYERS[cell]
    return layer_type(rng.normal(0, 0.7, (D, gates * H)), rng.normal(0, 0.7, (H, gates * H)),
                      rng.normal(0, 0.3, gates * H))


def make_bidirectional(cell: str, D: int = 3, H_f: int = 4, H_b: int = 2, seed: int = 0) -> Bidirectional:
    rng = np.random.default_rng(seed)
    return Bidirectional(make_layer(cell, D, H_f, rng), make_layer(cell, D, H_b, rng))


# --- gradient check (float64) -------------------------------------------------------------------

@pytest.mark.parametrize("cell", LAYERS)
def test_gradient_check_of_the_input_and_both_layers(cell):
    bi = make_bidirectional(cell)  # different hidden sizes: the split of the gradient must follow them
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((2, 5, 3))
    dhs = rng.standard_normal((2, 5, 4 + 2))
    bi.forward(xs)
    analytic = {"x": bi.backward(dhs)}
    for side in ("forward_layer", "backward_layer"):
        layer = getattr(bi, side)
        for name in layer.parameter_names:
            analytic[f"{side}.{name}"] = getattr(layer, "d" + name).copy()

    def scalar(_):
        return float(np.sum(bi.forward(xs) * dhs))

    for key, grad in analytic.items():
        side, _, name = key.partition(".")
        target = xs if key == "x" else getattr(getattr(bi, side), name)
        assert relative_error(grad, numerical_gradient(scalar, target)) < 1e-7, key
    assert len(analytic) == 1 + 2 * 3  # x, and Wx, Wh, b of each direction


@pytest.mark.parametrize("cell", LAYERS)
@pytest.mark.parametrize("output", ["all", "last"])
def test_recurrent_net_bidirectional_gradient_check(cell, output):
    net = RecurrentNet(3, 3, 2, cell=cell, output=output, bidirectional=True, dtype=np.float64, seed=0)
    rng = np.random.default_rng(2)
    xs = rng.standard_normal((2, 4, 3))
    ts = rng.integers(0, 2, (2, 4) if output == "all" else 2)
    grads = net.gradient(xs, ts)
    numerical = net.numerical_gradient(xs, ts)
    assert set(grads) == {"Wx_f", "Wh_f", "b_f", "Wx_b", "Wh_b", "b_b", "W_out", "b_out"}
    for key in grads:
        assert relative_error(grads[key], numerical[key]) < 1e-6, key


def test_the_last_output_reads_both_directions_final_states():
    net = RecurrentNet(2, 3, 2, output="last", bidirectional=True, dtype=np.float64, seed=0)
    xs = np.random.default_rng(3).standard_normal((2, 5, 2))
    hs = net.recurrent.forward(xs)
    expected = np.concatenate([hs[:, -1, :3], hs[:, 0, 3:]], axis=1) @ net.params["W_out"] + net.params["b_out"]
    np.testing.assert_allclose(net.predict(xs), expected, rtol=1e-12)


# --- the concatenation: position t of both halves belongs to x_t --------------------------------

def test_both_halves_at_t_belong_to_x_t():
    bi = make_bidirectional("rnn")
    xs = np.random.default_rng(4).standard_normal((2, 6, 3))
    hs = bi.forward(xs)
    for t in range(6):
        # the forward half at t has read x_1..x_t, the backward half x_T..x_t
        np.testing.assert_allclose(hs[:, t, :4], bi.forward_layer.forward(xs[:, :t + 1])[:, -1], rtol=1e-12)
        np.testing.assert_allclose(hs[:, t, 4:], bi.backward_layer.forward(xs[:, t:][:, ::-1])[:, -1], rtol=1e-12)


def test_the_page_recurrences_with_simple_rnn_layers():
    # forward: h_t = tanh(x_t Wx + h_{t-1} Wh + b) from h_0 = 0; backward: the same from h_{T+1} = 0,
    # running t = T..1 with the other weights; h_t = [forward h_t ; backward h_t]
    bi = make_bidirectional("rnn")
    xs = np.random.default_rng(10).standard_normal((2, 5, 3))
    f, b = bi.forward_layer, bi.backward_layer
    h_f, h_b = np.zeros((2, 4)), np.zeros((2, 2))
    forward, backward = [], [None] * 5
    for t in range(5):
        h_f = np.tanh(xs[:, t] @ f.Wx + h_f @ f.Wh + f.b)
        forward.append(h_f)
    for t in reversed(range(5)):
        h_b = np.tanh(xs[:, t] @ b.Wx + h_b @ b.Wh + b.b)
        backward[t] = h_b
    expected = np.concatenate([np.stack(forward, axis=1), np.stack(backward, axis=1)], axis=2)
    np.testing.assert_allclose(bi.forward(xs), expected, rtol=1e-12)


def test_changing_a_future_input_changes_only_the_backward_half_before_it():
    bi = make_bidirectional("gru")
    xs = np.random.default_rng(5).standard_normal((1, 6, 3))
    changed = xs.copy()
    changed[0, 4] += 1.0
    before, after = bi.forward(xs), bi.forward(changed)
    np.testing.assert_array_equal(before[:, :4, :4], after[:, :4, :4])  # the past of x_5 cannot see it
    assert np.all(np.abs(before[:, :5, 4:] - after[:, :5, 4:]).max(axis=2) > 0)  # h_1..h_5 backward half do
    np.testing.assert_array_equal(before[:, 5, 4:], after[:, 5, 4:])


def course_bidirectional(xs, forward_rnn_f, forward_rnn_b):
    """The course's fill-in, one sequence at a time: each (T, D) sequence reversed for the backward RNN."""
    hs_f = [forward_rnn_f(x) for x in xs]
    hs_b = [forward_rnn_b(x[::-1]) for x in xs]
    return [np.concatenate([h_f, h_b[::-1]], axis=1) for h_f, h_b in zip(hs_f, hs_b)]


def test_the_course_fill_in_gives_the_same_as_forward():
    bi = make_bidirectional("lstm", H_f=3, H_b=3)
    xs = np.random.default_rng(6).standard_normal((3, 5, 3))
    ours = bi.forward(xs)
    course = course_bidirectional(xs, lambda x: bi.forward_layer.forward(x[None])[0],
                                  lambda x: bi.backward_layer.forward(x[None])[0])
    np.testing.assert_allclose(np.stack(course), ours, rtol=1e-12)
    # The wrong choices: along the time axis, or without reversing the backward states back.
    h_f, h_b = (layer.forward(xs[:1] if layer is bi.forward_layer else xs[:1, ::-1])[0]
                for layer in (bi.forward_layer, bi.backward_layer))
    assert np.concatenate([h_f, h_b[::-1]], axis=0).shape == (10, 3)
    assert not np.allclose(np.concatenate([h_f, h_b], axis=1), ours[0])


# --- PyTorch: bidirectional nn.RNN and nn.LSTM ---------------------------------------------------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("bidirectional", request.param)


@pytest.mark.parametrize("cell", recorder("bidirectional").CELLS)
def test_matches_pytorch_bidirectional(ref, cell):
    def layer(direction):
        Wx, Wh = (ref[f"{cell}_weight_{k}_{direction}"].T.copy() for k in ("ih", "hh"))
        b = ref[f"{cell}_bias_ih_{direction}"] + ref[f"{cell}_bias_hh_{direction}"]
        return LAYERS[cell][0](Wx, Wh, b)

    bi = Bidirectional(layer("f"), layer("b"))
    close = {"rtol": 1e-5, "atol": 1e-5}
    np.testing.assert_allclose(bi.forward(ref[f"{cell}_x"]), ref[f"{cell}_out"], **close)
    np.testing.assert_allclose(bi.backward(ref[f"{cell}_dout"]), ref[f"{cell}_dx"], **close)
    for direction, ours in (("f", bi.forward_layer), ("b", bi.backward_layer)):
        np.testing.assert_allclose(ours.dWx, ref[f"{cell}_dweight_ih_{direction}"].T, **close)
        np.testing.assert_allclose(ours.dWh, ref[f"{cell}_dweight_hh_{direction}"].T, **close)
        np.testing.assert_allclose(ours.db, ref[f"{cell}_dbias_ih_{direction}"], **close)


# --- bad input -----------------------------------------------------------------------------------

def test_rejects_layers_of_different_input_sizes():
    rng = np.random.default_rng(7)
    with pytest.raises(ValueError, match=r"same input size, got 3 and 2"):
        Bidirectional(make_layer("rnn", 3, 2, rng), make_layer("rnn", 2, 2, rng))


def test_rejects_a_stateful_backward_layer():
    rng = np.random.default_rng(8)
    backward = TimeRNN(*make_layer("rnn", 3, 2, rng).params, stateful=True)
    with pytest.raises(ValueError, match="backward_layer.*stateful"):
        Bidirectional(make_layer("rnn", 3, 2, rng), backward)


def test_rejects_what_is_not_a_recurrent_layer():
    with pytest.raises(TypeError, match="forward_layer must be a recurrent time layer"):
        Bidirectional(np.zeros((3, 2)), make_layer("rnn", 3, 2, np.random.default_rng(9)))


def test_backward_checks_the_upstream_gradient_width():
    bi = make_bidirectional("rnn")
    bi.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"\(2, 5, 6\)"):
        bi.backward(np.zeros((2, 5, 5)))


# --- the generator -------------------------------------------------------------------------------

def test_phrase_tags_next_is_the_particle_that_closes_the_phrase():
    data = phrase_tags(50, 20, words=4, particles=3, max_words=5, seed=0)
    tokens = data.xs.argmax(axis=2)
    assert data.xs.shape == (50, 20, 7) and data.xs.dtype == np.float32
    assert np.all(tokens[:, -1] >= 4)  # every sequence ends with a particle: every position has a tag
    for n in range(50):
        for t in range(20):
            d = data.distance[n, t]
            assert np.all(tokens[n, t:t + d] < 4) and tokens[n, t + d] >= 4
            assert data.ts[n, t] == tokens[n, t + d] - 4
    assert data.distance.max() == 5  # phrases of up to max_words words


def test_phrase_tags_previous_looks_back_and_marks_the_start():
    data = phrase_tags(50, 20, words=4, particles=3, max_words=5, direction="previous", seed=0)
    tokens = data.xs.argmax(axis=2)
    for n in range(50):
        for t in range(20):
            d = data.distance[n, t]
            if d < 0:
                assert data.ts[n, t] == -1 and np.all(tokens[n, :t + 1] < 4)
            else:
                assert tokens[n, t - d] >= 4 and np.all(tokens[n, t - d + 1:t + 1] < 4)
                assert data.ts[n, t] == tokens[n, t - d] - 4


def test_phrase_tags_is_seeded():
    a, b = phrase_tags(5, 10, seed=3), phrase_tags(5, 10, rng=np.random.default_rng(3))
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("kwargs, message", [
    ({"particles": 1}, "particles must be an integer >= 2, got 1"),
    ({"direction": "both"}, "direction must be one of 'next', 'previous', got 'both'"),
    ({"max_words": 0}, "max_words must be an integer >= 1, got 0"),
])
def test_phrase_tags_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        phrase_tags(2, 5, **kwargs)


# --- the experiment ------------------------------------------------------------------------------

def test_tiny_has_every_curve(tiny):
    for task in exp.TASKS:
        for model in exp.MODELS:
            assert len(tiny.arrays[f"{task}/{model}/accuracy"]) == exp.TINY.epochs + 1
            assert len(tiny.arrays[f"{task}/{model}/by_distance"]) == exp.TINY.max_words + 1


def test_the_two_nets_have_about_the_same_number_of_parameters(tiny):
    for config in (exp.DEFAULT, exp.TINY):
        h = exp.matched_hidden(config)
        counts = [exp.parameter_count(exp.network(config, bi, size, 0)) for bi, size in ((False, config.hidden), (True, h))]
        for other in (h - 1, h + 1):  # no other size is closer
            alternative = exp.parameter_count(exp.network(config, True, other, 0))
            assert abs(alternative - counts[0]) >= abs(counts[1] - counts[0])
    assert abs(tiny.values["parameter_ratio"] - 1) < 0.25


def test_parameter_count_formula():
    # one direction: D·H + H·H + H (RNN); bidirectional: twice that, and a 2H-wide output layer
    D, H, O = 9, 16, 3
    net = RecurrentNet(D, H, O, bidirectional=True, seed=0)
    assert exp.parameter_count(net) == 2 * (D * H + H * H + H) + 2 * H * O + O


def test_same_config_same_numbers(tiny):
    assert exp.run(exp.TINY).values == tiny.values


def test_default_a_one_way_net_cannot_see_the_future(default):
    v = default.values
    # On the particle itself (d = 0) both are right; ahead of it the one-way net guesses.
    assert v["by_distance"]["future/uni"][0] > 0.95
    assert abs(v["uni_far_mean"] - v["chance"]) < 0.1
    assert v["bi_far_min"] > 0.9
    assert v["gain"]["future"] > 0.3 and abs(v["gain"]["past"]) < 0.05
