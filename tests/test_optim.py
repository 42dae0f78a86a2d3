"""dl_notes.optim: first steps recomputed in closed form, bad input, and PyTorch's trajectories.

PyTorch writes some methods differently from the course; each mapping is a test here:
Momentum's velocity is $v = -\\eta b$ of PyTorch's buffer $b$; AdaGrad and RMSProp put
$\\varepsilon$ outside the square root as PyTorch does (same steps); Adam adds
$\\varepsilon$ to $\\sqrt{v}$ before the bias correction of $\\eta_t$, which equals PyTorch's
$\\varepsilon$ scaled by $\\sqrt{1 - \\beta_2^t}$.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dl_notes import optim
from _reference import SOURCES, recorder, reference

SETTINGS = recorder("optim").SETTINGS
TINY = recorder("optim").TINY

P0 = np.array([[1.0, -2.0], [0.5, 0.0]])
G1 = np.array([[0.3, -1.5], [2.0, 0.01]])
G2 = np.array([[-0.7, 0.2], [1.0, -3.0]])


def steps(optimizer, *grads, start=P0):
    params = {"w": start.copy()}
    for g in grads:
        optimizer.update(params, {"w": g})
    return params["w"]


# --- closed-form first steps --------------------------------------------------------------------

FIRST_STEPS = {
    "SGD": (optim.SGD(lr=0.1), lambda: P0 - 0.1 * G1),
    "Momentum": (optim.Momentum(lr=0.1, momentum=0.9), lambda: P0 - 0.1 * G1),
    "Nesterov": (optim.Nesterov(lr=0.1, momentum=0.9), lambda: P0 + 0.9 * (-0.1 * G1) - 0.1 * G1),
    "AdaGrad": (optim.AdaGrad(lr=0.1), lambda: P0 - 0.1 * G1 / (np.abs(G1) + 1e-7)),
    "RMSProp": (optim.RMSProp(lr=0.1, decay_rate=0.9),
                lambda: P0 - 0.1 * G1 / (np.sqrt(0.1 * G1**2) + 1e-7)),
    "Adam": (optim.Adam(lr=0.1, beta1=0.9, beta2=0.999),
             lambda: P0 - 0.1 * math.sqrt(1 - 0.999) / (1 - 0.9) * (0.1 * G1) / (np.sqrt(0.001 * G1**2) + 1e-7)),
}


@pytest.mark.parametrize("name", FIRST_STEPS)
def test_first_step_matches_the_formula(name):
    optimizer, expected = FIRST_STEPS[name]
    np.testing.assert_allclose(steps(optimizer, G1), expected(), rtol=1e-14, atol=1e-15)


SECOND_STEPS = {
    "Momentum": (optim.Momentum(lr=0.1, momentum=0.9),
                 lambda: P0 - 0.1 * G1 + 0.9 * (-0.1 * G1) - 0.1 * G2),
    "Nesterov": (optim.Nesterov(lr=0.1, momentum=0.9),
                 lambda: P0 - 0.19 * G1 + 0.9 * (0.9 * -0.1 * G1 - 0.1 * G2) - 0.1 * G2),
    "AdaGrad": (optim.AdaGrad(lr=0.1),
                lambda: P0 - 0.1 * G1 / (np.abs(G1) + 1e-7) - 0.1 * G2 / (np.sqrt(G1**2 + G2**2) + 1e-7)),
    "Adam": (optim.Adam(lr=0.1), lambda: _adam_reference([G1, G2], lr=0.1)),
}


def _adam_reference(grads, lr, beta1=0.9, beta2=0.999, eps=1e-7):
    """Adam as the paper writes it, with bias-corrected moments and epsilon scaled to match."""
    p, m, v = P0.copy(), 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps / math.sqrt(1 - beta2**t))
    return p


@pytest.mark.parametrize("name", SECOND_STEPS)
def test_second_step_matches_the_formula(name):
    optimizer, expected = SECOND_STEPS[name]
    np.testing.assert_allclose(steps(optimizer, G1, G2), expected(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("cls", [optim.SGD, optim.Momentum, optim.Nesterov, optim.AdaGrad, optim.RMSProp, optim.Adam])
def test_float32_parameters_and_state_stay_float32(cls):
    optimizer = cls(lr=0.01)
    params = {"w": P0.astype(np.float32)}
    optimizer.update(params, {"w": G1.astype(np.float32)})
    assert params["w"].dtype == np.float32
    for state in vars(optimizer).values():
        if isinstance(state, dict):
            assert all(a.dtype == np.float32 for a in state.values())


def test_update_is_in_place_and_state_is_per_key():
    params = {"a": P0.copy(), "b": P0.copy()}
    same_a = params["a"]
    optimizer = optim.Momentum(lr=0.1)
    optimizer.update(params, {"a": G1, "b": G2})
    assert params["a"] is same_a
    assert set(optimizer.v) == {"a", "b"}
    np.testing.assert_allclose(optimizer.v["b"], -0.1 * G2)


def test_course_spellings():
    assert optim.RMSprop is optim.RMSProp
    assert optim.SGD(learning_rate=0.5).lr == 0.5
    assert optim.Adam(learning_rate=0.002).learning_rate == 0.002


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cls, kwargs, error, message", [
    (optim.SGD, {"lr": 0}, ValueError, "lr must be > 0, got 0.0"),
    (optim.SGD, {"lr": -0.1}, ValueError, "lr must be > 0, got -0.1"),
    (optim.SGD, {"lr": "0.1"}, TypeError, "lr must be a real number, got '0.1' (str)"),
    (optim.SGD, {"lr": float("nan")}, ValueError, "lr must be finite, got nan"),
    (optim.SGD, {"learning_rate": 0}, ValueError, "learning_rate must be > 0, got 0.0"),
    (optim.Momentum, {"momentum": 1.0}, ValueError, "momentum must be in [0, 1), got 1.0"),
    (optim.Nesterov, {"momentum": -0.1}, ValueError, "momentum must be in [0, 1), got -0.1"),
    (optim.AdaGrad, {"eps": 0}, ValueError, "eps must be > 0, got 0.0"),
    (optim.RMSProp, {"decay_rate": 1.5}, ValueError, "decay_rate must be in [0, 1), got 1.5"),
    (optim.Adam, {"beta1": 1}, ValueError, "beta1 must be in [0, 1), got 1.0"),
    (optim.Adam, {"beta2": True}, TypeError, "beta2 must be a real number, got True (bool)"),
], ids=lambda v: v.__name__ if isinstance(v, type) else None)
def test_bad_hyper_parameters_are_named(cls, kwargs, error, message):
    with pytest.raises(error) as info:
        cls(**kwargs)
    assert str(info.value) == message


def test_bad_dicts_are_named():
    optimizer = optim.SGD()
    with pytest.raises(KeyError, match="grads has no entry for parameter 'W1'"):
        optimizer.update({"W1": P0.copy()}, {"W2": G1})
    with pytest.raises(ValueError, match=r"grads\['W1'\] has shape \(3,\), but params\['W1'\] has shape \(2, 2\)"):
        optimizer.update({"W1": P0.copy()}, {"W1": np.zeros(3)})
    with pytest.raises(TypeError, match=r"params\['W1'\] must be a floating-point numpy array .* of dtype int64"):
        optimizer.update({"W1": np.zeros(2, dtype=np.int64)}, {"W1": np.zeros(2)})
    with pytest.raises(TypeError, match=r"params\['W1'\] must be a floating-point numpy array .*got list"):
        optimizer.update({"W1": [1.0]}, {"W1": np.zeros(1)})


@pytest.mark.parametrize("cls", [optim.SGD, optim.Momentum, optim.Adam])
def test_bad_input_leaves_everything_as_it_was(cls):
    """Every key is checked before any is updated: no half-done update, no step counted."""
    optimizer = cls(lr=0.1)
    params = {"a": P0.copy(), "b": P0.copy()}
    with pytest.raises(KeyError, match="'b'"):
        optimizer.update(params, {"a": G1})
    np.testing.assert_array_equal(params["a"], P0)
    assert getattr(optimizer, "iter", 0) == 0
    assert not any(state for state in vars(optimizer).values() if isinstance(state, dict))


def _read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


BAD_SECOND_KEY = {  # (params["b"], grads["b"]) with the right shape but wrong type, or a read-only "b"
    "list": (P0.copy(), G1.tolist()),
    "str": (np.array(1.0), "0.5"),
    "complex": (P0.copy(), G1 + 1j),
    "object": (P0.copy(), G1.astype(object)),
    "read-only": (_read_only(P0), G1),
}


def _state(optimizer):
    return {name: ({k: v.copy() for k, v in value.items()} if isinstance(value, dict) else value)
            for name, value in vars(optimizer).items()}


@pytest.mark.parametrize("bad", list(BAD_SECOND_KEY))
@pytest.mark.parametrize("cls", [optim.SGD, optim.Momentum, optim.Nesterov, optim.AdaGrad, optim.RMSProp, optim.Adam])
def test_bad_gradient_type_changes_nothing(cls, bad):
    """A bad second entry is found before the first is updated, and before any state changes."""
    optimizer = cls(lr=0.1)
    params = {"a": P0.copy(), "b": P0.copy()}
    optimizer.update(params, {"a": G1, "b": G2})  # some state to keep
    param_b, grad_b = BAD_SECOND_KEY[bad]
    params["b"] = param_b
    before_params = {k: v.copy() for k, v in params.items()}
    before_state = _state(optimizer)
    with pytest.raises((TypeError, ValueError), match=r"params\['b'\]|grads\['b'\]"):
        optimizer.update(params, {"a": G2, "b": grad_b})
    for key in params:
        np.testing.assert_array_equal(params[key], before_params[key])
    after_state = _state(optimizer)
    assert after_state.keys() == before_state.keys()
    for name, value in before_state.items():
        if isinstance(value, dict):
            assert value.keys() == after_state[name].keys()
            for k in value:
                np.testing.assert_array_equal(after_state[name][k], value[k], err_msg=f"{name}[{k!r}]")
        else:
            assert after_state[name] == value, name


# --- PyTorch reference trajectories (float32, 20 steps on the same gradients) ------------------

@pytest.fixture(params=SOURCES)
def ref(request):
    return reference("optim", request.param)


def run(name, grads, start, before_update=None):
    class_name, kwargs, *_ = SETTINGS[name]
    optimizer = getattr(optim, class_name)(**kwargs)
    params, path = {"w": start.copy()}, []
    for t, g in enumerate(grads, start=1):
        if before_update is not None:
            before_update(optimizer, t)
        optimizer.update(params, {"w": g})
        path.append(params["w"].copy())
    return optimizer, np.stack(path)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_trajectory_matches_pytorch(ref, name):
    _, path = run(name, ref["grads"], ref["start"])
    assert path.dtype == np.float32
    np.testing.assert_allclose(path, ref[f"{name}_params"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_velocity_is_minus_lr_times_pytorch_buffer(ref, name):
    # The course keeps v (the step itself); PyTorch keeps b = g + momentum * b and steps -lr * b.
    optimizer, _ = run(name, ref["grads"], ref["start"])
    lr = SETTINGS[name][1]["lr"]
    np.testing.assert_allclose(optimizer.v["w"], -lr * ref[f"{name}_momentum_buffer"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, ours, theirs", [
    ("adagrad", "h", "sum"), ("adagrad_h0", "h", "sum"), ("rmsprop", "h", "square_avg"), ("adam", "m", "exp_avg"), ("adam", "v", "exp_avg_sq"),
])
def test_accumulators_equal_pytorch_state(ref, name, ours, theirs):
    optimizer, _ = run(name, ref["grads"], ref["start"])
    np.testing.assert_allclose(getattr(optimizer, ours)["w"], ref[f"{name}_{theirs}"], rtol=1e-5, atol=1e-7)


def test_adam_epsilon_maps_to_pytorch_scaled_by_bias_correction(ref):
    # Ours: lr_t * m / (sqrt(v) + eps). PyTorch: lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps_torch).
    # They are equal when eps = eps_torch * sqrt(1 - b2^t). On gradients of size 1e-6, sqrt(v) is
    # about eps and the difference shows; with the mapping it vanishes.
    grads = (ref["grads"] * TINY).astype(np.float32)
    start, expected = ref["start"], ref["adam_tiny_params"]
    eps_torch, beta2 = SETTINGS["adam"][3]["eps"], SETTINGS["adam"][1]["beta2"]

    _, course = run("adam", grads, start)
    moved = np.abs(expected - start)
    assert np.abs(course - start).max() < 0.9 * moved.max()  # the course's eps damps these steps more

    def set_eps(optimizer, t):
        optimizer.eps = eps_torch * math.sqrt(1 - beta2**t)

    _, mapped = run("adam", grads, start, before_update=set_eps)
    np.testing.assert_allclose(mapped - start, expected - start, rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(mapped, expected, rtol=1e-5, atol=1e-5)


def test_fixture_is_small_and_complete():
    data = reference("optim", "recorded")
    for name, (_, _, _, _, states) in SETTINGS.items():
        assert data[f"{name}_params"].shape == (20, *data["start"].shape)
        assert all(f"{name}_{s}" in data for s in states)
    assert str(data["torch_version"]).startswith("2.13")


# --- the book's two-variable scripts: Python floats in the params dict --------------------------
# ch06/optimizer_compare_naive.py stores x and y as Python floats and runs each optimizer for 30
# steps on f(x, y) = x²/20 + y² from (-7, 2). The book's optimizers write ``params[key] -= ...``,
# which replaces a float in the dict and changes an array in place; ours must give the same path.

def _book_optimizer(name, lr):
    """The update rules of the book's common/optimizer.py, with its lazily created per-key state."""
    state, t = {}, [0]

    def zeros(params):
        return {key: np.zeros_like(value) for key, value in params.items()}

    def update(params, grads):
        if name == "SGD":
            for key in params:
                params[key] -= lr * grads[key]
        elif name == "Momentum":
            v = state.setdefault("v", zeros(params))
            for key in params:
                v[key] = 0.9 * v[key] - lr * grads[key]
                params[key] += v[key]
        elif name == "AdaGrad":
            h = state.setdefault("h", zeros(params))
            for key in params:
                h[key] += grads[key] * grads[key]
                params[key] -= lr * grads[key] / (np.sqrt(h[key]) + 1e-7)
        elif name == "RMSProp":
            h = state.setdefault("h", zeros(params))
            for key in params:
                h[key] *= 0.99
                h[key] += (1 - 0.99) * grads[key] * grads[key]
                params[key] -= lr * grads[key] / (np.sqrt(h[key]) + 1e-7)
        elif name == "Adam":
            m, v = state.setdefault("m", zeros(params)), state.setdefault("v", zeros(params))
            t[0] += 1
            lr_t = lr * np.sqrt(1.0 - 0.999 ** t[0]) / (1.0 - 0.9 ** t[0])
            for key in params:
                m[key] += (1 - 0.9) * (grads[key] - m[key])
                v[key] += (1 - 0.999) * (grads[key] ** 2 - v[key])
                params[key] -= lr_t * m[key] / (np.sqrt(v[key]) + 1e-7)
    return update


def _compare_naive(update, start):
    """The loop of the book's optimizer_compare_naive.py; returns the 31 visited points."""
    params = {"x": start[0], "y": start[1]}
    history = []
    for _ in range(30):
        history.append((float(params["x"]), float(params["y"])))  # float(): a 0-d array is changed in place
        update(params, {"x": params["x"] / 10.0, "y": 2.0 * params["y"]})
    history.append((float(params["x"]), float(params["y"])))
    return params, np.array(history, dtype=float)


BOOK_SETTINGS = {"SGD": 0.95, "Momentum": 0.1, "AdaGrad": 1.5, "RMSProp": 0.1, "Adam": 0.3}


@pytest.mark.parametrize("name", BOOK_SETTINGS)
def test_the_books_float_parameters_give_the_books_path(name):
    lr = BOOK_SETTINGS[name]
    _, book = _compare_naive(_book_optimizer(name, lr), (-7.0, 2.0))
    floats, ours = _compare_naive(getattr(optim, name)(lr=lr).update, (-7.0, 2.0))
    _, arrays = _compare_naive(getattr(optim, name)(lr=lr).update, (np.array(-7.0), np.array(2.0)))
    np.testing.assert_array_equal(ours, book)
    np.testing.assert_array_equal(arrays, book)
    assert type(floats["x"]) is float and type(floats["y"]) is float  # replaced in the dict, still floats


def test_adagrad_first_step_on_the_valley_moves_y_from_2_to_half():
    """With h = g² after one gradient, the step is lr * g / |g| = lr * sign(g): y goes 2 -> 0.5, x -7 -> -5.5."""
    params = {"x": -7.0, "y": 2.0}
    optim.AdaGrad(lr=1.5).update(params, {"x": -0.7, "y": 4.0})
    assert params["y"] == pytest.approx(0.5, abs=1e-6) and params["x"] == pytest.approx(-5.5, abs=1e-6)


def test_numpy_scalars_keep_their_type_and_zero_d_arrays_stay_the_same_object():
    zero_d = np.array(1.0)
    params = {"a": np.float32(1.0), "b": np.float64(1.0), "c": 1, "d": zero_d}
    optim.SGD(lr=0.5).update(params, {"a": np.float32(1.0), "b": 1.0, "c": 1, "d": 1.0})
    assert type(params["a"]) is np.float32 and params["a"] == 0.5
    assert type(params["b"]) is np.float64 and type(params["c"]) is float and params["c"] == 0.5
    assert params["d"] is zero_d and zero_d == 0.5


def test_scalar_state_carries_over_between_updates():
    params = {"w": 1.0}
    optimizer = optim.Momentum(lr=0.1, momentum=0.9)
    for _ in range(2):
        optimizer.update(params, {"w": 1.0})
    assert params["w"] == pytest.approx(0.71) and float(optimizer.v["w"]) == pytest.approx(-0.19)


@pytest.mark.parametrize("params, grads, error, message", [
    ({"x": True}, {"x": 1.0}, TypeError, r"params\['x'\] must be a floating-point numpy array \(updated in place\) "
                                         r"or a real number \(replaced in the dict\), got bool"),
    ({"x": "1.0"}, {"x": 1.0}, TypeError, r"params\['x'\] must be .* got str"),
    ({"x": 1.0 + 2j}, {"x": 1.0}, TypeError, r"params\['x'\] must be .* got complex"),
    ({"x": 1.0}, {"x": True}, TypeError, r"grads\['x'\] must be a real number or a numpy array of them, got bool"),
    ({"x": 1.0}, {"x": np.ones(2)}, ValueError, r"grads\['x'\] has shape \(2,\), but params\['x'\] has shape \(\)"),
])
def test_bad_scalars_are_named(params, grads, error, message):
    with pytest.raises(error, match=message):
        optim.SGD().update(params, grads)


def test_a_read_only_mapping_of_numbers_is_refused_before_anything_changes():
    from types import MappingProxyType

    array = P0.copy()
    params = MappingProxyType({"a": array, "x": 1.0})
    with pytest.raises(TypeError, match=r"params\['x'\] is a number, .* read-only mappingproxy; pass a dict"):
        optim.SGD().update(params, {"a": G1, "x": 1.0})
    np.testing.assert_array_equal(array, P0)


# --- AdaGrad's starting value h0 (the course's theta) -------------------------------------------

@pytest.mark.parametrize("g", [4.0, 0.01, 1e-4])
def test_adagrad_first_step_from_h0(g):
    theta = 1e-4
    params = {"w": 0.0}
    optim.AdaGrad(lr=0.1, initial_accumulator_value=theta).update(params, {"w": g})
    assert params["w"] == pytest.approx(-0.1 * g / (math.sqrt(theta + g * g) + 1e-7), rel=1e-14)


def test_h0_matters_only_for_gradients_below_its_square_root():
    def first_step(g, h0):
        params = {"w": 0.0}
        optim.AdaGrad(lr=1.0, initial_accumulator_value=h0).update(params, {"w": g})
        return -params["w"]

    assert first_step(4.0, 1e-4) == pytest.approx(first_step(4.0, 0.0), rel=1e-5)  # |g| >> 0.01: sign(g)
    assert first_step(1e-4, 0.0) == pytest.approx(1.0, rel=1e-3)  # h0 = 0: a full step, however small g
    assert first_step(1e-4, 1e-4) == pytest.approx(1e-2, rel=1e-3)  # h0 = theta: about g / sqrt(theta)


def test_adagrad_h0_must_be_nonnegative():
    with pytest.raises(ValueError, match=r"initial_accumulator_value must be >= 0, got -1.0"):
        optim.AdaGrad(initial_accumulator_value=-1)


def sphere(x):
    return x[0] ** 2 + x[1] ** 2


@pytest.mark.parametrize("lr", [0.1, 0.3])
def test_gradient_descent_on_a_quadratic_in_closed_form(lr):
    # x <- x - lr * 2x = (1 - 2 lr) x, so after n steps x = (1 - 2 lr)^n x0
    x = optim.gradient_descent(sphere, np.array([-3.0, 4.0]), lr=lr, step_num=20)
    np.testing.assert_allclose(x, (1 - 2 * lr) ** 20 * np.array([-3.0, 4.0]), rtol=1e-6, atol=1e-12)


def test_gradient_descent_records_its_path_and_leaves_init_x_alone():
    init_x = np.array([-3.0, 4.0])
    x, path = optim.gradient_descent(sphere, init_x, lr=0.1, step_num=5, history=True)
    assert path.shape == (6, 2)
    np.testing.assert_array_equal(path[0], [-3.0, 4.0])
    np.testing.assert_array_equal(path[-1], x)
    np.testing.assert_array_equal(init_x, [-3.0, 4.0])


def test_gradient_descent_with_a_huge_learning_rate_stalls_where_x_plus_h_equals_x():
    # lr = 10 multiplies x by -19 each step until x is so large that x + 1e-4 == x: the
    # numerical gradient is then 0 and x stops (the book prints the same -2.58983747e+13).
    x, path = optim.gradient_descent(sphere, np.array([-3.0, 4.0]), lr=10.0, step_num=100, history=True)
    assert abs(x[0]) > 1e12 and x[0] + 1e-4 == x[0]
    np.testing.assert_array_equal(path[-1], path[-20])
    assert x[0] == pytest.approx(-2.58983747e13, rel=1e-8)


def test_gradient_descent_with_a_tiny_learning_rate_barely_moves():
    x = optim.gradient_descent(sphere, np.array([-3.0, 4.0]), lr=1e-10, step_num=100)
    np.testing.assert_allclose(x, [-3.0, 4.0], rtol=1e-7)
    assert x[0] != -3.0


def test_gradient_descent_of_any_shape():
    x = optim.gradient_descent(lambda W: float(np.sum((W - 1) ** 2)), np.zeros((2, 3)), lr=0.25, step_num=1)
    np.testing.assert_allclose(x, np.full((2, 3), 0.5), rtol=1e-8)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"lr": 0}, ValueError, r"lr must be > 0, got 0.0"),
    ({"step_num": -1}, ValueError, r"step_num must be an integer >= 0, got -1"),
    ({"step_num": 2.5}, TypeError, r"step_num must be an integer, got 2.5"),
    ({"init_x": [np.nan, 0.0]}, ValueError, r"gradient_descent: init_x must be finite"),
])
def test_gradient_descent_bad_input(kwargs, error, message):
    kwargs = {"init_x": np.array([-3.0, 4.0]), **kwargs}
    with pytest.raises(error, match=message):
        optim.gradient_descent(sphere, **kwargs)


def test_gradient_descent_names_the_step_where_it_overflows():
    # -exp(x) has no minimum: the first step goes to x = 1000, where exp overflows
    with pytest.raises(FloatingPointError, match=r"x is not finite after step 2 \(lr=1000\); lower lr"):
        with np.errstate(over="ignore", invalid="ignore"):
            optim.gradient_descent(lambda x: float(-np.exp(x[0])), np.array([0.0]), lr=1000.0, step_num=5)
