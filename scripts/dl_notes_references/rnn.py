"""PyTorch reference values for the simple RNN (float32): ``nn.RNN`` with tanh and with ReLU.

One layer, batch_first, a given initial state h0. ``dl_notes`` maps ``Wx = weight_ih_l0.T``,
``Wh = weight_hh_l0.T`` and ``b = bias_ih_l0 + bias_hh_l0`` (one bias does the work of PyTorch's
two). The loss is ``sum(hs * dout)`` for a fixed random ``dout``, so the recorded gradients are
what ``TimeRNN.backward(dout)`` must return (inputs, h0) and store (weights, biases).
"""

from __future__ import annotations

import numpy as np

SEED = 20261204
N, T, D, H = 3, 7, 4, 5


def record() -> dict[str, np.ndarray]:
    import torch

    rng = np.random.default_rng(SEED)
    f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)  # noqa: E731
    out = {"xs": f32(N, T, D), "h0": f32(N, H), "dout": f32(N, T, H)}
    for activation in ("tanh", "relu"):
        torch.manual_seed(SEED)
        rnn = torch.nn.RNN(D, H, nonlinearity=activation, batch_first=True)
        xs = torch.tensor(out["xs"], requires_grad=True)
        h0 = torch.tensor(out["h0"][None], requires_grad=True)
        hs, h_T = rnn(xs, h0)
        (hs * torch.tensor(out["dout"])).sum().backward()
        k = activation + "_"
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            param = getattr(rnn, name + "_l0")
            out[k + name] = param.detach().numpy().copy()
            out[k + "d" + name] = param.grad.numpy().copy()
        out.update({k + "hs": hs.detach().numpy(), k + "h_T": h_T.detach().numpy()[0], k + "dxs": xs.grad.numpy(),
                    k + "dh0": h0.grad.numpy()[0]})
    return out
