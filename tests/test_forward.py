"""dl_notes.forward: the chapter 3 forward pass over a weight dict, and the book's chapter 3 scripts."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.activations import identity_function, relu, sigmoid, softmax
from dl_notes.forward import (
    book_weight, course_networks, forward, forward_trace, init_network, layer_shapes, n_layers, naive_softmax,
    random_network,
)


def by_hand(network, x, h, out):
    """The book's forward of chapter 3 written out for three layers: the oracle."""
    a1 = np.dot(x, network["W1"]) + network["b1"]
    a2 = np.dot(h(a1), network["W2"]) + network["b2"]
    a3 = np.dot(h(a2), network["W3"]) + network["b3"]
    return out(a3)


@pytest.mark.parametrize("h, out", [(sigmoid, identity_function), (relu, softmax), (relu, identity_function)])
@pytest.mark.parametrize("shape", [(2,), (7, 2)])
def test_forward_matches_the_layers_written_out(h, out, shape):
    x = np.random.default_rng(0).normal(size=shape)
    np.testing.assert_allclose(forward(init_network(), x, h, out), by_hand(init_network(), x, h, out), rtol=1e-12)


def test_the_books_worked_example():
    """Chapter 3 of the book: x = (1.0, 0.5) gives y = (0.3168..., 0.6962...), a1 = (0.3, 0.7, 1.1)."""
    trace = forward_trace(init_network(), np.array([1.0, 0.5]))
    np.testing.assert_allclose(trace[0][0], [0.3, 0.7, 1.1])
    np.testing.assert_allclose(trace[-1][1], [0.31682708, 0.69627909], atol=1e-8)


def test_activation_names_and_functions_are_the_same():
    x = np.array([[1.0, -2.0]])
    np.testing.assert_array_equal(forward(init_network(), x, "relu", "softmax"), forward(init_network(), x, relu, softmax))


def test_batch_rows_are_the_single_samples():
    x = np.random.default_rng(1).normal(size=(5, 2))
    batch = forward(init_network(), x, "relu", "softmax")
    for row, sample in zip(batch, x):
        np.testing.assert_allclose(row, forward(init_network(), sample, "relu", "softmax"))


def test_shapes_follow_the_matrix_product():
    rows = layer_shapes(random_network([784, 50, 100, 10], seed=0), np.zeros((100, 784)))
    assert [(r["input"], r["W"], r["output"]) for r in rows] == [
        ((100, 784), (784, 50), (100, 50)), ((100, 50), (50, 100), (100, 100)), ((100, 100), (100, 10), (100, 10))]
    assert [r["output"] for r in layer_shapes(init_network(), np.zeros(2))] == [(3,), (2,), (2,)]


def test_book_weight_reads_the_destination_first():
    """w_{jk}^{(l)} goes from unit k of layer l-1 to unit j of layer l: it multiplies x_k in a_j."""
    net = init_network()
    x = np.array([0.0, 1.0])  # only x_2 is on: a_j^{(1)} - b_j^{(1)} = w_{j2}^{(1)}
    a1 = forward_trace(net, x)[0][0]
    for j in (1, 2, 3):
        assert book_weight(net, 1, to=j, source=2) == pytest.approx(a1[j - 1] - net["b1"][j - 1])
    assert book_weight(net, 1, to=1, source=2) == net["W1"][1, 0] == 0.2


@pytest.mark.parametrize("kwargs, message", [
    ({"layer": 4, "to": 1, "source": 1}, "layers 1..3, got layer=4"),
    ({"layer": 2, "to": 3, "source": 1}, "to must be in 1..2"),
    ({"layer": 2, "to": 1, "source": 0}, "source must be an integer >= 1"),
])
def test_book_weight_rejects_indices_outside_the_network(kwargs, message):
    with pytest.raises(ValueError, match=message):
        book_weight(init_network(), **kwargs)


@pytest.mark.parametrize("network, x, message", [
    ({"W1": np.ones((2, 3))}, np.ones(2), "missing b1"),
    ({"W1": np.ones((2, 3)), "b1": np.ones(3), "c": 1}, np.ones(2), "got keys"),
    ({}, np.ones(2), "W1, b1"),
    (init_network(), np.ones((1, 4)), "layer 1 cannot take an input of shape"),
    (init_network(), np.ones((1, 1, 2)), "x must be 1-D or 2-D"),
    ({"W1": np.ones((2, 3)), "b1": np.ones(2)}, np.ones(2), "b1 needs shape"),
])
def test_bad_networks_and_inputs_are_named(network, x, message):
    with pytest.raises(ValueError, match=message):
        forward(network, x)


def test_unknown_activation_name():
    with pytest.raises(ValueError, match="activation must be a function or one of"):
        forward(init_network(), np.ones(2), activation="tanhh")


def test_random_network_checks_its_arguments():
    with pytest.raises(ValueError, match="at least an input and an output"):
        random_network([3])
    with pytest.raises(ValueError, match="weight_init_std"):
        random_network([3, 2], weight_init_std=0)
    net = random_network([3, 2], weight_init_std=0.5, seed=1)
    assert n_layers(net) == 1 and not net["b1"].any()
    np.testing.assert_array_equal(net["W1"], random_network([3, 2], weight_init_std=0.5, seed=1)["W1"])


def test_naive_softmax_overflows_where_the_guarded_one_does_not():
    x = np.array([1010.0, 1000.0, 990.0])
    assert np.isnan(naive_softmax(x)).all()
    assert np.isfinite(softmax(x)).all() and softmax(x).sum() == pytest.approx(1.0)
    # Below the overflow both are the same function; shifting by a constant changes nothing.
    np.testing.assert_allclose(naive_softmax(x - 1000), softmax(x), rtol=1e-12)
    # e^x overflows float64 just above x = log(max float) = 709.78...
    assert np.isfinite(naive_softmax(np.array([709.0, 0.0]))).all()
    assert np.isnan(naive_softmax(np.array([710.0, 0.0]))).any()


def test_naive_softmax_is_quiet(recwarn):
    naive_softmax(np.array([1e4, 0.0]))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# --- the course's notebook 1_1_forward_propagation, values worked out by hand ------------------

@pytest.mark.parametrize("name, expected", [
    ("a", [1.3]),                                     # relu(2*0.1 + 3*0.2 + 0.5)
    ("c", [1.56, 3.222]),                             # u1 = (0.6, 1.3, 2.0), u2 = (1.02, 2.29)
    ("e", [1.02, 2.29]),                              # (c) without its last layer
    ("b", 1 / (1 + np.exp(-np.array([1.4, 2.2, 3.0])))),  # u = (1.4, 2.2, 3.0)
])
def test_course_networks_by_hand(name, expected):
    np.testing.assert_allclose(course_networks()[name].forward(), expected)


def test_course_classifiers_output_probabilities():
    nets = course_networks()
    y = nets["d"].forward()
    assert y.shape == (4,) and y.sum() == pytest.approx(1.0) and y.argmax() == 3
    assert 0 < nets["f"].forward()[0] < 1
    assert [nets[k].sizes for k in "abcdef"] == [(2, 1), (4, 3), (2, 3, 2, 2), (2, 3, 4), (2, 3, 2), (2, 3, 1)]


def test_course_network_c_is_the_books_network_with_other_output_biases():
    course, book = course_networks()["c"].network, init_network()
    for key in ("W1", "b1", "W2", "b2", "W3"):
        np.testing.assert_array_equal(course[key], book[key])
    np.testing.assert_array_equal(course["b3"], [1.0, 2.0])


# --- the book's chapter 3 scripts, their calls with the imports changed to dl_notes -------------

def test_book_activation_scripts():
    """step_function.py, sigmoid.py, relu.py, sig_step_compare.py: functions of np.arange, plotted."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pylab as plt

    from dl_notes import relu as relu_, sigmoid as sigmoid_, step_function

    X = np.arange(-5.0, 5.0, 0.1)
    for f in (step_function, sigmoid_, relu_):
        Y = f(X)
        assert Y.shape == X.shape
        plt.plot(X, Y)
    plt.ylim(-0.1, 1.1)
    plt.close("all")
    # The book's step function returns ints; ours returns floats with the same values.
    np.testing.assert_array_equal(step_function(X), np.array(X > 0, dtype=int))
    assert step_function(X).dtype == np.float64
    np.testing.assert_allclose(sigmoid_(X), 1 / (1 + np.exp(-X)))


def test_book_neuralnet_mnist_scripts():
    """neuralnet_mnist.py and neuralnet_mnist_batch.py: predict one image at a time and in batches of 100.

    The trained ``sample_weight.pkl`` is replaced by random weights of the same shapes.
    """
    from dl_notes import load_mnist, sigmoid as sigmoid_, softmax as softmax_

    (_, _), (x, t) = load_mnist(normalize=True, flatten=True, one_hot_label=False)
    x, t = x[:300], t[:300]
    network = random_network([784, 50, 100, 10], weight_init_std=0.1, seed=0)

    def predict(network, x):
        W1, W2, W3 = network["W1"], network["W2"], network["W3"]
        b1, b2, b3 = network["b1"], network["b2"], network["b3"]
        z1 = sigmoid_(np.dot(x, W1) + b1)
        z2 = sigmoid_(np.dot(z1, W2) + b2)
        return softmax_(np.dot(z2, W3) + b3)

    one_by_one = sum(int(np.argmax(predict(network, x[i])) == t[i]) for i in range(len(x)))
    batched = 0
    for i in range(0, len(x), 100):
        p = np.argmax(predict(network, x[i:i + 100]), axis=1)
        batched += np.sum(p == t[i:i + 100])
    assert one_by_one == batched
    np.testing.assert_allclose(predict(network, x), forward(network, x, sigmoid, softmax), rtol=1e-6)
