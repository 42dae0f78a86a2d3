r"""WaveNet's building block: the dilated causal convolution, and its receptive field.

A **causal** convolution over time pads only on the left, so output $t$ sees inputs up to $t$
and never a later one; a **dilated** one spaces its $K$ taps $d$ steps apart. Stacking layers
with dilations $1, 2, 4, \dots$ (van den Oord et al., 2016) makes the receptive field grow
exponentially with depth while the parameters grow linearly: `receptive_field` and
`stack_parameters` compute both, `wavenet_dilations` the schedule, `influence` measures which
inputs one output depends on by backpropagation through a stack of `CausalConv1D` layers.
`GatedActivation` is WaveNet's $\tanh \odot \sigma$ unit.

Causality is what an autoregressive model needs: WaveNet learns the joint probability of a
waveform as a product of conditionals, each predicted from the past only,

$$
p(\boldsymbol{x}) = \prod_{t=1}^{T} p(x_t \mid x_1, \dots, x_{t-1})
$$

`causal_conv1d_naive` is the loop oracle of `CausalConv1D`. The page "WaveNet" teaches all of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._checks import array, batch, count, forward_cache, parameter, upstream_gradient
from .activations import sigmoid

__all__ = ["causal_conv1d_naive", "CausalConv1D", "GatedActivation", "receptive_field", "wavenet_dilations",
           "stack_parameters", "layers_to_match", "causal_stack", "influence"]


def _sequence_batch(where: str, x: object, dtype: np.dtype | None = None) -> np.ndarray:
    """``x`` as a batch of sequences (N, C, T) in ``dtype`` (its own if floating, else float64)."""
    x = array(f"{where}: x", batch(where, x), ndim=3, layout="(N, C, T)")
    if dtype is None:
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return x if x.dtype == dtype else x.astype(dtype)


def _check_channels(where: str, x: np.ndarray, W: np.ndarray) -> None:
    if x.shape[1] != W.shape[1]:
        raise ValueError(f"{where}: x has C = {x.shape[1]} channels (shape {x.shape}), but W of shape {W.shape} "
                         f"expects C_in = {W.shape[1]}; give x of shape (N, {W.shape[1]}, T)")


def causal_conv1d_naive(x: ArrayLike, W: ArrayLike, b: ArrayLike | None = None, dilation: int = 1) -> np.ndarray:
    r"""Dilated causal 1-D convolution written as plain loops (the oracle of `CausalConv1D`).

    $$
    y_{n,o,t} = b_o + \sum_{c=0}^{C-1} \sum_{k=0}^{K-1} W_{o,c,k}\; x_{n,\,c,\,t-(K-1-k)d}
    $$

    with $x_{n,c,s} = 0$ for $s < 0$ (left padding of $(K-1)d$ zeros): the last tap $k = K-1$
    reads the current step $t$, the first reads $(K-1)d$ steps back, nothing reads ahead.

    Parameters
    ----------
    x : array_like, shape (N, C, T)
    W : array_like, shape (C_out, C, K)
    b : array_like, shape (C_out,), optional
        Zero when omitted.
    dilation : int, default 1
        $d$, the spacing of the taps.

    Returns
    -------
    ndarray, shape (N, C_out, T)

    See Also
    --------
    CausalConv1D : the same result from one matrix product.

    Examples
    --------
    >>> x = np.arange(1.0, 7.0).reshape(1, 1, 6)
    >>> causal_conv1d_naive(x, np.array([[[10.0, 1.0]]]), dilation=2)   # 10 x[t-2] + x[t]
    array([[[ 1.,  2., 13., 24., 35., 46.]]])
    """
    x = array("causal_conv1d_naive: x", x, ndim=3, layout="(N, C, T)")
    W = array("causal_conv1d_naive: W", W, ndim=3, layout="(C_out, C, K)")
    _check_channels("causal_conv1d_naive", x, W)
    d = count("causal_conv1d_naive: dilation", dilation, 1)
    N, C, T = x.shape
    C_out, _, K = W.shape
    b = np.zeros(C_out, dtype=W.dtype) if b is None else np.asarray(b)
    y = np.empty((N, C_out, T), dtype=np.result_type(x, W, b))
    for n in range(N):
        for o in range(C_out):
            for t in range(T):
                total = b[o]
                for k in range(K):
                    s = t - (K - 1 - k) * d
                    if s >= 0:
                        total = total + np.dot(W[o, :, k], x[n, :, s])
                y[n, o, t] = total
    return y


class CausalConv1D:
    r"""Dilated causal convolution layer over time: output $t$ depends only on inputs up to $t$.

    $$
    y_{n,o,t} = b_o + \sum_{c=0}^{C-1} \sum_{k=0}^{K-1} W_{o,c,k}\; x_{n,\,c,\,t-(K-1-k)d}
    $$

    The input is padded on the left with $(K-1)d$ zeros, so the output keeps the length $T$.
    This is PyTorch's ``F.conv1d(F.pad(x, ((K-1)*d, 0)), W, b, dilation=d)``: the same
    orientation of ``W`` (no flip), tap $k = K-1$ on the current step. Forward gathers the
    $K$ shifted copies into columns of shape (N, C·K, T), one matrix product does the rest.

    Parameters
    ----------
    W : ndarray, shape (C_out, C, K)
        Floating point; kept, not copied (shared with ``params``).
    b : ndarray, shape (C_out,)
    dilation : int, default 1

    Attributes
    ----------
    dW : ndarray, shape (C_out, C, K)
        Gradient of the loss with respect to ``W``, set by `backward`.
    db : ndarray, shape (C_out,)
        Gradient with respect to ``b``.

    Raises
    ------
    TypeError
        When ``W`` or ``b`` is not a floating-point array.
    ValueError
        When their shapes do not fit, the dilation is not a positive integer, or (in `forward`)
        ``x`` is not 3-D (N, C, T) with ``C`` channels.

    See Also
    --------
    causal_conv1d_naive : the loop oracle.
    receptive_field : how far back a stack of these layers sees.

    Examples
    --------
    >>> conv = CausalConv1D(np.array([[[10.0, 1.0]]]), np.zeros(1), dilation=2)
    >>> conv.forward(np.arange(1.0, 7.0).reshape(1, 1, 6))          # 10 x[t-2] + x[t]
    array([[[ 1.,  2., 13., 24., 35., 46.]]])
    >>> conv.backward(np.array([[[0.0, 0.0, 0.0, 1.0, 0.0, 0.0]]]))  # y[3] reads x[1] and x[3]
    array([[[ 0., 10.,  0.,  1.,  0.,  0.]]])
    >>> conv.dW, conv.db
    (array([[[2., 4.]]]), array([1.]))
    """

    def __init__(self, W: np.ndarray, b: np.ndarray, dilation: int = 1) -> None:
        parameter("CausalConv1D: W", W, 3, layout="(C_out, C, K)")
        parameter("CausalConv1D: b", b, 1, layout="(C_out,)")
        if b.shape != (W.shape[0],):
            raise ValueError(f"CausalConv1D: b has shape {b.shape}, but W of shape {W.shape} has C_out = {W.shape[0]} "
                             f"filters; give b of shape ({W.shape[0]},)")
        self.W, self.b = W, b
        self.dilation = count("CausalConv1D: dilation", dilation, 1)
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        self.cols: np.ndarray | None = None
        self.x_shape: tuple[int, ...] | None = None

    @property
    def kernel_size(self) -> int:
        """$K$, the number of taps."""
        return self.W.shape[2]

    def forward(self, x: ArrayLike) -> np.ndarray:
        """The output, shape (N, C_out, T), in the dtype of ``W``."""
        where = "CausalConv1D.forward"
        x = _sequence_batch(where, x, self.W.dtype)
        _check_channels(where, x, self.W)
        N, C, T = x.shape
        C_out, _, K = self.W.shape
        d = self.dilation
        P = (K - 1) * d
        xp = np.zeros((N, C, P + T), dtype=x.dtype)                 # (N, C, P+T): P zeros on the left
        xp[:, :, P:] = x
        cols = np.empty((N, C, K, T), dtype=x.dtype)
        for k in range(K):                                          # tap k reads x[t - (K-1-k) d] = xp[t + k d]
            cols[:, :, k] = xp[:, :, k * d:k * d + T]
        self.cols = cols.reshape(N, C * K, T)                       # (N, C*K, T)
        self.x_shape = x.shape
        out = np.matmul(self.W.reshape(C_out, C * K), self.cols)   # (N, C_out, T)
        out += self.b[:, None]
        return out

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """Store ``dW`` and ``db``; return dL/dx, shape (N, C, T)."""
        where = "CausalConv1D.backward"
        N, C, T = forward_cache(where, self.x_shape)
        C_out, _, K = self.W.shape
        d = self.dilation
        P = (K - 1) * d
        dout = upstream_gradient(where, dout, (N, C_out, T), self.W.dtype)
        self.db = dout.sum(axis=(0, 2))                                                      # (C_out,)
        self.dW = np.matmul(dout, self.cols.transpose(0, 2, 1)).sum(axis=0).reshape(C_out, C, K)
        dcols = np.matmul(self.W.reshape(C_out, C * K).T, dout).reshape(N, C, K, T)           # (N, C, K, T)
        dxp = np.zeros((N, C, P + T), dtype=dout.dtype)
        for k in range(K):                                          # the adjoint of the gather in forward
            dxp[:, :, k * d:k * d + T] += dcols[:, :, k]
        return dxp[:, :, P:]                                        # (N, C, T): the padding has no gradient

    def __repr__(self) -> str:
        return f"CausalConv1D(W: {self.W.shape} {self.W.dtype}, dilation={self.dilation})"


class GatedActivation:
    r"""WaveNet's gated activation unit: a tanh filter times a sigmoid gate.

    $$
    z = \tanh(a) \odot \sigma(g), \qquad (a, g) = (W_f * x,\ W_g * x)
    $$

    The input holds both convolutions' outputs stacked on the channel axis, $a$ first:
    shape (N, 2C, T) gives $z$ of shape (N, C, T). A causal convolution with $2C$ output
    channels computes $W_f * x$ and $W_g * x$ at once. As in an LSTM's gates, $\sigma(g) \in (0, 1)$
    decides how much of the filter's output passes.

    Raises
    ------
    ValueError
        When ``x`` is not 3-D with an even number of channels.

    See Also
    --------
    CausalConv1D : the convolution in front of it.

    Examples
    --------
    >>> gate = GatedActivation()
    >>> z = gate.forward(np.array([[[0.0, 1.0], [0.0, 0.0]]]))     # a = (0, 1), g = (0, 0)
    >>> z.round(4)                                                  # tanh(a) * 0.5
    array([[[0.    , 0.3808]]])
    >>> gate.backward(np.ones((1, 1, 2))).round(4)                  # d/da, then d/dg
    array([[[0.5   , 0.21  ],
            [0.    , 0.1904]]])
    """

    def __init__(self) -> None:
        self.filter: np.ndarray | None = None
        self.gate: np.ndarray | None = None

    def forward(self, x: ArrayLike) -> np.ndarray:
        r"""$\tanh(a) \odot \sigma(g)$, shape (N, C, T)."""
        x = _sequence_batch("GatedActivation.forward", x)
        if x.shape[1] % 2:
            raise ValueError(f"GatedActivation.forward: x has {x.shape[1]} channels (shape {x.shape}); it needs an "
                             "even number, the filter's C channels then the gate's C")
        C = x.shape[1] // 2
        self.filter, self.gate = np.tanh(x[:, :C]), sigmoid(x[:, C:])
        return self.filter * self.gate

    def backward(self, dout: ArrayLike) -> np.ndarray:
        """dL/dx, shape (N, 2C, T): the filter's half, then the gate's."""
        forward_cache("GatedActivation.backward", self.filter)
        dout = upstream_gradient("GatedActivation.backward", dout, self.filter.shape, self.filter.dtype)
        da = dout * self.gate * (1 - self.filter ** 2)              # tanh' = 1 - tanh^2
        dg = dout * self.filter * self.gate * (1 - self.gate)       # sigma' = sigma (1 - sigma)
        return np.concatenate([da, dg], axis=1)


def _dilations(name: str, dilations: Sequence[int]) -> list[int]:
    dilations = list(dilations)
    if not dilations:
        raise ValueError(f"{name}: dilations is empty; give one dilation per layer, e.g. [1, 2, 4, 8]")
    return [count(f"{name}: dilations[{i}]", d, 1) for i, d in enumerate(dilations)]


def receptive_field(kernel_size: int, dilations: Sequence[int]) -> int:
    r"""How many input steps one output of a stack of causal convolutions depends on.

    $$
    R = 1 + \sum_{i=1}^{L} (K - 1)\, d_i
    $$

    Layer $i$ reaches $(K-1)d_i$ steps further back than its input does. With $d_i = 1$ the
    field grows linearly, $R = 1 + (K-1)L$; with $d_i = 2^{i-1}$ exponentially,
    $R = 1 + (K-1)(2^L - 1)$, which is $2^L$ for $K = 2$.

    $R$ is the span from the oldest step read to the current one. Every step inside it is read
    when each dilation is at most one more than $(K-1)$ times the sum of the earlier ones, as in
    WaveNet's schedule; dilations that grow faster leave holes (`influence` shows them).

    Parameters
    ----------
    kernel_size : int
        $K \ge 1$, the same in every layer.
    dilations : sequence of int
        $d_1, \dots, d_L$, one per layer.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When ``kernel_size`` or a dilation is not a positive integer, or there is no layer.

    See Also
    --------
    wavenet_dilations : the schedule 1, 2, 4, ...
    influence : the same set measured by backpropagation.

    Examples
    --------
    >>> receptive_field(2, [1, 2, 4, 8]), receptive_field(2, [1, 1, 1, 1])
    (16, 5)
    >>> receptive_field(2, wavenet_dilations(10, cycles=3))    # WaveNet's 1, ..., 512 three times
    3070
    """
    K = count("receptive_field: kernel_size", kernel_size, 1)
    return 1 + sum((K - 1) * d for d in _dilations("receptive_field", dilations))


def wavenet_dilations(layers: int, cycles: int = 1) -> list[int]:
    r"""WaveNet's dilation schedule: $1, 2, 4, \dots, 2^{L-1}$, repeated ``cycles`` times.

    $$
    d_i = 2^{(i-1) \bmod L}, \qquad i = 1, \dots, L \cdot \text{cycles}
    $$

    Raises
    ------
    ValueError
        When ``layers`` or ``cycles`` is not a positive integer.

    See Also
    --------
    receptive_field : the field of the stack.

    Examples
    --------
    >>> wavenet_dilations(4)
    [1, 2, 4, 8]
    >>> wavenet_dilations(3, cycles=2)
    [1, 2, 4, 1, 2, 4]
    """
    L = count("wavenet_dilations: layers", layers, 1)
    return [2 ** i for i in range(L)] * count("wavenet_dilations: cycles", cycles, 1)


def stack_parameters(kernel_size: int, layers: int, channels: int) -> int:
    r"""The weights and biases of a stack of ``layers`` causal convolutions of ``channels`` channels.

    $$
    \text{params} = L\,(C^2 K + C)
    $$

    The dilation does not appear: a dilated layer has exactly the parameters of an undilated
    one, so the receptive field per parameter, $R / \text{params}$, grows with $2^L / L$.

    Raises
    ------
    ValueError
        When an argument is not a positive integer.

    See Also
    --------
    receptive_field : the numerator of the ratio.

    Examples
    --------
    >>> stack_parameters(2, 4, 1)                     # 4 layers of (1 * 1 * 2 + 1)
    12
    >>> receptive_field(2, [1, 2, 4, 8]) / 12, receptive_field(2, [1, 1, 1, 1]) / 12
    (1.3333333333333333, 0.4166666666666667)
    """
    K = count("stack_parameters: kernel_size", kernel_size, 1)
    L = count("stack_parameters: layers", layers, 1)
    C = count("stack_parameters: channels", channels, 1)
    return L * (C * C * K + C)


def layers_to_match(kernel_size: int, field: int) -> int:
    r"""How many undilated causal layers reach a receptive field of at least ``field`` steps.

    $$
    L = \left\lceil \frac{R - 1}{K - 1} \right\rceil
    $$

    Raises
    ------
    ValueError
        When ``kernel_size`` < 2 (a 1-tap layer never widens the field) or ``field`` < 1.

    See Also
    --------
    receptive_field : $R = 1 + (K-1)L$ for such a stack.

    Examples
    --------
    >>> layers_to_match(2, receptive_field(2, wavenet_dilations(10)))   # 10 dilated layers
    1023
    """
    K = count("layers_to_match: kernel_size", kernel_size, 2)
    R = count("layers_to_match: field", field, 1)
    return -(-(R - 1) // (K - 1))


def causal_stack(kernel_size: int, dilations: Sequence[int], channels: int = 1, *,
                 rng: np.random.Generator | None = None, dtype: object = np.float32) -> list[CausalConv1D]:
    r"""One `CausalConv1D` per dilation, ``channels`` in and out, weights $\mathcal{N}(0, 1/(CK))$.

    Without ``rng`` every weight is 1 and every bias 0, so no two paths can cancel: the
    stack `influence` measures.

    Raises
    ------
    ValueError
        When ``kernel_size``, ``channels`` or a dilation is not a positive integer.

    See Also
    --------
    influence : which inputs one output of the stack depends on.

    Examples
    --------
    >>> stack = causal_stack(2, [1, 2], rng=np.random.default_rng(0), dtype=np.float64)
    >>> [layer.dilation for layer in stack], stack[0].W.shape
    ([1, 2], (1, 1, 2))
    """
    K = count("causal_stack: kernel_size", kernel_size, 1)
    C = count("causal_stack: channels", channels, 1)
    dtype = np.dtype(dtype)
    layers = []
    for d in _dilations("causal_stack", dilations):
        if rng is None:
            W = np.ones((C, C, K), dtype=dtype)
        else:
            W = (rng.standard_normal((C, C, K)) / np.sqrt(C * K)).astype(dtype)
        layers.append(CausalConv1D(W, np.zeros(C, dtype=dtype), dilation=d))
    return layers


def influence(layers: Sequence[CausalConv1D], length: int, t: int | None = None) -> list[np.ndarray]:
    r"""Which positions of each level feed output ``t`` of the stack: measured by backpropagation.

    $$
    \text{level } l \text{ feeds } y_t \iff \frac{\partial y_t}{\partial h^{(l)}_s} \ne 0,
    \qquad h^{(0)} = x
    $$

    Runs the stack forward on zeros of shape (1, C, ``length``) and backward from a one at
    output ``t`` (summed over channels). Use weights that cannot cancel (`causal_stack` without
    ``rng``) to see the full field.

    Parameters
    ----------
    layers : sequence of CausalConv1D
    length : int
        $T$, the number of time steps.
    t : int, optional
        The output step; the last one, ``length - 1``, by default.

    Returns
    -------
    list of ndarray of bool, shape (length,)
        One per level, the input first and the output (only ``t``) last.

    Raises
    ------
    ValueError
        When ``length`` is not positive or ``t`` is outside ``[0, length)``.

    See Also
    --------
    receptive_field : the count of the input level, in closed form.

    Examples
    --------
    >>> levels = influence(causal_stack(2, [1, 2]), length=6)
    >>> [np.flatnonzero(level).tolist() for level in levels]
    [[2, 3, 4, 5], [3, 5], [5]]
    """
    T = count("influence: length", length, 1)
    t = T - 1 if t is None else int(t)
    if not 0 <= t < T:
        raise ValueError(f"influence: t = {t} is outside the sequence; give 0 <= t < length = {T}")
    if not layers:
        raise ValueError("influence: layers is empty; give at least one CausalConv1D")
    h = np.zeros((1, layers[0].W.shape[1], T), dtype=layers[0].W.dtype)
    for layer in layers:
        h = layer.forward(h)
    dout = np.zeros_like(h)
    dout[:, :, t] = 1
    levels = [dout[0].any(axis=0)]
    for layer in reversed(layers):
        dout = layer.backward(dout)
        levels.append(dout[0].any(axis=0))
    return levels[::-1]
