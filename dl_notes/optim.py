r"""Gradient-based optimizers with the course's interface.

Every optimizer updates a dict of parameter arrays in place from a dict of gradients with the same
keys, ``optimizer.update(params, grads)``, exactly like ``common/optimizer.py`` of the course, so
networks and optimizers only meet through the two dicts. A parameter that is a plain number (the
book's two-variable scripts pass Python floats) is replaced in the dict by its updated value, as
the book's ``params[key] -= ...`` does. State (velocities, squared-gradient sums, moments) is kept
per key and created on the first ``update``; it has the dtype of the parameter, so float32
parameters stay float32.

The learning rate is ``lr`` (the book's name); the course's ``learning_rate=`` is accepted too.
The formulas follow the course's code, with $\varepsilon = 10^{-7}$ added *outside* the
square root; each class says where a framework (PyTorch) writes the same method differently.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, MutableMapping
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_floating, count, fraction, nonnegative, positive
from .gradcheck import numerical_gradient

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "RMSprop", "Adam", "gradient_descent"]


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

    def update(self, params: MutableMapping[str, Any], grads: Mapping[str, Any]) -> None:
        """Update every parameter of ``params``, using the gradient under the same key.

        An array is updated in place (so a layer that shares it sees the change); a plain number
        (a Python float, or a NumPy scalar) cannot be, so the dict gets the new value under the
        same key, a float of the same type, as the book's code does for its two-variable examples.

        Every key is checked before any is updated, so bad input leaves the parameters and the
        optimizer's state (velocities, Adam's moments and step count) as they were.

        Raises
        ------
        KeyError
            If ``grads`` lacks a key of ``params``.
        TypeError
            If a parameter is neither a floating-point array nor a real number, or a gradient is
            not a real number or an array of them (a list, a string, complex or object dtype).
        ValueError
            If a gradient's shape differs from its parameter's, or a parameter is read-only.

        Examples
        --------
        >>> params = {"x": -7.0, "y": 2.0}           # floats, as in the book's optimizer_compare_naive.py
        >>> AdaGrad(lr=1.5).update(params, {"x": -0.7, "y": 4.0})
        >>> {key: round(value, 6) for key, value in params.items()}   # each moved by lr = 1.5
        {'x': -5.5, 'y': 0.5}
        >>> type(params["y"])                        # replaced in the dict, still a float
        <class 'float'>
        """
        entries = [(key, *_parameter(key, param, params), _gradient_for(key, param, grads))
                   for key, param in params.items()]
        self.begin_update()
        for key, array, rebind, grad in entries:
            self.step(key, array, grad)
            if rebind is not None:
                params[key] = rebind(array)

    def begin_update(self) -> None:
        """Called once per ``update``, before the steps: for state shared by all keys (Adam's t)."""

    def step(self, key: str, param: np.ndarray, grad: np.ndarray) -> None:  # pragma: no cover
        raise NotImplementedError

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_") and not isinstance(v, dict))
        return f"{type(self).__name__}({settings})"


def _parameter(key: str, param: Any, params: Mapping) -> tuple[np.ndarray, Any]:
    """The array to step on, and how to put it back into the dict (None: it was updated in place)."""
    # Runs for every parameter of every step: the common case is checked first, messages built only on failure.
    if isinstance(param, np.ndarray) and param.dtype.kind == "f":
        if not param.flags.writeable:
            raise ValueError(f"params[{key!r}] is read-only (flags.writeable is False), so it cannot be updated in "
                             f"place; pass a writeable array (param.copy())")
        return param, None
    if isinstance(param, Real) and not isinstance(param, (bool, np.bool_)):
        if not isinstance(params, MutableMapping):
            raise TypeError(f"params[{key!r}] is a number, which is updated by storing the new value in params, "
                            f"but params is a read-only {type(params).__name__}; pass a dict")
        if isinstance(param, np.floating):  # a NumPy scalar keeps its type: float32 stays float32
            return np.array(param), lambda a: a[()]
        return np.array(float(param)), float  # a Python number comes back a Python float
    raise TypeError(f"params[{key!r}] must be a floating-point numpy array (updated in place) or a real number "
                    f"(replaced in the dict), got {type(param).__name__}"
                    + (f" of dtype {param.dtype}" if isinstance(param, np.ndarray) else ""))


def _gradient_for(key: str, param: Any, grads: Mapping[str, Any]) -> np.ndarray:
    try:
        grad = grads[key]
    except KeyError:
        raise KeyError(f"grads has no entry for parameter {key!r}; grads has keys {sorted(grads)}") from None
    if isinstance(grad, (int, float)) and not isinstance(grad, bool):  # the book's df(x, y) returns floats
        grad = np.asarray(grad)
    if not (isinstance(grad, (np.ndarray, np.generic)) and grad.dtype.kind in "fiu"):
        raise TypeError(f"grads[{key!r}] must be a real number or a numpy array of them, got "
                        + (f"dtype {grad.dtype}" if hasattr(grad, "dtype") else type(grad).__name__))
    if grad.shape != np.shape(param):
        raise ValueError(f"grads[{key!r}] has shape {grad.shape}, but params[{key!r}] has shape {np.shape(param)}")
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

    with the gradient taken at the current $W$. This is the look-ahead form of Sutskever et al.
    (2013), $v \leftarrow \alpha v - \eta \nabla L(\theta + \alpha v)$, $\theta \leftarrow \theta + v$,
    written for the look-ahead point $W = \theta + \alpha v$ itself, so that no second point is
    needed. It equals PyTorch's ``SGD(momentum=α, nesterov=True)`` and the book's current code
    ($W \leftarrow W + \alpha^2 v - (1 + \alpha)\eta\, \partial L / \partial W$ with the *old* $v$).
    The book's code before its commit 89eadd0 ("Fix Nesterov update function"), which the course's
    copy keeps, updates $v$ first and then adds $\alpha^2 v$ with the *updated* $v$, which counts the
    newest gradient twice; this class does not.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    momentum : float, default 0.9
        The decay $\alpha \in [0, 1)$ of the velocity.

    See Also
    --------
    Momentum : the same velocity, with the gradient taken before the step.

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

    $h$ starts at $h_0$ (zero by default, as in the book's code) and only grows, so the effective
    learning rate $\eta / \sqrt{h}$ decays towards zero: good on sparse gradients, too cautious
    late in long training. With $h_0 = 0$ the first step is $\eta \operatorname{sign} g$ whatever
    the size of $g$; the course writes $h_0 = \theta$ (a small constant), which leaves steps on
    gradients much larger than $\sqrt{\theta}$ unchanged and shortens those on smaller ones to
    about $\eta g / \sqrt{\theta}$. PyTorch's ``Adagrad`` (with ``eps=1e-7`` and
    ``initial_accumulator_value=h0``) makes the same steps.

    Parameters
    ----------
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    eps : float, default 1e-7
        $\varepsilon > 0$, which keeps the first division finite.
    initial_accumulator_value : float, default 0
        $h_0 \ge 0$, the value $h$ starts at (PyTorch's and Keras's name; the course's $\theta$).

    Examples
    --------
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> opt = AdaGrad(lr=0.5)
    >>> opt.update(params, {"w": np.array([2.0, 0.1])})
    >>> params["w"].round(6)             # the first step is lr * sign(g), whatever |g|
    array([0.5, 0.5])

    Starting from $h_0 = 10^{-4}$, a gradient far below $\sqrt{h_0} = 0.01$ gets a shorter step:

    >>> params = {"w": np.array([1.0, 1.0])}
    >>> AdaGrad(lr=0.5, initial_accumulator_value=1e-4).update(params, {"w": np.array([2.0, 0.001])})
    >>> params["w"].round(4)
    array([0.5   , 0.9502])
    """

    def __init__(self, lr: float = 0.01, eps: float = 1e-7, initial_accumulator_value: float = 0.0, *,
                 learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate)
        self.eps = positive("eps", eps)
        self.initial_accumulator_value = nonnegative("initial_accumulator_value", initial_accumulator_value)
        self.h: dict[str, np.ndarray] = {}

    def step(self, key, param, grad):
        h = self.h.setdefault(key, np.full_like(param, self.initial_accumulator_value))
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


def gradient_descent(f: Callable[[np.ndarray], float], init_x: ArrayLike, lr: float = 0.01, step_num: int = 100,
                     *, history: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    r"""Minimise ``f`` by gradient descent with numerical gradients: the book's ``gradient_descent``.

    $$
    x \leftarrow x - \eta \nabla f(x)
    $$

    repeated ``step_num`` times, with $\nabla f$ from `dl_notes.gradcheck.numerical_gradient`
    (central differences, $h = 10^{-4}$) and $\eta$ = ``lr``. ``init_x`` is copied, not changed
    (the book's version overwrites it).

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a number; ``x`` is a float array shaped like ``init_x``.
    init_x : array_like
        The starting point, any shape.
    lr : float, default 0.01
        The learning rate $\eta > 0$.
    step_num : int, default 100
        The number of steps, $\ge 0$.
    history : bool, default False
        Also return every point visited (the book's ``gradient_method.py`` records them for its
        figure).

    Returns
    -------
    x : ndarray
        The last point, shaped like ``init_x`` (float64 unless ``init_x`` is floating).
    path : ndarray, shape (step_num + 1, \*init_x.shape)
        Only with ``history=True``: the start, then the point after each step (the book's
        ``gradient_method.py`` keeps the points before each step, so its last is ``path[-2]``).

    Raises
    ------
    ValueError
        If ``lr`` is not positive, ``step_num`` is not a non-negative integer, or ``init_x`` is
        not finite.
    FloatingPointError
        If a step leaves the finite numbers (the learning rate is far too large); the message
        names the step.

    See Also
    --------
    SGD : the same step as an optimizer, with gradients from backpropagation.

    Examples
    --------
    >>> f = lambda x: x[0]**2 + x[1]**2
    >>> gradient_descent(f, np.array([-3.0, 4.0]), lr=0.1, step_num=100)   # the minimum is (0, 0)
    array([-6.11110793e-10,  8.14814391e-10])
    >>> x, path = gradient_descent(f, [-3.0, 4.0], lr=0.1, step_num=2, history=True)
    >>> path                           # each step multiplies x by 1 - 2 lr = 0.8
    array([[-3.  ,  4.  ],
           [-2.4 ,  3.2 ],
           [-1.92,  2.56]])
    """
    lr = positive("lr", lr)
    step_num = count("step_num", step_num, minimum=0)
    x = as_floating(init_x).copy()
    if not np.all(np.isfinite(x)):
        raise ValueError(f"gradient_descent: init_x must be finite, got {x}")
    path = [x.copy()] if history else None
    for step in range(1, step_num + 1):
        x -= lr * numerical_gradient(f, x)
        if not np.all(np.isfinite(x)):
            raise FloatingPointError(f"gradient_descent: x is not finite after step {step} (lr={lr:g}); lower lr")
        if history:
            path.append(x.copy())
    return (x, np.array(path)) if history else x
