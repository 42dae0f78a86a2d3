"""PyTorch reference values for dl_notes.conv: conv2d, max/avg pooling and global pooling.

Every case draws float32 inputs from its own seeded generator and records PyTorch's output and
the gradients of ``sum(y * dout)`` for a random ``dout``. Keys are ``<case>.<array>``, and the
case name carries its settings (``conv2d_s2_p1_c3_f4_h3_w3``: stride 2, pad 1, 3 channels,
4 filters of 3x3), which the tests read back. Cases named ``..._floor_...`` have a stride that
does not divide the padded input: PyTorch rounds the output size down (``ceil_mode=False``),
and so must ``dl_notes``; their input shapes are in the recorded ``x``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _draw(name: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(list(name.encode()))
    return [rng.standard_normal(shape).astype(np.float32) for shape in shapes]


def _conv_cases():
    for stride in (1, 2):
        for pad in (0, 1, 2):
            for C, FN in ((1, 2), (3, 4)):
                for FH, FW in ((3, 3), (2, 3)):
                    H, W = (7, 7) if (FH, FW) == (3, 3) else (6, 7)   # tiles at stride 1 and 2
                    yield f"conv2d_s{stride}_p{pad}_c{C}_f{FN}_h{FH}_w{FW}", stride, pad, (2, C, H, W), (FN, C, FH, FW)


# Rounded down: (stride, pad, C, FN, FH, FW, H, W). The first is the course report's im2col case C
# (6x6, 3x3, stride 2); the second drops the last input column; the third drops only padding.
FLOOR_CONV = [(2, 0, 2, 3, 3, 3, 6, 6), (3, 1, 2, 2, 3, 3, 7, 9), (2, 1, 1, 2, 2, 3, 6, 8)]


def _floor_conv_cases():
    for stride, pad, C, FN, FH, FW, H, W in FLOOR_CONV:
        name = f"conv2d_floor_s{stride}_p{pad}_c{C}_f{FN}_h{FH}_w{FW}"
        yield name, stride, pad, (2, C, H, W), (FN, C, FH, FW)


def _record_conv(arrays: dict[str, np.ndarray]) -> None:
    for name, stride, pad, x_shape, W_shape in [*_conv_cases(), *_floor_conv_cases()]:
        x, W, b = _draw(name, x_shape, W_shape, W_shape[:1])
        tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        y = F.conv2d(tx, tW, tb, stride=stride, padding=pad)
        (dout,) = _draw(name + " dout", tuple(y.shape))
        y.backward(torch.tensor(dout))
        arrays.update({f"{name}.x": x, f"{name}.W": W, f"{name}.b": b, f"{name}.dout": dout,
                       f"{name}.y": y.detach().numpy(), f"{name}.dx": tx.grad.numpy(),
                       f"{name}.dW": tW.grad.numpy(), f"{name}.db": tb.grad.numpy()})


def _record_pool(arrays: dict[str, np.ndarray]) -> None:
    cases = [(2, 2, 0, 6), (2, 1, 0, 5), (3, 1, 1, 5), (3, 2, 1, 7), (3, 3, 0, 6)]  # (k, stride, pad, size)
    floor = [(2, 2, 0, 5), (3, 2, 0, 6), (3, 3, 1, 9)]                             # rounded down
    for mode, pool in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
        for (k, stride, pad, size), tag in [*((c, "") for c in cases), *((c, "_floor") for c in floor)]:
            name = f"{mode}_pool{tag}_k{k}_s{stride}_p{pad}"
            (x,) = _draw(name, (2, 3, size, size))
            tx = torch.tensor(x, requires_grad=True)
            y = pool(tx, k, stride=stride, padding=pad)   # avg: count_include_pad=True, the default
            (dout,) = _draw(name + " dout", tuple(y.shape))
            y.backward(torch.tensor(dout))
            arrays.update({f"{name}.x": x, f"{name}.dout": dout,
                           f"{name}.y": y.detach().numpy(), f"{name}.dx": tx.grad.numpy()})


def _record_global(arrays: dict[str, np.ndarray]) -> None:
    for name, reduce in (("global_avg", lambda t: t.mean(dim=(2, 3))),
                         ("global_max", lambda t: t.flatten(2).max(dim=2).values)):
        (x, dout) = _draw(name, (2, 3, 4, 5), (2, 3))
        tx = torch.tensor(x, requires_grad=True)
        y = reduce(tx)
        y.backward(torch.tensor(dout))
        arrays.update({f"{name}.x": x, f"{name}.dout": dout,
                       f"{name}.y": y.detach().numpy(), f"{name}.dx": tx.grad.numpy()})


def record() -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    _record_conv(arrays)
    _record_pool(arrays)
    _record_global(arrays)
    return arrays
