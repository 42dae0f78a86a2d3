"""dl_notes.losses: values, gradients against central differences, labels, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes import losses
from dl_notes.activations import softmax
from dl_notes.gradcheck import numerical_gradient


def batch(seed=0, N=4, K=3):
    rng = np.random.default_rng(seed)
    x = 2 * rng.standard_normal((N, K))
    t = rng.integers(0, K, N)
    return x, t, np.eye(K)[t]


def test_sum_squared_error_and_gradient():
    y, t = np.array([[0.1, 0.7, 0.2]]), np.array([[0.0, 1.0, 0.0]])
    assert losses.sum_squared_error(y, t) == pytest.approx(0.5 * (0.01 + 0.09 + 0.04))
    numeric = numerical_gradient(lambda z: losses.sum_squared_error(z, t), y.copy())
    np.testing.assert_allclose(losses.sum_squared_error_grad(y, t), numeric, rtol=1e-8)


def test_cross_entropy_index_and_one_hot_agree():
    x, t, one_hot = batch()
    y = softmax(x)
    assert losses.cross_entropy_error(y, t) == pytest.approx(losses.cross_entropy_error(y, one_hot), rel=1e-14)
    assert losses.cross_entropy_error(y, t) == pytest.approx(-np.mean(np.log(y[np.arange(4), t])), rel=1e-14)


def test_cross_entropy_of_one_sample_is_reshaped_like_the_book():
    y = np.array([0.1, 0.6, 0.3])
    assert losses.cross_entropy_error(y, 1) == pytest.approx(-np.log(0.6))
    assert losses.cross_entropy_error(y, np.array([0, 1, 0])) == pytest.approx(-np.log(0.6))


def test_cross_entropy_never_takes_log_of_zero():
    # RuntimeWarnings are errors under pytest: log(0) would fail here.
    y = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    loss = losses.cross_entropy_error(y, np.array([0, 0]))
    assert np.isfinite(loss) and loss == pytest.approx(-np.log(np.finfo(np.float32).tiny) / 2)
    assert np.all(np.isfinite(losses.cross_entropy_error_grad(y, np.array([0, 0]))))


@pytest.mark.parametrize("labels", ["index", "one-hot"])
def test_cross_entropy_gradient_matches_central_difference(labels):
    x, t, one_hot = batch(1)
    target = t if labels == "index" else one_hot
    y = softmax(x)
    numeric = numerical_gradient(lambda z: losses.cross_entropy_error(z, target), y.copy(), h=1e-6)
    np.testing.assert_allclose(losses.cross_entropy_error_grad(y, target), numeric, rtol=1e-6)


@pytest.mark.parametrize("labels", ["index", "one-hot", "soft"])
def test_softmax_cross_entropy_and_gradient(labels):
    x, t, one_hot = batch(2)
    target = {"index": t, "one-hot": one_hot, "soft": softmax(np.random.default_rng(3).standard_normal(x.shape))}[labels]
    assert losses.softmax_cross_entropy(x, target) == pytest.approx(losses.cross_entropy_error(softmax(x), target))
    numeric = numerical_gradient(lambda z: losses.softmax_cross_entropy(z, target), x.copy())
    np.testing.assert_allclose(losses.softmax_cross_entropy_grad(x, target), numeric, rtol=1e-7, atol=1e-10)


def test_softmax_cross_entropy_is_exact_where_the_probability_underflows():
    x = np.array([[800.0, 0.0]])
    assert losses.softmax_cross_entropy(x, np.array([1])) == pytest.approx(800.0)


def test_labels_of_mnist_dtypes_are_accepted():
    y = softmax(np.zeros((2, 10)))
    for t in (np.array([3, 9], dtype=np.uint8), np.array([3.0, 9.0]), np.array([[3], [9]])):
        assert losses.cross_entropy_error(y, t) == pytest.approx(np.log(10))


@pytest.mark.parametrize("call, error, message", [
    (lambda: losses.cross_entropy_error(np.full((2, 3), 1 / 3), np.array([0, 5])), ValueError,
     r"t holds the label 5, but labels must be in \[0, 3\) for 3 classes"),
    (lambda: losses.cross_entropy_error(np.array([[0.5, np.nan]]), np.array([0])), ValueError,
     r"y must be finite, but y\[0, 1\] = nan"),
    (lambda: losses.softmax_cross_entropy(np.array([[0.5, -np.inf]]), np.array([0])), ValueError,
     r"x must be finite, but x\[0, 1\] = -inf"),
    (lambda: losses.cross_entropy_error(np.full((2, 3), 1 / 3), np.array([0, 1, 2])), ValueError,
     r"t must be labels of shape \(2,\) or one-hot rows of shape \(2, 3\), got shape \(3,\)"),
    (lambda: losses.cross_entropy_error(np.full((2, 3), 1 / 3), np.array([0.5, 1])), TypeError,
     "t must hold integer class labels, got dtype float64"),
    (lambda: losses.cross_entropy_error(np.ones((2, 2, 2)), np.array([0, 1])), ValueError,
     r"y must be 1-D or 2-D \(K,\) or \(N, K\), got shape \(2, 2, 2\)"),
    (lambda: losses.sum_squared_error(np.ones(3), np.ones(2)), ValueError,
     r"y and t must have the same shape, got y \(3,\) and t \(2,\)"),
    (lambda: losses.sum_squared_error(np.array([np.inf]), np.ones(1)), ValueError, r"y must be finite"),
    (lambda: losses.cross_entropy_error(np.array([["a"]]), np.array([0])), TypeError,
     "y must be a numeric array, got dtype <U1"),
], ids=["label-range", "y-nan", "x-inf", "label-shape", "label-float", "y-3d", "sse-shape", "sse-inf", "y-str"])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_non_finite_error_is_a_value_error():
    from dl_notes._checks import NonFiniteError

    with pytest.raises(NonFiniteError):
        losses.softmax_cross_entropy(np.array([[np.nan, 0.0]]), np.array([0]))
    assert issubclass(NonFiniteError, ValueError)


CROSS_ENTROPIES = ["cross_entropy_error", "cross_entropy_error_grad", "softmax_cross_entropy",
                   "softmax_cross_entropy_grad"]


@pytest.mark.parametrize("name", CROSS_ENTROPIES)
def test_empty_batch_is_named_not_a_nan(name):
    with pytest.raises(ValueError, match=rf"^{name}: [xy] is an empty batch \(shape \(0, 3\)\)"):
        getattr(losses, name)(np.zeros((0, 3)), np.zeros(0, dtype=int))


@pytest.mark.parametrize("name", ["sum_squared_error", "sum_squared_error_grad", "mean_squared_error"])
def test_empty_squared_error_is_named(name):
    with pytest.raises(ValueError, match=rf"^{name}: y is empty \(shape \(0, 3\)\)"):
        getattr(losses, name)(np.zeros((0, 3)), np.zeros((0, 3)))


@pytest.mark.parametrize("name", CROSS_ENTROPIES)
def test_float16_is_refused(name):
    x, t, _ = batch()
    with pytest.raises(TypeError, match=rf"^{name}: [xy] has dtype float16"):
        getattr(losses, name)(softmax(x).astype(np.float16), t)


@pytest.mark.parametrize("name", CROSS_ENTROPIES)
@pytest.mark.parametrize("n_labels", [3, 5, 1])
def test_labels_of_another_length_are_an_error(name, n_labels):
    x, _, _ = batch(N=4)
    with pytest.raises(ValueError, match=rf"t must be labels of shape \(4,\).*got shape \({n_labels},\)"):
        getattr(losses, name)(softmax(x), np.zeros(n_labels, dtype=int))


# The book's example of chapter 4: the network is most confident of class 2.
BOOK_Y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])


def test_mean_squared_error_is_the_sum_divided_by_the_number_of_entries():
    rng = np.random.default_rng(4)
    y, t = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    assert losses.mean_squared_error(y, t) == pytest.approx(losses.sum_squared_error(y, t) / 15, rel=1e-14)
    assert losses.mean_squared_error(y, t) == pytest.approx(np.mean((t - y) ** 2) / 2, rel=1e-14)  # the course's


def test_mean_squared_error_is_symmetric_so_the_course_order_gives_the_same_value():
    y, d = np.array([0.2, 0.7]), np.array([0.0, 1.0])
    assert losses.mean_squared_error(d, y) == losses.mean_squared_error(y, d)


def test_mean_squared_error_refuses_other_shapes():
    with pytest.raises(ValueError, match=r"y and t must have the same shape, got y \(2,\) and t \(3,\)"):
        losses.mean_squared_error(np.zeros(2), np.zeros(3))


def test_the_books_example_values():
    t = np.eye(10)[2]
    assert losses.sum_squared_error(BOOK_Y, t) == pytest.approx(0.0975, rel=1e-12)
    assert losses.cross_entropy_error(BOOK_Y, t, delta=1e-7) == pytest.approx(-np.log(0.6 + 1e-7), rel=1e-14)
    assert losses.cross_entropy_error(BOOK_Y, 2) == pytest.approx(-np.log(0.6), rel=1e-14)
    wrong = np.eye(10)[7]  # the network's 0.1 for class 7
    assert losses.sum_squared_error(BOOK_Y, wrong) == pytest.approx(0.5975, rel=1e-12)
    assert losses.cross_entropy_error(BOOK_Y, wrong, delta=1e-7) == pytest.approx(-np.log(0.1 + 1e-7), rel=1e-14)


def test_delta_keeps_a_zero_probability_finite_like_the_books_guard():
    # class 3 has probability 0: -log(0 + 1e-7) = 7 log 10
    assert losses.cross_entropy_error(BOOK_Y, 3, delta=1e-7) == pytest.approx(7 * np.log(10), rel=1e-12)


@pytest.mark.parametrize("delta, error", [(0, ValueError), (-1e-7, ValueError), ("1e-7", TypeError)])
def test_delta_must_be_a_positive_number(delta, error):
    with pytest.raises(error, match="delta"):
        losses.cross_entropy_error(BOOK_Y, 2, delta=delta)
