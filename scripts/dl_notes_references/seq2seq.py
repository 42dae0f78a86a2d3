"""PyTorch reference values for dl_notes.seq2seq: an embedding + LSTM encoder whose final (h_T, c_T) starts an embedding + LSTM + linear decoder.

Each case draws float64 weights and word ids from its own seeded generator; PyTorch's modules
(``nn.Embedding``, ``nn.LSTM`` with gates i, f, g, o like ``dl_notes``, ``nn.Linear``) compute
the mean cross-entropy of the decoder's scores, fed the targets shifted by one (teacher
forcing), and its gradients. PyTorch's weights are transposed against ours and its LSTM has two
biases whose sum is our ``b``. The reversed case feeds the source reversed in time. Keys are
``<case>.<array>``.
"""

from __future__ import annotations

import numpy as np

# case: (vocabulary V, embedding D, hidden H, sequences N, source length Tx, target length L, reversed)
CASES = {"v7_d3_h4_n3_tx5_l4": (7, 3, 4, 3, 5, 4, False), "v7_d3_h4_n3_tx5_l4_reversed": (7, 3, 4, 3, 5, 4, True)}
PARTS = ("enc", "dec")


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(list(name.encode()))


def draw(name: str) -> dict[str, np.ndarray]:
    """The case's inputs and weights, in PyTorch's layout."""
    V, D, H, N, Tx, L, _ = CASES[name]
    rng = _rng(name)
    arrays = {"xs": rng.integers(0, V, (N, Tx)), "ts": rng.integers(0, V, (N, 1 + L))}
    for part in PARTS:
        arrays[f"{part}_embedding"] = 0.5 * rng.standard_normal((V, D))
        arrays[f"{part}_weight_ih"] = 0.5 * rng.standard_normal((4 * H, D))
        arrays[f"{part}_weight_hh"] = 0.5 * rng.standard_normal((4 * H, H))
        arrays[f"{part}_bias_ih"] = 0.2 * rng.standard_normal(4 * H)
        arrays[f"{part}_bias_hh"] = 0.2 * rng.standard_normal(4 * H)
    arrays["linear_weight"] = 0.5 * rng.standard_normal((V, H))
    arrays["linear_bias"] = 0.2 * rng.standard_normal(V)
    return arrays


def record() -> dict[str, np.ndarray]:
    import torch  # here, so that the tests can read CASES without torch

    out: dict[str, np.ndarray] = {}
    for name, (V, D, H, N, Tx, L, reverse) in CASES.items():
        a = draw(name)
        modules = {}
        for part in PARTS:
            embedding = torch.nn.Embedding(V, D).double()
            lstm = torch.nn.LSTM(D, H, batch_first=True).double()
            with torch.no_grad():
                embedding.weight.copy_(torch.tensor(a[f"{part}_embedding"]))
                for p, key in zip((lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0),
                                  ("weight_ih", "weight_hh", "bias_ih", "bias_hh")):
                    p.copy_(torch.tensor(a[f"{part}_{key}"]))
            modules[part] = (embedding, lstm)
        linear = torch.nn.Linear(H, V).double()
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(a["linear_weight"]))
            linear.bias.copy_(torch.tensor(a["linear_bias"]))
        xs, ts = torch.tensor(a["xs"]), torch.tensor(a["ts"])
        if reverse:
            xs = xs.flip(1)
        embedding, lstm = modules["enc"]
        _, (h, c) = lstm(embedding(xs))
        embedding, lstm = modules["dec"]
        hs, _ = lstm(embedding(ts[:, :-1]), (h, c))
        scores = linear(hs)
        loss = torch.nn.functional.cross_entropy(scores.reshape(-1, V), ts[:, 1:].reshape(-1))
        loss.backward()
        out.update({f"{name}.{k}": v for k, v in a.items()})
        out[f"{name}.loss"] = np.array(loss.item())
        out[f"{name}.thought_vector"] = h[0].detach().numpy()
        for part in PARTS:
            embedding, lstm = modules[part]
            out[f"{name}.d{part}_embedding"] = embedding.weight.grad.numpy()
            for p, key in zip((lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0),
                              ("weight_ih", "weight_hh", "bias_ih", "bias_hh")):
                out[f"{name}.d{part}_{key}"] = p.grad.numpy()
        out[f"{name}.dlinear_weight"] = linear.weight.grad.numpy()
        out[f"{name}.dlinear_bias"] = linear.bias.grad.numpy()
    return out
