"""PyTorch reference values for knowledge distillation and fake quantisation.

Distillation: the loss ``alpha * cross_entropy(z_s, t) + (1 - alpha) * T * T *
kl_div(log_softmax(z_s / T), softmax(z_t / T), reduction='batchmean')`` and its gradient with
respect to the student's scores ``z_s`` by autograd, for seeded float64 scores at several
temperatures and weights. Fake quantisation: ``torch.fake_quantize_per_tensor_affine`` of seeded
float32 values at several bit widths, with the scale and zero point recorded beside them.
"""

from __future__ import annotations

import numpy as np

SEED = 19
N, K = 6, 5
SETTINGS = ((1.0, 0.5), (2.0, 0.1), (4.0, 0.5), (8.0, 0.0))   # (T, alpha)
BITS = (8, 4, 2)


def inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    return {
        "student": rng.standard_normal((N, K)) * 2,
        "teacher": rng.standard_normal((N, K)) * 4,
        "t": rng.integers(0, K, N),
        "x": (rng.standard_normal(200) * 0.3 + 0.05).astype(np.float32),
    }


def qparams(x: np.ndarray, bits: int) -> tuple[float, int]:
    """The asymmetric per-tensor scale and zero point (the range widened to include 0)."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / (2 ** bits - 1)
    return scale, int(np.clip(round(-lo / scale), 0, 2 ** bits - 1))


def record() -> dict[str, np.ndarray]:
    import torch
    import torch.nn.functional as F

    data = inputs()
    out = dict(data)
    t = torch.tensor(data["t"])
    for i, (T, alpha) in enumerate(SETTINGS):
        zs = torch.tensor(data["student"], requires_grad=True)
        zt = torch.tensor(data["teacher"])
        soft = F.kl_div(F.log_softmax(zs / T, dim=1), F.softmax(zt / T, dim=1), reduction="batchmean") * T * T
        loss = alpha * F.cross_entropy(zs, t) + (1 - alpha) * soft
        loss.backward()
        out[f"setting/{i}"] = np.array([T, alpha])
        out[f"loss/{i}"] = np.array(loss.item())
        out[f"grad/{i}"] = zs.grad.numpy().copy()
    x = torch.tensor(data["x"])
    for k in BITS:
        scale, zero_point = qparams(data["x"], k)
        out[f"qparams/{k}"] = np.array([scale, zero_point])
        out[f"fake_quantize/{k}"] = torch.fake_quantize_per_tensor_affine(x, scale, zero_point, 0, 2 ** k - 1).numpy()
    return out
