r"""Numerical derivatives and gradients by central differences, and checks of backward passes against them.

Backpropagation is fast but easy to get wrong; the numerical gradient is slow (two function
evaluations per entry) but follows from the definition of the derivative. Comparing the two
is how every ``backward`` in ``dl_notes`` is tested. Run the checks in float64: with
$h = 10^{-4}$, float32's resolution ($\approx 10^{-7}$) would swamp the differences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from ._checks import floating, one_of, positive

__all__ = ["numerical_diff", "numerical_gradient", "relative_error", "check_layer", "check_network"]

# Attributes under which layers keep their parameters; the gradient is under "d" + name.
PARAMETER_NAMES = ("W", "b", "gamma", "beta")


def numerical_diff(f: Callable[[float], float], x: float, h: float = 1e-4, method: str = "central") -> float:
    r"""The derivative of a function of one variable at ``x``, by a difference quotient.

    $$
    \text{central: } f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}, \qquad
    \text{forward: } f'(x) \approx \frac{f(x + h) - f(x)}{h}
    $$

    The central difference is the book's ``numerical_diff``: its truncation error is
    $O(h^2)$ (about $\frac{h^2}{6} |f^{(3)}(x)|$), the forward difference's $O(h)$ (about
    $\frac{h}{2} |f''(x)|$). Rounding adds about $\epsilon |f(x)| / h$
    ($\epsilon \approx 2.2 \times 10^{-16}$ in float64), which grows as $h$ shrinks;
    $h = 10^{-4}$ keeps both small for the central difference. Too small an $h$ is useless:
    $x + 10^{-50} = x$ in float64, so the difference is exactly 0.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a number (or, for an array ``x``, an array of the same shape).
    x : float or ndarray
        Where to differentiate; an array gives the derivative at each entry.
    h : float, default 1e-4
        The step $h > 0$.
    method : {"central", "forward"}, default "central"
        Which difference quotient.

    Returns
    -------
    float or ndarray
        The estimate of $f'(x)$.

    Raises
    ------
    ValueError
        If ``h`` is not positive or ``method`` is neither ``"central"`` nor ``"forward"``.

    See Also
    --------
    numerical_gradient : the partial derivatives of a function of several variables.

    Examples
    --------
    >>> f = lambda x: 0.01 * x**2 + 0.1 * x      # f'(x) = 0.02x + 0.1
    >>> round(numerical_diff(f, 5.0), 10), round(numerical_diff(f, 10.0), 10)
    (0.2, 0.3)
    >>> round(numerical_diff(f, 5.0, method="forward"), 10)   # off by h/2 f'' = 1e-6
    0.200001
    >>> numerical_diff(f, 5.0, h=1e-50)           # 5 + 1e-50 == 5: no change at all
    0.0
    """
    h = positive("h", h)
    if one_of("method", method, ("central", "forward")) == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    return (f(x + h) - f(x)) / h


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    r"""The gradient of a scalar function ``f`` at ``x``, by central differences.

    $$
    \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}
    $$

    The error is $O(h^2)$, against $O(h)$ for the one-sided difference. Like the course's
    ``numerical_gradient``, it changes one entry of ``x`` in place at a time and puts it back,
    and calls ``f(x)``: so ``f`` may ignore its argument and read ``x`` through a closure, as in
    ``numerical_gradient(lambda W: net.loss(x, t), net.params["W1"])``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a number.
    x : ndarray
        A floating-point array of any shape; restored on return.
    h : float, default 1e-4
        The step $h > 0$.

    Returns
    -------
    ndarray
        Same shape and dtype as ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not a floating-point array (it must be changed in place).

    See Also
    --------
    check_layer : compares a layer's backward pass with this.

    Examples
    --------
    >>> x = np.array([3.0, 4.0])
    >>> numerical_gradient(lambda x: np.sum(x**2), x).round(6)   # 2x
    array([6., 8.])
    >>> x
    array([3., 4.])
    """
    floating("x", x, "changed in place")
    h = positive("h", h)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-5) -> float:
    r"""The largest difference between two gradients, relative to the largest entry.

    $$
    \mathrm{err}(a, b) = \frac{\max_i |a_i - b_i|}{\max\bigl(\max_i |a_i|,\ \max_i |b_i|,\ \text{floor}\bigr)}
    $$

    Relative to the whole array rather than entry by entry, so entries that are zero up to
    rounding do not blow it up. Below ``floor`` the difference counts in absolute terms: a
    central difference cannot resolve smaller gradients, because rounding makes it wrong by
    about $\epsilon_\text{float64} |f| / h \approx 10^{-12}$ for $h = 10^{-4}$ (think of
    the bias of a layer followed by batch normalisation, whose gradient is zero by construction).

    Parameters
    ----------
    a, b : array_like
        The same shape.
    floor : float, default 1e-5
        The smallest scale divided by.

    Raises
    ------
    ValueError
        If the shapes differ.

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.5]))   # 0.5 / 2.5
    0.2
    >>> relative_error(np.array([2e-12]), np.array([0.0]))            # 2e-12 / floor
    2e-07
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"the gradients must have the same shape, got {a.shape} and {b.shape}")
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0), floor)
    return 0.0 if scale == 0 else float(np.abs(a - b).max(initial=0.0) / scale)


def _reseed(layers: Iterable[object], seed: int) -> None:
    """Give every layer that draws random numbers a generator from ``seed``: the same masks each pass."""
    for i, layer in enumerate(layers):
        if isinstance(getattr(layer, "rng", None), np.random.Generator):
            layer.rng = np.random.default_rng([seed, i])


def check_layer(layer, x: np.ndarray, *args, dout: np.ndarray | None = None, seed: int = 0, h: float = 1e-4,
                **kwargs) -> dict[str, float]:
    r"""Compare a layer's backward pass with numerical gradients; return the relative errors.

    The scalar whose gradient is checked is

    $$
    s(x, \theta) = \sum_i \mathrm{forward}(x; \theta)_i\, \mathrm{dout}_i, \qquad
    \frac{\partial s}{\partial x} = \texttt{backward(dout)}, \quad
    \frac{\partial s}{\partial \theta} = \texttt{d}\theta
    $$

    so its gradient with respect to $x$ is exactly what ``backward(dout)`` must return, and with
    respect to each parameter $\theta$ what it must store (``dW``, ``db``, ``dgamma``, ``dbeta``).

    A layer with an ``rng`` attribute (dropout) gets a generator from ``seed`` before every
    forward pass, so all passes use the same mask.

    Parameters
    ----------
    layer : object
        Has ``forward(x, *args, **kwargs)`` and ``backward(dout)``.
    x : ndarray
        Float64 input (changed and restored during the check).
    *args, **kwargs
        Passed on to ``forward`` (e.g. the labels of a loss layer, ``train_flg=True``).
    dout : ndarray, optional
        The upstream gradient; random (from ``seed``) by default, 1 for a scalar output.
    seed : int, default 0
    h : float, default 1e-4

    Returns
    -------
    dict of str to float
        `relative_error` for ``"x"`` and for every parameter the layer has.

    Examples
    --------
    >>> from dl_notes.layers import Affine
    >>> rng = np.random.default_rng(0)
    >>> layer = Affine(rng.standard_normal((3, 2)), rng.standard_normal(2))
    >>> errors = check_layer(layer, rng.standard_normal((4, 3)))
    >>> sorted(errors), max(errors.values()) < 1e-8
    (['W', 'b', 'x'], True)
    """
    rng = np.random.default_rng(seed)

    def forward():
        _reseed([layer], seed)
        return layer.forward(x, *args, **kwargs)

    out = forward()
    if dout is None:
        dout = 1.0 if np.ndim(out) == 0 else rng.standard_normal(np.shape(out))
    analytic = {"x": layer.backward(dout)}
    names = [n for n in PARAMETER_NAMES if isinstance(getattr(layer, n, None), np.ndarray) and hasattr(layer, "d" + n)]
    analytic.update({n: np.array(getattr(layer, "d" + n)) for n in names})

    def scalar(_):
        return np.sum(forward() * dout)

    return {n: relative_error(analytic[n], numerical_gradient(scalar, x if n == "x" else getattr(layer, n), h))
            for n in analytic}


def check_network(network, x: np.ndarray, t: np.ndarray, seed: int = 0, h: float = 1e-4) -> dict[str, float]:
    r"""Compare ``network.gradient(x, t)`` with numerical gradients of its loss, per parameter.

    $$
    \mathrm{err}_k = \mathrm{err}\!\left(\texttt{gradient}(x, t)[k],\
    \frac{\partial\, \texttt{loss}(x, t, \texttt{train\_flg=True})}{\partial\, \texttt{params}[k]}\right)
    $$

    Dropout layers get generators from ``seed`` before each pass, so the mask is the same in
    every evaluation. Use a float64 network.

    Returns
    -------
    dict of str to float
        `relative_error` per key of ``network.params``.

    Examples
    --------
    >>> from dl_notes.nets import MultiLayerNet
    >>> net = MultiLayerNet(4, [3], 2, dtype=np.float64, seed=0)
    >>> x, t = np.random.default_rng(1).standard_normal((5, 4)), np.array([0, 1, 1, 0, 1])
    >>> errors = check_network(net, x, t)
    >>> list(errors), max(errors.values()) < 1e-6
    (['W1', 'b1', 'W2', 'b2'], True)
    """
    layers = list(network.layers.values())
    _reseed(layers, seed)
    grads = network.gradient(x, t)

    def loss(_):
        _reseed(layers, seed)
        return network.loss(x, t, train_flg=True)

    return {key: relative_error(grads[key], numerical_gradient(loss, param, h)) for key, param in network.params.items()}
