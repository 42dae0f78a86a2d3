"""PyTorch reference values for the segmentation layers: transposed convolution, dilated convolution, max unpooling.

Each case draws float32 inputs from its own seeded generator and records PyTorch's output and the
gradients of ``sum(y * dout)``. Keys are ``<case>.<array>``; the case name carries its settings,
which the tests read back:

- ``tconv_k3_s2_p1_op1_c2_o3_h4``: ``F.conv_transpose2d(x, W, b, stride=2, padding=1, output_padding=1)``
  with a 3×3 kernel, 2 channels in, 3 out, a 4×4 input (``W`` is (C_in, C_out, FH, FW));
- ``dilated_k3_d2_p2_c2_o3_h7``: ``F.conv2d(x, W, b, padding=2, dilation=2)``;
- ``unpool_s2_c2_h6``: ``F.max_pool2d(x, 2, return_indices=True)`` then ``F.max_unpool2d``.
"""

from __future__ import annotations

import numpy as np

# (K, S, P, OP, C_in, C_out, H): stride 1 and 2, pad 0 and 1, output padding, FCN's 4/2/1 doubling.
TCONV = [(3, 1, 0, 0, 2, 3, 4), (3, 2, 0, 0, 1, 2, 3), (3, 2, 1, 1, 2, 3, 4), (4, 2, 1, 0, 3, 2, 5),
         (2, 2, 0, 0, 2, 2, 3), (5, 3, 2, 2, 1, 1, 3)]
# (K, d, P, C_in, C_out, H)
DILATED = [(3, 2, 2, 2, 3, 7), (2, 3, 0, 1, 2, 8), (3, 4, 1, 2, 1, 12)]
# (S, C, H)
UNPOOL = [(2, 2, 6), (3, 1, 7)]


def tconv_name(K, S, P, OP, C, O, H) -> str:
    return f"tconv_k{K}_s{S}_p{P}_op{OP}_c{C}_o{O}_h{H}"


def dilated_name(K, d, P, C, O, H) -> str:
    return f"dilated_k{K}_d{d}_p{P}_c{C}_o{O}_h{H}"


def unpool_name(S, C, H) -> str:
    return f"unpool_s{S}_c{C}_h{H}"


def _draw(name: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(list(name.encode()))
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def record() -> dict[str, np.ndarray]:
    import torch
    import torch.nn.functional as F

    arrays: dict[str, np.ndarray] = {}

    def grads(name, y, dout, **inputs):
        y.backward(torch.tensor(dout))
        arrays[f"{name}.y"] = y.detach().numpy()
        for key, tensor in inputs.items():
            arrays[f"{name}.d{key}"] = tensor.grad.numpy()

    for K, S, P, OP, C, O, H in TCONV:
        name = tconv_name(K, S, P, OP, C, O, H)
        OH = (H - 1) * S - 2 * P + K + OP
        x, W, b, dout = _draw(name, (2, C, H, H), (C, O, K, K), (O,), (2, O, OH, OH))
        tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        arrays.update({f"{name}.x": x, f"{name}.W": W, f"{name}.b": b, f"{name}.dout": dout})
        grads(name, F.conv_transpose2d(tx, tW, tb, stride=S, padding=P, output_padding=OP), dout, x=tx, W=tW, b=tb)
    for K, d, P, C, O, H in DILATED:
        name = dilated_name(K, d, P, C, O, H)
        OH = H + 2 * P - (K - 1) * d
        x, W, b, dout = _draw(name, (2, C, H, H), (O, C, K, K), (O,), (2, O, OH, OH))
        tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        arrays.update({f"{name}.x": x, f"{name}.W": W, f"{name}.b": b, f"{name}.dout": dout})
        grads(name, F.conv2d(tx, tW, tb, padding=P, dilation=d), dout, x=tx, W=tW, b=tb)
    for S, C, H in UNPOOL:
        name = unpool_name(S, C, H)
        x, u, dout = _draw(name, (2, C, H, H), (2, C, H // S, H // S), (2, C, H, H))
        pooled, indices = F.max_pool2d(torch.tensor(x), S, return_indices=True)
        tu = torch.tensor(u, requires_grad=True)
        arrays.update({f"{name}.x": x, f"{name}.u": u, f"{name}.dout": dout, f"{name}.pooled": pooled.numpy(),
                       f"{name}.indices": indices.numpy()})
        # max_unpool2d has no "deterministic" kernel; with non-overlapping windows no two values share a
        # place, so the result is deterministic anyway.
        deterministic = torch.are_deterministic_algorithms_enabled()
        torch.use_deterministic_algorithms(False)
        try:
            grads(name, F.max_unpool2d(tu, indices, S, output_size=(H, H)), dout, u=tu)
        finally:
            torch.use_deterministic_algorithms(deterministic)
    return arrays
