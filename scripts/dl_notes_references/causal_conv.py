"""PyTorch reference values for dl_notes.wavenet: the dilated causal 1-D convolution.

Each case draws float32 ``x`` (N, C, T), ``W`` (C_out, C, K), ``b`` and ``dout`` from its own seeded
generator and records ``F.conv1d(F.pad(x, ((K - 1) * d, 0)), W, b, dilation=d)`` and the gradients
of ``sum(y * dout)``. Keys are ``<case>.<array>``; the case name carries its settings
(``causal_k3_d2_c2_o3_t9``: 3 taps, dilation 2, 2 channels in, 3 out, 9 steps), which the tests read back.
"""

from __future__ import annotations

import numpy as np

# (K, d, C, C_out, T): one tap, taps wider than the sequence, and the usual 2-tap WaveNet layer.
CASES = [(1, 1, 2, 3, 5), (2, 1, 1, 1, 8), (2, 4, 3, 2, 10), (3, 2, 2, 3, 9), (3, 3, 2, 2, 5), (4, 1, 3, 4, 7)]


def case_name(K: int, d: int, C: int, C_out: int, T: int) -> str:
    return f"causal_k{K}_d{d}_c{C}_o{C_out}_t{T}"


def _draw(name: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(list(name.encode()))
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def record() -> dict[str, np.ndarray]:
    import torch
    import torch.nn.functional as F

    arrays: dict[str, np.ndarray] = {}
    for K, d, C, C_out, T in CASES:
        name = case_name(K, d, C, C_out, T)
        x, W, b, dout = _draw(name, (2, C, T), (C_out, C, K), (C_out,), (2, C_out, T))
        tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        y = F.conv1d(F.pad(tx, ((K - 1) * d, 0)), tW, tb, dilation=d)
        y.backward(torch.tensor(dout))
        arrays.update({f"{name}.x": x, f"{name}.W": W, f"{name}.b": b, f"{name}.dout": dout,
                       f"{name}.y": y.detach().numpy(), f"{name}.dx": tx.grad.numpy(),
                       f"{name}.dW": tW.grad.numpy(), f"{name}.db": tb.grad.numpy()})
    return arrays
