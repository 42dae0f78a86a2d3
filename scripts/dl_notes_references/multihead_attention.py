"""PyTorch reference values for multi-head attention and a Transformer encoder layer (float64).

``torch.nn.MultiheadAttention(D, H, batch_first=True)`` with given weights, on cross-attention
(queries from one sequence, keys and values from another) without a mask, with a key padding
mask (``True`` where a key is padding, the last keys of some sequences), and on self-attention
with the look-ahead mask (boolean ``attn_mask``, ``True`` above the diagonal). Each case records
the output, the weights averaged over the heads and per head, and the gradients of the inputs
and of every parameter for a given upstream gradient. PyTorch packs the three input projections
as ``in_proj_weight`` = [W_Q; W_K; W_V]ᵀ and the output one as ``out_proj.weight`` = W_Oᵀ.

``encoder_*``: ``nn.TransformerEncoderLayer(D, H, F, dropout=0, batch_first=True)`` (post-norm,
ReLU) on the queries with the key padding mask: output and input gradient.
"""

from __future__ import annotations

import numpy as np

SEED = 20261205
N, T_Q, T_K, D, H, F = 2, 4, 5, 8, 2, 12
LENGTHS = (5, 3)  # keys holding data in each sequence; the rest is padding
NAMES = ("W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O")


def inputs() -> dict[str, np.ndarray]:
    """The seeded inputs every case shares (importable without torch)."""
    rng = np.random.default_rng(SEED)
    out = {"queries": rng.standard_normal((N, T_Q, D)), "keys": rng.standard_normal((N, T_K, D)),
           "values": rng.standard_normal((N, T_K, D)), "dout": rng.standard_normal((N, T_Q, D)),
           "key_padding": np.arange(T_K)[None, :] >= np.array(LENGTHS)[:, None]}
    out.update({name: 0.4 * rng.standard_normal((D, D) if name.startswith("W") else D) for name in NAMES})
    out.update({"ffn_W1": 0.4 * rng.standard_normal((D, F)), "ffn_b1": 0.1 * rng.standard_normal(F),
                "ffn_W2": 0.4 * rng.standard_normal((F, D)), "ffn_b2": 0.1 * rng.standard_normal(D)})
    return out


def _attention(torch, data):
    mha = torch.nn.MultiheadAttention(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.tensor(np.concatenate([data["W_Q"], data["W_K"], data["W_V"]], axis=1).T))
        mha.in_proj_bias.copy_(torch.tensor(np.concatenate([data["b_Q"], data["b_K"], data["b_V"]])))
        mha.out_proj.weight.copy_(torch.tensor(data["W_O"].T))
        mha.out_proj.bias.copy_(torch.tensor(data["b_O"]))
    return mha


def record() -> dict[str, np.ndarray]:
    import torch

    data = inputs()
    out: dict[str, np.ndarray] = dict(data)
    for case in ("cross", "padded", "causal"):
        mha = _attention(torch, data)
        q = torch.tensor(data["queries"], requires_grad=True)
        if case == "causal":
            k = v = q
        else:
            k = torch.tensor(data["keys"], requires_grad=True)
            v = torch.tensor(data["values"], requires_grad=True)
        kwargs = {}
        if case == "padded":
            kwargs["key_padding_mask"] = torch.tensor(data["key_padding"])
        if case == "causal":
            kwargs["attn_mask"] = torch.triu(torch.ones(T_Q, T_Q, dtype=torch.bool), diagonal=1)
        result, averaged = mha(q, k, v, need_weights=True, average_attn_weights=True, **kwargs)
        _, per_head = mha(q, k, v, need_weights=True, average_attn_weights=False, **kwargs)
        result.backward(torch.tensor(data["dout"]))
        out[f"{case}_out"] = result.detach().numpy()
        out[f"{case}_weights"] = averaged.detach().numpy()
        out[f"{case}_head_weights"] = per_head.detach().numpy()
        out[f"{case}_dqueries"] = q.grad.numpy()
        if case != "causal":
            out[f"{case}_dkeys"], out[f"{case}_dvalues"] = k.grad.numpy(), v.grad.numpy()
        W = mha.in_proj_weight.grad.numpy().T               # (D, 3D): [dW_Q dW_K dW_V]
        b = mha.in_proj_bias.grad.numpy()
        for i, name in enumerate("QKV"):
            out[f"{case}_dW_{name}"] = W[:, i * D:(i + 1) * D]
            out[f"{case}_db_{name}"] = b[i * D:(i + 1) * D]
        out[f"{case}_dW_O"] = mha.out_proj.weight.grad.numpy().T
        out[f"{case}_db_O"] = mha.out_proj.bias.grad.numpy()
    layer = torch.nn.TransformerEncoderLayer(D, H, F, dropout=0.0, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        layer.self_attn.load_state_dict(_attention(torch, data).state_dict())
        layer.linear1.weight.copy_(torch.tensor(data["ffn_W1"].T))
        layer.linear1.bias.copy_(torch.tensor(data["ffn_b1"]))
        layer.linear2.weight.copy_(torch.tensor(data["ffn_W2"].T))
        layer.linear2.bias.copy_(torch.tensor(data["ffn_b2"]))
    x = torch.tensor(data["keys"], requires_grad=True)
    y = layer(x, src_key_padding_mask=torch.tensor(data["key_padding"]))
    y.backward(torch.tensor(data["keys"][..., ::-1].copy()))
    out["encoder_out"], out["encoder_dx"] = y.detach().numpy(), x.grad.numpy()
    return out
