"""PyTorch reference values for the embedding: ``nn.Embedding`` forward, and its dense and sparse gradients.

A float64 weight of 7 words x 3 dimensions, a batch of ids with repeats (words 1 and 4 twice or
more), and a seeded upstream gradient. PyTorch's ``sparse=True`` gradient is coalesced (each
id once, rows summed, ids sorted) before it is stored, the form of `dl_notes.embedding.SparseGradient`.
"""

from __future__ import annotations

import numpy as np

SEED = 17
V, D = 7, 3
IDS = np.array([[1, 4, 1], [6, 4, 0], [4, 2, 1]])


def inputs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    return rng.standard_normal((V, D)), rng.standard_normal(IDS.shape + (D,))


def record() -> dict[str, np.ndarray]:
    import torch

    W, dout = inputs()
    out = {"W": W, "ids": IDS, "dout": dout}
    for sparse in (False, True):
        layer = torch.nn.Embedding(V, D, sparse=sparse, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(W))
        y = layer(torch.tensor(IDS))
        y.backward(torch.tensor(dout))
        if sparse:
            grad = layer.weight.grad.coalesce()
            out["sparse/indices"] = grad.indices().numpy()[0]
            out["sparse/values"] = grad.values().numpy()
        else:
            out["y"] = y.detach().numpy()
            out["dense/grad"] = layer.weight.grad.numpy()
    return out
