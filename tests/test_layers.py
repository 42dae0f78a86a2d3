"""dl_notes.layers: gradient checks, the layer contract, PyTorch reference values and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import check_layer
from dl_notes.layers import (
    Affine, BatchNormalization, DropConnect, Dropout, Flatten, InstanceNorm, LayerNorm, Relu, Sigmoid,
    SoftmaxWithLoss, Tanh,
)
from dl_notes.conv import Convolution
from dl_notes.pooling import GlobalAveragePooling, GlobalMaxPooling, Pooling
from _reference import SOURCES, reference


def rng_for(*key) -> np.random.Generator:
    """A generator seeded by the test's own key: stable across runs, different across cases."""
    return np.random.default_rng(list(str(key).encode()))


def off_kinks(rng, shape):
    """Inputs at least 0.1 away from 0, where ReLU has its kink (h = 1e-4 never crosses it)."""
    u = rng.standard_normal(shape)
    return np.sign(u) * (0.1 + np.abs(u))


# --- layer factories: (layer, x, forward args, forward kwargs) in a given dtype ----------------

def make_affine(rng, dtype, x_shape=(4, 6)):
    D = int(np.prod(x_shape[1:]))
    return Affine(rng.standard_normal((D, 3)).astype(dtype), rng.standard_normal(3).astype(dtype)), \
        rng.standard_normal(x_shape).astype(dtype), (), {}


def make_bn(rng, dtype, x_shape=(6, 4), train_flg=True):
    C = x_shape[1]
    layer = BatchNormalization((1 + 0.3 * rng.standard_normal(C)).astype(dtype), rng.standard_normal(C).astype(dtype),
                               running_mean=rng.standard_normal(C).astype(dtype),
                               running_var=(0.5 + rng.random(C)).astype(dtype))
    return layer, (2 * rng.standard_normal(x_shape) + 1).astype(dtype), (), {"train_flg": train_flg}


def make_ln(rng, dtype, x_shape=(4, 5)):
    gamma_shape = x_shape[-1:] if len(x_shape) == 2 else x_shape[-2:]
    layer = LayerNorm((1 + 0.3 * rng.standard_normal(gamma_shape)).astype(dtype),
                      rng.standard_normal(gamma_shape).astype(dtype))
    return layer, (2 * rng.standard_normal(x_shape) + 1).astype(dtype), (), {}


def make_softmax(rng, dtype, one_hot=False):
    x = (3 * rng.standard_normal((5, 4))).astype(dtype)
    t = rng.integers(0, 4, 5)
    return SoftmaxWithLoss(), x, (np.eye(4, dtype=dtype)[t] if one_hot else t,), {}


def make_dropconnect(rng, dtype, train_flg=True):
    layer, x, _, _ = make_affine(rng, dtype)
    return DropConnect(layer.W, layer.b, drop_ratio=0.3, seed=3), x, (), {"train_flg": train_flg}


CASES = {
    "Affine-2d": make_affine,
    "Affine-4d": lambda rng, dtype: make_affine(rng, dtype, (3, 2, 2, 2)),
    "Relu": lambda rng, dtype: (Relu(), off_kinks(rng, (4, 5)).astype(dtype), (), {}),
    "Sigmoid": lambda rng, dtype: (Sigmoid(), (3 * rng.standard_normal((4, 5))).astype(dtype), (), {}),
    "Tanh": lambda rng, dtype: (Tanh(), (2 * rng.standard_normal((4, 5))).astype(dtype), (), {}),
    "SoftmaxWithLoss-labels": make_softmax,
    "SoftmaxWithLoss-onehot": lambda rng, dtype: make_softmax(rng, dtype, one_hot=True),
    "BatchNormalization-train-2d": make_bn,
    "BatchNormalization-train-4d": lambda rng, dtype: make_bn(rng, dtype, (3, 2, 3, 3)),
    "BatchNormalization-eval-2d": lambda rng, dtype: make_bn(rng, dtype, train_flg=False),
    "BatchNormalization-eval-4d": lambda rng, dtype: make_bn(rng, dtype, (3, 2, 3, 3), train_flg=False),
    "LayerNorm-2d": make_ln,
    "LayerNorm-3d": lambda rng, dtype: make_ln(rng, dtype, (3, 2, 4)),
    "Dropout-train": lambda rng, dtype: (Dropout(0.4, seed=1), rng.standard_normal((4, 5)).astype(dtype), (),
                                         {"train_flg": True}),
    "Dropout-eval": lambda rng, dtype: (Dropout(0.4, seed=1), rng.standard_normal((4, 5)).astype(dtype), (),
                                        {"train_flg": False}),
    "DropConnect-train": make_dropconnect,
    "DropConnect-eval": lambda rng, dtype: make_dropconnect(rng, dtype, train_flg=False),
    "Flatten": lambda rng, dtype: (Flatten(), rng.standard_normal((2, 3, 2, 2)).astype(dtype), (), {}),
    "InstanceNorm": lambda rng, dtype: (InstanceNorm(np.ones(2, dtype), np.zeros(2, dtype)),
                                        rng.standard_normal((2, 2, 3, 3)).astype(dtype), (), {}),
}


@pytest.mark.parametrize("case", CASES)
def test_backward_matches_numerical_gradient(case):
    layer, x, args, kwargs = CASES[case](rng_for(case), np.float64)
    errors = check_layer(layer, x, *args, **kwargs)
    expected = {"x"} | {n for n in ("W", "b", "gamma", "beta") if hasattr(layer, n)}
    assert set(errors) == expected
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("case", CASES)
def test_backward_leaves_inputs_alone(case):
    layer, x, args, kwargs = CASES[case](rng_for(case, "inputs"), np.float64)
    x_before = x.copy()
    out = layer.forward(x, *args, **kwargs)
    dout = 1.0 if np.ndim(out) == 0 else rng_for(case, "dout").standard_normal(np.shape(out))
    dout_before = np.copy(dout)
    dx = layer.backward(dout)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)
    assert dx.shape == x.shape


@pytest.mark.parametrize("case", CASES)
def test_float32_in_float32_out(case):
    layer, x, args, kwargs = CASES[case](rng_for(case, "dtype"), np.float32)
    out = layer.forward(x, *args, **kwargs)
    dout = 1.0 if np.ndim(out) == 0 else np.ones(np.shape(out), dtype=np.float32)
    dx = layer.backward(dout)
    if np.ndim(out):
        assert out.dtype == np.float32
    assert dx.dtype == np.float32
    for name in ("dW", "db", "dgamma", "dbeta"):
        if getattr(layer, name, None) is not None:
            assert getattr(layer, name).dtype == np.float32, name


def test_parameters_are_shared_not_copied():
    W, b = np.ones((2, 3)), np.zeros(3)
    layer = Affine(W, b)
    W -= 0.5  # an optimizer's in-place update
    np.testing.assert_array_equal(layer.forward(np.ones((1, 2))), [[1.0, 1.0, 1.0]])
    gamma, beta = np.ones(2), np.zeros(2)
    bn = BatchNormalization(gamma, beta)
    assert bn.gamma is gamma and bn.beta is beta


def test_relu_gradient_is_zero_at_the_kink_and_backward_does_not_touch_dout():
    layer = Relu()
    layer.forward(np.array([[-1.0, 0.0, 1.0]]))
    dout = np.array([[3.0, 3.0, 3.0]])
    np.testing.assert_array_equal(layer.backward(dout), [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(dout, [[3.0, 3.0, 3.0]])  # the book's Relu zeroes dout in place


def test_softmax_with_loss_is_finite_for_huge_scores():
    layer = SoftmaxWithLoss()
    loss = layer.forward(np.array([[1e4, 0.0, -1e4]]), np.array([2]))
    assert loss == pytest.approx(2e4)
    np.testing.assert_allclose(layer.backward(), [[1.0, 0.0, -1.0]])


def test_softmax_with_loss_backward_scales_with_dout():
    layer = SoftmaxWithLoss()
    layer.forward(np.zeros((2, 2)), np.array([0, 1]))
    np.testing.assert_allclose(layer.backward(2.0), 2 * layer.backward(1.0))


# --- PyTorch reference values (float32, compared at 1e-5) --------------------------------------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("layers", request.param)


def close(actual, desired, name=""):
    np.testing.assert_allclose(actual, desired, rtol=1e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("target", ["ce_t", "ce_soft_t"])
def test_softmax_cross_entropy_matches_pytorch(ref, target):
    prefix = target[:-2]
    layer = SoftmaxWithLoss()
    loss = layer.forward(ref["ce_x"], ref[target])
    close(loss, ref[f"{prefix}_loss"], "loss")
    dx = layer.backward()
    assert dx.dtype == np.float32
    close(dx, ref[f"{prefix}_dx"], "dx")


def test_layers_fixture_is_small():
    data = reference("layers", "recorded")
    assert sum(a.nbytes for a in data.values()) < 200_000
    assert str(data["torch_version"]).startswith("2.13")


# --- the same message for the same mistake in every layer ----------------------------------------

def images(rng, dtype):
    return rng.standard_normal((2, 3, 4, 4)).astype(dtype)  # (N, C, H, W)


# The image layers have their own gradient and contract tests (test_conv.py, test_pooling.py);
# here they join the others only to give the same message for the same mistake.
MESSAGE_CASES = CASES | {
    "Convolution": lambda rng, dtype: (Convolution(rng.standard_normal((2, 3, 3, 3)).astype(dtype),
                                                   np.zeros(2, dtype)), images(rng, dtype), (), {}),
    "Pooling-max": lambda rng, dtype: (Pooling(2, 2), images(rng, dtype), (), {}),
    "Pooling-avg": lambda rng, dtype: (Pooling(2, 2, mode="avg"), images(rng, dtype), (), {}),
    "GlobalAveragePooling": lambda rng, dtype: (GlobalAveragePooling(), images(rng, dtype), (), {}),
    "GlobalMaxPooling": lambda rng, dtype: (GlobalMaxPooling(), images(rng, dtype), (), {}),
}


@pytest.mark.parametrize("case", MESSAGE_CASES)
def test_backward_before_forward_is_one_clear_error(case):
    layer, x, _, _ = MESSAGE_CASES[case](rng_for(case, "order"), np.float64)
    name = type(layer).__name__
    with pytest.raises(RuntimeError, match=rf"^{name}\.backward: call forward first \(no forward pass is cached\)$"):
        layer.backward(np.ones_like(x))


@pytest.mark.parametrize("case", MESSAGE_CASES)
def test_empty_batch_is_named(case):
    layer, x, args, kwargs = MESSAGE_CASES[case](rng_for(case, "empty"), np.float64)
    empty = x[:0]  # (0, ...)
    args = tuple(a[:0] for a in args)
    with pytest.raises(ValueError, match=rf"^{type(layer).__name__}\.forward: x is an empty batch \(shape \(0, "):
        layer.forward(empty, *args, **kwargs)


@pytest.mark.parametrize("case", MESSAGE_CASES)
def test_float16_is_refused_before_it_overflows(case):
    layer, x, args, kwargs = MESSAGE_CASES[case](rng_for(case, "half"), np.float64)
    with pytest.raises(TypeError, match=rf"^{type(layer).__name__}\.forward: x has dtype float16, which overflows"):
        layer.forward(x.astype(np.float16), *args, **kwargs)


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("build, error, message", [
    (lambda: Affine(np.ones((3, 2)), np.zeros(3)), ValueError, r"b must have shape \(2,\) to match W of shape \(3, 2\), got \(3,\)"),
    (lambda: Affine(np.ones(3), np.zeros(3)), ValueError, r"W must be 2-D, got shape \(3,\)"),
    (lambda: Affine([[1.0]], np.zeros(1)), TypeError, "W must be a floating-point numpy array .* got list"),
    (lambda: Affine(np.ones((1, 1), dtype=int), np.zeros(1)), TypeError, "W must be .* of dtype int64"),
    (lambda: DropConnect(np.ones((2, 2)), np.zeros(2), drop_ratio=1.2), ValueError, r"drop_ratio must be in \[0, 1\)"),
], ids=["affine-b", "affine-W-ndim", "affine-list", "affine-int", "dropconnect"])
def test_bad_construction_is_named(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize("call, error, message", [
    (lambda: Affine(np.ones((3, 2)), np.zeros(2)).forward(np.ones((4, 5))), ValueError,
     r"x has 5 features per sample \(shape \(4, 5\)\), but W has shape \(3, 2\) and expects 3"),
    (lambda: Affine(np.ones((3, 2)), np.zeros(2)).forward(np.ones(3)), ValueError,
     r"x must be a batch of at least 2-D \(N, D\), got shape \(3,\); for one sample use x\[None\]"),
    (lambda: SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([0, 3])), ValueError,
     r"t holds the label 3, but labels must be in \[0, 3\) for 3 classes"),
    (lambda: SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([-1, 0])), ValueError,
     r"t holds the label -1, but labels must be in \[0, 3\)"),
    (lambda: SoftmaxWithLoss().forward(np.array([[0.0, np.nan, 1.0]]), np.array([0])), ValueError,
     r"x must be finite, but x\[0, 1\] = nan"),
    (lambda: SoftmaxWithLoss().forward(np.array([[0.0, np.inf]]), np.array([0])), ValueError,
     r"x must be finite, but x\[0, 1\] = inf"),
    (lambda: SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([0.5, 1.0])), TypeError,
     "t must hold integer class labels, got dtype float64"),
    (lambda: SoftmaxWithLoss().forward(np.zeros((2, 3)), np.zeros((2, 4))), ValueError,
     r"t must be labels of shape \(2,\) or one-hot rows of shape \(2, 3\), got shape \(2, 4\)"),
], ids=["affine-features", "affine-1d", "label-too-large", "label-negative", "loss-nan", "loss-inf", "label-float",
        "onehot-shape"])
def test_bad_forward_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_affine_backward_rejects_a_dout_of_the_wrong_shape():
    layer = Affine(np.ones((3, 2)), np.zeros(2))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dout must have the output's shape \(4, 2\), got \(4, 3\)"):
        layer.backward(np.ones((4, 3)))


def test_affine_without_input_grad_gives_the_same_parameter_gradients():
    rng = np.random.default_rng(0)
    W, b, x, dout = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    full, lean = Affine(W, b), Affine(W, b, input_grad=False)
    full.forward(x), lean.forward(x)
    assert full.backward(dout) is not None and lean.backward(dout) is None
    np.testing.assert_array_equal(lean.dW, full.dW)
    np.testing.assert_array_equal(lean.db, full.db)
