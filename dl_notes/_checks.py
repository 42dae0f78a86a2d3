"""Argument checks shared by the library: each error names the argument, the value and the rule.

The library is used by students: a wrong hyper-parameter must fail at once with a message that
says what to change, not as a NaN a thousand steps later or an error deep inside NumPy.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive(name: str, value: object) -> float:
    """``value`` as a float if it is a finite number > 0, else a clear error.

    >>> positive("lr", 0.1)
    0.1
    >>> positive("lr", 0)
    Traceback (most recent call last):
    ...
    ValueError: lr must be > 0, got 0.0
    """
    value = _real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def fraction(name: str, value: object) -> float:
    """``value`` as a float if ``0 <= value < 1`` (a decay rate, a momentum, a dropout ratio).

    >>> fraction("momentum", 0.9)
    0.9
    >>> fraction("momentum", 1)
    Traceback (most recent call last):
    ...
    ValueError: momentum must be in [0, 1), got 1.0
    """
    value = _real(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value


def nonnegative(name: str, value: object) -> float:
    """``value`` as a float if it is a finite number >= 0 (a weight-decay strength).

    >>> nonnegative("weight_decay_lambda", 0)
    0.0
    >>> nonnegative("weight_decay_lambda", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: weight_decay_lambda must be >= 0, got -0.1
    """
    value = _real(name, value)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def unit_interval(name: str, value: object) -> float:
    """``value`` as a float if ``0 <= value <= 1`` (a mixing ratio).

    >>> unit_interval("l1_ratio", 1)
    1.0
    >>> unit_interval("l1_ratio", 1.5)
    Traceback (most recent call last):
    ...
    ValueError: l1_ratio must be in [0, 1], got 1.5
    """
    value = _real(name, value)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


def count(name: str, value: object, minimum: int = 1) -> int:
    """``value`` if it is an integer >= ``minimum`` (a size, a number of steps).

    >>> count("mini_batch_size", 100)
    100
    >>> count("mini_batch_size", 0)
    Traceback (most recent call last):
    ...
    ValueError: mini_batch_size must be an integer >= 1, got 0
    >>> count("epochs", 2.5)
    Traceback (most recent call last):
    ...
    TypeError: epochs must be an integer, got 2.5 (float)
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def one_of(name: str, value: object, options) -> str:
    """``value`` lower-cased if it is one of ``options`` (case-insensitive).

    >>> one_of("activation", "ReLU", ("relu", "sigmoid"))
    'relu'
    >>> one_of("activation", "gelu", ("relu", "sigmoid"))
    Traceback (most recent call last):
    ...
    ValueError: activation must be one of 'relu', 'sigmoid', got 'gelu'
    """
    key = value.lower() if isinstance(value, str) else value
    if key not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return key


def generator(rng: object = None, seed: object = None) -> np.random.Generator:
    """The generator to draw from: ``rng`` itself, a new one from ``seed``, or a fresh one.

    Never NumPy's global state. With neither argument the generator is seeded from the
    operating system, as ``np.random.randn`` would be in the course's code.

    >>> generator(seed=0).integers(10)
    np.int64(8)
    >>> generator(rng=np.random.default_rng(0), seed=1)
    Traceback (most recent call last):
    ...
    ValueError: give rng or seed, not both (got both rng and seed=1)
    """
    if rng is not None and seed is not None:
        raise ValueError(f"give rng or seed, not both (got both rng and seed={seed!r})")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
        return rng
    return np.random.default_rng(seed)


def array(name: str, x: object, ndim: int | tuple[int, ...] | None = None, layout: str = "") -> np.ndarray:
    """``x`` as a numeric array (no copy when it already is one), checking its number of axes.

    ``layout`` names the axes in the message, e.g. ``"(N, D)"``.

    >>> array("x", [[1.0, 2.0]], ndim=2).shape
    (1, 2)
    >>> array("x", [1.0, 2.0], ndim=2, layout="(N, D)")
    Traceback (most recent call last):
    ...
    ValueError: x must be 2-D (N, D), got shape (2,)
    >>> array("x", ["a"])
    Traceback (most recent call last):
    ...
    TypeError: x must be a numeric array, got dtype <U1
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biufc":  # bool or a number
        raise TypeError(f"{name} must be a numeric array, got dtype {x.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if x.ndim not in allowed:
            axes = " or ".join(f"{n}-D" for n in allowed)
            raise ValueError(f"{name} must be {axes}{' ' + layout if layout else ''}, got shape {x.shape}")
    return x


class NonFiniteError(ValueError):
    """A value that must be finite is NaN or infinite (often a sign that training diverged)."""


def finite(name: str, x: np.ndarray) -> np.ndarray:
    """``x`` unchanged if every entry is finite, else a `NonFiniteError` (a ValueError).

    >>> finite("y", np.array([0.5, np.nan]))
    Traceback (most recent call last):
    ...
    dl_notes._checks.NonFiniteError: y must be finite, but y[1] = nan; check the learning rate and the inputs
    """
    if not np.isfinite(x).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise NonFiniteError(f"{name} must be finite, but {name}[{', '.join(map(str, where))}] = {x[where]}; "
                         "check the learning rate and the inputs")
    return x


def labels(name: str, t: object, n_samples: int, n_classes: int) -> np.ndarray:
    """Class indices from ``t``: either one index per sample or one-hot rows, checked in range.

    Returns the indices (shape (N,)) for index labels, or ``t`` itself for one-hot
    (or probability) rows of shape (N, K).

    >>> labels("t", [2, 0], n_samples=2, n_classes=3)
    array([2, 0])
    >>> labels("t", [3, 0], n_samples=2, n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: t holds the label 3, but labels must be in [0, 3) for 3 classes
    >>> labels("t", [[0, 1]], n_samples=1, n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: t must be labels of shape (1,) or one-hot rows of shape (1, 3), got shape (1, 2)
    """
    t = np.asarray(t)
    if t.shape == (n_samples, n_classes) and n_classes > 1 or (t.shape == (n_classes,) and n_samples == 1 and n_classes > 1):
        finite(name, t)
        return t.reshape(n_samples, n_classes)  # one-hot (N, K)
    if t.shape not in ((n_samples,), (n_samples, 1)) and not (t.ndim == 0 and n_samples == 1):
        raise ValueError(f"{name} must be labels of shape ({n_samples},) or one-hot rows of shape "
                         f"({n_samples}, {n_classes}), got shape {t.shape}")
    if t.dtype.kind not in "iu":
        if t.dtype.kind != "f" or not np.array_equal(t, np.round(t)):
            raise TypeError(f"{name} must hold integer class labels, got dtype {t.dtype}")
        t = t.astype(np.intp)
    t = t.reshape(n_samples)  # (N,)
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        bad = t.min() if t.min() < 0 else t.max()
        raise ValueError(f"{name} holds the label {bad}, but labels must be in [0, {n_classes}) for {n_classes} classes")
    return t


def float_dtype(dtype: object) -> np.dtype:
    """``dtype`` as a NumPy dtype if it is float32 or float64 (what the random generators draw).

    >>> float_dtype("float32")
    dtype('float32')
    >>> float_dtype(np.int64)
    Traceback (most recent call last):
    ...
    TypeError: dtype must be float32 or float64, got int64
    """
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {getattr(resolved, 'name', dtype)}")
    return resolved


def floating(name: str, value: object, why: str) -> np.ndarray:
    """``value`` itself if it is a floating-point NumPy array, else a TypeError saying ``why`` it must be.

    No conversion: callers change the array in place or keep it, so a converted copy would
    silently break the sharing.

    >>> floating("x", np.array([1, 2]), "changed in place")
    Traceback (most recent call last):
    ...
    TypeError: x must be a floating-point numpy array (changed in place), got ndarray of dtype int64
    """
    if not (isinstance(value, np.ndarray) and value.dtype.kind == "f"):  # dtype.kind: 6x faster than issubdtype
        raise TypeError(f"{name} must be a floating-point numpy array ({why}), got {type(value).__name__}"
                        + (f" of dtype {value.dtype}" if isinstance(value, np.ndarray) else ""))
    return value


def parameter(name: str, value: object, ndim: int, layout: str = "") -> np.ndarray:
    """A parameter must be a floating array already: the layer keeps it (no copy) to share it."""
    floating(name, value, "the layer shares it with params")
    if value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D{' ' + layout if layout else ''}, got shape {value.shape}")
    return value


def forward_cache(where: str, cached: object) -> object:
    """``cached`` (what a layer's ``forward`` stored for ``backward``) if there is one.

    The one message for calling ``backward`` before ``forward``, the same in every layer.

    >>> forward_cache("Affine.backward", None)
    Traceback (most recent call last):
    ...
    RuntimeError: Affine.backward: call forward first (no forward pass is cached)
    """
    if cached is None:
        raise RuntimeError(f"{where}: call forward first (no forward pass is cached)")
    return cached


def batch(where: str, x: object, name: str = "x") -> np.ndarray:
    """``x`` as a numeric array holding at least one sample, in float32 or float64 if floating.

    The checks every layer, loss and network applies to its batch, with one message each:
    an empty batch (N = 0) and float16, whose range (up to 65504) squares of activations
    and running variances leave quietly.

    >>> batch("Affine.forward", np.zeros((0, 3)))
    Traceback (most recent call last):
    ...
    ValueError: Affine.forward: x is an empty batch (shape (0, 3)); give at least one sample
    >>> batch("Affine.forward", np.zeros((2, 3), np.float16))
    Traceback (most recent call last):
    ...
    TypeError: Affine.forward: x has dtype float16, which overflows quietly; use float32 or float64 (x.astype(np.float32))
    """
    x = x if type(x) is np.ndarray else array(f"{where}: {name}", x)
    if x.dtype.kind not in "fiub":  # bool or a real number (checked only when not float, the usual case)
        array(f"{where}: {name}", x)
        if x.dtype.kind == "c":
            raise TypeError(f"{where}: {name} must be real, got dtype {x.dtype}")
    if x.dtype.kind == "f" and x.dtype.itemsize < 4:
        raise TypeError(f"{where}: {name} has dtype {x.dtype}, which overflows quietly; use float32 or float64 "
                        f"({name}.astype(np.float32))")
    return nonempty(where, x, name)


def nonempty(where: str, x: np.ndarray, name: str = "x") -> np.ndarray:
    """``x`` if it is a batch of at least one sample (an array with a first axis of length >= 1).

    >>> nonempty("MultiLayerNet.accuracy", np.zeros((0, 784)))
    Traceback (most recent call last):
    ...
    ValueError: MultiLayerNet.accuracy: x is an empty batch (shape (0, 784)); give at least one sample
    """
    if x.ndim == 0 or x.shape[0] == 0:
        what = "a scalar, not a batch" if x.ndim == 0 else "an empty batch"
        raise ValueError(f"{where}: {name} is {what} (shape {x.shape}); give at least one sample")
    return x


def as_floating(x: object) -> np.ndarray:
    """``x`` as an array of floats: floating arrays as they are, anything else as float64.

    >>> as_floating([1, 2]).dtype, as_floating(np.ones(2, np.float32)).dtype
    (dtype('float64'), dtype('float32'))
    """
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def image_batch(where: str, x: object, dtype: np.dtype | None = None) -> np.ndarray:
    """``x`` as a batch of images (N, C, H, W) in ``dtype``: `batch`'s checks, then the 4 axes.

    ``dtype`` defaults to that of ``x`` if floating, else float64; ``x`` itself is returned
    when it already has it.

    >>> image_batch("Pooling.forward", np.ones((1, 1, 2, 2), dtype=np.int8)).dtype
    dtype('float64')
    >>> image_batch("Pooling.forward", np.ones((28, 28)))
    Traceback (most recent call last):
    ...
    ValueError: Pooling.forward: x must be 4-D (N, C, H, W), got shape (28, 28)
    """
    x = array(f"{where}: x", batch(where, x), ndim=4, layout="(N, C, H, W)")
    if dtype is None:
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return x if x.dtype == dtype else x.astype(dtype)


def upstream_gradient(where: str, dout: object, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``dout`` in ``dtype`` if it has ``shape``, the shape of the output of the cached forward pass.

    Call `forward_cache` first: ``shape`` comes from the cache. ``dout`` itself is returned
    when it already has ``dtype``.

    >>> upstream_gradient("Pooling.backward", np.ones((1, 1, 2, 2)), (1, 1, 2, 2), np.float32).dtype
    dtype('float32')
    >>> upstream_gradient("Pooling.backward", np.ones((1, 2)), (1, 1, 2, 2), np.float32)
    Traceback (most recent call last):
    ...
    ValueError: Pooling.backward: dout must have the output's shape (1, 1, 2, 2), got (1, 2)
    """
    dout = np.asarray(dout)
    if dout.shape != tuple(shape):
        raise ValueError(f"{where}: dout must have the output's shape {tuple(shape)}, got {dout.shape}")
    return dout if dout.dtype == dtype else dout.astype(dtype)


def mdp_tables(mdp: object, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tables P (S, A, S), R (S, A) and terminal (S,) of a finite MDP such as a GridWorld, checked."""
    try:
        P, R, terminal = np.asarray(mdp.P, float), np.asarray(mdp.R, float), np.asarray(mdp.terminal, bool)
    except AttributeError as error:
        raise TypeError(f"{name}: mdp must have the tables P, R and terminal (a GridWorld), got {type(mdp).__name__}") \
            from error
    S, A = R.shape
    if P.shape != (S, A, S) or terminal.shape != (S,):
        raise ValueError(f"{name}: mdp tables must have shapes P (S, A, S), R (S, A), terminal (S,); got {P.shape}, "
                         f"{R.shape}, {terminal.shape}")
    return P, R, terminal
