"""dl_notes.gradcheck: central differences, restoring x, detecting wrong backward passes."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import check_layer, check_network, numerical_diff, numerical_gradient, relative_error
from dl_notes.layers import Affine, Dropout, Sigmoid
from dl_notes.nets import MultiLayerNet


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 1, 2, 2)], ids=str)
def test_gradient_of_a_cubic_any_shape(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    before = x.copy()
    grad = numerical_gradient(lambda z: np.sum(z**3), x)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-7, atol=1e-8)  # error h^2 = 1e-8
    np.testing.assert_array_equal(x, before)


def test_course_style_closure_reading_the_array_in_place():
    W = np.array([[1.0, 2.0]])
    x = np.array([[3.0], [4.0]])
    grad = numerical_gradient(lambda _: float(np.sum(W @ x)), W)
    np.testing.assert_allclose(grad, x.T, rtol=1e-9)


def test_float32_keeps_its_dtype():
    assert numerical_gradient(lambda z: float(np.sum(z)), np.ones(2, dtype=np.float32)).dtype == np.float32


class WrongSigmoid(Sigmoid):
    def backward(self, dout):
        return dout * self.out  # forgot (1 - out)


def test_check_layer_detects_a_wrong_backward():
    x = np.random.default_rng(1).standard_normal((3, 4))
    assert check_layer(Sigmoid(), x)["x"] < 1e-8
    assert check_layer(WrongSigmoid(), x)["x"] > 0.1


def test_check_layer_fixes_the_dropout_mask():
    x = np.random.default_rng(2).standard_normal((3, 4))
    assert check_layer(Dropout(0.5, seed=0), x, train_flg=True)["x"] < 1e-10


def test_check_layer_reports_parameters():
    rng = np.random.default_rng(3)
    errors = check_layer(Affine(rng.standard_normal((4, 2)), rng.standard_normal(2)), rng.standard_normal((3, 4)))
    assert set(errors) == {"x", "W", "b"}


def test_check_network_with_dropout():
    net = MultiLayerNet(4, [5], 3, use_dropout=True, dtype=np.float64, seed=0)
    rng = np.random.default_rng(4)
    errors = check_network(net, rng.standard_normal((6, 4)), rng.integers(0, 3, 6), seed=1)
    assert max(errors.values()) < 1e-6, errors


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([2.0, 0.0]), np.array([1.0, 0.0])) == 0.5
    with pytest.raises(ValueError, match=r"the gradients must have the same shape, got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("x, message", [
    (np.array([1, 2]), "x must be a floating-point numpy array .* of dtype int64"),
    ([1.0, 2.0], "x must be a floating-point numpy array .* got list"),
])
def test_bad_x_is_named(x, message):
    with pytest.raises(TypeError, match=message):
        numerical_gradient(lambda z: 0.0, x)


def test_bad_h_is_named():
    with pytest.raises(ValueError, match="h must be > 0, got 0.0"):
        numerical_gradient(lambda z: 0.0, np.zeros(1), h=0)


def f_book(x):
    return 0.01 * x**2 + 0.1 * x  # the book's example: f'(x) = 0.02 x + 0.1


@pytest.mark.parametrize("x", [5.0, 10.0])
def test_numerical_diff_of_the_books_quadratic(x):
    # central differences are exact for a quadratic up to rounding
    assert numerical_diff(f_book, x) == pytest.approx(0.02 * x + 0.1, abs=1e-10)


def test_forward_difference_is_off_by_half_h_times_the_second_derivative():
    h = 1e-4
    error = numerical_diff(f_book, 5.0, h=h, method="forward") - 0.2
    assert error == pytest.approx(h / 2 * 0.02, rel=1e-4)


def test_central_error_falls_as_h_squared_forward_as_h():
    exact = np.cos(1.0)
    errors = {m: [abs(numerical_diff(np.sin, 1.0, h=h, method=m) - exact) for h in (1e-2, 1e-3)]
              for m in ("central", "forward")}
    assert errors["central"][0] / errors["central"][1] == pytest.approx(100, rel=0.01)
    assert errors["forward"][0] / errors["forward"][1] == pytest.approx(10, rel=0.05)


def test_a_tiny_h_gives_no_change_at_all():
    assert 5.0 + 1e-50 == 5.0
    assert numerical_diff(f_book, 5.0, h=1e-50) == 0.0
    assert np.float32(1e-50) == 0.0  # in float32 the step itself underflows


def test_numerical_diff_works_entry_by_entry_on_an_array():
    x = np.array([5.0, 10.0])
    np.testing.assert_allclose(numerical_diff(f_book, x), 0.02 * x + 0.1, atol=1e-10)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"h": 0}, ValueError, r"h must be > 0, got 0.0"),
    ({"h": "1e-4"}, TypeError, r"h must be a real number"),
    ({"method": "backward"}, ValueError, r"method must be one of 'central', 'forward', got 'backward'"),
])
def test_numerical_diff_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        numerical_diff(f_book, 5.0, **kwargs)


def test_numerical_gradient_of_a_2d_array_through_a_closure_that_ignores_its_argument():
    W = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    before = W.copy()
    loss = lambda _: float(np.sum(W**2) / 2)  # reads W, as net.loss(x, t) reads net.params
    np.testing.assert_allclose(numerical_gradient(loss, W), before, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(W, before)


def test_partial_derivatives_of_the_books_function_at_3_4():
    grad = numerical_gradient(lambda x: x[0] ** 2 + x[1] ** 2, np.array([3.0, 4.0]))
    np.testing.assert_allclose(grad, [6.0, 8.0], rtol=1e-10)
