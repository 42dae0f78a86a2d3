"""PyTorch reference values for negative sampling: its loss and gradients through ``F.binary_cross_entropy_with_logits``.

Hidden vectors h (N, D), output vectors W (V, D), a true word and K fixed negatives per row
(drawn here, seeded, so that PyTorch and dl_notes score the same words). The loss is the
binary cross-entropy with logits of the scores h . W[id], label 1 for the true word and 0 for
the negatives, summed over the 1 + K words and averaged over the N rows; recorded with its
gradients with respect to h and W, in float64.
"""

from __future__ import annotations

import numpy as np

SEED = 23
N, D, V, K = 4, 3, 6, 2


def inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    target = rng.integers(0, V, N)
    negatives = (target[:, None] + rng.integers(1, V, (N, K))) % V  # never the target
    return {"h": rng.standard_normal((N, D)), "W": rng.standard_normal((V, D)), "target": target,
            "negatives": negatives}


def record() -> dict[str, np.ndarray]:
    import torch
    import torch.nn.functional as F

    data = inputs()
    h = torch.tensor(data["h"], requires_grad=True)
    W = torch.tensor(data["W"], requires_grad=True)
    ids = torch.tensor(np.concatenate([data["target"][:, None], data["negatives"]], axis=1))
    score = (h[:, None, :] * W[ids]).sum(dim=2)  # (N, 1 + K)
    labels = torch.zeros_like(score)
    labels[:, 0] = 1
    loss = F.binary_cross_entropy_with_logits(score, labels, reduction="sum") / N
    loss.backward()
    return {**data, "loss": np.array(loss.item()), "dh": h.grad.numpy(), "dW": W.grad.numpy()}
