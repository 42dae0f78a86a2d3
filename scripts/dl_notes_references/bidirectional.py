"""PyTorch reference values for bidirectional recurrent layers (float32).

``nn.RNN`` (tanh) and ``nn.LSTM`` with ``bidirectional=True, batch_first=True``, one layer: the
output (N, T, 2H), the input gradient and the gradients of both directions' weights for a given
upstream gradient. PyTorch stores a direction's weights transposed (``weight_ih_l0`` is (G·H, D))
and keeps two biases; ``dl_notes`` takes ``Wx = weight_ih_l0.T``, ``Wh = weight_hh_l0.T`` and
``b = bias_ih_l0 + bias_hh_l0``, and the ``_reverse`` arrays for the backward direction.
"""

from __future__ import annotations

import numpy as np

SEED = 20261204
N, T, D, H = 3, 5, 4, 3
CELLS = {"rnn": 1, "lstm": 4}  # gates per cell, in PyTorch's order (LSTM: i, f, g, o)
DIRECTIONS = {"f": "", "b": "_reverse"}  # our suffix: PyTorch's


def _f32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def record() -> dict[str, np.ndarray]:
    import torch

    rng = np.random.default_rng(SEED)
    out: dict[str, np.ndarray] = {}
    for cell, gates in CELLS.items():
        module = getattr(torch.nn, cell.upper())(D, H, batch_first=True, bidirectional=True)
        with torch.no_grad():
            for ours, theirs in DIRECTIONS.items():
                for name, shape in (("weight_ih", (gates * H, D)), ("weight_hh", (gates * H, H)),
                                    ("bias_ih", (gates * H,)), ("bias_hh", (gates * H,))):
                    value = _f32(0.5 * rng.standard_normal(shape))
                    getattr(module, f"{name}_l0{theirs}").copy_(torch.tensor(value))
                    out[f"{cell}_{name}_{ours}"] = value
        x = _f32(rng.standard_normal((N, T, D)))
        dout = _f32(rng.standard_normal((N, T, 2 * H)))
        xt = torch.tensor(x, requires_grad=True)
        y, _ = module(xt)
        y.backward(torch.tensor(dout))
        out.update({f"{cell}_x": x, f"{cell}_dout": dout, f"{cell}_out": y.detach().numpy(),
                    f"{cell}_dx": xt.grad.numpy()})
        for ours, theirs in DIRECTIONS.items():
            for name in ("weight_ih", "weight_hh", "bias_ih"):
                out[f"{cell}_d{name}_{ours}"] = getattr(module, f"{name}_l0{theirs}").grad.numpy().copy()
    return out
