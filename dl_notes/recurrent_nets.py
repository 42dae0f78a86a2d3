r"""`RecurrentNet`: a recurrent layer (RNN, LSTM or GRU, optionally bidirectional) with an output layer, trainable like the course's networks.

It has the interface of `dl_notes.nets.Network` (``params``, ``predict``, ``loss``,
``accuracy``, ``gradient``, ``numerical_gradient``), so an optimizer of `dl_notes.optim`
trains it with ``optimizer.update(net.params, net.gradient(xs, ts))``.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, batch, count, float_dtype, generator, one_of
from .gradcheck import numerical_gradient as _numerical_gradient
from .gru import TimeGRU
from .layers import Affine
from .losses import SoftmaxWithLoss
from .lstm import TimeLSTM
from .rnn import TimeRNN
from .time_layers import Bidirectional, TimeAffine, TimeSoftmaxWithLoss

__all__ = ["RecurrentNet", "recurrent_layer", "parameter_count"]

CELLS = {"rnn": (TimeRNN, 1), "lstm": (TimeLSTM, 4), "gru": (TimeGRU, 3)}


class RecurrentNet:
    r"""A recurrent layer and an affine output layer, with softmax cross-entropy or squared error.

    $$
    h_t = \mathrm{cell}(x_t, h_{t-1}), \qquad
    y_t = h_t W_{out} + b_{out}
    $$

    at every step (``output='all'``) or at the last one only (``output='last'``; a
    bidirectional net then reads $[\overrightarrow{h}_T ; \overleftarrow{h}_1]$, the two
    directions' final states). The loss is the mean softmax cross-entropy of the scores
    $y$ against class labels (``loss='softmax'``) or half the mean squared error
    $\frac{1}{2M}\sum (y - t)^2$ against real targets (``loss='mse'``, the course's
    ``mean_squared_error``).

    The weights are initialised as the book's second volume does (Xavier,
    $\mathcal{N}(0, 1/n_\text{in})$), the biases at zero.

    Parameters
    ----------
    input_size, hidden_size, output_size : int
    cell : {'rnn', 'lstm', 'gru'}, default 'rnn'
    output : {'all', 'last'}, default 'all'
    loss : {'softmax', 'mse'}, default 'softmax'
    bidirectional : bool, default False
    activation : {'tanh', 'sigmoid', 'relu'}, default 'tanh'
        The simple RNN's activation (the gated cells have theirs fixed).
    dtype : float32 or float64, default float32
    rng, seed : optional
        The generator (or its seed) for the initial weights.

    Attributes
    ----------
    params : dict of str to ndarray
        ``Wx``, ``Wh``, ``b`` (with suffixes ``_f`` and ``_b`` for the two directions of a
        bidirectional net), ``W_out``, ``b_out``: the arrays the layers hold. In the course's
        notation ``Wx`` is $W_{in}$, ``Wh`` is $W$ and ``W_out`` is $W_{out}$.
    recurrent : TimeRNN, TimeLSTM, TimeGRU or Bidirectional
        The recurrent layer.

    Examples
    --------
    >>> from dl_notes.optim import Adam
    >>> net = RecurrentNet(1, 8, 2, cell="lstm", output="last", seed=0)
    >>> sorted(net.params)
    ['W_out', 'Wh', 'Wx', 'b', 'b_out']
    >>> rng = np.random.default_rng(0)
    >>> xs = rng.normal(size=(64, 5, 1)).astype(np.float32)
    >>> ts = (xs[:, 0, 0] > 0).astype(int)          # remember the sign of the first input
    >>> optimizer = Adam(lr=0.05)
    >>> for _ in range(60):
    ...     optimizer.update(net.params, net.gradient(xs, ts))
    >>> net.accuracy(xs, ts) > 0.9
    True
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, cell: str = "rnn", *,
                 output: str = "all", loss: str = "softmax", bidirectional: bool = False, activation: str = "tanh",
                 dtype=np.float32, rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        D, H, O = (count(n, v) for n, v in (("input_size", input_size), ("hidden_size", hidden_size),
                                             ("output_size", output_size)))
        self.cell = one_of("cell", cell, tuple(CELLS))
        self.output = one_of("output", output, ("all", "last"))
        self.loss_type = one_of("loss", loss, ("softmax", "mse"))
        self.bidirectional = bool(bidirectional)
        self.dtype = float_dtype(dtype)
        rng = generator(rng, seed)

        def layer():
            return recurrent_layer(self.cell, D, H, rng, self.dtype, activation=activation)

        self.params: dict[str, np.ndarray] = {}
        if self.bidirectional:
            self.recurrent = Bidirectional(layer(), layer())
            parts = {"_f": self.recurrent.forward_layer, "_b": self.recurrent.backward_layer}
        else:
            self.recurrent = layer()
            self.recurrent.input_grad = False  # its input is the data: skip dL/dx, as PyTorch does
            parts = {"": self.recurrent}
        self._owners = {}
        for suffix, layer in parts.items():
            for p in layer.parameter_names:
                self.params[p + suffix] = getattr(layer, p)
                self._owners[p + suffix] = (layer, "d" + p)
        width = 2 * H if self.bidirectional else H
        W_out = (rng.standard_normal((width, O)) / np.sqrt(width)).astype(self.dtype)
        affine = TimeAffine if self.output == "all" else Affine
        self.affine = affine(W_out, np.zeros(O, self.dtype))
        self.params["W_out"], self.params["b_out"] = self.affine.W, self.affine.b
        self._owners["W_out"], self._owners["b_out"] = (self.affine, "dW"), (self.affine, "db")
        self.last_layer = TimeSoftmaxWithLoss() if self.output == "all" else SoftmaxWithLoss()
        self.last_loss: float | None = None
        self._hs_shape: tuple[int, ...] | None = None

    def predict(self, xs: np.ndarray) -> np.ndarray:
        """The outputs: (N, T, output_size) with ``output='all'``, (N, output_size) with ``'last'``."""
        where = "RecurrentNet.predict"
        xs = array(f"{where}: xs", batch(where, xs, "xs"), ndim=3, layout="(N, T, D)").astype(self.dtype, copy=False)
        hs = self.recurrent.forward(xs)
        self._hs_shape = hs.shape
        if self.output == "last":
            hs = self._last(hs)
        return self.affine.forward(hs)

    def loss(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """The mean loss of ``predict(xs)`` against ``ts`` (labels, or real targets of the output's shape)."""
        ys = self.predict(xs)
        if self.loss_type == "softmax":
            return self.last_layer.forward(ys, ts)
        ts = np.asarray(ts, dtype=self.dtype).reshape(ys.shape) if np.size(ts) == ys.size else np.asarray(ts)
        if ts.shape != ys.shape:
            raise ValueError(f"RecurrentNet.loss: ts must have the output's shape {ys.shape}, got {ts.shape}")
        self._mse = (ys, ts)
        d = ys - ts
        return float(0.5 * np.mean(d * d))

    def gradient(self, xs: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of ``loss(xs, ts)`` by backpropagation through time, keyed like ``params``."""
        self.last_loss = self.loss(xs, ts)
        if self.loss_type == "softmax":
            dys = self.last_layer.backward()
        else:
            ys, ts = self._mse
            dys = (ys - ts) / ys.size
        dhs = self.affine.backward(dys)
        if self.output == "last":
            dhs = self._last_backward(dhs)
        self.recurrent.backward(dhs)
        return {key: getattr(layer, name) for key, (layer, name) in self._owners.items()}

    def numerical_gradient(self, xs: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of ``loss(xs, ts)`` by central differences (slow; use float64)."""
        return {key: _numerical_gradient(lambda _: self.loss(xs, ts), p) for key, p in self.params.items()}

    def accuracy(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """The fraction of predictions (every step, or every sequence) whose highest score is the label.

        With ``output='all'``, steps labelled -1 (padding) are not counted.
        """
        if self.loss_type != "softmax":
            raise ValueError("RecurrentNet.accuracy: defined for loss='softmax' only; this net regresses (loss='mse')")
        predicted = self.predict(xs).argmax(axis=-1)
        ts = np.asarray(ts)
        if ts.shape != predicted.shape:
            raise ValueError(f"RecurrentNet.accuracy: ts must hold one label per prediction, shape {predicted.shape}, "
                             f"got {ts.shape}")
        counted = ts != -1
        return float(np.mean(predicted[counted] == ts[counted]))

    def _last(self, hs: np.ndarray) -> np.ndarray:
        if not self.bidirectional:
            return hs[:, -1]
        H = hs.shape[2] // 2
        return np.concatenate([hs[:, -1, :H], hs[:, 0, H:]], axis=1)

    def _last_backward(self, dh: np.ndarray) -> np.ndarray:
        dhs = np.zeros(self._hs_shape, dh.dtype)
        if not self.bidirectional:
            dhs[:, -1] = dh
        else:
            H = self._hs_shape[2] // 2
            dhs[:, -1, :H], dhs[:, 0, H:] = dh[:, :H], dh[:, H:]
        return dhs


def recurrent_layer(cell: str, input_size: int, hidden_size: int, rng: np.random.Generator, dtype=np.float32,
                    activation: str = "tanh"):
    r"""A new `TimeRNN`, `TimeLSTM` or `TimeGRU` with the book's initial weights.

    $W_x \sim \mathcal{N}(0, 1/D)$ and $W_h \sim \mathcal{N}(0, 1/H)$ (Xavier, drawn from
    ``rng`` in this order), the bias zero. ``activation`` applies to the simple RNN only
    (the gated cells have theirs fixed).

    Examples
    --------
    >>> layer = recurrent_layer("lstm", 3, 5, np.random.default_rng(0))
    >>> type(layer).__name__, layer.Wx.shape, layer.Wh.shape, layer.b.dtype
    ('TimeLSTM', (3, 20), (5, 20), dtype('float32'))
    """
    layer_type, G = CELLS[one_of("cell", cell, tuple(CELLS))]
    D, H = count("input_size", input_size), count("hidden_size", hidden_size)
    dtype = float_dtype(dtype)
    Wx = (rng.standard_normal((D, G * H)) / np.sqrt(D)).astype(dtype)
    Wh = (rng.standard_normal((H, G * H)) / np.sqrt(H)).astype(dtype)
    options = {"activation": activation} if cell == "rnn" else {}
    return layer_type(Wx, Wh, np.zeros(G * H, dtype), **options)


def parameter_count(cell: str, input_size: int, hidden_size: int, biases: int = 1) -> int:
    r"""The number of learnable parameters of one recurrent layer: $G\,(D H + H H + B H)$.

    A cell with $G$ blocks (1 for the RNN; 4 for the LSTM's $i, f, g, o$; 3 for the GRU's
    $r, z, \tilde h$) has $W_x$ (D, GH), $W_h$ (H, GH) and $B$ bias vectors of length $GH$.
    ``dl_notes`` (like the course and the book's second volume) has one bias, $B = 1$;
    PyTorch's ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` have two (``bias_ih`` and ``bias_hh``),
    $B = 2$. A GRU with ``reset_after=True`` has $GH + H$ biases, between the two.

    Parameters
    ----------
    cell : {'rnn', 'lstm', 'gru'}
    input_size, hidden_size : int
        $D$ and $H$.
    biases : {1, 2}, default 1
        $B$: 1 as here, 2 to count as PyTorch does.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        For an unknown cell, a size below 1 or ``biases`` other than 1 or 2.

    See Also
    --------
    RecurrentNet : its ``params`` hold these counts (page: GRU, ``gru.md``, compares the three).

    Examples
    --------
    For $D = 10$ inputs and $H = 20$ units, the GRU has 3/4 of the LSTM's parameters:

    >>> [parameter_count(c, 10, 20) for c in ("rnn", "lstm", "gru")]
    [620, 2480, 1860]
    >>> parameter_count("lstm", 10, 20, biases=2)    # sum(p.numel()) of torch.nn.LSTM(10, 20)
    2560
    """
    G = CELLS[one_of("cell", cell, tuple(CELLS))][1]
    D, H = count("input_size", input_size), count("hidden_size", hidden_size)
    if biases not in (1, 2) or isinstance(biases, bool):
        raise ValueError(f"parameter_count: biases must be 1 (dl_notes, the course) or 2 (PyTorch), got {biases!r}")
    return G * (D * H + H * H + biases * H)
