"""dl_notes.regularizers: penalties, gradients against central differences, special cases."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gradcheck import numerical_gradient
from dl_notes.regularizers import L1, L2, ElasticNet

W = np.array([[0.5, -1.5, 2.0], [-0.25, 1.0, -3.0]])


@pytest.mark.parametrize("reg, penalty", [
    (L1(0.1), 0.1 * np.abs(W).sum()),
    (L2(0.1), 0.05 * (W**2).sum()),
    (ElasticNet(0.1, 0.25), 0.1 * (0.25 * np.abs(W).sum() + 0.375 * (W**2).sum())),
], ids=repr)
def test_penalty_and_its_gradient(reg, penalty):
    assert reg.penalty([W]) == pytest.approx(penalty, rel=1e-14)
    assert reg.penalty([W, W]) == pytest.approx(2 * penalty, rel=1e-14)
    numeric = numerical_gradient(lambda z: reg.penalty([z]), W.copy())  # W is off the kink of |W|
    np.testing.assert_allclose(reg.grad(W), numeric, rtol=1e-8)


def test_special_cases_of_elastic_net():
    np.testing.assert_array_equal(ElasticNet(0.3, 1.0).grad(W), L1(0.3).grad(W))
    np.testing.assert_array_equal(ElasticNet(0.3, 0.0).grad(W), L2(0.3).grad(W))
    np.testing.assert_array_equal(L2(0.3).grad(W), 0.3 * W)
    np.testing.assert_array_equal(L1(0.3).grad(np.zeros(2)), np.zeros(2))  # subgradient 0 at 0


def test_gradient_keeps_float32():
    assert L1(0.1).grad(W.astype(np.float32)).dtype == np.float32
    assert ElasticNet(0.1).grad(W.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("build, message", [
    (lambda: L2(-0.1), "lam must be >= 0, got -0.1"),
    (lambda: ElasticNet(0.1, 1.5), r"l1_ratio must be in \[0, 1\], got 1.5"),
    (lambda: L1(float("inf")), "lam must be finite, got inf"),
])
def test_bad_input_is_named(build, message):
    with pytest.raises(ValueError, match=message):
        build()
