r"""Gradient-based optimizers with the course's interface.

Every optimizer updates a dict of parameter arrays in place from a dict of gradients with the same
keys, ``optimizer.update(params, grads)``, exactly like ``common/optimizer.py`` of the course, so
networks and optimizers only meet through the two dicts. State (velocities, squared-gradient
sums, moments) is kept per key and created on the first ``update``; it has the dtype of the
parameter, so float32 parameters stay float32.

The learning rate is ``lr`` (the book's name); the course's ``learning_rate=`` is accepted too.
The formulas follow the course's code, with $\varepsilon = 10^{-7}$ added *outside* the
square root; each class says where a framework (PyTorch) writes the same method differently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._checks import floating, fraction, positive

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "RMSprop", "Adam"]


class Optimizer:
    """Base class: checks the dicts and calls `step` once per parameter key.

    Subclasses implement ``step(key, param, grad)``, which changes ``param`` in place.

    Examples
    --------
    A new method is one ``step``: here, SGD that clips each gradient to $[-1, 1]$.

    >>> class ClippedSGD(Optimizer):
    ...     def step(self, key, param, grad):
    ...         param -= self.lr * np.clip(grad, -1, 1)
    >>> params = {"w": np.array([0.0, 0.0])}
    >>> ClippedSGD(lr=0.5).update(params, {"w": np.array([10.0, -0.2])})
    >>> params["w"]
    array([-0.5,  0.1])
    """

    def __init__(self, lr: float, learning_rate: float | None = None) -> None:
        # The course's code calls it learning_rate; when given, it is the one used (lr keeps its default).
        self.lr = positive("lr", lr) if learning_rate is None else positive("learning_rate", learning_rate)

    @property
    def learning_rate(self) -> float:
        """The course's name for `lr`."""
        return self.lr

    def update(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Update every array of ``params`` in place, using the gradient under the same key.

        Every key is checked before any is updated, so bad input leaves the parameters and the
        optimizer's state (velocities, Adam's moments and step count) as they were.

        Raises
        ------
        KeyError
            If ``grads`` lacks a key of ``params``.
        TypeError
            If a parameter is not a floating-point array, or a gradient is not an array of
            real numbers (a list, a string, complex or object dtype).
        ValueError
            If a gradient's shape differs from its parameter's, or a parameter is read-only.
        """
        pairs = [(key, param, _gradient_for(key, param, grads)) for key, param in params.items()]
        self.begin_update()
        for key, param, grad in pairs:
            self.step(key, param, grad)

    def begin_update(self) -> None:
        """Called once per ``update``, before the steps: for state shared by all keys (Adam's t)."""

    def step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_") and not isinstance(v, dict))
        return f"{type(self).__name__}({settings})"


def _gradient_for(key: str, param: Any, grads: Mapping[str, np.ndarray]) -> np.ndarray:
    # Runs for every parameter of every step: the messages are built only on failure.
    if not (isinstance(param, np.ndarray) and param.dtype.kind == "f"):
        floating(f"params[{key!r}]", param, "updated in place")
    if not param.flags.writeable:
        raise ValueError(f"params[{key!r}] is read-only (flags.writeable is False), so it cannot be updated in "
                         f"place; pass a writeable array (param.copy())")
    try:
        grad = grads[key]
    except KeyError:
        raise KeyError(f"grads has no entry for parameter {key!r}; grads has keys {sorted(grads)}") from None
    if not (isinstance(grad, (np.ndarray, np.generic)) and grad.dtype.kind in "fiu"):
        raise TypeError(f"grads[{key!r}] must be a numpy array of real numbers, got "
                        + (f"dtype {grad.dtype}" if hasattr(grad, "dtype") else type(grad).__name__))
    if grad.shape != param.shape:
        raise ValueError(f"grads[{key!r}] has shape {grad.shape}, but params[{key!r}] has shape {param.shape}")
    return grad


class SGD(Optimizer):
    r"""Stochastic gradient descent: a step against the gradient.

    $$
    W \leftarrow W - \eta \frac{\partial L}{\partial W}
    $$

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$ (``learning_rate=`` in the course's code).

    See Also
    --------
    Momentum : adds a velocity that damps oscillation.

    Examples
    --------
    >>> params = {"w": np.array([1.0, -2.0])}
    >>> SGD(lr=0.1).update(params, {"w": np.array([0.5, -1.0])})
    >>> params["w"]
    array([ 0.95, -1.9 ])
    """

    def __init__(self, lr: float = 0.01, *, learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)

    def step(self, key, param, grad):
        param -= self.lr * grad


class Momentum(Optimizer):
    r"""SGD with momentum: the step is a decaying sum of past gradients.

    $$
    v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}, \qquad W \leftarrow W + v
    $$

    $v$ starts at zero. PyTorch's ``SGD(momentum=α)`` keeps $b = -v/\eta$ instead
    ($b \leftarrow \alpha b + g$, $W \leftarrow W - \eta b$): the same steps while $\eta$ is
    constant.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    momentum : float, default 0.9
        The decay $\alpha \in [0, 1)$ of the velocity.

    Examples
    --------
    >>> params = {"w": np.array([1.0])}
    >>> opt = Momentum(lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.update(params, {"w": np.array([1.0])})
    >>> opt.v["w"], params["w"]          # v = -0.1, then 0.9 * -0.1 - 0.1
    (array([-0.19]), array([0.71]))
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, *, learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)
        self.momentum = fraction("momentum", momentum)
        self.v: dict[str, np.ndarray] = {}

    def step(self, key, param, grad):
        v = self.v.setdefault(key, np.zeros_like(param))
        v *= self.momentum
        v -= self.lr * grad
        param += v


class Nesterov(Optimizer):
    r"""Nesterov's accelerated gradient: momentum that looks one step ahead.

    $$
    v \leftarrow \alpha v - \eta \frac{\partial L}{\partial W}, \qquad
    W \leftarrow W + \alpha v - \eta \frac{\partial L}{\partial W}
    $$

    with the gradient taken at the current $W$ (Sutskever et al., 2013, rewritten so that no
    look-ahead point is needed). This equals PyTorch's ``SGD(momentum=α, nesterov=True)``. The
    book's code adds $\alpha^2 v$ with the *updated* $v$, which counts the newest gradient
    twice; this class does not.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    momentum : float, default 0.9
        The decay $\alpha \in [0, 1)$ of the velocity.

    Examples
    --------
    >>> params = {"w": np.array([1.0])}
    >>> Nesterov(lr=0.1, momentum=0.9).update(params, {"w": np.array([1.0])})
    >>> params["w"]                      # 1 + 0.9 * (-0.1) - 0.1
    array([0.81])
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, *, learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)
        self.momentum = fraction("momentum", momentum)
        self.v: dict[str, np.ndarray] = {}

    def step(self, key, param, grad):
        v = self.v.setdefault(key, np.zeros_like(param))
        v *= self.momentum
        v -= self.lr * grad
        param += self.momentum * v - self.lr * grad


class AdaGrad(Optimizer):
    r"""AdaGrad: each parameter's step shrinks with the sum of its squared gradients.

    $$
    h \leftarrow h + \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W}, \qquad
    W \leftarrow W - \eta \frac{1}{\sqrt{h} + \varepsilon} \frac{\partial L}{\partial W}
    $$

    $h$ starts at zero and only grows, so the effective learning rate $\eta / \sqrt{h}$ decays
    towards zero: good on sparse gradients, too cautious late in long training. PyTorch's
    ``Adagrad`` (with ``eps=1e-7``) makes the same steps.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    eps : float, default 1e-7
        $\varepsilon > 0$, which keeps the first division finite.

    Examples
    --------
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> opt = AdaGrad(lr=0.5)
    >>> opt.update(params, {"w": np.array([2.0, 0.1])})
    >>> params["w"].round(6)             # the first step is lr * sign(g), whatever |g|
    array([0.5, 0.5])
    """

    def __init__(self, lr: float = 0.01, eps: float = 1e-7, *, learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)
        self.eps = positive("eps", eps)
        self.h: dict[str, np.ndarray] = {}

    def step(self, key, param, grad):
        h = self.h.setdefault(key, np.zeros_like(param))
        h += grad * grad
        param -= self.lr * grad / (np.sqrt(h) + self.eps)


class RMSProp(Optimizer):
    r"""RMSProp: AdaGrad with an exponential moving average, so old gradients are forgotten.

    $$
    h \leftarrow \rho h + (1 - \rho) \frac{\partial L}{\partial W} \odot \frac{\partial L}{\partial W},
    \qquad
    W \leftarrow W - \eta \frac{1}{\sqrt{h} + \varepsilon} \frac{\partial L}{\partial W}
    $$

    $h$ starts at zero. PyTorch's ``RMSprop(alpha=ρ, eps=1e-7)`` makes the same steps.
    ``RMSprop`` (the course's spelling) is the same class.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    decay_rate : float, default 0.99
        The decay $\rho \in [0, 1)$ of the moving average.
    eps : float, default 1e-7
        $\varepsilon > 0$.

    Examples
    --------
    >>> params = {"w": np.array([1.0])}
    >>> RMSProp(lr=0.1, decay_rate=0.9).update(params, {"w": np.array([2.0])})
    >>> params["w"].round(6)             # h = 0.1 * 4, step = 0.1 * 2 / sqrt(0.4)
    array([0.683772])
    """

    def __init__(self, lr: float = 0.01, decay_rate: float = 0.99, eps: float = 1e-7, *,
                 learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)
        self.decay_rate = fraction("decay_rate", decay_rate)
        self.eps = positive("eps", eps)
        self.h: dict[str, np.ndarray] = {}

    def step(self, key, param, grad):
        h = self.h.setdefault(key, np.zeros_like(param))
        h *= self.decay_rate
        h += (1 - self.decay_rate) * grad * grad
        param -= self.lr * grad / (np.sqrt(h) + self.eps)


RMSprop = RMSProp


class Adam(Optimizer):
    r"""Adam: momentum on the gradient and RMSProp's scaling, both bias-corrected.

    With $g = \partial L / \partial W$ and $t$ the number of updates so far (from 1):

    $$
    m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
    v \leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g
    $$

    $$
    W \leftarrow W - \eta_t \frac{m}{\sqrt{v} + \varepsilon}, \qquad
    \eta_t = \eta \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}
    $$

    $m$ and $v$ start at zero, so early on they are biased towards zero; $\eta_t$ undoes that
    bias: it equals the paper's step $\eta\, \hat m / (\sqrt{\hat v} + \hat\varepsilon)$ with
    $\hat m = m / (1 - \beta_1^t)$, $\hat v = v / (1 - \beta_2^t)$ and
    $\hat\varepsilon = \varepsilon / \sqrt{1 - \beta_2^t}$. This is the course's form; PyTorch's
    ``Adam`` adds $\varepsilon$ to $\sqrt{\hat v}$, a difference that only shows while
    $\sqrt{v}$ is as small as $\varepsilon$.

    Parameters
    ----------
    lr : float, default 0.001
        The learning rate $\eta > 0$.
    beta1, beta2 : float, default 0.9 and 0.999
        Decays of the first and second moment, in $[0, 1)$.
    eps : float, default 1e-7
        $\varepsilon > 0$.

    Examples
    --------
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> opt = Adam(lr=0.1)
    >>> opt.update(params, {"w": np.array([3.0, -0.01])})
    >>> params["w"].round(4), opt.iter   # the first step is about lr * sign(g)
    (array([0.9, 1.1]), 1)
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-7, *,
                 learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)
        self.beta1 = fraction("beta1", beta1)
        self.beta2 = fraction("beta2", beta2)
        self.eps = positive("eps", eps)
        self.iter = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def begin_update(self):
        self.iter += 1
        # A Python float, not np.sqrt's float64 scalar, which would turn float32 steps into float64.
        self._lr_t = self.lr * math.sqrt(1 - self.beta2**self.iter) / (1 - self.beta1**self.iter)

    def step(self, key, param, grad):
        m = self.m.setdefault(key, np.zeros_like(param))
        v = self.v.setdefault(key, np.zeros_like(param))
        m += (1 - self.beta1) * (grad - m)
        v += (1 - self.beta2) * (grad * grad - v)
        param -= self._lr_t * m / (np.sqrt(v) + self.eps)
