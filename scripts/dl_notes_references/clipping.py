"""PyTorch reference values for gradient clipping: ``torch.nn.utils.clip_grad_norm_`` and ``clip_grad_value_``.

The same seeded gradients (three float32 arrays, the shapes of an RNN's Wx, Wh and b) are
clipped at thresholds below and above their global norm. PyTorch scales by
``max_norm / (norm + 1e-6)`` clamped at 1, the book's rule with the same epsilon.
"""

from __future__ import annotations

import numpy as np

SEED = 11
SHAPES = ((3, 4), (4, 4), (4,))
# Thresholds as fractions of the gradients' norm: two clip, one leaves them unchanged.
FRACTIONS = (0.1, 0.5, 2.0)
CLIP_VALUE = 0.5


def inputs() -> list[np.ndarray]:
    rng = np.random.default_rng(SEED)
    return [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]


def thresholds(grads: list[np.ndarray]) -> list[float]:
    norm = float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads)))
    return [round(f * norm, 3) for f in FRACTIONS]


def record() -> dict[str, np.ndarray]:
    import torch

    grads = inputs()
    out = {f"grad{i}": g for i, g in enumerate(grads)}
    out["max_norms"] = np.array(thresholds(grads))
    for k, max_norm in enumerate(out["max_norms"]):
        params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        norm = torch.nn.utils.clip_grad_norm_(params, float(max_norm))
        out[f"norm/{k}"] = np.array(float(norm))
        for i, p in enumerate(params):
            out[f"clipped/{k}/{i}"] = p.grad.numpy().copy()
    params = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(params, CLIP_VALUE)
    for i, p in enumerate(params):
        out[f"by_value/{i}"] = p.grad.numpy().copy()
    return out
