"""The backpropagation page's experiment, and the book's chapter 5 scripts with imports from dl_notes."""

from __future__ import annotations

import numpy as np
import pytest

import dl_notes
from dl_notes.experiments import backprop as exp


def test_shopping_graph_has_the_books_values():
    forward, backward = exp.shopping()
    assert forward["price"] == 715 and forward["all_price"] == 650
    assert backward == pytest.approx({"price": 1, "all_price": 1.1, "tax": 650, "apple_price": 1.1,
                                      "orange_price": 1.1, "apple": 2.2, "apple_num": 110, "orange": 3.3,
                                      "orange_num": 165})


def test_every_edge_of_the_figure_has_both_values():
    forward, backward = exp.shopping()
    assert {value for *_, value in exp.EDGES} == set(forward) == set(backward)


def test_gradient_check_agrees(tiny):
    v = tiny.values
    assert list(v["table"]) == list(exp.PARAMS)
    assert v["worst_relative"] < 1e-6
    assert v["n_params"] == 784 * 3 + 3 + 3 * 10 + 10
    assert v["numerical_seconds"] > v["backprop_seconds"] > 0


def test_course_step_matches_the_notebooks_printed_values():
    """The values 1_2_back_propagation prints (kyo-git/rabbit-challenge)."""
    step = exp.course_step()
    np.testing.assert_allclose(step["y"], [[0.08706577, 0.91293423]], atol=1e-8)
    np.testing.assert_allclose(step["grads"]["W1"], [[-0.02611973] * 3, [-0.13059866] * 3], atol=1e-8)
    np.testing.assert_allclose(step["grads"]["W2"], [[0.10447893, -0.10447893], [0.21766443, -0.21766443],
                                                     [0.33084994, -0.33084994]], atol=1e-8)
    np.testing.assert_allclose(step["updated"]["W1"], [[0.1002612, 0.3002612, 0.5002612],
                                                       [0.20130599, 0.40130599, 0.60130599]], atol=1e-8)
    np.testing.assert_allclose(step["updated"]["b2"], [0.09912934, 0.20087066], atol=1e-8)


def test_course_relu_derivative_on_the_output_is_the_same():
    """The notebook applies d_relu to z1 = relu(u1) instead of u1: the same mask for ReLU."""
    u = np.random.default_rng(0).standard_normal(1000)
    np.testing.assert_array_equal(np.maximum(u, 0) > 0, u > 0)


def test_what_the_page_says_holds(default):
    """docs/backprop.*.md: backprop agrees to better than 1e-7 and is thousands of times faster."""
    v = default.values
    assert v["worst_relative"] < 1e-7
    assert v["speed_ratio"] > 1000
    assert v["loss_evaluations"] == 2 * (784 * 50 + 50 + 50 * 10 + 10)


@pytest.mark.parametrize("lang, word", [("ja", "消費税"), ("en", "tax")])
def test_figure_is_labelled_in_its_language(tiny, lang, word):
    texts = [t.get_text() for t in exp.plot(tiny, lang).axes[0].texts]
    assert word in texts and "715" in texts and "2.2" in texts


# --- the book's ch05 scripts, the same calls with imports from dl_notes ---------------------------

def test_buy_apple_and_orange_as_the_book_calls_them():
    mul_apple, mul_orange = dl_notes.MulLayer(), dl_notes.MulLayer()
    add, mul_tax = dl_notes.AddLayer(), dl_notes.MulLayer()
    price = mul_tax.forward(add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3)), 1.1)
    dall, dtax = mul_tax.backward(1)
    da, do = add.backward(dall)
    dorange, dorange_num = mul_orange.backward(do)
    dapple, dapple_num = mul_apple.backward(da)
    assert int(price) == 715 and int(dapple_num) == 110 and int(dorange_num) == 165 and dtax == 650
    assert (dapple, dorange) == pytest.approx((2.2, 3.3))


def test_gradient_check_and_train_neuralnet_as_the_book_calls_them():
    (x_train, t_train), (x_test, t_test) = dl_notes.load_mnist(normalize=True, one_hot_label=True)
    network = dl_notes.TwoLayerNet(input_size=784, hidden_size=5, output_size=10)
    grad_numerical = {k: v for k, v in network.numerical_gradient(x_train[:2], t_train[:2]).items()}
    grad_backprop = network.gradient(x_train[:2], t_train[:2])
    for key in grad_numerical.keys():
        assert np.average(np.abs(grad_backprop[key] - grad_numerical[key])) < 1e-8
    network = dl_notes.TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    train_size, batch_size, iter_per_epoch = x_train.shape[0], 100, 20
    train_loss_list, test_acc_list = [], []
    for i in range(41):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= 0.1 * grad[key]
        train_loss_list.append(network.loss(x_batch, t_batch))
        if i % iter_per_epoch == 0:
            test_acc_list.append(network.accuracy(x_test, t_test))
    assert np.mean(train_loss_list[-5:]) < np.mean(train_loss_list[:5])
    assert len(test_acc_list) == 3 and test_acc_list[-1] > test_acc_list[0]
