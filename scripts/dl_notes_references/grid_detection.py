"""PyTorch reference values for dl_notes.grid_detector.GridDetectionLoss and dl_notes.boxes.box_iou.

Loss cases draw float32 raw outputs ``x`` (N, 5 + K, S, S) and targets ``t`` (N, S, S, 6) from their
own seeded generator and record the loss written with PyTorch's own functions
(``F.binary_cross_entropy_with_logits``, ``F.mse_loss`` on sigmoids, ``F.cross_entropy``), weighted
as YOLO v1 does, and its gradient by autograd. IoU cases record a broadcast IoU matrix written
with torch tensor operations (torchvision's ``box_iou`` formula; torchvision is not installed).
Keys are ``<case>.<array>``; loss case names carry N, K and S (``loss_n2_k3_s4``).
"""

from __future__ import annotations

import numpy as np

LOSS_CASES = [(1, 1, 1), (2, 3, 4), (3, 2, 2), (4, 3, 3)]     # (N, K, S)
IOU_CASES = [(3, 4), (6, 5)]                                  # (n, m)
LAMBDA_COORD, LAMBDA_NOOBJ = 5.0, 0.5


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(list(name.encode()))


def draw_loss(name: str, N: int, K: int, S: int) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(name)
    x = (2 * rng.standard_normal((N, 5 + K, S, S))).astype(np.float32)
    t = np.zeros((N, S, S, 6), dtype=np.float32)
    t[..., 0] = rng.random((N, S, S)) < 0.5
    t[..., 1:5] = rng.random((N, S, S, 4))
    t[..., 5] = rng.integers(0, K, (N, S, S))
    return x, t


def draw_boxes(name: str, n: int) -> np.ndarray:
    rng = _rng(name)
    xy = rng.integers(0, 20, (n, 2))
    return np.concatenate([xy, xy + rng.integers(0, 10, (n, 2))], axis=1).astype(np.float32)


def record() -> dict[str, np.ndarray]:
    import torch
    import torch.nn.functional as F

    arrays: dict[str, np.ndarray] = {}
    for N, K, S in LOSS_CASES:
        name = f"loss_n{N}_k{K}_s{S}"
        x, t = draw_loss(name, N, K, S)
        tx = torch.tensor(x, requires_grad=True)
        z = tx.permute(0, 2, 3, 1)                                   # (N, S, S, 5 + K)
        tt = torch.tensor(t)
        obj = tt[..., 0]
        weight = obj + LAMBDA_NOOBJ * (1 - obj)
        bce = F.binary_cross_entropy_with_logits(z[..., 0], obj, weight=weight, reduction="sum")
        box = F.mse_loss(torch.sigmoid(z[..., 1:5]) * obj[..., None], tt[..., 1:5] * obj[..., None], reduction="sum")
        ce = (F.cross_entropy(z[..., 5:].reshape(-1, K), tt[..., 5].long().reshape(-1), reduction="none")
              * obj.reshape(-1)).sum()
        loss = (bce + LAMBDA_COORD * box + ce) / N
        loss.backward()
        arrays.update({f"{name}.x": x, f"{name}.t": t, f"{name}.loss": loss.detach().numpy(),
                       f"{name}.dx": tx.grad.numpy()})
    for n, m in IOU_CASES:
        name = f"iou_n{n}_m{m}"
        a, b = draw_boxes(name + "a", n), draw_boxes(name + "b", m)
        ta, tb = torch.tensor(a, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
        area_a = (ta[:, 2] - ta[:, 0]) * (ta[:, 3] - ta[:, 1])
        area_b = (tb[:, 2] - tb[:, 0]) * (tb[:, 3] - tb[:, 1])
        lt = torch.max(ta[:, None, :2], tb[None, :, :2])
        rb = torch.min(ta[:, None, 2:], tb[None, :, 2:])
        inter = (rb - lt).clamp(min=0).prod(dim=2)
        union = area_a[:, None] + area_b[None, :] - inter
        iou = torch.where(union > 0, inter / union.clamp(min=1e-12), torch.zeros_like(inter))
        arrays.update({f"{name}.boxes1": a, f"{name}.boxes2": b, f"{name}.iou": iou.numpy()})
    return arrays
