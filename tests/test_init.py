"""dl_notes.init: the standard deviations, the course's spellings, dtype, seeds and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dl_notes import init


@pytest.mark.parametrize("name, shape, std", [
    ("gaussian", (400, 300), 0.01),
    ("xavier_fan_in_normal", (400, 100), math.sqrt(1 / 400)),  # the course's Xavier: n_out plays no part
    ("glorot_normal", (400, 100), math.sqrt(2 / 500)),  # the frameworks' Xavier: 2 / (n_in + n_out)
    ("glorot_uniform", (400, 100), math.sqrt(2 / 500)),  # Var of U(-a, a) is a^2 / 3
    ("glorot_normal", (30, 8, 5, 5), math.sqrt(2 / (200 + 750))),  # convolution: n_out = FN * FH * FW
    ("he_normal", (400, 300), math.sqrt(2 / 400)),
    ("he_normal", (30, 8, 5, 5), math.sqrt(2 / 200)),  # convolution: n_in = C * FH * FW
])
def test_standard_deviation(name, shape, std):
    kwargs = {"std": 0.01} if name == "gaussian" else {}
    W = getattr(init, name)(shape, seed=0, **kwargs)
    assert W.shape == shape and W.dtype == np.float32
    assert abs(W.mean()) < 0.02 * std * 10
    assert W.std() == pytest.approx(std, rel=0.02)


@pytest.mark.parametrize("n_in, n_out", [(784, 100), (1000, 100), (300, 300)])
def test_the_two_xaviers_differ_unless_fan_in_equals_fan_out(n_in, n_out):
    """Var(W) = 1/n_in (course) and 2/(n_in + n_out) (Glorot): the same only when n_in = n_out."""
    course = init.xavier_fan_in_normal((n_in, n_out), seed=0, dtype=np.float64).var()
    glorot = init.glorot_normal((n_in, n_out), seed=0, dtype=np.float64).var()
    assert course == pytest.approx(1 / n_in, rel=0.03)
    assert glorot == pytest.approx(2 / (n_in + n_out), rel=0.03)
    assert (abs(course / glorot - 1) < 0.01) == (n_in == n_out)


def test_the_earlier_names_are_aliases():
    assert init.xavier_normal is init.xavier_fan_in_normal  # the course's form, not torch's xavier_normal_
    assert init.xavier_uniform is init.glorot_uniform


def test_weight_init_std_xavier_is_the_course_form():
    W = init.init_weight((784, 100), "xavier", seed=0)
    np.testing.assert_array_equal(W, init.xavier_fan_in_normal((784, 100), seed=0))


def test_glorot_uniform_bounds():
    W = init.glorot_uniform((50, 100), seed=1, dtype=np.float64)
    a = math.sqrt(6 / 150)
    assert W.dtype == np.float64 and -a <= W.min() and W.max() < a and W.max() > 0.95 * a


@pytest.mark.parametrize("spec, std", [
    (0.05, 0.05), ("xavier", 0.1), ("Xavier", 0.1), ("sigmoid", 0.1), ("he", math.sqrt(0.02)), ("He", math.sqrt(0.02)),
    ("relu", math.sqrt(0.02)), ("ReLU", math.sqrt(0.02)),
])
def test_weight_std_accepts_the_course_spellings(spec, std):
    assert init.weight_std(spec, 100) == pytest.approx(std)


def test_fans():
    assert init.fans((784, 100)) == (784, 100)
    assert init.fans((30, 1, 5, 5)) == (25, 750)


def test_seed_and_rng_give_the_same_weights_and_no_global_state():
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    a = init.he_normal((5, 4), seed=7)
    b = init.he_normal((5, 4), rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert not np.array_equal(init.he_normal((5, 4)), init.he_normal((5, 4)))  # fresh generators


def test_init_weight_resolves_the_spec():
    W = init.init_weight((200, 100), "Xavier", seed=0, dtype=np.float64)
    assert W.dtype == np.float64 and W.std() == pytest.approx(math.sqrt(1 / 200), rel=0.03)


@pytest.mark.parametrize("call, error, message", [
    (lambda: init.weight_std("glorot", 10), ValueError,
     "weight_init_std must be one of 'xavier', 'sigmoid', 'he', 'relu', got 'glorot'; .*glorot_normal"),
    (lambda: init.weight_std("lecun", 10), ValueError,
     "weight_init_std must be one of 'xavier', 'sigmoid', 'he', 'relu', got 'lecun'$"),
    (lambda: init.weight_std(0, 10), ValueError, "weight_init_std must be > 0, got 0.0"),
    (lambda: init.weight_std(None, 10), TypeError, "weight_init_std must be a real number, got None"),
    (lambda: init.gaussian((2, 2), std=-1.0), ValueError, "std must be > 0, got -1.0"),
    (lambda: init.gaussian((2, 2), std=1.0, dtype=np.float16), TypeError, "dtype must be float32 or float64, got float16"),
    (lambda: init.he_normal((2, 2, 2)), ValueError, r"shape must be \(n_in, n_out\) or \(FN, C, FH, FW\), got \(2, 2, 2\)"),
    (lambda: init.he_normal((2, 2), rng=np.random.default_rng(0), seed=0), ValueError, "give rng or seed, not both"),
    (lambda: init.he_normal((2, 2), rng=np.random.RandomState(0)), TypeError, "rng must be a numpy.random.Generator"),
], ids=["glorot-name", "unknown-name", "zero-std", "none", "negative-std", "dtype", "3d", "rng-and-seed", "legacy-rng"])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("shape", [(784, 100), (30, 8, 5, 5)])
def test_glorot_matches_torch_xavier_live(shape):
    """Same fans and the same variances as torch.nn.init.xavier_normal_/xavier_uniform_ (live, when torch is installed)."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: the live comparison with torch.nn.init is not run")
    # torch stores a linear weight as (n_out, n_in); a convolution's as (FN, C, FH, FW), like ours.
    t_shape = shape[::-1] if len(shape) == 2 else shape
    assert torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(t_shape)) == init.fans(shape)
    generator = torch.Generator().manual_seed(0)
    for ours, theirs in ((init.glorot_normal, torch.nn.init.xavier_normal_), (init.glorot_uniform, torch.nn.init.xavier_uniform_)):
        reference = theirs(torch.empty(t_shape, dtype=torch.float64), generator=generator).var().item()
        assert ours(shape, seed=0, dtype=np.float64).var() == pytest.approx(reference, rel=0.05)
