r"""Gated recurrent unit: the `GRU` cell and `TimeGRU`, its run over a sequence.

The three blocks of ``Wx`` (D, 3H), ``Wh`` (H, 3H) and ``b`` (3H,) are, in PyTorch's order,
the **reset** gate $r$, the **update** gate $z$ and the **candidate** $\tilde h$.

Two conventions differ between the course and PyTorch, and the tests convert between them:

- **What z weighs.** Here, as in the course and the book's second volume, the update gate
  weighs the candidate, $h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t$. PyTorch's
  ``nn.GRU`` (and Cho et al., 2014) weighs the old state with it. Since
  $1 - \sigma(a) = \sigma(-a)$, PyTorch's update gate is ours with the $z$ block of the
  weights and biases negated.
- **Where r acts.** Here by default (the course's formula) the reset gate scales the old
  state before its matrix product, $(r_t \odot h_{t-1}) W_h^{(h)}$ in the candidate
  $\tilde h_t$. PyTorch (and cuDNN, and Keras with ``reset_after=True``) applies
  it after the product, to $h_{t-1} W_h^{(h)} + b_h$ with a second bias $b_h$:
  ``reset_after=True`` computes that form.

`from_pytorch` converts the four parameters of a one-layer ``nn.GRU`` into ours. The page
that teaches the GRU is "GRU" (``gru.md``).
"""

from __future__ import annotations

import numpy as np

from ._checks import forward_cache, parameter
from .activations import sigmoid
from .rnn import RecurrentCell, TimeRecurrent

__all__ = ["GRU", "TimeGRU", "from_pytorch"]


class GRU(RecurrentCell):
    r"""The GRU cell: one time step with a reset gate and an update gate, and no separate memory cell.

    $$
    \begin{aligned}
    r_t &= \sigma(x_t W_x^{(r)} + h_{t-1} W_h^{(r)} + b^{(r)}) &&\text{reset gate}\\
    z_t &= \sigma(x_t W_x^{(z)} + h_{t-1} W_h^{(z)} + b^{(z)}) &&\text{update gate}\\
    \tilde h_t &= \tanh\bigl(x_t W_x^{(h)} + (r_t \odot h_{t-1}) W_h^{(h)} + b^{(h)}\bigr) &&\text{candidate}\\
    h_t &= (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t
    \end{aligned}
    $$

    With ``reset_after=True`` the candidate is
    $\tanh\bigl(x_t W_x^{(h)} + b^{(h)} + r_t \odot (h_{t-1} W_h^{(h)} + b_h)\bigr)$, PyTorch's form.

    Parameters
    ----------
    Wx : ndarray, shape (D, 3H)
        Input weights of $r, z, \tilde h$ side by side, kept (not copied).
    Wh : ndarray, shape (H, 3H)
    b : ndarray, shape (3H,)
    bh : ndarray, shape (H,), optional
        The candidate's recurrent bias $b_h$; required with ``reset_after=True`` only (PyTorch's
        ``b_hn``; its ``b_hr`` and ``b_hz`` simply add to ``b``).
    reset_after : bool, default False

    Attributes
    ----------
    dWx, dWh, db : ndarray
        Gradients from the last ``backward`` (and ``dbh`` with ``reset_after=True``).

    Examples
    --------
    With zero weights $z = 0.5$ and $\tilde h = 0$, so the new state is half the old one:

    >>> cell = GRU(np.zeros((1, 3)), np.zeros((1, 3)), np.zeros(3))
    >>> cell.forward(np.array([[1.0]]), np.array([[0.8]]))
    array([[0.4]])
    >>> dx, dh_prev = cell.backward(np.array([[1.0]]))
    >>> dh_prev                          # 1 - z, plus the paths through z (z(1-z)(0-0.8)W = 0)
    array([[0.5]])
    """

    n_gates = 3

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, bh: np.ndarray | None = None,
                 reset_after: bool = False) -> None:
        super().__init__(Wx, Wh, b)
        self.reset_after = bool(reset_after)
        if self.reset_after:
            if bh is None:
                raise ValueError(f"GRU: reset_after=True needs bh, the candidate's recurrent bias, shape ({self.hidden_size},)")
            self.bh = parameter("bh", bh, 1, "(H,)")
            if bh.shape != (self.hidden_size,) or bh.dtype != Wh.dtype:
                raise ValueError(f"GRU: bh must have shape ({self.hidden_size},) and dtype {Wh.dtype}, "
                                 f"got {bh.shape} {bh.dtype}")
            self.parameter_names = ("Wx", "Wh", "b", "bh")
            self.dbh = np.zeros_like(bh)
        elif bh is not None:
            raise ValueError("GRU: bh is used only with reset_after=True; the course's GRU has one bias b")

    def forward(self, x: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        return self._forward(x, h_prev)[0]

    def backward(self, dh_next: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._backward(dh_next)

    def step(self, ax, state):
        (h_prev,) = state
        H = self.hidden_size
        Wh = self.Wh
        if self.reset_after:
            ah = h_prev @ Wh
            rz = sigmoid(ax[:, :2 * H] + ah[:, :2 * H])
            hn = ah[:, 2 * H:] + self.bh
            n = np.tanh(ax[:, 2 * H:] + rz[:, :H] * hn)
        else:
            rz = sigmoid(ax[:, :2 * H] + h_prev @ Wh[:, :2 * H])
            hn = rz[:, :H] * h_prev  # r ⊙ h_prev, the candidate's recurrent input
            n = np.tanh(ax[:, 2 * H:] + hn @ Wh[:, 2 * H:])
        z = rz[:, H:]
        h = h_prev + z * (n - h_prev)
        return (h,), (h_prev, rz, n, hn)

    def step_backward(self, dstate, cache):
        (dh,) = dstate
        h_prev, rz, n, hn = cache
        H = self.hidden_size
        Wh = self.Wh
        r, z = rz[:, :H], rz[:, H:]
        dax = np.empty((len(dh), 3 * H), dh.dtype)
        dan = dax[:, 2 * H:]
        np.multiply(dh * z, 1 - n * n, out=dan)
        dz = dh * (n - h_prev)
        dh_prev = dh * (1 - z)
        if self.reset_after:
            dhn = dan * r
            dr = dan * hn
            self.dbh += dhn.sum(axis=0)
            dax[:, :H] = dr * r * (1 - r)
            dax[:, H:2 * H] = dz * z * (1 - z)
            dah = np.concatenate([dax[:, :2 * H], dhn], axis=1)
            self.dWh += h_prev.T @ dah
            dh_prev += dah @ Wh.T
        else:
            self.dWh[:, 2 * H:] += hn.T @ dan
            d_rh = dan @ Wh[:, 2 * H:].T
            dh_prev += d_rh * r
            dax[:, :H] = d_rh * h_prev * r * (1 - r)
            dax[:, H:2 * H] = dz * z * (1 - z)
            self.dWh[:, :2 * H] += h_prev.T @ dax[:, :2 * H]
            dh_prev += dax[:, :2 * H] @ Wh[:, :2 * H].T
        return dax, (dh_prev,)


class TimeGRU(TimeRecurrent):
    r"""The GRU over a whole sequence: `GRU` at every step, BPTT backward.

    Parameters
    ----------
    Wx, Wh, b : ndarray
        As for `GRU`: (D, 3H), (H, 3H), (3H,).
    bh : ndarray, shape (H,), optional
        With ``reset_after=True`` only.
    stateful : bool, default False
        Keep the last hidden state for the next ``forward`` (truncated BPTT).
    reset_after : bool, default False

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> layer = TimeGRU(rng.normal(size=(3, 6)), rng.normal(size=(2, 6)), np.zeros(6))
    >>> hs = layer.forward(rng.normal(size=(4, 5, 3)))
    >>> hs.shape, layer.backward(np.ones_like(hs)).shape, layer.dh0.shape
    ((4, 5, 2), (4, 5, 3), (4, 2))
    >>> z = layer.gates["z"]                          # the update gate at every step, (N, T, H)
    >>> z.shape, bool(np.allclose(hs[:, 1], (1 - z[:, 1]) * hs[:, 0] + z[:, 1] * layer.gates["h_bar"][:, 1]))
    ((4, 5, 2), True)
    """

    cell_type = GRU

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, bh: np.ndarray | None = None,
                 stateful: bool = False, reset_after: bool = False) -> None:
        super().__init__(Wx, Wh, b, bh, stateful=stateful, reset_after=reset_after)

    @property
    def gates(self) -> dict[str, np.ndarray]:
        """The last forward pass's reset gate ``r``, update gate ``z`` and candidate ``h_bar``, each (N, T, H)."""
        caches = forward_cache(f"{type(self).__name__}.gates", self._cache)[1]
        H = self.cell.hidden_size
        rz = np.stack([c[1] for c in caches], axis=1)  # (N, T, 2H): r and z side by side
        return {"r": rz[..., :H], "z": rz[..., H:], "h_bar": np.stack([c[2] for c in caches], axis=1)}


def from_pytorch(weight_ih: np.ndarray, weight_hh: np.ndarray, bias_ih: np.ndarray,
                 bias_hh: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""``(Wx, Wh, b, bh)`` for ``GRU(..., reset_after=True)`` from the parameters of PyTorch's ``nn.GRU``.

    PyTorch stores the blocks $r, z, n$ as rows (``weight_ih_l0`` is (3H, D)) and computes
    $h_t = (1 - z'_t) \odot n_t + z'_t \odot h_{t-1}$: its update gate $z'$ weighs the old
    state. Ours weighs the candidate, and $1 - \sigma(a) = \sigma(-a)$, so $z = 1 - z'$ is
    PyTorch's gate with its pre-activation negated:

    $$
    W_x = \mathrm{weight\_ih}^\top,\quad W_h = \mathrm{weight\_hh}^\top,\quad
    b = b_{ih} + b_{hh}\ \text{(blocks } r, z\text{)},\ b_{ih}\ \text{(block } n\text{)},\quad
    b_h = b_{hh}^{(n)}
    $$

    with the $z$ columns of $W_x$, $W_h$ and $b$ negated. The two biases of $r$ and $z$ only
    ever appear as a sum; the candidate's recurrent bias $b_{hn}$ sits inside $r \odot (\cdot)$,
    so it stays separate as ``bh``.

    Parameters
    ----------
    weight_ih : ndarray, shape (3H, D)
    weight_hh : ndarray, shape (3H, H)
    bias_ih, bias_hh : ndarray, shape (3H,)

    Returns
    -------
    Wx : ndarray, shape (D, 3H)
    Wh : ndarray, shape (H, 3H)
    b : ndarray, shape (3H,)
    bh : ndarray, shape (H,)

    Raises
    ------
    ValueError
        If the shapes do not fit together.

    See Also
    --------
    GRU : the cell these parameters are for (page: GRU, ``gru.md``).

    Examples
    --------
    One unit, one input: PyTorch's $z'$ pre-activation $0.5x + 0.25h + 0.1 + 0.2$ becomes
    ours, negated:

    >>> Wx, Wh, b, bh = from_pytorch(np.array([[1.0], [0.5], [2.0]]), np.array([[0.0], [0.25], [3.0]]),
    ...                              np.array([0.0, 0.1, 0.3]), np.array([0.0, 0.2, 0.4]))
    >>> Wx, Wh
    (array([[ 1. , -0.5,  2. ]]), array([[ 0.  , -0.25,  3.  ]]))
    >>> b, bh
    (array([ 0. , -0.3,  0.3]), array([0.4]))
    """
    weight_ih, weight_hh = np.asarray(weight_ih), np.asarray(weight_hh)
    bias_ih, bias_hh = np.asarray(bias_ih), np.asarray(bias_hh)
    H = weight_hh.shape[-1] if weight_hh.ndim == 2 else -1
    if (weight_hh.shape != (3 * H, H) or weight_ih.ndim != 2 or weight_ih.shape[0] != 3 * H
            or bias_ih.shape != (3 * H,) or bias_hh.shape != (3 * H,)):
        raise ValueError(f"from_pytorch: expected weight_ih (3H, D), weight_hh (3H, H), bias_ih and bias_hh (3H,), "
                         f"got {weight_ih.shape}, {weight_hh.shape}, {bias_ih.shape} and {bias_hh.shape}")
    sign = np.ones(3 * H, weight_hh.dtype)
    sign[H:2 * H] = -1  # z = 1 - z' = sigma(-a'): the z block changes sign
    b = np.concatenate([bias_ih[:2 * H] + bias_hh[:2 * H], bias_ih[2 * H:]])
    return weight_ih.T * sign, weight_hh.T * sign, b * sign, bias_hh[2 * H:].copy()
