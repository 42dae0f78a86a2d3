"""The course's binary addition (3_1): the batched re-implementation against one iteration written out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import binary_addition as exp
from dl_notes.sequences import from_bits


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def one_course_iteration(W_in, W, W_out, a, b, lr, derivative, activation="sigmoid"):
    """The course's loop body for one example, in its column layout (u, z: hidden × (T + 1)), unbatched."""
    f = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": lambda u: np.maximum(u, 0)}[activation]
    df = {"sigmoid": lambda u: sigmoid(u) * (1 - sigmoid(u)), "tanh": lambda u: 1 / np.cosh(u) ** 2,
          "relu": lambda u: (u > 0).astype(float)}[activation]
    H, T = W.shape[0], 8
    a_bin, b_bin, d_bin = (np.unpackbits(np.array([v], np.uint8)) for v in (a, b, a + b))
    u, z, y = np.zeros((H, T + 1)), np.zeros((H, T + 1)), np.zeros((1, T))
    delta_out, delta = np.zeros((1, T)), np.zeros((H, T + 1))
    loss = 0.0
    for t in range(T):
        X = np.array([a_bin[-t - 1], b_bin[-t - 1]]).reshape(1, -1)
        dd = np.array([d_bin[T - t - 1]])
        u[:, t + 1] = X @ W_in + z[:, t].reshape(1, -1) @ W
        z[:, t + 1] = f(u[:, t + 1])
        y[:, t] = sigmoid(z[:, t + 1].reshape(1, -1) @ W_out)
        loss += float(np.mean((dd - y[:, t]) ** 2) / 2)
        slope = sigmoid(y[:, t]) * (1 - sigmoid(y[:, t])) if derivative == "course" else y[:, t] * (1 - y[:, t])
        delta_out[:, t] = (y[:, t] - dd) * slope
    gW_in, gW, gW_out = np.zeros_like(W_in), np.zeros_like(W), np.zeros_like(W_out)
    for t in reversed(range(T)):
        X = np.array([a_bin[-t - 1], b_bin[-t - 1]]).reshape(1, -1)
        delta[:, t] = (delta[:, t + 1] @ W.T + delta_out[:, t] @ W_out.T) * df(u[:, t + 1])
        gW_out += z[:, t + 1].reshape(-1, 1) @ delta_out[:, t].reshape(-1, 1)
        gW += z[:, t].reshape(-1, 1) @ delta[:, t].reshape(1, -1)
        gW_in += X.T @ delta[:, t].reshape(1, -1)
    return W_in - lr * gW_in, W - lr * gW, W_out - lr * gW_out, loss


@pytest.mark.parametrize("variant", [exp.COURSE, ("fixed", 16, 1.0, 0.1, "sigmoid", "fixed", 0),
                                     ("x", 8, "he", 0.5, "tanh", "course", 3), ("y", 5, "xavier", 0.1, "relu", "fixed", 1)])
def test_batched_loop_is_the_course_loop(variant):
    """Two iterations of course_train (next to other variants in the batch) equal two iterations by hand."""
    others = [("w", 16, 1.0, 0.1, "tanh", "course", 5), ("v", 16, 0.5, 0.1, "relu", "fixed", 6)]
    runs = exp.course_train([others[0], variant, others[1]], iterations=2, plot_interval=1)
    run = runs[1]
    _, hidden, init, lr, activation, derivative, offset = variant
    rng = np.random.default_rng(offset)
    W_in, W, W_out = exp.initial_weights(hidden, init, rng)
    a, b = rng.integers(0, 128, (2, 2))
    losses = []
    for i in range(2):
        W_in, W, W_out, loss = one_course_iteration(W_in, W, W_out, a[i], b[i], lr, derivative, activation)
        losses.append(loss)
    for ours, theirs in zip(run["weights"], (W_in, W, W_out)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(run["losses"], losses, rtol=1e-12)
    np.testing.assert_array_equal(run["a"], a)


def test_course_prints_msb_first_and_decodes():
    text = exp.printed_block(300, 0.25, 100, 27, np.array([0, 1, 1, 1, 1, 1, 1, 1]))
    assert text.splitlines()[2:5] == ["Pred:[0 1 1 1 1 1 1 1]", "True:[0 1 1 1 1 1 1 1]", "100 + 27 = 127"]


def test_all_pairs():
    xs, ts, sums = exp.all_pairs()
    assert xs.shape == (128 * 128, 8, 2)
    np.testing.assert_array_equal(from_bits(ts), sums)


def test_tiny_run(tiny):
    v = tiny.values
    assert v["variants"]["relu"]["diverged_at"] is not None and v["variants"]["relu"]["last10_loss"] is None
    assert np.isnan(tiny.arrays["loss/relu"][-1]) and np.isfinite(tiny.arrays["loss/course"]).all()
    assert len(v["prints"]) == 2 and v["prints"][0].startswith("iters:0\n")


def test_what_the_page_says_holds(default):
    """docs/rnn_bptt.*.md: the course's defaults learn; the variants behave as the table says."""
    v = default.values
    t = v["variants"]
    assert t["course"]["sum_accuracy"] == 1.0 and v["last_prints_correct"] == v["last_prints_counted"] == 20
    assert t["fixed"]["sum_accuracy"] == 1.0
    assert t["relu"]["diverged_at"] is not None and t["relu"]["diverged_at"] < 100
    assert all(t[k]["diverged_at"] is None for k in v["order"] if k != "relu")
    for key in ("std0.1", "lr0.01", "tanh", "he+relu"):
        assert t[key]["sum_accuracy"] < 0.1, key
    for key in ("std0.1", "lr0.01"):
        assert t[key]["last10_loss"] > 0.8 * t[key]["first10_loss"], key
    assert v["ours"]["sum_accuracy"] == 1.0
    assert v["ours"]["examples"] < v["iterations"] * 10


@pytest.mark.parametrize("lang, word", [("ja", "イテレーション"), ("en", "iteration")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    figure = exp.plot_loss(tiny, lang)
    assert word in figure.axes[0].get_xlabel()
