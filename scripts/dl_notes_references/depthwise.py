"""PyTorch reference values for dl_notes.depthwise: depthwise convolution (``conv2d`` with ``groups=C``).

Every case draws float32 inputs from its own seeded generator and records PyTorch's output and
the gradients of ``sum(y * dout)`` for a random ``dout``. Keys are ``<case>.<array>``; the case
name carries its settings (``depthwise_s2_p1_c3_k3``: stride 2, pad 1, 3 channels, 3x3 filters),
which the tests read back. The last case has a stride that does not divide the padded input:
PyTorch rounds the output size down, and so must ``dl_notes``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

# (stride, pad, C, K, H, W)
CASES = [(1, 0, 1, 3, 5, 5), (1, 1, 3, 3, 5, 6), (2, 1, 3, 3, 7, 7), (1, 2, 2, 5, 6, 6), (2, 0, 4, 2, 6, 6),
         (2, 1, 2, 3, 6, 8)]


def _draw(name: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(list(name.encode()))
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def record() -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    for stride, pad, C, K, H, W in CASES:
        name = f"depthwise_s{stride}_p{pad}_c{C}_k{K}"
        x, w, b = _draw(name, (2, C, H, W), (C, 1, K, K), (C,))
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        y = F.conv2d(tx, tw, tb, stride=stride, padding=pad, groups=C)
        (dout,) = _draw(name + " dout", tuple(y.shape))
        y.backward(torch.tensor(dout))
        arrays.update({f"{name}.x": x, f"{name}.W": w, f"{name}.b": b, f"{name}.dout": dout,
                       f"{name}.y": y.detach().numpy(), f"{name}.dx": tx.grad.numpy(),
                       f"{name}.dW": tw.grad.numpy(), f"{name}.db": tb.grad.numpy()})
    return arrays
