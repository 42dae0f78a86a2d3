"""dl_notes: the deep-learning course in small, tested NumPy modules.

Each module holds one concept (``optim`` the optimizers, ``windows`` im2col and the other
sliding-window operations, ``conv`` the convolution layer, ...); ``dl_notes.experiments`` runs
the measured experiments that the DL Notes site shows.

The functions and classes of the book's chapters 2-5 can also be imported from the package
itself, so that the book's scripts run with only their imports changed::

    from dl_notes import sigmoid, softmax, cross_entropy_error, numerical_gradient, TwoLayerNet
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# name -> module that defines it; imported on first use, so ``import dl_notes`` stays light.
_EXPORTS = {
    "AND": "perceptron", "NAND": "perceptron", "OR": "perceptron", "XOR": "perceptron",
    "identity_function": "activations", "step_function": "activations", "sigmoid": "activations",
    "sigmoid_grad": "activations", "relu": "activations", "relu_grad": "activations", "softmax": "activations",
    "sum_squared_error": "losses", "mean_squared_error": "losses", "cross_entropy_error": "losses",
    "numerical_diff": "gradcheck", "numerical_gradient": "gradcheck", "gradient_descent": "optim",
    "MulLayer": "graph", "AddLayer": "graph",
    "Affine": "layers", "Relu": "layers", "Sigmoid": "layers", "SoftmaxWithLoss": "layers",
    "TwoLayerNet": "nets", "MultiLayerNet": "nets",
    "SGD": "optim", "Momentum": "optim", "AdaGrad": "optim", "Adam": "optim",
    "load_mnist": "datasets", "shuffle_dataset": "datasets", "Trainer": "train",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'dl_notes' has no attribute {name!r}")
    return getattr(importlib.import_module(f"dl_notes.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
