r"""Long short-term memory: the `LSTM` cell and `TimeLSTM`, its run over a sequence.

The four gates' weights sit side by side in ``Wx`` (D, 4H), ``Wh`` (H, 4H) and ``b`` (4H,),
in PyTorch's order **input, forget, candidate, output** ($i, f, g, o$). The book's second
volume orders them $f, g, i, o$; PyTorch's ``nn.LSTM`` keeps two biases, ``b_ih`` and
``b_hh``, whose sum is ``b`` here.
"""

from __future__ import annotations

import numpy as np

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

    Parameters
    ----------
    Wx : ndarray, shape (D, 4H)
        Input weights of the gates $i, f, g, o$ side by side, kept (not copied).
    Wh : ndarray, shape (H, 4H)
    b : ndarray, shape (4H,)

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward``.

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
    """

    n_gates = 4
    state_names = ("h", "c")
    dWh_from_dax = True

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        super().__init__(Wx, Wh, b)
        # σ(a) = (1 + tanh(a/2)) / 2: all four gates in one tanh, tanh(s·a)·s + t per column,
        # with s = 1/2, t = 1/2 for i, f, o and s = 1, t = 0 for the candidate g.
        H = self.hidden_size
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

    def step_backward(self, dstate, cache):
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

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward``, summed over time.
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

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False) -> None:
        super().__init__(Wx, Wh, b, stateful=stateful)

    @property
    def c(self) -> np.ndarray | None:
        """The cell state after the last forward pass."""
        return None if self.state is None else self.state[1]

    @property
    def dc0(self) -> np.ndarray | None:
        """$\\partial L / \\partial c_0$ from the last backward pass."""
        return None if self.dstate0 is None else self.dstate0[1]
