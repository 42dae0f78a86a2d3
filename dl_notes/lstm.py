r"""Long short-term memory: the `LSTM` cell and `TimeLSTM`, its run over a sequence.

The four gates' weights sit side by side in ``Wx`` (D, 4H), ``Wh`` (H, 4H) and ``b`` (4H,),
in PyTorch's order **input, forget, candidate, output** ($i, f, g, o$). The book's second
volume orders them $f, g, i, o$; PyTorch's ``nn.LSTM`` keeps two biases, ``b_ih`` and
``b_hh``, whose sum is ``b`` here.
"""

from __future__ import annotations

import numpy as np

from ._checks import parameter
from .rnn import RecurrentCell, TimeRecurrent

__all__ = ["LSTM", "TimeLSTM"]


def _sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) in place."""
    np.negative(a, out=a)
    np.exp(a, out=a)
    a += 1
    return np.reciprocal(a, out=a)


class LSTM(RecurrentCell):
    r"""The LSTM cell: one time step with a memory cell $c_t$ and three gates.

    $$
    \begin{aligned}
    i_t &= \sigma(x_t W_x^{(i)} + h_{t-1} W_h^{(i)} + b^{(i)}) &&\text{input gate}\\
    f_t &= \sigma(x_t W_x^{(f)} + h_{t-1} W_h^{(f)} + b^{(f)}) &&\text{forget gate}\\
    g_t &= \tanh(x_t W_x^{(g)} + h_{t-1} W_h^{(g)} + b^{(g)}) &&\text{candidate}\\
    o_t &= \sigma(x_t W_x^{(o)} + h_{t-1} W_h^{(o)} + b^{(o)}) &&\text{output gate}\\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t)
    \end{aligned}
    $$

    Backward, with $\bar c_t = \partial L / \partial c_t$ (from step $t+1$) plus
    $\partial L / \partial h_t \odot o_t \odot (1 - \tanh^2 c_t)$:

    $$
    \frac{\partial L}{\partial c_{t-1}} = \bar c_t \odot f_t, \quad
    \frac{\partial L}{\partial f_t} = \bar c_t \odot c_{t-1}, \quad
    \frac{\partial L}{\partial i_t} = \bar c_t \odot g_t, \quad
    \frac{\partial L}{\partial g_t} = \bar c_t \odot i_t, \quad
    \frac{\partial L}{\partial o_t} = \frac{\partial L}{\partial h_t} \odot \tanh c_t
    $$

    The path $c_{t-1} \to c_t$ multiplies the gradient by $f_t$ only, with no weight matrix
    and no squashing derivative: this is the constant error carousel (CEC).

    With **peephole connections** (Gers & Schmidhuber, 2000) the gates also look at the cell:
    $i_t$ and $f_t$ at $c_{t-1}$, $o_t$ at the new $c_t$, each through one weight per unit
    (elementwise, no matrix):

    $$
    i_t = \sigma(\ldots + p_i \odot c_{t-1}), \qquad
    f_t = \sigma(\ldots + p_f \odot c_{t-1}), \qquad
    o_t = \sigma(\ldots + p_o \odot c_t)
    $$

    so that $\partial L / \partial c_{t-1}$ gains $\delta^{(i)}_t \odot p_i + \delta^{(f)}_t \odot p_f$
    and $\bar c_t$ gains $\delta^{(o)}_t \odot p_o$, where $\delta^{(\cdot)}_t$ is the gradient of
    the gate's input (its pre-activation).

    Parameters
    ----------
    Wx : ndarray, shape (D, 4H)
        Input weights of the gates $i, f, g, o$ side by side, kept (not copied).
    Wh : ndarray, shape (H, 4H)
    b : ndarray, shape (4H,)
    peephole : ndarray, shape (3H,), optional
        The peephole weights $p_i, p_f, p_o$ side by side; None (the default) for none.

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward``; ``dpeephole`` too with peepholes.

    Examples
    --------
    With zero weights every gate is σ(0) = 0.5 and the candidate tanh(0) = 0:

    >>> cell = LSTM(np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4))
    >>> h, c = cell.forward(np.array([[1.0]]), np.array([[0.0]]), np.array([[2.0]]))
    >>> c, np.round(h, 4)                  # c = 0.5 * 2 + 0.5 * 0; h = 0.5 * tanh(1)
    (array([[1.]]), array([[0.3808]]))
    >>> dx, dh_prev, dc_prev = cell.backward(np.array([[0.0]]), np.array([[1.0]]))
    >>> dc_prev                            # the CEC: the forget gate times the incoming gradient
    array([[0.5]])

    A peephole weight $p_f = 2$ lets the forget gate see $c_{t-1} = 2$: $f = \sigma(4)$.

    >>> cell = LSTM(np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4), peephole=np.array([0.0, 2.0, 0.0]))
    >>> h, c = cell.forward(np.array([[1.0]]), np.array([[0.0]]), np.array([[2.0]]))
    >>> np.round(c, 4)                     # σ(4) * 2
    array([[1.964]])
    """

    n_gates = 4
    state_names = ("h", "c")
    dWh_from_dax = True

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, peephole: np.ndarray | None = None) -> None:
        if peephole is not None:
            self.peephole = parameter("peephole", peephole, 1, "(3*H,)")
            self.parameter_names = (*RecurrentCell.parameter_names, "peephole")
        super().__init__(Wx, Wh, b)
        H = self.hidden_size
        if peephole is not None:
            if self.peephole.shape != (3 * H,):
                raise ValueError(f"LSTM: peephole must have shape (3*H,) = ({3 * H},) for the weights p_i, p_f, "
                                 f"p_o of H = {H} units, got {self.peephole.shape}")
            if self.peephole.dtype != self.Wh.dtype:
                raise TypeError(f"LSTM: peephole must have the dtype of Wh ({self.Wh.dtype}), got {self.peephole.dtype}")
        # σ(a) = (1 + tanh(a/2)) / 2: all four gates in one tanh, tanh(s·a)·s + t per column,
        # with s = 1/2, t = 1/2 for i, f, o and s = 1, t = 0 for the candidate g.
        self._scale = np.full(4 * H, 0.5, Wh.dtype)
        self._scale[2 * H:3 * H] = 1
        self._shift = np.full(4 * H, 0.5, Wh.dtype)
        self._shift[2 * H:3 * H] = 0

    def forward(self, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._forward(x, h_prev, c_prev)

    def backward(self, dh_next: np.ndarray, dc_next: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._backward(dh_next, dc_next)

    def step(self, ax, state):
        h_prev, c_prev = state
        H = self.hidden_size
        A = h_prev @ self.Wh
        A += ax
        if self.parameter_names[-1] == "peephole":
            return self._peephole_step(A, c_prev)
        A *= self._scale
        np.tanh(A, out=A)
        A *= self._scale
        A += self._shift
        i, f, g, o = A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H], A[:, 3 * H:]
        c = f * c_prev
        c += i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return (h, c), (c_prev, A, tanh_c)

    def _peephole_step(self, A, c_prev):
        """The step with peepholes: i and f also see c_{t-1}, o sees the new c_t."""
        H = self.hidden_size
        p_i, p_f, p_o = self.peephole[:H], self.peephole[H:2 * H], self.peephole[2 * H:]
        A[:, :H] += p_i * c_prev
        A[:, H:2 * H] += p_f * c_prev
        _sigmoid(A[:, :2 * H])
        np.tanh(A[:, 2 * H:3 * H], out=A[:, 2 * H:3 * H])
        i, f, g = A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H]
        c = f * c_prev
        c += i * g
        A[:, 3 * H:] += p_o * c
        _sigmoid(A[:, 3 * H:])
        tanh_c = np.tanh(c)
        h = A[:, 3 * H:] * tanh_c
        return (h, c), (c_prev, A, tanh_c, c)

    def step_backward(self, dstate, cache):
        if len(cache) == 4:
            return self._peephole_step_backward(dstate, cache)
        dh, dc = dstate
        c_prev, A, tanh_c = cache
        H = self.hidden_size
        i, f, g, o = A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H], A[:, 3 * H:]
        dc_t = tanh_c * tanh_c                  # dc + dh ⊙ o ⊙ (1 - tanh² c)
        np.subtract(1, dc_t, out=dc_t)
        dc_t *= o
        dc_t *= dh
        dc_t += dc
        dA = np.empty_like(A)
        np.multiply(dc_t, g, out=dA[:, :H])
        np.multiply(dc_t, c_prev, out=dA[:, H:2 * H])
        np.multiply(dc_t, i, out=dA[:, 2 * H:3 * H])
        np.multiply(dh, tanh_c, out=dA[:, 3 * H:])
        slope = 1 - A                           # σ' = σ(1 - σ) for i, f, o; tanh' = 1 - g² for g
        slope *= A
        np.multiply(g, g, out=slope[:, 2 * H:3 * H])
        np.subtract(1, slope[:, 2 * H:3 * H], out=slope[:, 2 * H:3 * H])
        dA *= slope
        return dA, (dc_t * f,)

    def _peephole_step_backward(self, dstate, cache):
        dh, dc = dstate
        c_prev, A, tanh_c, c = cache
        H = self.hidden_size
        i, f, g, o = A[:, :H], A[:, H:2 * H], A[:, 2 * H:3 * H], A[:, 3 * H:]
        dA = np.empty_like(A)
        dA[:, 3 * H:] = dh * tanh_c * o * (1 - o)
        dc = dc + dh * o * (1 - tanh_c * tanh_c) + dA[:, 3 * H:] * self.peephole[2 * H:]
        dA[:, :H] = dc * g * i * (1 - i)
        dA[:, H:2 * H] = dc * c_prev * f * (1 - f)
        dA[:, 2 * H:3 * H] = dc * i * (1 - g * g)
        dc_prev = dc * f + dA[:, :H] * self.peephole[:H] + dA[:, H:2 * H] * self.peephole[H:2 * H]
        self.dpeephole[:2 * H] += (dA[:, :2 * H] * np.tile(c_prev, 2)).sum(axis=0)
        self.dpeephole[2 * H:] += (dA[:, 3 * H:] * c).sum(axis=0)
        return dA, (dc_prev,)


class TimeLSTM(TimeRecurrent):
    r"""The LSTM over a whole sequence: `LSTM` at every step, BPTT backward.

    Both states start from zeros unless given (``forward(xs, h0, c0)``) or kept
    (``stateful=True``); after ``backward``, ``dh0`` and ``dc0`` hold the gradients of the
    initial states. The cell state carries no output of its own: $\partial L / \partial c_T$
    starts at zero.

    Parameters
    ----------
    Wx, Wh, b : ndarray
        As for `LSTM`: (D, 4H), (H, 4H), (4H,).
    stateful : bool, default False
        Keep the last (h, c) for the next ``forward`` (truncated BPTT).
    peephole : ndarray, shape (3H,), optional
        As for `LSTM`: the peephole weights $p_i, p_f, p_o$.

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward``, summed over time (``dpeephole`` too).
    h, c, dh0, dc0 : ndarray

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> layer = TimeLSTM(rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), np.zeros(8))
    >>> hs = layer.forward(rng.normal(size=(4, 6, 3)))
    >>> hs.shape, layer.c.shape
    ((4, 6, 2), (4, 2))
    >>> dxs = layer.backward(np.ones_like(hs))
    >>> dxs.shape, layer.dc0.shape
    ((4, 6, 3), (4, 2))
    """

    cell_type = LSTM

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False,
                 peephole: np.ndarray | None = None) -> None:
        super().__init__(Wx, Wh, b, stateful=stateful, peephole=peephole)

    @property
    def c(self) -> np.ndarray | None:
        """The cell state after the last forward pass."""
        return None if self.state is None else self.state[1]

    @property
    def dc0(self) -> np.ndarray | None:
        """$\\partial L / \\partial c_0$ from the last backward pass."""
        return None if self.dstate0 is None else self.dstate0[1]
