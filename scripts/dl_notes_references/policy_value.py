"""PyTorch reference values for the policy-value network (float64).

The network of `dl_notes.policy_value.PolicyValueNet` (a trunk layer, two residual blocks, a
policy head with a softmax over the legal moves, a tanh value head) written with torch ops on the
same seeded parameters, and its loss $(z - v)^2 - \\pi^\\top \\log p$ averaged over the batch plus
$c \\lVert W \\rVert^2$; records the move probabilities, the values, the loss and the gradient of
every parameter.
"""

from __future__ import annotations

import numpy as np

SEED = 20261218
N, HIDDEN, BLOCKS, WEIGHT_DECAY = 6, 7, 2, 0.01


def inputs() -> dict[str, np.ndarray]:
    """The seeded parameters and batch every case shares (importable without torch)."""
    from dl_notes.policy_value import PolicyValueNet

    rng = np.random.default_rng(SEED)
    net = PolicyValueNet(hidden_size=HIDDEN, n_blocks=BLOCKS, weight_decay=WEIGHT_DECAY, seed=SEED, dtype=np.float64)
    x = rng.integers(0, 2, size=(N, 2, 3, 3)).astype(np.float64)
    legal = rng.random((N, 9)) < 0.6
    legal[:, 4] = True  # every row keeps a legal move
    pi = rng.random((N, 9)) * legal
    pi /= pi.sum(axis=1, keepdims=True)
    z = rng.choice([-1.0, 0.0, 1.0], size=N)
    return {"x": x, "legal": legal, "pi": pi, "z": z, **{f"param_{k}": v.copy() for k, v in net.params.items()}}


def record() -> dict[str, np.ndarray]:
    import torch

    data = inputs()
    out: dict[str, np.ndarray] = dict(data)
    p = {k[len("param_"):]: torch.tensor(v, requires_grad=True) for k, v in data.items() if k.startswith("param_")}
    x = torch.tensor(data["x"]).reshape(N, -1)
    h = torch.relu(x @ p["W1"] + p["b1"])
    for k in range(1, BLOCKS + 1):
        inner = torch.relu(h @ p[f"W_res{k}_1"] + p[f"b_res{k}_1"])
        h = torch.relu(h + inner @ p[f"W_res{k}_2"] + p[f"b_res{k}_2"])
    logits = (h @ p["W_policy"] + p["b_policy"]).masked_fill(~torch.tensor(data["legal"]), float("-inf"))
    log_p = torch.log_softmax(logits, dim=1)
    v = torch.tanh(h @ p["W_value"] + p["b_value"])[:, 0]
    pi, z = torch.tensor(data["pi"]), torch.tensor(data["z"])
    cross = torch.where(pi > 0, pi * log_p, torch.zeros_like(pi)).sum(dim=1)
    penalty = sum((W * W).sum() for k, W in p.items() if k.startswith("W"))
    loss = ((z - v) ** 2 - cross).mean() + WEIGHT_DECAY * penalty
    loss.backward()
    out.update({"p": log_p.exp().detach().numpy(), "v": v.detach().numpy(), "loss": np.array(loss.item())})
    out.update({f"grad_{k}": t.grad.numpy() for k, t in p.items()})
    return out
