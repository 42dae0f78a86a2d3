"""PyTorch reference values for dl_notes.lstm: ``nn.LSTM`` over a sequence, with initial states.

PyTorch orders the gates i, f, g, o like ``dl_notes``; its weights are (4H, D) and (4H, H),
transposed against ours, and it has two biases whose sum is our ``b``. Each case draws float32
inputs, weights and initial states (h0, c0) from its own seeded generator, runs ``nn.LSTM``
(batch_first) and records the outputs, the final (h_T, c_T) and the gradients of
``sum(hs * dhs)`` with respect to the weights, both biases, the input and the initial states.
Keys are ``<case>.<array>``; the case name carries N, T, D, H.
"""

from __future__ import annotations

import numpy as np

CASES = {"lstm_n3_t5_d4_h6": (3, 5, 4, 6), "lstm_n2_t8_d1_h3": (2, 8, 1, 3)}


def _draw(name: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(list(name.encode()))
    return [(0.5 * rng.standard_normal(shape)).astype(np.float32) for shape in shapes]


def record() -> dict[str, np.ndarray]:
    import torch  # here, so that the tests can read CASES without torch

    arrays: dict[str, np.ndarray] = {}
    for name, (N, T, D, H) in CASES.items():
        xs, w_ih, w_hh, b_ih, b_hh, h0, c0, dhs = _draw(
            name, (N, T, D), (4 * H, D), (4 * H, H), (4 * H,), (4 * H,), (N, H), (N, H), (N, T, H))
        lstm = torch.nn.LSTM(D, H, batch_first=True)
        with torch.no_grad():
            for p, value in zip((lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0),
                                (w_ih, w_hh, b_ih, b_hh)):
                p.copy_(torch.tensor(value))
        tx, th0, tc0 = (torch.tensor(a, requires_grad=True) for a in (xs, h0, c0))
        hs, (hT, cT) = lstm(tx, (th0[None], tc0[None]))
        hs.backward(torch.tensor(dhs))
        arrays.update({
            f"{name}.xs": xs, f"{name}.weight_ih": w_ih, f"{name}.weight_hh": w_hh,
            f"{name}.bias_ih": b_ih, f"{name}.bias_hh": b_hh, f"{name}.h0": h0, f"{name}.c0": c0,
            f"{name}.dhs": dhs, f"{name}.hs": hs.detach().numpy(), f"{name}.hT": hT[0].detach().numpy(),
            f"{name}.cT": cT[0].detach().numpy(), f"{name}.dxs": tx.grad.numpy(), f"{name}.dh0": th0.grad.numpy(),
            f"{name}.dc0": tc0.grad.numpy(), f"{name}.dweight_ih": lstm.weight_ih_l0.grad.numpy(),
            f"{name}.dweight_hh": lstm.weight_hh_l0.grad.numpy(), f"{name}.dbias_ih": lstm.bias_ih_l0.grad.numpy(),
            f"{name}.dbias_hh": lstm.bias_hh_l0.grad.numpy(),
        })
    return arrays
