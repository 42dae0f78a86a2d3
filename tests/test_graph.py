"""The multiply and add nodes: local derivatives, gradient checks (with broadcasting), the book's apples."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient, relative_error
from dl_notes.graph import AddLayer, MulLayer, unbroadcast

SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 4), (3, 1)), ((2, 3, 4), (1, 4)), ((3, 4), ())]


@pytest.mark.parametrize("node", [MulLayer, AddLayer], ids=lambda n: n.__name__)
@pytest.mark.parametrize("x_shape, y_shape", SHAPES, ids=str)
def test_backward_matches_the_numerical_gradient(node, x_shape, y_shape):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(x_shape), rng.standard_normal(y_shape)
    out_shape = np.broadcast_shapes(x_shape, y_shape)
    dout = rng.standard_normal(out_shape)
    layer = node()
    out = layer.forward(x, y)
    assert out.shape == out_shape
    dx, dy = layer.backward(dout)

    def loss(_):  # L = sum(out * dout), so dL/dout = dout
        return float(np.sum(node().forward(x, y) * dout))

    assert np.shape(dx) == x_shape and np.shape(dy) == y_shape
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-8
    assert relative_error(dy, numerical_gradient(loss, y)) < 1e-8


def test_local_derivatives_of_the_multiply_node_are_the_other_input():
    layer = MulLayer()
    layer.forward(3.0, 5.0)
    assert layer.backward(1.0) == (5.0, 3.0)
    assert layer.backward(2.0) == (10.0, 6.0)


def test_local_derivatives_of_the_add_node_are_one():
    layer = AddLayer()
    layer.forward(3.0, 5.0)
    assert layer.backward(1.3) == (1.3, 1.3)


def apple_orange():
    """The book's shopping graph: 2 apples at 100, 3 oranges at 150, tax 1.1."""
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    price = mul_tax.forward(add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3)), 1.1)
    dall, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add.backward(dall)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    return price, dict(apple=dapple, apple_num=dapple_num, orange=dorange, orange_num=dorange_num, tax=dtax)


def test_the_books_apple_and_orange_values():
    price, grads = apple_orange()
    assert price == pytest.approx(715)
    expected = dict(apple=2.2, apple_num=110, orange=3.3, orange_num=165, tax=650)
    assert grads == pytest.approx(expected)


def test_backward_values_are_the_derivatives_of_the_price():
    def price(v):  # v = (apple, apple_num, orange, orange_num, tax)
        return (v[0] * v[1] + v[2] * v[3]) * v[4]

    numerical = numerical_gradient(price, np.array([100.0, 2.0, 150.0, 3.0, 1.1]))
    _, grads = apple_orange()
    assert np.allclose(list(grads.values()), numerical, rtol=1e-6)


def test_python_numbers_stay_numbers():
    layer = MulLayer()
    assert layer.forward(100, 2) == 200 and isinstance(layer.forward(100, 2), int)
    assert layer.backward(1) == (2, 100)


@pytest.mark.parametrize("node", [MulLayer, AddLayer], ids=lambda n: n.__name__)
def test_backward_before_forward_says_so(node):
    with pytest.raises(RuntimeError, match=rf"{node.__name__}.backward: call forward first"):
        node().backward(1.0)


@pytest.mark.parametrize("node", [MulLayer, AddLayer], ids=lambda n: n.__name__)
@pytest.mark.parametrize("bad", ["100", None, True, np.array(["a"])], ids=repr)
def test_non_numeric_input_names_the_argument(node, bad):
    with pytest.raises(TypeError, match=rf"{node.__name__}.forward: y must be a real number or a numeric array"):
        node().forward(1.0, bad)


def test_unbroadcast_rejects_a_shape_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"shape \(5,\) does not broadcast to the gradient's shape \(3, 4\)"):
        unbroadcast(np.ones((3, 4)), (5,))
