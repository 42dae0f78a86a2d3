"""PyTorch reference values for dl_notes.densenet: a dense block, a transition layer, d2l's DenseNet size.

The block and the transition layer are built from ``BatchNorm2d`` (training mode, the batch's
statistics), ``ReLU``, ``Conv2d``, ``torch.cat`` along the channels and ``AvgPool2d``, in float64
with ``eps`` = 1e-6 (dl_notes' default). Every parameter is drawn from a seeded generator
(``gamma`` and ``beta`` too, so that they are not the trivial ones and zeros); the recorded
arrays are the output and the gradients of ``sum(y * dout)`` for a random ``dout``. Keys are
``<case>.<array>``, with the block's layer ``l`` parameters as ``W<l>``, ``b<l>``, ``gamma<l>``,
``beta<l>`` (the names of `dl_notes.densenet.DenseBlock.parameter_names`).

``d2l_densenet_parameters`` is the number of parameters of d2l's ``DenseNet()`` (d2l-en 1.0.3,
``num_channels=64, growth_rate=32, arch=(4, 4, 4, 4)``, lazy layers materialised on one
96×96 Fashion-MNIST-sized image, 10 classes).
"""

from __future__ import annotations

import numpy as np

EPS = 1e-6
BLOCK = {"num_layers": 3, "in_channels": 3, "growth_rate": 2, "x_shape": (4, 3, 5, 5)}
TRANSITION = {"in_channels": 6, "out_channels": 3, "x_shape": (3, 6, 6, 7)}


def _draw(name: str, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(list(name.encode()))
    return [rng.standard_normal(shape) for shape in shapes]


def _unit(name: str, C: int, FN: int, F: int, arrays: dict, suffix: str):
    """BN → ReLU → conv with drawn parameters, recorded under ``<name>.<param><suffix>``."""
    import torch
    from torch import nn

    W, b, gamma, beta = _draw(f"{name}{suffix}", (FN, C, F, F), (FN,), (C,), (C,))
    bn, conv = nn.BatchNorm2d(C, eps=EPS).double(), nn.Conv2d(C, FN, F, padding=(F - 1) // 2).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(W))
        conv.bias.copy_(torch.tensor(b))
        bn.weight.copy_(torch.tensor(1 + 0.1 * gamma))
        bn.bias.copy_(torch.tensor(beta))
    arrays.update({f"{name}.W{suffix}": W, f"{name}.b{suffix}": b,
                   f"{name}.gamma{suffix}": 1 + 0.1 * gamma, f"{name}.beta{suffix}": beta})
    return nn.Sequential(bn, nn.ReLU(), conv)


def _finish(name: str, x, y, modules: list, arrays: dict, suffixes: list[str]) -> None:
    import torch

    (dout,) = _draw(name + " dout", tuple(y.shape))
    y.backward(torch.tensor(dout))
    arrays.update({f"{name}.x": x.detach().numpy(), f"{name}.y": y.detach().numpy(),
                   f"{name}.dout": dout, f"{name}.dx": x.grad.numpy()})
    for unit, suffix in zip(modules, suffixes):
        bn, conv = unit[0], unit[2]
        arrays.update({f"{name}.dW{suffix}": conv.weight.grad.numpy(), f"{name}.db{suffix}": conv.bias.grad.numpy(),
                       f"{name}.dgamma{suffix}": bn.weight.grad.numpy(), f"{name}.dbeta{suffix}": bn.bias.grad.numpy()})


def _record_block(arrays: dict) -> None:
    import torch

    name, L, k0, k = "block", BLOCK["num_layers"], BLOCK["in_channels"], BLOCK["growth_rate"]
    units = [_unit(name, k0 + k * (l - 1), k, 3, arrays, str(l)) for l in range(1, L + 1)]
    (x,) = _draw(name + " x", BLOCK["x_shape"])
    tx = torch.tensor(x, requires_grad=True)
    features = tx
    for unit in units:
        features = torch.cat((features, unit(features)), dim=1)
    _finish(name, tx, features, units, arrays, [str(l) for l in range(1, L + 1)])


def _record_transition(arrays: dict) -> None:
    import torch
    from torch import nn  # noqa: F401

    name = "transition"
    unit = _unit(name, TRANSITION["in_channels"], TRANSITION["out_channels"], 1, arrays, "")
    (x,) = _draw(name + " x", TRANSITION["x_shape"])
    tx = torch.tensor(x, requires_grad=True)
    y = nn.AvgPool2d(kernel_size=2, stride=2)(unit(tx))
    _finish(name, tx, y, [unit], arrays, [""])


def _d2l_densenet(num_channels: int = 64, growth_rate: int = 32, arch=(4, 4, 4, 4), num_classes: int = 10):
    """d2l-en's ``DenseNet`` (chapter_convolutional-modern/densenet), its layers as written there."""
    import torch
    from torch import nn

    def conv_block(c):
        return nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyConv2d(c, kernel_size=3, padding=1))

    class DenseBlock(nn.Module):
        def __init__(self, num_convs, c):
            super().__init__()
            self.net = nn.Sequential(*[conv_block(c) for _ in range(num_convs)])

        def forward(self, X):
            for blk in self.net:
                X = torch.cat((X, blk(X)), dim=1)
            return X

    def transition_block(c):
        return nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyConv2d(c, kernel_size=1),
                             nn.AvgPool2d(kernel_size=2, stride=2))

    net = nn.Sequential(nn.Sequential(nn.LazyConv2d(64, kernel_size=7, stride=2, padding=3),
                                      nn.LazyBatchNorm2d(), nn.ReLU(),
                                      nn.MaxPool2d(kernel_size=3, stride=2, padding=1)))
    for i, num_convs in enumerate(arch):
        net.add_module(f"dense_blk{i + 1}", DenseBlock(num_convs, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(arch) - 1:
            num_channels //= 2
            net.add_module(f"tran_blk{i + 1}", transition_block(num_channels))
    net.add_module("last", nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)),
                                         nn.Flatten(), nn.LazyLinear(num_classes)))
    return net


def record() -> dict[str, np.ndarray]:
    import torch

    arrays: dict[str, np.ndarray] = {}
    _record_block(arrays)
    _record_transition(arrays)
    net = _d2l_densenet()
    net(torch.zeros(1, 1, 96, 96))   # materialise the lazy layers
    arrays["d2l_densenet_parameters"] = np.array(sum(p.numel() for p in net.parameters()))
    return arrays
