r"""Recurrent layers: the simple RNN cell, the time loop shared by every recurrent layer, and `TimeRNN`.

A recurrent **cell** computes one time step from the input $x_t$ and the previous state; a
**time layer** runs a cell over a whole sequence (N, T, D) and back again (backpropagation
through time, BPTT). The cells follow the interface of the book's second volume
(『ゼロから作るDeep Learning ❷』, ``common/time_layers.py``), which the course's Day 3 follows:

- ``RNN(Wx, Wh, b)``: ``forward(x, h_prev) -> h_next``, ``backward(dh_next) -> (dx, dh_prev)``;
- ``TimeRNN(Wx, Wh, b, stateful=False)``: ``forward(xs) -> hs`` with xs (N, T, D) and hs
  (N, T, H), ``backward(dhs) -> dxs``;
- parameter gradients under the names of the parameters with a ``d`` in front (``dWx``,
  ``dWh``, ``db``), as every layer of `dl_notes.layers` stores them, and the book's ``params``
  and ``grads`` lists (``[Wx, Wh, b]`` and ``[dWx, dWh, db]``), whose arrays are updated in
  place so that an optimizer holding them sees every new gradient.

The weights of all gates of a cell are stored side by side in one matrix: ``Wx`` is (D, G·H)
and ``Wh`` (H, G·H) for G gates (1 for the RNN, 4 for `dl_notes.lstm.LSTM`, 3 for
`dl_notes.gru.GRU`), so that one matrix product computes every gate. The time layers
compute the input's share $x_t W_x + b$ for all time steps in one product before the loop,
and $\partial L / \partial W_x$, $\partial L / \partial b$ and $\partial L / \partial x$ in
one product after it (and $\partial L / \partial W_h$ too for the RNN and the LSTM); only the
recurrence runs step by step.

Layers compute in the dtype of their parameters (float32 by default in the networks that
build them, float64 for gradient checks).
"""

from __future__ import annotations

import numpy as np

from ._checks import array, batch, forward_cache, one_of, parameter, upstream_gradient

__all__ = ["RNN", "TimeRNN"]


class RecurrentCell:
    r"""What the recurrent cells share: the parameters, their checks and the one-step interface.

    A subclass sets ``n_gates`` and ``state_names`` and implements ``step(ax, state)`` (the
    step after the input's share ``ax`` $= x_t W_x + b$ is known) and
    ``step_backward(dstate, cache)``, which returns $\partial L / \partial a_x$ and the
    gradient of the previous state. The time layers call these two; ``forward``/``backward``
    of a cell wrap them for a single step.

    Where $h_{t-1}$ enters the step only through $h_{t-1} W_h$, added to $a_x$ (the RNN and
    the LSTM), $\partial L / \partial h_{t-1} = \partial L / \partial a_x \, W_h^\top$ and
    the step's $\partial L / \partial W_h = h_{t-1}^\top \, \partial L / \partial a_x$.
    Such a class sets ``dWh_from_dax = True``: its ``step_backward`` returns the gradients of
    the other states only (the LSTM's $c_{t-1}$) and leaves ``dWh`` alone, and the caller
    computes both, the time layers $\partial L / \partial W_h$ for all steps in one matrix
    product after the loop. Otherwise (the GRU, whose candidate sees $r_t \odot h_{t-1}$)
    ``step_backward`` returns every state's gradient and adds the step's share to ``dWh``.
    """

    n_gates = 1
    dWh_from_dax = False
    state_names: tuple[str, ...] = ("h",)
    parameter_names: tuple[str, ...] = ("Wx", "Wh", "b")

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        name = type(self).__name__
        self.Wx = parameter("Wx", Wx, 2, "(D, G*H)")
        self.Wh = parameter("Wh", Wh, 2, "(H, G*H)")
        self.b = parameter("b", b, 1, "(G*H,)")
        G = self.n_gates
        H = Wh.shape[0]
        if Wh.shape != (H, G * H):
            raise ValueError(f"{name}: Wh must have shape (H, {G}*H) = ({H}, {G * H}) for {G} gate(s) of H = {H} "
                             f"units, got {Wh.shape}")
        if Wx.shape[1] != G * H or b.shape != (G * H,):
            raise ValueError(f"{name}: Wx must be (D, {G * H}) and b ({G * H},) to match Wh {Wh.shape}, "
                             f"got Wx {Wx.shape} and b {b.shape}")
        if not Wx.dtype == Wh.dtype == b.dtype:
            raise TypeError(f"{name}: Wx, Wh and b must have one dtype, got {Wx.dtype}, {Wh.dtype} and {b.dtype}")
        self.hidden_size = H
        for p in self.parameter_names:
            setattr(self, "d" + p, np.zeros_like(getattr(self, p)))
        self.cache = None

    @property
    def params(self) -> list[np.ndarray]:
        """The parameters in the book's order, the very arrays the cell uses."""
        return [getattr(self, p) for p in self.parameter_names]

    @property
    def grads(self) -> list[np.ndarray]:
        """The gradients in the order of ``params``; the same arrays after every ``backward``."""
        return [getattr(self, "d" + p) for p in self.parameter_names]

    def zero_state(self, N: int) -> tuple[np.ndarray, ...]:
        return tuple(np.zeros((N, self.hidden_size), self.Wh.dtype) for _ in self.state_names)

    def check_state(self, where: str, state: tuple, N: int) -> tuple[np.ndarray, ...]:
        if len(state) != len(self.state_names):
            raise ValueError(f"{where}: the state of {type(self).__name__} is {', '.join(self.state_names)} "
                             f"({len(self.state_names)} array(s)), got {len(state)}")
        checked = []
        for name, s in zip(self.state_names, state):
            s = np.asarray(s, dtype=self.Wh.dtype)
            if s.shape != (N, self.hidden_size):
                raise ValueError(f"{where}: {name} must have shape (N, H) = ({N}, {self.hidden_size}), got {s.shape}")
            checked.append(s)
        return tuple(checked)

    def step(self, ax: np.ndarray, state: tuple) -> tuple[tuple, object]:  # pragma: no cover
        raise NotImplementedError

    def step_backward(self, dstate: tuple, cache: object) -> tuple[np.ndarray, tuple]:  # pragma: no cover
        raise NotImplementedError

    def _input(self, where: str, x: object) -> np.ndarray:
        x = array(f"{where}: x", batch(where, x), ndim=2, layout="(N, D)")
        if x.shape[1] != self.Wx.shape[0]:
            raise ValueError(f"{where}: x has {x.shape[1]} features, Wx expects {self.Wx.shape[0]} (shape {self.Wx.shape})")
        return x.astype(self.Wx.dtype, copy=False)

    def _forward(self, x: np.ndarray, *state: np.ndarray) -> tuple[np.ndarray, ...]:
        where = f"{type(self).__name__}.forward"
        x = self._input(where, x)
        state = self.check_state(where, state, len(x))
        new_state, step_cache = self.step(x @ self.Wx + self.b, state)
        self.cache = (x, state[0], step_cache, new_state[0].shape)
        return new_state

    def _backward(self, *dstate: np.ndarray) -> tuple[np.ndarray, ...]:
        where = f"{type(self).__name__}.backward"
        x, h_prev, step_cache, shape = forward_cache(where, self.cache)
        dstate = tuple(upstream_gradient(where, d, shape, self.Wh.dtype) for d in dstate)
        self.dWh[...] = 0
        for p in self.parameter_names[3:]:
            getattr(self, "d" + p)[...] = 0
        dax, dstate_prev = self.step_backward(dstate, step_cache)
        if self.dWh_from_dax:
            self.dWh[...] = h_prev.T @ dax
            dstate_prev = (dax @ self.Wh.T, *dstate_prev)
        self.dWx[...] = x.T @ dax
        self.db[...] = dax.sum(axis=0)
        return (dax @ self.Wx.T, *dstate_prev)


ACTIVATIONS = ("tanh", "sigmoid", "relu")


def _activate(a: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(a, out=a)
    if activation == "sigmoid":
        return np.reciprocal(1 + np.exp(-a, out=a), out=a)
    return np.maximum(a, 0, out=a)


def _activation_grad(h: np.ndarray, activation: str) -> np.ndarray:
    """f'(u) written with the output h = f(u), the way the backward pass has it."""
    if activation == "tanh":
        return 1 - h * h
    if activation == "sigmoid":
        return h * (1 - h)
    return (h > 0).astype(h.dtype)


class RNN(RecurrentCell):
    r"""The simple (Elman) recurrent cell: one time step.

    $$
    u_t = x_t W_x + h_{t-1} W_h + b, \qquad h_t = f(u_t)
    $$

    and backward, with $\delta_t = \partial L / \partial u_t = \partial L / \partial h_t \odot f'(u_t)$,

    $$
    \frac{\partial L}{\partial h_{t-1}} = \delta_t W_h^\top, \quad
    \frac{\partial L}{\partial x_t} = \delta_t W_x^\top, \quad
    \frac{\partial L}{\partial W_h} = h_{t-1}^\top \delta_t, \quad
    \frac{\partial L}{\partial W_x} = x_t^\top \delta_t, \quad
    \frac{\partial L}{\partial b} = \textstyle\sum_n \delta_{t,n}
    $$

    In the course's notation (row vectors here, column vectors there) $W_x$ is $W_{in}$,
    $W_h$ is $W$, $h_t$ is $z_t$ and $u_t$ the same.

    Parameters
    ----------
    Wx : ndarray, shape (D, H)
        Input-to-hidden weights, kept (not copied).
    Wh : ndarray, shape (H, H)
        Hidden-to-hidden weights.
    b : ndarray, shape (H,)
        Bias.
    activation : {'tanh', 'sigmoid', 'relu'}, default 'tanh'
        $f$. The course's binary addition (3_1) uses the sigmoid; its exercises try ReLU and tanh.

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward``; also ``grads``, in the order of ``params``.

    Examples
    --------
    >>> cell = RNN(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0], [0.0, 0.0]]), np.zeros(2))
    >>> h = cell.forward(np.array([[0.5]]), np.array([[0.0, 1.0]]))
    >>> np.round(h, 4)                     # tanh([0.5, 0]) : x W_x = [0.5, 0], h W_h = [0, 0]
    array([[0.4621, 0.    ]])
    >>> dx, dh_prev = cell.backward(np.array([[1.0, 0.0]]))
    >>> np.round(dx, 4), dh_prev           # 1 - tanh(0.5)^2 = 0.7864
    (array([[0.7864]]), array([[0., 0.]]))
    """

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, activation: str = "tanh") -> None:
        super().__init__(Wx, Wh, b)
        self.activation = one_of("activation", activation, ACTIVATIONS)

    def forward(self, x: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        return self._forward(x, h_prev)[0]

    def backward(self, dh_next: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._backward(dh_next)

    dWh_from_dax = True

    def step(self, ax, state):
        (h_prev,) = state
        u = h_prev @ self.Wh
        u += ax
        h = _activate(u, self.activation)
        return (h,), h

    def step_backward(self, dstate, cache):
        (dh,) = dstate
        du = _activation_grad(cache, self.activation)
        du *= dh
        return du, ()


class TimeRecurrent:
    r"""A recurrent cell run over a sequence, forward in time and back through time (BPTT).

    Forward, for $t = 1, \dots, T$: $(h_t, \ldots) = \mathrm{cell}(x_t, (h_{t-1}, \ldots))$
    from the initial state $(h_0, \ldots)$ (zeros unless given or kept). Backward, for
    $t = T, \dots, 1$, the gradient reaching $h_t$ is the sum of what the output at $t$
    receives and what step $t+1$ sends back:

    $$
    \frac{\partial L}{\partial h_t} = \frac{\partial L}{\partial h_t}\Big|_\text{output}
    + \frac{\partial L}{\partial h_t}\Big|_\text{step } t+1,
    \qquad
    \frac{\partial L}{\partial \theta} = \sum_{t=1}^{T} \frac{\partial L}{\partial \theta}\Big|_\text{step } t
    $$

    for every parameter $\theta$ shared by the steps ($W_x$, $W_h$, $b$). The gradient of the
    initial state is kept in ``dh0`` (and ``dc0`` for the LSTM); ``dh`` is the book's name.

    ``stateful=True`` keeps the last state between calls, the way truncated BPTT feeds a long
    sequence block by block: the forward pass continues from where the previous block ended,
    the backward pass stops at the block's start.

    ``input_grad`` (True unless set otherwise) says whether ``backward`` computes
    $\partial L / \partial x_t$; a network's first layer, whose input is the data, sets it to
    False and gets None, one large matrix product less (as `dl_notes.layers.Affine`).
    """

    cell_type: type[RecurrentCell] = RecurrentCell

    def __init__(self, *parameters: np.ndarray, stateful: bool = False, **options) -> None:
        self.cell = self.cell_type(*parameters, **options)
        for p in self.cell.parameter_names:
            setattr(self, p, getattr(self.cell, p))
            setattr(self, "d" + p, getattr(self.cell, "d" + p))
        self.stateful = bool(stateful)
        self.input_grad = True
        self.state: tuple[np.ndarray, ...] | None = None
        self.dstate0: tuple[np.ndarray, ...] | None = None
        self._cache = None

    params = RecurrentCell.params
    grads = RecurrentCell.grads

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self.cell.parameter_names

    @property
    def h(self) -> np.ndarray | None:
        """The hidden state after the last forward pass (what a stateful layer continues from)."""
        return None if self.state is None else self.state[0]

    @property
    def dh0(self) -> np.ndarray | None:
        """$\\partial L / \\partial h_0$ from the last backward pass."""
        return None if self.dstate0 is None else self.dstate0[0]

    dh = dh0

    def set_state(self, *state: np.ndarray) -> None:
        """Start the next forward pass from ``state`` (h, or h and c for the LSTM)."""
        self.state = tuple(state)

    def reset_state(self) -> None:
        """Start the next forward pass from zeros."""
        self.state = None

    def forward(self, xs: np.ndarray, *initial_state: np.ndarray) -> np.ndarray:
        """The hidden states of every step, (N, T, H), from inputs (N, T, D)."""
        where = f"{type(self).__name__}.forward"
        cell = self.cell
        xs = array(f"{where}: xs", batch(where, xs, "xs"), ndim=3, layout="(N, T, D)")
        N, T, D = xs.shape
        if D != cell.Wx.shape[0]:
            raise ValueError(f"{where}: xs has {D} features per step, Wx expects {cell.Wx.shape[0]} (shape {cell.Wx.shape})")
        if initial_state:
            state = cell.check_state(where, initial_state, N)
        elif self.stateful and self.state is not None:
            state = cell.check_state(where, self.state, N)
        else:
            state = cell.zero_state(N)
        ax = xs.reshape(N * T, D).astype(cell.Wx.dtype, copy=False) @ cell.Wx
        ax += cell.b
        ax = ax.reshape(N, T, -1)
        hs = np.empty((N, T, cell.hidden_size), cell.Wx.dtype)
        h0 = state[0]
        caches = []
        for t in range(T):
            state, cache = cell.step(ax[:, t], state)
            hs[:, t] = state[0]
            caches.append(cache)
        hs_prev = None
        if cell.dWh_from_dax:  # h_{t-1} of every step, for dWh in one product after the backward loop
            hs_prev = np.empty_like(hs)
            hs_prev[:, 0] = h0
            hs_prev[:, 1:] = hs[:, :-1]
        self.state = state
        self._cache = (xs, caches, hs_prev)
        return hs

    def backward(self, dhs: np.ndarray, *dfinal_state: np.ndarray) -> np.ndarray | None:
        """$\\partial L / \\partial x_t$ for every step, (N, T, D), from $\\partial L / \\partial h_t$ (N, T, H).

        ``dfinal_state`` (optional): the gradients of the final state ($h_T$, and $c_T$ for the
        LSTM) from a layer that continued from it, such as a seq2seq decoder started from the
        encoder's last state; zeros when not given. None when ``input_grad`` is False.
        """
        where = f"{type(self).__name__}.backward"
        cell = self.cell
        xs, caches, hs_prev = forward_cache(where, self._cache)
        N, T, D = xs.shape
        dhs = upstream_gradient(where, dhs, (N, T, cell.hidden_size), cell.Wx.dtype)
        for p in cell.parameter_names[1:]:
            getattr(cell, "d" + p)[...] = 0
        dax = np.empty((N, T, cell.Wx.shape[1]), cell.Wx.dtype)
        if dfinal_state:
            dstate = tuple(s.copy() for s in cell.check_state(f"{where}: dfinal_state", dfinal_state, N))
        else:
            dstate = tuple(np.zeros((N, cell.hidden_size), cell.Wx.dtype) for _ in cell.state_names)
        WhT = np.ascontiguousarray(cell.Wh.T) if hs_prev is not None else None  # a faster product than the view
        for t in reversed(range(T)):
            dstate = (dstate[0] + dhs[:, t], *dstate[1:])
            dax_t, dstate = cell.step_backward(dstate, caches[t])
            if WhT is not None:
                dstate = (dax_t @ WhT, *dstate)
            dax[:, t] = dax_t
        dax = dax.reshape(N * T, -1)
        if hs_prev is not None:
            cell.dWh[...] = hs_prev.reshape(N * T, -1).T @ dax
        cell.dWx[...] = xs.reshape(N * T, D).T @ dax
        cell.db[...] = dax.sum(axis=0)
        self.dstate0 = dstate
        if not self.input_grad:
            return None
        return (dax @ cell.Wx.T).reshape(N, T, D)


class TimeRNN(TimeRecurrent):
    r"""The simple RNN over a whole sequence: `RNN` at every step, BPTT backward.

    $$
    h_t = f(x_t W_x + h_{t-1} W_h + b), \quad t = 1, \dots, T, \qquad
    \frac{\partial L}{\partial W_h} = \sum_{t=1}^{T} h_{t-1}^\top \delta_t, \quad
    \delta_t = \Bigl(\frac{\partial L}{\partial h_t}\Big|_\text{output} + \delta_{t+1} W_h^\top\Bigr) \odot f'(u_t)
    $$

    with $\delta_{T+1} = 0$: the gradient of every shared weight is summed over all time steps.

    Parameters
    ----------
    Wx, Wh, b : ndarray
        As for `RNN`: (D, H), (H, H), (H,).
    stateful : bool, default False
        Keep the last hidden state for the next ``forward`` (truncated BPTT).
    activation : {'tanh', 'sigmoid', 'relu'}, default 'tanh'

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward``, summed over time.
    h, dh0 : ndarray
        The last hidden state; $\partial L / \partial h_0$ after ``backward`` (``dh`` too).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> layer = TimeRNN(rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), np.zeros(4))
    >>> hs = layer.forward(rng.normal(size=(2, 5, 3)))      # N = 2 sequences of T = 5 steps
    >>> hs.shape, bool(np.allclose(hs[:, -1], layer.h))
    ((2, 5, 4), True)
    >>> layer.backward(np.ones_like(hs)).shape, layer.dWh.shape, layer.dh0.shape
    ((2, 5, 3), (4, 4), (2, 4))
    """

    cell_type = RNN

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False,
                 activation: str = "tanh") -> None:
        super().__init__(Wx, Wh, b, stateful=stateful, activation=activation)
