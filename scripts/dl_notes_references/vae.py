"""PyTorch reference values for the VAE: the Gaussian KL term, its gradient, and a tiny VAE's loss.

``kl_divergence(Normal(mu, sigma), Normal(0, 1))`` summed over the latent dimensions, with the
gradient through autograd with respect to ``mu`` and ``log_var`` (sigma = exp(log_var / 2)).
Then a 6-4-(2+2) / 2-4-6 VAE in float64 with given weights and noise: the reconstruction term
(``binary_cross_entropy_with_logits``, summed over pixels, mean over the batch), the KL term and
the gradient of their sum with respect to every weight.
"""

from __future__ import annotations

import numpy as np

SEED = 17
N, K, D, H = 5, 3, 6, 4
SIZES = {"enc_W1": (D, H), "enc_b1": (H,), "enc_W2": (H, 4), "enc_b2": (4,),
         "dec_W1": (2, H), "dec_b1": (H,), "dec_W2": (H, D), "dec_b2": (D,)}


def inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(SEED)
    out = {"mu": rng.normal(size=(N, K)), "log_var": rng.normal(scale=0.8, size=(N, K)),
           "x": rng.random((N, D)), "eps": rng.standard_normal((N, 2))}
    out.update({key: rng.normal(scale=0.5, size=shape) for key, shape in SIZES.items()})
    return out


def record() -> dict[str, np.ndarray]:
    import torch
    from torch.distributions import Normal, kl_divergence

    data = inputs()
    out = dict(data)
    mu = torch.tensor(data["mu"], requires_grad=True)
    log_var = torch.tensor(data["log_var"], requires_grad=True)
    kl = kl_divergence(Normal(mu, torch.exp(0.5 * log_var)), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(1)
    kl.sum().backward()
    out["kl"], out["kl_dmu"], out["kl_dlog_var"] = kl.detach().numpy(), mu.grad.numpy(), log_var.grad.numpy()

    p = {key: torch.tensor(data[key], requires_grad=True) for key in SIZES}
    x, eps = torch.tensor(data["x"]), torch.tensor(data["eps"])
    h = torch.relu(x @ p["enc_W1"] + p["enc_b1"]) @ p["enc_W2"] + p["enc_b2"]
    mu2, log_var2 = h[:, :2], h[:, 2:]
    z = mu2 + torch.exp(0.5 * log_var2) * eps
    a = torch.relu(z @ p["dec_W1"] + p["dec_b1"]) @ p["dec_W2"] + p["dec_b2"]
    reconstruction = torch.nn.functional.binary_cross_entropy_with_logits(a, x, reduction="sum") / N
    kl2 = kl_divergence(Normal(mu2, torch.exp(0.5 * log_var2)), Normal(0.0, 1.0)).sum() / N
    (reconstruction + kl2).backward()
    out["vae_reconstruction"], out["vae_kl"] = np.array(reconstruction.item()), np.array(kl2.item())
    out.update({f"grad/{key}": value.grad.numpy() for key, value in p.items()})
    return out
