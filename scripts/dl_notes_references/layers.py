"""PyTorch reference values for the normalisation layers and softmax cross-entropy (float32).

Batch norm: three training steps (outputs, gradients, running statistics) then one inference
step, for (N, D) input (``BatchNorm1d``) and one training step for images (``BatchNorm2d``).
PyTorch's ``momentum`` is 1 - the course's; its running variance uses the unbiased batch
variance. Layer norm over the last axis. Cross-entropy with index labels and with probability
rows, with one row of large scores.
"""

from __future__ import annotations

import numpy as np

SEED = 20240601
BN_MOMENTUM = 0.9  # the course's momentum; PyTorch's is 1 - this
BN_EPS = 1e-6  # the book's 10e-7
LN_EPS = 1e-5


def _f32(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _run(torch, module, x: np.ndarray, dout: np.ndarray) -> dict[str, np.ndarray]:
    """Forward and backward through ``module``; output, input gradient, weight and bias gradients."""
    module.zero_grad()
    xt = torch.tensor(x, requires_grad=True)
    y = module(xt)
    y.backward(torch.tensor(dout))
    return {"out": y.detach().numpy(), "dx": xt.grad.numpy(), "dgamma": module.weight.grad.numpy().copy(),
            "dbeta": module.bias.grad.numpy().copy()}


def _affine_params(torch, module, gamma: np.ndarray, beta: np.ndarray) -> None:
    with torch.no_grad():
        module.weight.copy_(torch.tensor(gamma))
        module.bias.copy_(torch.tensor(beta))


def _stack(results: list[dict[str, np.ndarray]], prefix: str) -> dict[str, np.ndarray]:
    return {f"{prefix}_{key}": np.stack([r[key] for r in results]) for key in results[0]}


def record() -> dict[str, np.ndarray]:
    import torch

    rng = np.random.default_rng(SEED)
    out: dict[str, np.ndarray] = {}

    # Batch norm on (N, D): three training steps, then inference with the running statistics.
    N, D = 8, 5
    bn = torch.nn.BatchNorm1d(D, eps=BN_EPS, momentum=1 - BN_MOMENTUM)
    gamma, beta = _f32(1 + 0.5 * rng.standard_normal(D)), _f32(0.5 * rng.standard_normal(D))
    _affine_params(torch, bn, gamma, beta)
    x = _f32(3 * rng.standard_normal((3, N, D)) + 2)
    dout = _f32(rng.standard_normal((3, N, D)))
    bn.train()
    out.update(_stack([_run(torch, bn, x[k], dout[k]) for k in range(3)], "bn"))
    out.update(bn_gamma=gamma, bn_beta=beta, bn_x=x, bn_dout=dout,
               bn_running_mean=bn.running_mean.numpy().copy(), bn_running_var=bn.running_var.numpy().copy())
    bn.eval()
    x_eval, dout_eval = _f32(3 * rng.standard_normal((4, D)) + 2), _f32(rng.standard_normal((4, D)))
    out.update({f"bn_eval_{k}": v for k, v in _run(torch, bn, x_eval, dout_eval).items()})
    out.update(bn_eval_x=x_eval, bn_eval_dout=dout_eval)

    # Batch norm on images: per channel over (N, H, W).
    C = 3
    bn2d = torch.nn.BatchNorm2d(C, eps=BN_EPS, momentum=1 - BN_MOMENTUM)
    gamma2, beta2 = _f32(1 + 0.5 * rng.standard_normal(C)), _f32(0.5 * rng.standard_normal(C))
    _affine_params(torch, bn2d, gamma2, beta2)
    x2, dout2 = _f32(rng.standard_normal((4, C, 5, 5)) - 1), _f32(rng.standard_normal((4, C, 5, 5)))
    out.update({f"bn2d_{k}": v for k, v in _run(torch, bn2d, x2, dout2).items()})
    out.update(bn2d_gamma=gamma2, bn2d_beta=beta2, bn2d_x=x2, bn2d_dout=dout2,
               bn2d_running_mean=bn2d.running_mean.numpy().copy(), bn2d_running_var=bn2d.running_var.numpy().copy())

    # Layer norm over the last axis.
    ln = torch.nn.LayerNorm(6, eps=LN_EPS)
    gamma3, beta3 = _f32(1 + 0.5 * rng.standard_normal(6)), _f32(0.5 * rng.standard_normal(6))
    _affine_params(torch, ln, gamma3, beta3)
    x3, dout3 = _f32(2 * rng.standard_normal((4, 6)) + 1), _f32(rng.standard_normal((4, 6)))
    out.update({f"ln_{k}": v for k, v in _run(torch, ln, x3, dout3).items()})
    out.update(ln_gamma=gamma3, ln_beta=beta3, ln_x=x3, ln_dout=dout3)

    # Softmax cross-entropy (mean over the batch), from scores; the last row's scores are large.
    scores = _f32(rng.standard_normal((6, 5)))
    scores[-1] *= 200
    labels = rng.integers(0, 5, 6)
    probabilities = _f32(rng.dirichlet(np.ones(5), 6))
    for name, target in (("ce", torch.tensor(labels)), ("ce_soft", torch.tensor(probabilities))):
        xt = torch.tensor(scores, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(xt, target)
        loss.backward()
        out.update({f"{name}_loss": loss.detach().numpy(), f"{name}_dx": xt.grad.numpy()})
    out.update(ce_x=scores, ce_t=labels, ce_soft_t=probabilities)
    return out
