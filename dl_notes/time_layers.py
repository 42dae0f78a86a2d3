r"""Layers over sequences (N, T, ...): an affine map and softmax with loss at every time step, and the bidirectional wrapper.

They complete the recurrent layers of `dl_notes.rnn`, `dl_notes.lstm` and `dl_notes.gru`
into networks that read a sequence and answer at every step (`TimeAffine`,
`TimeSoftmaxWithLoss`) or read it in both directions (`Bidirectional`). Names and
interfaces are those of the book's second volume (``common/time_layers.py``).
"""

from __future__ import annotations

import numpy as np

from ._checks import array, batch, forward_cache, labels, upstream_gradient
from .layers import Affine
from .losses import SoftmaxWithLoss

__all__ = ["TimeAffine", "TimeSoftmaxWithLoss", "Bidirectional"]


class TimeAffine(Affine):
    r"""The same affine map at every time step: (N, T, H) → (N, T, M).

    $$
    y_t = h_t W + b \quad (t = 1, \dots, T), \qquad
    \frac{\partial L}{\partial W} = \sum_{t} h_t^\top \frac{\partial L}{\partial y_t}
    $$

    computed as one (N·T, H) @ (H, M) product. The course's output weights $W_{out}$ and bias
    $c$ of an RNN are this layer's ``W`` and ``b``.

    Examples
    --------
    >>> layer = TimeAffine(np.array([[1.0], [2.0]]), np.array([0.5]))
    >>> layer.forward(np.ones((1, 3, 2)))[..., 0]
    array([[3.5, 3.5, 3.5]])
    >>> layer.backward(np.ones((1, 3, 1))).shape, layer.dW.ravel()    # summed over the 3 steps
    ((1, 3, 2), array([3., 3.]))
    """

    def forward(self, xs: np.ndarray) -> np.ndarray:
        where = "TimeAffine.forward"
        xs = array(f"{where}: xs", batch(where, xs, "xs"), ndim=3, layout="(N, T, H)")
        N, T, H = xs.shape
        self._time_shape = (N, T)
        return super().forward(xs.reshape(N * T, H)).reshape(N, T, -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        N, T = forward_cache("TimeAffine.backward", getattr(self, "_time_shape", None))
        dout = upstream_gradient("TimeAffine.backward", dout, (N, T, self.W.shape[1]), self.W.dtype)
        dx = super().backward(dout.reshape(N * T, -1))
        return None if dx is None else dx.reshape(N, T, -1)


class TimeSoftmaxWithLoss:
    r"""Softmax cross-entropy at every time step, averaged over the steps that count.

    $$
    L = -\frac{1}{|V|} \sum_{(n, t) \in V} \log \operatorname{softmax}(x_{n,t})_{t_{n,t}}, \qquad
    \frac{\partial L}{\partial x_{n,t}} = \frac{y_{n,t} - \text{onehot}(t_{n,t})}{|V|}\ [(n, t) \in V]
    $$

    where $V$ is the set of positions whose label is not ``ignore_label`` (padding).

    Parameters
    ----------
    ignore_label : int, default -1
        Positions with this label add nothing to the loss and get zero gradient.

    Examples
    --------
    >>> layer = TimeSoftmaxWithLoss()
    >>> xs = np.zeros((1, 3, 2))                       # every step: softmax = (0.5, 0.5)
    >>> round(layer.forward(xs, np.array([[0, 1, -1]])), 6)    # the third step is ignored: log 2
    0.693147
    >>> layer.backward()[0]
    array([[-0.25,  0.25],
           [ 0.25, -0.25],
           [ 0.  ,  0.  ]])
    """

    def __init__(self, ignore_label: int = -1) -> None:
        self.ignore_label = int(ignore_label)
        self._softmax = SoftmaxWithLoss()  # on the steps that count, flattened to (|V|, V)
        self.loss: float | None = None
        self.y: np.ndarray | None = None
        self._cache = None

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        where = "TimeSoftmaxWithLoss.forward"
        xs = array(f"{where}: xs", batch(where, xs, "xs"), ndim=3, layout="(N, T, V)")
        N, T, V = xs.shape
        ts = np.asarray(ts)
        if ts.shape == (N, T, V):  # one-hot
            ts = ts.argmax(axis=2)
        if ts.shape != (N, T):
            raise ValueError(f"{where}: ts must hold one label per step, shape (N, T) = ({N}, {T}), or one-hot rows "
                             f"(N, T, V), got {ts.shape}")
        mask = (ts != self.ignore_label).reshape(-1)
        if not mask.any():
            raise ValueError(f"{where}: every label is ignore_label = {self.ignore_label}; nothing to learn from")
        kept = labels("ts", ts.reshape(-1)[mask], int(mask.sum()), V)
        self.loss = self._softmax.forward(xs.reshape(N * T, V)[mask], kept)
        self.y = self._softmax.y
        self._cache = (xs.shape, mask)
        return self.loss

    def backward(self, dout: float = 1) -> np.ndarray:
        shape, mask = forward_cache("TimeSoftmaxWithLoss.backward", self._cache)
        dx = np.zeros((mask.size, shape[2]), self.y.dtype)
        dx[mask] = self._softmax.backward(dout)
        return dx.reshape(shape)


class Bidirectional:
    r"""Two recurrent layers over one sequence, one forward and one backward in time, concatenated per step.

    $$
    \overrightarrow{h}_t = \mathrm{forward}(x_1, \dots, x_t), \qquad
    \overleftarrow{h}_t = \mathrm{backward}(x_T, \dots, x_t), \qquad
    h_t = \bigl[\overrightarrow{h}_t ;\ \overleftarrow{h}_t\bigr]
    $$

    so every $h_t$ sees the whole sequence. The backward layer reads the reversed sequence;
    its outputs are reversed back before the concatenation, so that position $t$ of both
    halves belongs to $x_t$ (the course's ``np.concatenate([h_f, h_b[::-1]], axis=1)``).

    Parameters
    ----------
    forward_layer, backward_layer : TimeRNN, TimeLSTM or TimeGRU
        Two layers with the same input size; the output has both hidden sizes side by side.

    Attributes
    ----------
    forward_layer, backward_layer
        The two layers; their parameters and gradients are theirs (``forward_layer.dWx``, ...).

    Examples
    --------
    >>> from dl_notes.rnn import TimeRNN
    >>> rng = np.random.default_rng(0)
    >>> make = lambda: TimeRNN(rng.normal(size=(1, 2)), rng.normal(size=(2, 2)), np.zeros(2))
    >>> bi = Bidirectional(make(), make())
    >>> xs = rng.normal(size=(1, 4, 1))
    >>> hs = bi.forward(xs)
    >>> hs.shape                                    # (N, T, 2 + 2)
    (1, 4, 4)
    >>> bool(np.allclose(hs[:, 0, 2:], bi.backward_layer.forward(xs[:, ::-1])[:, -1]))
    True
    """

    def __init__(self, forward_layer, backward_layer) -> None:
        for name, layer in (("forward_layer", forward_layer), ("backward_layer", backward_layer)):
            if not all(hasattr(layer, a) for a in ("Wx", "cell", "forward", "backward")):
                raise TypeError(f"Bidirectional: {name} must be a recurrent time layer (TimeRNN, TimeLSTM or "
                                f"TimeGRU), got {type(layer).__name__}")
        if forward_layer.Wx.shape[0] != backward_layer.Wx.shape[0]:
            raise ValueError(f"Bidirectional: both layers must take the same input size, got "
                             f"{forward_layer.Wx.shape[0]} and {backward_layer.Wx.shape[0]}")
        if getattr(backward_layer, "stateful", False):
            raise ValueError("Bidirectional: backward_layer must not be stateful (stateful=True): it reads each "
                             "sequence from its end, so there is no state to carry into the next block")
        self.forward_layer = forward_layer
        self.backward_layer = backward_layer
        self._H = forward_layer.cell.hidden_size
        self._shape: tuple[int, int, int] | None = None  # of the last output

    @property
    def params(self) -> list[np.ndarray]:
        return self.forward_layer.params + self.backward_layer.params

    @property
    def grads(self) -> list[np.ndarray]:
        return self.forward_layer.grads + self.backward_layer.grads

    def forward(self, xs: np.ndarray) -> np.ndarray:
        hs_f = self.forward_layer.forward(xs)
        hs_b = self.backward_layer.forward(np.asarray(xs)[:, ::-1])
        hs = np.concatenate([hs_f, hs_b[:, ::-1]], axis=2)
        self._shape = hs.shape
        return hs

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        shape = forward_cache("Bidirectional.backward", self._shape)
        dhs = upstream_gradient("Bidirectional.backward", dhs, shape, self.forward_layer.Wx.dtype)
        dxs = self.forward_layer.backward(dhs[:, :, :self._H])
        dxs = dxs + self.backward_layer.backward(dhs[:, ::-1, self._H:])[:, ::-1]
        return dxs
