"""dl_notes.activations: derivatives against central differences, stability, dtype, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dl_notes import activations as act
from dl_notes.gradcheck import numerical_gradient

PAIRS = {
    "identity": (act.identity_function, act.identity_grad),
    "step": (act.step_function, act.step_grad),
    "sigmoid": (act.sigmoid, act.sigmoid_grad),
    "tanh": (act.tanh, act.tanh_grad),
    "relu": (act.relu, act.relu_grad),
    "leaky_relu": (lambda x: act.leaky_relu(x, 0.2), lambda x: act.leaky_relu_grad(x, 0.2)),
}


def off_kinks(shape, seed=0):
    u = np.random.default_rng(seed).standard_normal(shape) * 3
    return np.sign(u) * (0.1 + np.abs(u))


@pytest.mark.parametrize("name", PAIRS)
def test_derivative_matches_central_difference(name):
    f, grad = PAIRS[name]
    x = off_kinks((4, 5))
    # f acts element by element, so the gradient of sum(f(x)) is f'(x).
    numeric = numerical_gradient(lambda z: np.sum(f(z)), x)
    np.testing.assert_allclose(grad(x), numeric, rtol=1e-7, atol=1e-9)


def test_softmax_jacobian_matches_central_differences():
    x = np.random.default_rng(1).standard_normal(4)
    J = act.softmax_grad(x)
    for i in range(4):
        numeric = numerical_gradient(lambda z: act.softmax(z)[i], x.copy())
        np.testing.assert_allclose(J[i], numeric, rtol=1e-7, atol=1e-10)
    assert act.softmax_grad(np.zeros((3, 4))).shape == (3, 4, 4)


@pytest.mark.parametrize("name", PAIRS)
def test_float32_stays_float32(name):
    f, grad = PAIRS[name]
    x = off_kinks((3,)).astype(np.float32)
    assert f(x).dtype == np.float32 and grad(x).dtype == np.float32
    assert act.softmax(x).dtype == np.float32


def test_extreme_inputs_give_no_overflow():
    # pytest turns RuntimeWarnings (overflow in exp, cosh) into errors, so this also checks that none occur.
    big = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    np.testing.assert_array_equal(act.sigmoid(big), [0.0, 0.0, 0.5, 1.0, 1.0])
    assert act.sigmoid(np.array([-40.0]))[0] == pytest.approx(4.248354255291589e-18)  # not rounded to 0
    np.testing.assert_array_equal(act.sigmoid_grad(big)[[0, -1]], [0.0, 0.0])
    np.testing.assert_array_equal(act.tanh_grad(big)[[0, -1]], [0.0, 0.0])
    np.testing.assert_allclose(act.softmax(np.array([1e4, 1e4 - np.log(3)])), [0.75, 0.25])


def test_relu_and_step_conventions_at_zero():
    assert act.relu_grad(np.array([0.0]))[0] == 0.0  # the Relu layer's and the course's d_relu's choice
    assert act.step_function(np.array([0.0]))[0] == 0.0


def test_course_names():
    assert act.d_sigmoid is act.sigmoid_grad and act.d_relu is act.relu_grad
    assert act.d_tanh is act.tanh_grad and act.d_step_function is act.step_grad


def test_integer_input_gives_floats():
    assert act.sigmoid(np.array([0, 1])).dtype == np.float64
    assert act.softmax([1, 1]).tolist() == [0.5, 0.5]


# --- properties ---------------------------------------------------------------------------------

scores = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)),
                elements=st.floats(-1e4, 1e4, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(scores)
def test_softmax_rows_sum_to_one(x):
    y = act.softmax(x)
    assert np.all(y >= 0)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(scores, arrays(np.float64, st.just(6), elements=st.floats(-1e4, 1e4, allow_nan=False)))
def test_softmax_is_shift_invariant(x, shift):
    c = shift[: x.shape[0], None]  # one constant per row
    # x + c rounds to the spacing of floats near 2e4 (about 4e-12), and softmax has slope at most 1.
    np.testing.assert_allclose(act.softmax(x + c), act.softmax(x), atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e300, 1e300, allow_nan=False)))
def test_sigmoid_is_in_unit_interval_and_symmetric(x):
    y = act.sigmoid(x)
    assert np.all((0 <= y) & (y <= 1))
    np.testing.assert_allclose(y + act.sigmoid(-x), 1.0, rtol=1e-15)


def taylor_coefficients(f, order: int = 3) -> np.ndarray:
    """f(a) ≈ c0 + c1 a + c2 a² + c3 a³ near 0: a degree-9 least-squares fit on [-0.25, 0.25] (float64)."""
    a = np.linspace(-0.25, 0.25, 101)
    return np.polynomial.polynomial.polyfit(a, f(a), 9)[: order + 1]


@pytest.mark.parametrize("name, expected", [
    ("sigmoid", (1 / 2, 1 / 4, 0, -1 / 48)),  # σ(a) ≈ ½ + a/4: not φ(a) ≈ a, and not through the origin
    ("tanh", (0, 1, 0, -1 / 3)),  # tanh(a) ≈ a: f(0) = 0 and f'(0) = 1, what Xavier's derivation assumes
])
def test_taylor_coefficients_at_zero(name, expected):
    """weight_init.*.md: the sigmoid is ½ + a/4 near 0, tanh is a; both pages quote these coefficients."""
    np.testing.assert_allclose(taylor_coefficients(getattr(act, name)), expected, atol=1e-7)


def test_sigmoid_is_symmetric_about_one_half_not_the_origin():
    a = np.linspace(-8, 8, 33)
    np.testing.assert_allclose(act.sigmoid(-a), 1 - act.sigmoid(a), atol=1e-15)  # point symmetry about (0, ½)
    assert not np.allclose(act.sigmoid(-a), -act.sigmoid(a))  # not odd: σ(0) = ½
    np.testing.assert_allclose(act.tanh(-a), -act.tanh(a), atol=1e-15)  # tanh is odd: centred on the origin
    np.testing.assert_allclose(act.tanh(a), 2 * act.sigmoid(2 * a) - 1, atol=1e-15)  # tanh is a shifted, scaled sigmoid
