"""PyTorch reference values for the REINFORCE surrogate loss (float64).

A linear softmax policy, logits ``phi(s) @ theta``, over the features of a short episode; the
loss ``-sum_t w_t log_softmax(phi(s_t) @ theta)[a_t]`` with the weights ``w_t = gamma^t (G_t - b)``
held constant, and its gradient with respect to ``theta`` from autograd.
"""

from __future__ import annotations

import numpy as np

SEED = 20261218
S, D, A, T = 5, 4, 3, 7
GAMMA, BASELINE = 0.9, 0.3


def inputs() -> dict[str, np.ndarray]:
    """The seeded inputs (importable without torch)."""
    rng = np.random.default_rng(SEED)
    rewards = rng.standard_normal(T)
    returns = np.array([sum(GAMMA ** k * r for k, r in enumerate(rewards[t:])) for t in range(T)])
    return {"theta": rng.standard_normal((D, A)), "features": rng.standard_normal((S, D)),
            "states": rng.integers(0, S, T), "actions": rng.integers(0, A, T),
            "weights": GAMMA ** np.arange(T) * (returns - BASELINE)}


def record() -> dict[str, np.ndarray]:
    import torch

    data = inputs()
    out: dict[str, np.ndarray] = dict(data)
    theta = torch.tensor(data["theta"], requires_grad=True)
    phi = torch.tensor(data["features"])[torch.tensor(data["states"])]
    log_pi = torch.log_softmax(phi @ theta, dim=1)[torch.arange(T), torch.tensor(data["actions"])]
    loss = -(torch.tensor(data["weights"]) * log_pi).sum()
    loss.backward()
    out["loss"] = np.array(loss.item())
    out["dtheta"] = theta.grad.numpy()
    return out
