"""Cases and checks shared by test_windows.py, test_conv.py and test_pooling.py.

The three modules slide the same windows over the same images, so their tests share the
geometry cases, the seeded data, the PyTorch fixture and the layer-contract check.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from _reference import load_reference, reference
from dl_notes.gradcheck import check_layer


def rng_for(*key) -> np.random.Generator:
    """A generator seeded by the test's own key: stable across runs, different across cases."""
    return np.random.default_rng(list(str(key).encode()))


def case_id(**kw) -> str:
    return "-".join(f"{k}{'x'.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in kw.items())


def cases(table: list[dict]):
    """``pytest.mark.parametrize("case", table)`` with ids that name each case's parameters."""
    return pytest.mark.parametrize("case", table, ids=[case_id(**c) for c in table])


# Geometry cases: (N, C, H, W, FN, FH, FW, stride, pad): the first seven tile exactly; in the last
# two the stride does not divide, so the output size is rounded down and the last rows or columns
# are in no window (the course report's 6x6 / 3x3 / stride 2, and a dropped input column).
CONV_CASES = [
    dict(N=2, C=3, H=5, W=5, FN=4, FH=3, FW=3, S=1, P=0),
    dict(N=2, C=2, H=7, W=7, FN=3, FH=3, FW=3, S=2, P=1),
    dict(N=1, C=1, H=6, W=5, FN=2, FH=2, FW=3, S=1, P=1),
    dict(N=2, C=3, H=8, W=8, FN=2, FH=4, FW=4, S=2, P=1),
    dict(N=2, C=2, H=4, W=4, FN=3, FH=1, FW=1, S=1, P=0),
    dict(N=1, C=2, H=9, W=9, FN=2, FH=5, FW=5, S=2, P=2),
    dict(N=2, C=1, H=4, W=6, FN=2, FH=4, FW=2, S=2, P=0),
    dict(N=2, C=2, H=6, W=6, FN=2, FH=3, FW=3, S=2, P=0),
    dict(N=1, C=2, H=7, W=9, FN=2, FH=3, FW=3, S=3, P=1),
]


def conv_data(case, dtype=np.float64):
    """Seeded x (N, C, H, W), W (FN, C, FH, FW) and b (FN,) of a case."""
    rng = rng_for("conv", tuple(case.values()))
    x = rng.standard_normal((case["N"], case["C"], case["H"], case["W"])).astype(dtype)
    W = rng.standard_normal((case["FN"], case["C"], case["FH"], case["FW"])).astype(dtype)
    b = rng.standard_normal(case["FN"]).astype(dtype)
    return x, W, b


def distinct(shape, key, dtype=np.float64):
    """Values at least 0.05 apart: no ties, and no step h = 1e-4 of the check changes the max."""
    rng = rng_for("distinct", shape, key)
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.05 - 1.0).astype(dtype)


def check_gradients(layer, x):
    """backward against central differences of sum(forward(x) * dout), for x and each parameter."""
    errors = check_layer(layer, x)
    assert max(errors.values()) < 1e-8, errors


def assert_keeps_dtype_and_does_not_mutate(layer, dtype, key):
    """The layer contract: output, dx and parameter gradients in the input's dtype; x and dout untouched."""
    x = rng_for(key).standard_normal((2, 3, 6, 6)).astype(dtype)
    x_before = x.copy()
    y = layer.forward(x)
    dout = rng_for(key, "dout").standard_normal(y.shape)       # float64 gradient from a float64 loss
    dout_before = dout.copy()
    dx = layer.backward(dout)
    assert y.dtype == dx.dtype == dtype
    assert dx.shape == x.shape
    for grad in (getattr(layer, "dW", None), getattr(layer, "db", None)):
        assert grad is None or grad.dtype == dtype
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dout, dout_before)


def assert_message(call, error, message):
    """``call()`` raises ``error`` whose message contains ``message`` verbatim."""
    with pytest.raises(error, match=re.escape(message)):
        call()


# --- PyTorch reference values (tests/references/conv.npz) ------------------------------------

RECORDED = load_reference("conv")


def recorded_keys(*prefixes: str) -> list[str]:
    """The recorded cases whose names start with one of ``prefixes``."""
    return sorted({k.rsplit(".", 1)[0] for k in RECORDED if k.startswith(prefixes)})


def case_arrays(source, key):
    """The arrays of one recorded case: {'x': ..., 'y': ..., 'dx': ...}."""
    return {k.rsplit(".", 1)[1]: v for k, v in reference("conv", source).items() if k.startswith(key + ".")}


def settings_of(key):
    """'conv2d_s2_p1_c3_f4_h3_w3' -> {'s': 2, 'p': 1, 'c': 3, ...}: the case's parameters."""
    return {m[1]: int(m[2]) for m in re.finditer(r"_([a-z]+)(\d+)", key)}
