"""PyTorch reference trajectories for the optimizers: 20 steps on the same gradients (float32).

Every optimizer starts from the same parameters and is fed the same 20 recorded gradients
(drawn in advance, so the trajectories do not feed back into them). ``SETTINGS`` pairs each
``dl_notes.optim`` class and its arguments with the PyTorch optimizer that makes the same steps
(Adam up to where epsilon sits); the tests read it from here, so the two never drift apart.
Recorded: the parameters after every step and the optimizer's final state, and Adam's steps on
gradients scaled by ``TINY``, where its epsilon matters.
"""

from __future__ import annotations

import numpy as np

SEED = 7
STEPS = 20
SHAPE = (3, 4)
# Adam is also run on gradients this small, where the place of epsilon shows.
TINY = 1e-6

# name: (dl_notes.optim class, its kwargs, torch.optim class, its kwargs, torch state names)
SETTINGS = {
    "sgd": ("SGD", {"lr": 0.1}, "SGD", {"lr": 0.1}, ()),
    "momentum": ("Momentum", {"lr": 0.1, "momentum": 0.9}, "SGD", {"lr": 0.1, "momentum": 0.9}, ("momentum_buffer",)),
    "nesterov": ("Nesterov", {"lr": 0.1, "momentum": 0.9}, "SGD",
                 {"lr": 0.1, "momentum": 0.9, "nesterov": True}, ("momentum_buffer",)),
    "adagrad": ("AdaGrad", {"lr": 0.1}, "Adagrad", {"lr": 0.1, "eps": 1e-7}, ("sum",)),
    # h starting at h0 > 0 (the course's theta): PyTorch's and Keras's initial_accumulator_value.
    "adagrad_h0": ("AdaGrad", {"lr": 0.1, "initial_accumulator_value": 0.1}, "Adagrad",
                   {"lr": 0.1, "eps": 1e-7, "initial_accumulator_value": 0.1}, ("sum",)),
    "rmsprop": ("RMSProp", {"lr": 0.01, "decay_rate": 0.99}, "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-7},
                ("square_avg",)),
    "adam": ("Adam", {"lr": 0.01, "beta1": 0.9, "beta2": 0.999}, "Adam",
             {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-7}, ("exp_avg", "exp_avg_sq")),
}


def inputs() -> tuple[np.ndarray, np.ndarray]:
    """The start (SHAPE) and the gradients (STEPS, *SHAPE), float32."""
    rng = np.random.default_rng(SEED)
    start = rng.standard_normal(SHAPE).astype(np.float32)
    grads = rng.standard_normal((STEPS, *SHAPE)).astype(np.float32)
    return start, grads


def record() -> dict[str, np.ndarray]:
    import torch

    start, grads = inputs()
    out = {"start": start, "grads": grads}
    runs = [(name, setting, grads) for name, setting in SETTINGS.items()]
    runs.append(("adam_tiny", SETTINGS["adam"], (grads * TINY).astype(np.float32)))
    for name, (_, _, torch_class, torch_kwargs, state_names), gradients in runs:
        p = torch.nn.Parameter(torch.tensor(start))
        optimizer = getattr(torch.optim, torch_class)([p], **torch_kwargs)
        path = []
        for g in gradients:
            p.grad = torch.tensor(g)
            optimizer.step()
            path.append(p.detach().numpy().copy())
        out[f"{name}_params"] = np.stack(path)
        for state in state_names:
            out[f"{name}_{state}"] = optimizer.state[p][state].numpy().copy()
    return out
