"""The book's chapter 4 scripts (gradient_1d, gradient_2d, gradient_method, gradient_simplenet)
run on dl_notes with only their imports changed.

Each test makes the same calls, with the same kinds of arguments, as the script does; the
functions of the scripts are written here anew. Plotting is left out (the figures are the
experiment ``gradient_basics``).
"""

from __future__ import annotations

import numpy as np
import pytest

# --- the changed imports (the book: `from common.functions import ...`, `from common.gradient import ...`)
from dl_notes import cross_entropy_error, gradient_descent, numerical_diff, numerical_gradient, softmax


def function_1(x):
    return 0.01 * x**2 + 0.1 * x


def function_2(x):
    return x[0] ** 2 + x[1] ** 2


def tangent_line(f, x):
    """The tangent of f at x, as a function: the script draws it over the curve."""
    d = numerical_diff(f, x)
    y = f(x) - d * x
    return lambda t: d * t + y


# gradient_1d.py: the derivative at 5 and 10 (an int, as the script passes it) and the tangent at 5.
@pytest.mark.parametrize("x, slope", [(5, 0.2), (10, 0.3)])
def test_gradient_1d(x, slope):
    assert numerical_diff(function_1, x) == pytest.approx(slope, abs=1e-9)
    tf = tangent_line(function_1, x)
    grid = np.arange(0.0, 20.0, 0.1)
    assert tf(grid).shape == grid.shape
    assert tf(x) == pytest.approx(function_1(x))


# gradient_2d.py: the gradient at three points, then the field over a grid for the quiver plot.
@pytest.mark.parametrize("point, expected", [([3.0, 4.0], [6.0, 8.0]), ([0.0, 2.0], [0.0, 4.0]),
                                             ([3.0, 0.0], [6.0, 0.0])])
def test_gradient_2d_at_points(point, expected):
    np.testing.assert_allclose(numerical_gradient(function_2, np.array(point)), expected, atol=1e-8)


def test_gradient_2d_field_over_a_grid():
    x0 = np.arange(-2, 2.5, 0.25)
    X, Y = np.meshgrid(x0, x0)
    points = np.array([X.flatten(), Y.flatten()]).T  # (324, 2), one point per row
    # The script's own loop takes the rows one at a time; dl_notes' loop goes over every entry of
    # the (324, 2) array at once. The rows do not interact, so the gradient of the sum over all
    # rows is each row's own gradient.
    grad = numerical_gradient(lambda p: np.sum(p**2), points).T
    np.testing.assert_allclose(grad, 2 * points.T, atol=1e-8)
    rows = np.array([numerical_gradient(lambda p: np.sum(p**2), row.copy()) for row in points]).T
    np.testing.assert_allclose(rows, grad, atol=1e-10)


# gradient_method.py: 20 steps of lr 0.1 from (-3, 4), with the path for its figure.
def book_gradient_descent(f, init_x, lr=0.01, step_num=100):
    """The script's own loop (with the points before each step), using dl_notes' gradient."""
    x = init_x
    x_history = []
    for _ in range(step_num):
        x_history.append(x.copy())
        x -= lr * numerical_gradient(f, x)
    return x, np.array(x_history)


def test_gradient_method():
    x, x_history = book_gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=20)
    assert x_history.shape == (20, 2)
    ours, path = gradient_descent(function_2, np.array([-3.0, 4.0]), lr=0.1, step_num=20, history=True)
    np.testing.assert_allclose(ours, x, rtol=1e-12)
    np.testing.assert_allclose(path[:-1], x_history, rtol=1e-12)


@pytest.mark.parametrize("lr, expected", [(10.0, [-2.58983747e13, -1.29524862e12]), (1e-10, [-2.99999994, 3.99999992])])
def test_gradient_method_learning_rates_of_the_book(lr, expected):
    x = gradient_descent(function_2, np.array([-3.0, 4.0]), lr=lr, step_num=100)
    np.testing.assert_allclose(x, expected, rtol=1e-8)


# gradient_simplenet.py: a 2x3 weight, softmax and cross-entropy, the gradient through a closure.
class SimpleNet:
    def __init__(self, rng):
        self.W = rng.standard_normal((2, 3))  # the script: np.random.randn(2, 3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)


def test_gradient_simplenet():
    x, t = np.array([0.6, 0.9]), np.array([0, 0, 1])
    net = SimpleNet(np.random.default_rng(0))
    f = lambda w: net.loss(x, t)  # ignores w: the loss reads net.W, which numerical_gradient changes in place
    dW = numerical_gradient(f, net.W)
    assert dW.shape == (2, 3)
    # softmax with cross-entropy: dL/dW = x^T (y - t)
    np.testing.assert_allclose(dW, np.outer(x, softmax(net.predict(x)) - t), rtol=1e-6)
    assert dW.sum(axis=1) == pytest.approx([0.0, 0.0], abs=1e-9)  # each row of y - t sums to 0
