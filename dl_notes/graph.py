r"""Nodes of a computational graph: the multiply and add nodes that backpropagation is built from.

A node computes its output from two inputs in ``forward`` and, in ``backward``, turns the
gradient that arrives from the output side, ``dout`` $= \partial L / \partial \text{out}$, into
the gradients of its two inputs by the chain rule: ``dout`` times the node's local derivative.
These are the book's ``MulLayer`` and ``AddLayer`` (its chapter 5, the apple-shopping example),
with the same interface, so its scripts run with only their imports changed.

Inputs may be numbers or arrays. When NumPy broadcasts the two inputs to a common shape (a
bias added to every row of a batch), the gradient of the smaller input is summed over the
broadcast axes: every copy of it contributed to the output, so their gradients add up. This is
why an affine layer's bias gradient is a sum over the batch.
"""

from __future__ import annotations

from numbers import Number

import numpy as np

from ._checks import forward_cache

__all__ = ["MulLayer", "AddLayer", "unbroadcast"]


def _operand(where: str, name: str, value: object) -> object:
    """``value`` if it is a number or a numeric array; a number stays a Python number."""
    if isinstance(value, bool) or not isinstance(value, (Number, np.ndarray, np.generic)) \
            or np.asarray(value).dtype.kind not in "iuf":
        raise TypeError(f"{where}: {name} must be a real number or a numeric array, got {value!r}")
    return value


def unbroadcast(grad: object, shape: tuple[int, ...]) -> object:
    r"""Sum ``grad`` back to ``shape``: the gradient of an input that NumPy broadcast.

    An input of shape ``shape`` broadcast to the output's shape is used once per copy, so its
    gradient is the sum of the copies' gradients, over the axes that broadcasting added or
    stretched from 1:

    $$
    \frac{\partial L}{\partial b_j} = \sum_{n} \frac{\partial L}{\partial y_{nj}}
    \quad \text{for } y_{nj} = x_{nj} + b_j
    $$

    Parameters
    ----------
    grad : number or ndarray
        The gradient with respect to the broadcast (output-shaped) input.
    shape : tuple of int
        The input's own shape (``()`` for a number).

    Returns
    -------
    number or ndarray
        ``grad`` unchanged if it already has ``shape``, else summed to ``shape``.

    Raises
    ------
    ValueError
        If ``shape`` cannot be broadcast to ``grad``'s shape.

    Examples
    --------
    >>> unbroadcast(np.ones((4, 3)), (3,))          # a bias used by 4 samples
    array([4., 4., 4.])
    >>> unbroadcast(np.ones((4, 3)), (4, 1))
    array([[3.],
           [3.],
           [3.],
           [3.]])
    >>> float(unbroadcast(np.ones((2, 3)), ()))
    6.0
    """
    grad_shape = np.shape(grad)
    shape = tuple(shape)
    if grad_shape == shape:
        return grad
    if _broadcast(shape, grad_shape) != grad_shape:
        raise ValueError(f"unbroadcast: shape {shape} does not broadcast to the gradient's shape {grad_shape}")
    extra = len(grad_shape) - len(shape)
    summed = np.sum(grad, axis=tuple(range(extra)))  # the axes broadcasting added in front
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and summed.shape[i] != 1)
    return np.sum(summed, axis=stretched, keepdims=True) if stretched else summed


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape ``a`` and ``b`` broadcast to, or None if they do not."""
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


class MulLayer:
    r"""Multiply node: ``out = x * y``; its backward pass swaps the inputs.

    $$
    \text{out} = x y, \qquad
    \frac{\partial \text{out}}{\partial x} = y, \quad \frac{\partial \text{out}}{\partial y} = x, \qquad
    \frac{\partial L}{\partial x} = \frac{\partial L}{\partial \text{out}}\, y, \quad
    \frac{\partial L}{\partial y} = \frac{\partial L}{\partial \text{out}}\, x
    $$

    The local derivative with respect to one input is the other input, so ``forward`` keeps
    both (``x``, ``y``). Arrays multiply element-wise; a broadcast input gets its gradient
    summed back to its own shape (`unbroadcast`).

    See Also
    --------
    AddLayer : the add node, which passes the gradient on unchanged.
    dl_notes.layers.Affine : a matrix product and a bias add as one layer.

    Examples
    --------
    The book's apples: 2 apples at 100 yen with 10% tax.

    >>> mul_apple, mul_tax = MulLayer(), MulLayer()
    >>> apple_price = mul_apple.forward(100, 2)
    >>> round(mul_tax.forward(apple_price, 1.1), 6)
    220.0
    >>> dapple_price, dtax = mul_tax.backward(1)
    >>> dapple, dapple_num = mul_apple.backward(dapple_price)
    >>> round(dapple, 6), round(dapple_num, 6), dtax
    (2.2, 110.0, 200)
    """

    def __init__(self) -> None:
        self.x: object = None
        self.y: object = None

    def forward(self, x, y):
        self.x = _operand("MulLayer.forward", "x", x)
        self.y = _operand("MulLayer.forward", "y", y)
        return x * y

    def backward(self, dout):
        x = forward_cache("MulLayer.backward", self.x)
        dout = _operand("MulLayer.backward", "dout", dout)
        return unbroadcast(dout * self.y, np.shape(x)), unbroadcast(dout * x, np.shape(self.y))


class AddLayer:
    r"""Add node: ``out = x + y``; its backward pass hands ``dout`` to both inputs.

    $$
    \text{out} = x + y, \qquad
    \frac{\partial \text{out}}{\partial x} = \frac{\partial \text{out}}{\partial y} = 1, \qquad
    \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} = \frac{\partial L}{\partial \text{out}}
    $$

    The local derivatives are 1 whatever the inputs, so ``forward`` keeps only their shapes,
    to sum the gradient of a broadcast input back to its own shape (`unbroadcast`; for a
    bias added to a batch this is the sum over the samples).

    See Also
    --------
    MulLayer : the multiply node, which swaps its inputs.

    Examples
    --------
    >>> add = AddLayer()
    >>> add.forward(200, 450)
    650
    >>> add.backward(1.1)
    (1.1, 1.1)
    >>> x, b = np.zeros((4, 3)), np.zeros(3)        # a bias added to 4 samples
    >>> _ = add.forward(x, b)
    >>> dx, db = add.backward(np.ones((4, 3)))
    >>> dx.shape, db
    ((4, 3), array([4., 4., 4.]))
    """

    def __init__(self) -> None:
        self.shapes: tuple[tuple[int, ...], tuple[int, ...]] | None = None

    def forward(self, x, y):
        _operand("AddLayer.forward", "x", x)
        _operand("AddLayer.forward", "y", y)
        self.shapes = (np.shape(x), np.shape(y))
        return x + y

    def backward(self, dout):
        x_shape, y_shape = forward_cache("AddLayer.backward", self.shapes)
        dout = _operand("AddLayer.backward", "dout", dout)
        return unbroadcast(dout, x_shape), unbroadcast(dout, y_shape)
