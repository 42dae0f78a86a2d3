"""PyTorch reference values for the GRU (float32): one ``nn.GRU`` layer forward and backward, and parameter counts.

``nn.GRU(D, H, batch_first=True)`` with seeded weights, a random initial state ``h0`` and a
random upstream gradient on every output: its outputs, final state and the gradients of the
input, of ``h0`` and of its four parameters (PyTorch's layout: blocks r, z, n as rows, two
biases). The test converts them with `dl_notes.gru.from_pytorch`. Also ``sum(p.numel())`` of
``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` for the sizes in ``COUNT_SIZES``.
"""

from __future__ import annotations

import numpy as np

SEED = 20261204
N, T, D, H = 3, 5, 4, 3
COUNT_SIZES = ((1, 8), (10, 20), (32, 128))  # (input_size, hidden_size)
PARAMETERS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def record() -> dict[str, np.ndarray]:
    import torch

    rng = np.random.default_rng(SEED)
    out: dict[str, np.ndarray] = {}
    gru = torch.nn.GRU(D, H, batch_first=True)
    with torch.no_grad():
        for name in PARAMETERS:
            value = rng.uniform(-1, 1, tuple(getattr(gru, name).shape)).astype(np.float32)
            getattr(gru, name).copy_(torch.tensor(value))
            out[name] = value
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    h0 = rng.standard_normal((N, H)).astype(np.float32)
    dout = rng.standard_normal((N, T, H)).astype(np.float32)
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)  # (num_layers, N, H)
    hs, hT = gru(xt, h0t)
    hs.backward(torch.tensor(dout))
    out.update(x=x, h0=h0, dout=dout, hs=hs.detach().numpy(), hT=hT.detach().numpy()[0],
               dx=xt.grad.numpy(), dh0=h0t.grad.numpy()[0])
    out.update({f"d_{name}": getattr(gru, name).grad.numpy().copy() for name in PARAMETERS})

    layers = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    out["count_sizes"] = np.array(COUNT_SIZES)
    for cell, layer in layers.items():
        out[f"count_{cell}"] = np.array([sum(p.numel() for p in layer(d, h).parameters()) for d, h in COUNT_SIZES])
    return out
