"""Magnitude pruning: masks, keeping pruned weights at zero, counting and sparse sizes."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.nets import MultiLayerNet
from dl_notes.optim import Adam, SGD
from dl_notes.pruning import MaskedOptimizer, apply_masks, count_nonzero, magnitude_masks, sparse_bytes
from dl_notes.train import Trainer


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("scope", ["layer", "global"])
def test_exactly_the_asked_fraction_goes(sparsity, scope):
    net = MultiLayerNet(30, [20], 10, seed=0)
    masks = magnitude_masks(net.params, sparsity, scope)
    assert sorted(masks) == ["W1", "W2"]
    if scope == "layer":
        for k, m in masks.items():
            assert (~m).sum() == int(sparsity * net.params[k].size)
    else:
        assert sum((~m).sum() for m in masks.values()) == int(sparsity * (30 * 20 + 20 * 10))
    kept = np.concatenate([np.abs(net.params[k][m]) for k, m in masks.items()])
    removed = np.concatenate([np.abs(net.params[k][~m]) for k, m in masks.items()])
    if scope == "global" and len(removed) and len(kept):
        assert removed.max() <= kept.min()


def test_ties_still_remove_exactly_the_count():
    params = {"W1": np.ones((4, 5))}
    assert (~magnitude_masks(params, 0.5)["W1"]).sum() == 10


def test_masked_adam_keeps_pruned_weights_at_zero_through_training():
    rng = np.random.default_rng(0)
    x, t = rng.random((100, 8)), rng.integers(0, 3, 100)
    net = MultiLayerNet(8, [16], 3, seed=0)
    masks = magnitude_masks(net.params, 0.8)
    apply_masks(net.params, masks)
    before = count_nonzero(net.params)
    trainer = Trainer(net, x, t, x, t, iterations=30, eval_every=30, mini_batch_size=20, verbose=False, seed=0,
                      optimizer=MaskedOptimizer(Adam(lr=0.01), masks))
    trainer.train()
    assert count_nonzero(net.params) == before
    assert all((net.params[k][~m] == 0).all() for k, m in masks.items())
    assert net.params["b1"].any()                                 # the biases were not masked


def test_plain_adam_would_revive_them():
    rng = np.random.default_rng(0)
    net = MultiLayerNet(8, [16], 3, seed=0)
    masks = magnitude_masks(net.params, 0.8)
    apply_masks(net.params, masks)
    x, t = rng.random((20, 8)), rng.integers(0, 3, 20)
    Adam(lr=0.01).update(net.params, net.gradient(x, t))
    assert count_nonzero(net.params)[0] > count_nonzero(net.params)[1] * 0.2


def test_masked_optimizer_reapplies_the_mask_after_the_step():
    class Decay(SGD):                       # moves every weight, whatever its gradient
        def step(self, key, param, grad):
            param += 1.0
    params = {"W1": np.zeros(3)}
    MaskedOptimizer(Decay(lr=0.1), {"W1": np.array([True, False, True])}).update(params, {"W1": np.zeros(3)})
    assert params["W1"].tolist() == [1.0, 0.0, 1.0]


def test_sparse_bytes_counts_values_indices_and_row_pointers():
    W = np.zeros((784, 256), np.float32)
    W[::2, ::4] = 1.0
    nnz = np.count_nonzero(W)
    assert sparse_bytes({"W1": W, "b1": np.zeros(256)}) == nnz * 6 + 785 * 4 + 256 * 4
    conv = np.ones((30, 1, 5, 5))
    assert sparse_bytes({"W1": conv}) == 750 * 6 + 31 * 4


@pytest.mark.parametrize("call, match", [
    (lambda p: magnitude_masks(p, 1.0), r"sparsity must be in \[0, 1\), got 1.0"),
    (lambda p: magnitude_masks(p, 0.5, scope="row"), "scope must be one of 'layer', 'global', got 'row'"),
    (lambda p: magnitude_masks(p, 0.5, keys=["W9"]), r"keys \['W9'\] are not in params"),
    (lambda p: apply_masks(p, {"W1": np.ones(2, bool)}), r"masks\['W1'\] has shape \(2,\)"),
])
def test_bad_arguments_are_named(call, match):
    params = {"W1": np.ones((3, 3)), "b1": np.zeros(3)}
    with pytest.raises(ValueError, match=match):
        call(params)


def test_masked_optimizer_needs_an_optimizer():
    with pytest.raises(TypeError, match="optimizer must be a dl_notes.optim.Optimizer"):
        MaskedOptimizer("adam", {})
