"""PyTorch reference values for attention (float64).

``torch.nn.functional.scaled_dot_product_attention`` with a boolean mask (``True`` where a
source position takes part; the last positions of some sequences are padding), unscaled and
scaled (``scale=1`` gives the plain dot product), and additive (Bahdanau) attention written with
torch ops, ``softmax(masked_fill(v·tanh(q Wq + k Wk)))`` then the weighted sum of the keys. Each
case records the context vectors, the weights and the gradients of the queries, the keys (which
are also the values) and the additive parameters for a given upstream gradient.
"""

from __future__ import annotations

import numpy as np

SEED = 20261217
N, T_Q, T_S, D, A = 3, 4, 5, 6, 7
LENGTHS = (5, 3, 1)  # source positions holding data in each sequence; the rest is padding


def inputs() -> dict[str, np.ndarray]:
    """The seeded inputs every case shares (importable without torch)."""
    rng = np.random.default_rng(SEED)
    return {"queries": rng.standard_normal((N, T_Q, D)), "hs": rng.standard_normal((N, T_S, D)),
            "mask": np.arange(T_S)[None, :] < np.array(LENGTHS)[:, None],
            "dout": rng.standard_normal((N, T_Q, D)), "Wq": 0.5 * rng.standard_normal((D, A)),
            "Wk": 0.5 * rng.standard_normal((D, A)), "v": rng.standard_normal(A)}


def record() -> dict[str, np.ndarray]:
    import torch

    data = inputs()
    out: dict[str, np.ndarray] = dict(data)
    mask = torch.tensor(data["mask"])[:, None, :]  # (N, 1, T_s): the same for every query
    for case in ("dot", "scaled", "additive"):
        q = torch.tensor(data["queries"], requires_grad=True)
        hs = torch.tensor(data["hs"], requires_grad=True)
        params = {name: torch.tensor(data[name], requires_grad=True) for name in ("Wq", "Wk", "v")}
        if case == "additive":
            u = torch.tanh((q @ params["Wq"])[:, :, None, :] + (hs @ params["Wk"])[:, None, :, :])
            weights = torch.softmax((u @ params["v"]).masked_fill(~mask, float("-inf")), dim=-1)
            context = weights @ hs
        else:
            scale = None if case == "scaled" else 1.0
            context = torch.nn.functional.scaled_dot_product_attention(q, hs, hs, attn_mask=mask, scale=scale)
            scores = q @ hs.transpose(1, 2) * (D ** -0.5 if case == "scaled" else 1.0)
            weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        context.backward(torch.tensor(data["dout"]))
        out[f"{case}_context"] = context.detach().numpy()
        out[f"{case}_weights"] = weights.detach().numpy()
        out[f"{case}_dqueries"] = q.grad.numpy()
        out[f"{case}_dhs"] = hs.grad.numpy()
        if case == "additive":
            out.update({f"additive_d{name}": p.grad.numpy() for name, p in params.items()})
    return out
