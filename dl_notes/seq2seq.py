r"""Sequence to sequence (seq2seq): an encoder reads the source, a decoder writes the target from the encoder's final state.

$$
(h_T, c_T) = \mathrm{Encoder}(x_1, \dots, x_T), \qquad
p(y_t \mid y_{<t}, x) = \operatorname{softmax}\bigl(s_t W_{out} + b_{out}\bigr), \quad
s_t = \mathrm{cell}(e(y_{t-1}), s_{t-1}), \quad s_0 = (h_T, c_T)
$$

The encoder's final hidden state $h_T$ is the **thought vector**: everything the decoder
learns about the source passes through it (not the embedding of any word). Training
feeds the decoder the true previous word $y_{t-1}$ (**teacher forcing**) after a start
symbol; generation feeds its own choice back (`dl_notes.decoding`).

The parts are the library's layers: `dl_notes.embedding.TimeEmbedding`, a recurrent layer
(`dl_notes.lstm.TimeLSTM` by default, or `TimeRNN`/`TimeGRU`), `dl_notes.time_layers.TimeAffine`
and `TimeSoftmaxWithLoss`. With ``vocab_size=None`` the inputs are real vectors instead of
word ids (no embedding) and the loss is the squared error: the course's sin → cos model.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, count, float_dtype, forward_cache, generator, one_of
from .activations import log_softmax  # also importable from here, where Day 3 first used it
from .decoding import beam_search, greedy_search
from .embedding import TimeEmbedding
from .gradcheck import numerical_gradient as _numerical_gradient
from .losses import mean_squared_error
from .recurrent_nets import CELLS, recurrent_layer
from .time_layers import TimeAffine, TimeSoftmaxWithLoss

__all__ = ["Encoder", "Decoder", "Seq2seq"]


class _Part:
    """Parameters by name (the arrays the layers hold) and their gradients under the same names."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self._owners: dict[str, tuple[object, str]] = {}

    def _own(self, key: str, layer: object, name: str) -> None:
        self.params[key] = getattr(layer, name)
        self._owners[key] = (layer, "d" + name)

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """The gradients from the last ``backward``, keyed like ``params``."""
        return {key: getattr(layer, name) for key, (layer, name) in self._owners.items()}


def _input_part(part: _Part, vocab_size: int | None, wordvec_size: int, rng, dtype) -> TimeEmbedding | None:
    """The embedding of a part that reads word ids (None for real-valued inputs)."""
    if vocab_size is None:
        return None
    V = count("vocab_size", vocab_size)
    embed = TimeEmbedding((0.01 * rng.standard_normal((V, wordvec_size))).astype(dtype))
    part._own("W_embed", embed, "W")
    return embed


def _recurrent_part(part: _Part, cell: str, wordvec_size: int, hidden_size: int, rng, dtype, activation: str):
    layer = recurrent_layer(cell, wordvec_size, hidden_size, rng, dtype, activation=activation)
    for p in layer.parameter_names:
        part._own(p, layer, p)
    return layer


def _inputs(where: str, embed: TimeEmbedding | None, xs: object, dtype) -> np.ndarray:
    """Word ids (N, T) through the embedding, or real vectors (N, T, D) as they are."""
    if embed is not None:
        return embed.forward(xs)
    return array(f"{where}: xs", xs, ndim=3, layout="(N, T, D)").astype(dtype, copy=False)


class Encoder(_Part):
    r"""Embedding and a recurrent layer: every hidden state (N, T, H), and the final state that starts the decoder.

    $$
    e_t = W_{embed}[x_t], \qquad (h_t, c_t) = \mathrm{cell}(e_t, (h_{t-1}, c_{t-1})), \qquad
    h_0 = c_0 = 0
    $$

    ``forward`` returns all of $h_1, \dots, h_T$ (an attention decoder reads them);
    ``state`` is the final $(h_T, c_T)$ ($(h_T,)$ for the RNN and the GRU), and $h_T$ the
    thought vector.

    Parameters
    ----------
    vocab_size : int or None
        The number of source words (ids 0 to vocab_size - 1); None: the inputs are real
        vectors of ``wordvec_size`` features (N, T, wordvec_size), without an embedding.
    wordvec_size, hidden_size : int
    cell : {'lstm', 'rnn', 'gru'}, default 'lstm'
    activation : {'tanh', 'sigmoid', 'relu'}, default 'tanh'
        The simple RNN's activation.
    dtype : float32 or float64, default float32
    rng, seed : optional
        The generator (or its seed) for the initial weights: the embedding
        $\mathcal{N}(0, 0.01^2)$ as in the book, the recurrent weights as `RecurrentNet`.

    Attributes
    ----------
    params, grads : dict of str to ndarray
        ``W_embed`` (if there is an embedding), ``Wx``, ``Wh``, ``b``.
    embed : TimeEmbedding or None
    recurrent : TimeLSTM, TimeRNN or TimeGRU

    Examples
    --------
    >>> encoder = Encoder(vocab_size=10, wordvec_size=4, hidden_size=3, seed=0)
    >>> hs = encoder.forward(np.array([[1, 2, 3], [4, 5, 0]]))
    >>> hs.shape, [s.shape for s in encoder.state]        # h_1..h_T; the final (h_T, c_T)
    ((2, 3, 3), [(2, 3), (2, 3)])
    >>> bool(np.array_equal(encoder.state[0], hs[:, -1]))  # the thought vector is the last h
    True
    """

    def __init__(self, vocab_size: int | None, wordvec_size: int, hidden_size: int, cell: str = "lstm", *,
                 activation: str = "tanh", dtype=np.float32, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        super().__init__()
        D, H = count("wordvec_size", wordvec_size), count("hidden_size", hidden_size)
        self.dtype = float_dtype(dtype)
        rng = generator(rng, seed)
        self.embed = _input_part(self, vocab_size, D, rng, self.dtype)
        self.recurrent = _recurrent_part(self, one_of("cell", cell, tuple(CELLS)), D, H, rng, self.dtype, activation)
        self.recurrent.input_grad = self.embed is not None  # real inputs are data: no gradient needed

    @property
    def state(self) -> tuple[np.ndarray, ...]:
        """The final state of the last ``forward``: (h_T, c_T) for the LSTM, (h_T,) otherwise."""
        if self.recurrent.state is None:
            raise RuntimeError("Encoder.state: call forward first")
        return self.recurrent.state

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """The hidden states of every step, (N, T, H), from word ids (N, T) (or vectors (N, T, D))."""
        hs = self.recurrent.forward(_inputs("Encoder.forward", self.embed, xs, self.dtype))
        self._hs_shape = hs.shape
        return hs

    def backward(self, dhs: np.ndarray | None = None, *dstate: np.ndarray) -> None:
        """Gradients from $\\partial L / \\partial h_t$ (N, T, H) (zeros if None) and of the final state ``dstate``."""
        if dhs is None:
            dhs = np.zeros(forward_cache("Encoder.backward", getattr(self, "_hs_shape", None)), self.dtype)
        dxs = self.recurrent.backward(dhs, *dstate)
        if self.embed is not None:
            self.embed.backward(dxs)


class Decoder(_Part):
    r"""Embedding, a recurrent layer started from a given state, and an affine output at every step.

    $$
    s_t = \mathrm{cell}(W_{embed}[y_{t-1}], s_{t-1}), \qquad o_t = h_t W_{out} + b_{out}
    $$

    from $s_0$ = the encoder's final state. ``forward`` takes the whole input sequence at
    once (teacher forcing: the start symbol, then the true words); ``step`` one input per row,
    for generation.

    Parameters
    ----------
    vocab_size : int or None
        The number of target words; None: real-valued inputs of ``wordvec_size`` features.
    wordvec_size, hidden_size : int
    cell : {'lstm', 'rnn', 'gru'}, default 'lstm'
    output_size : int, optional
        The size of $o_t$; ``vocab_size`` unless given (required when vocab_size is None).
    activation, dtype, rng, seed
        As for `Encoder`.

    Attributes
    ----------
    params, grads : dict of str to ndarray
        ``W_embed`` (if there is an embedding), ``Wx``, ``Wh``, ``b``, ``W_out``, ``b_out``.
    embed, recurrent, affine

    Examples
    --------
    >>> decoder = Decoder(vocab_size=10, wordvec_size=4, hidden_size=3, seed=0)
    >>> state = (np.zeros((2, 3), np.float32), np.zeros((2, 3), np.float32))
    >>> decoder.forward(np.array([[1, 5], [1, 7]]), state).shape     # scores of every step
    (2, 2, 10)
    >>> scores, state = decoder.step(np.array([1, 1]), state)        # one step
    >>> scores.shape, len(state)
    ((2, 10), 2)
    """

    def __init__(self, vocab_size: int | None, wordvec_size: int, hidden_size: int, cell: str = "lstm", *,
                 output_size: int | None = None, activation: str = "tanh", dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__()
        D, H = count("wordvec_size", wordvec_size), count("hidden_size", hidden_size)
        if output_size is None and vocab_size is None:
            raise ValueError("Decoder: output_size must be given when vocab_size is None (real-valued inputs)")
        O = count("output_size", vocab_size if output_size is None else output_size)
        self.dtype = float_dtype(dtype)
        rng = generator(rng, seed)
        self.embed = _input_part(self, vocab_size, D, rng, self.dtype)
        self.recurrent = _recurrent_part(self, one_of("cell", cell, tuple(CELLS)), D, H, rng, self.dtype, activation)
        self.recurrent.input_grad = self.embed is not None
        W_out = (rng.standard_normal((H, O)) / np.sqrt(H)).astype(self.dtype)
        self.affine = TimeAffine(W_out, np.zeros(O, self.dtype))
        self._own("W_out", self.affine, "W")
        self._own("b_out", self.affine, "b")

    def forward(self, xs: np.ndarray, state: tuple[np.ndarray, ...]) -> np.ndarray:
        """The outputs (N, T, output_size) for inputs (N, T) of ids (or (N, T, D) vectors) from the initial ``state``."""
        hs = self.recurrent.forward(_inputs("Decoder.forward", self.embed, xs, self.dtype), *state)
        return self.affine.forward(hs)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, ...]:
        """The parameters' gradients from $\\partial L / \\partial o_t$; returns the initial state's gradients."""
        dxs = self.recurrent.backward(self.affine.backward(dout))
        if self.embed is not None:
            self.embed.backward(dxs)
        return self.recurrent.dstate0

    def step(self, inputs: np.ndarray, state: tuple[np.ndarray, ...]) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """One step: the outputs (B, output_size) for one input per row (ids (B,) or vectors (B, D)), and the new state."""
        inputs = np.asarray(inputs)
        outputs = self.forward(inputs[:, None], state)
        return outputs[:, 0], self.recurrent.state


class Seq2seq:
    r"""An `Encoder` and a `Decoder` started from its final state, trained with teacher forcing.

    For sources ``xs`` (N, Tx) and targets ``ts`` (N, 1 + L) whose first column is the start
    symbol, the decoder reads ``ts[:, :-1]`` and is scored against ``ts[:, 1:]``:

    $$
    L = -\frac{1}{N L} \sum_{n, t} \log p(y_{n,t} \mid y_{n,<t}, x_n)
    $$

    (``loss='softmax'``), or half the mean squared error of real-valued outputs against
    ``ts[:, 1:]`` (``loss='mse'``, the course's sin → cos; ``ts[:, 0]`` is then the first input,
    zeros in the course). ``reverse_input=True`` feeds the source reversed in time
    (Sutskever et al. 2014): the first source words end up close to the first target words.

    Parameters
    ----------
    vocab_size : int or None
        The vocabulary of sources and targets (one, shared); None for real-valued sequences.
    wordvec_size, hidden_size : int
    cell : {'lstm', 'rnn', 'gru'}, default 'lstm'
    output_size : int, optional
        With ``vocab_size=None``: the size of each output (1 for sin → cos).
    loss : {'softmax', 'mse'}, optional
        'softmax' for words, 'mse' for real values (the default follows ``vocab_size``).
    reverse_input : bool, default False
    activation, dtype, rng, seed
        As for `Encoder`; the encoder is drawn first, then the decoder.

    Attributes
    ----------
    params : dict of str to ndarray
        The encoder's parameters with the prefix ``enc_``, the decoder's with ``dec_``.
    encoder, decoder

    Examples
    --------
    >>> from dl_notes.optim import Adam
    >>> rng = np.random.default_rng(0)
    >>> xs = rng.integers(2, 6, size=(64, 3))                 # copy three words (ids 2..5)
    >>> ts = np.concatenate([np.ones((64, 1), int), xs], axis=1)   # start symbol 1 first
    >>> model = Seq2seq(6, 8, 32, seed=0)
    >>> optimizer = Adam(lr=0.02)
    >>> for _ in range(150):
    ...     optimizer.update(model.params, model.gradient(xs, ts))
    >>> model.exact_match(xs, ts) > 0.9
    True
    >>> model.generate(xs[:2], start=1, length=3), xs[:2]
    (array([[5, 4, 4],
           [3, 3, 2]]), array([[5, 4, 4],
           [3, 3, 2]]))
    """

    def __init__(self, vocab_size: int | None, wordvec_size: int, hidden_size: int, cell: str = "lstm", *,
                 output_size: int | None = None, loss: str | None = None, reverse_input: bool = False,
                 activation: str = "tanh", dtype=np.float32, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        rng = generator(rng, seed)
        options = dict(activation=activation, dtype=dtype, rng=rng)
        self.encoder = Encoder(vocab_size, wordvec_size, hidden_size, cell, **options)
        self.decoder = Decoder(vocab_size, wordvec_size, hidden_size, cell, output_size=output_size, **options)
        default = "mse" if vocab_size is None else "softmax"
        self.loss_type = one_of("loss", default if loss is None else loss, ("softmax", "mse"))
        self.reverse_input = bool(reverse_input)
        self.dtype = self.encoder.dtype
        self.params = {"enc_" + k: v for k, v in self.encoder.params.items()}
        self.params.update({"dec_" + k: v for k, v in self.decoder.params.items()})
        self.softmax = TimeSoftmaxWithLoss()
        self.last_loss: float | None = None
        self._mse = None

    def encode(self, xs: np.ndarray) -> tuple[np.ndarray, ...]:
        """The encoder's final state for sources ``xs`` (reversed first if ``reverse_input``): the decoder's start."""
        xs = np.asarray(xs)
        self.encoder.forward(xs[:, ::-1] if self.reverse_input else xs)
        return self.encoder.state

    def loss(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """The mean loss of the decoder's outputs, fed ``ts[:, :-1]`` (teacher forcing), against ``ts[:, 1:]``."""
        ts = np.asarray(ts)
        if ts.ndim < 2 or ts.shape[1] < 2:
            raise ValueError(f"Seq2seq.loss: ts must be (N, 1 + L) with L >= 1: a start column, then the targets; "
                             f"got shape {ts.shape}")
        if len(ts) != len(xs):
            raise ValueError(f"Seq2seq.loss: xs and ts must hold the same number of sequences, got {len(xs)} and {len(ts)}")
        outputs = self.decoder.forward(ts[:, :-1], self.encode(xs))
        if self.loss_type == "softmax":
            return self.softmax.forward(outputs, ts[:, 1:])
        targets = ts[:, 1:].astype(self.dtype)
        self._mse = (outputs, targets)
        return mean_squared_error(outputs, targets)

    forward = loss

    def backward(self) -> dict[str, np.ndarray]:
        """Backpropagation through the decoder, into the encoder's final state, and through the encoder."""
        if self.loss_type == "softmax":
            dout = self.softmax.backward()
        else:
            outputs, targets = self._mse
            dout = (outputs - targets) / outputs.size
        dstate = self.decoder.backward(dout)
        self.encoder.backward(None, *dstate)
        grads = {"enc_" + k: v for k, v in self.encoder.grads.items()}
        grads.update({"dec_" + k: v for k, v in self.decoder.grads.items()})
        return grads

    def gradient(self, xs: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of ``loss(xs, ts)``, keyed like ``params`` (for ``optimizer.update(params, grads)``)."""
        self.last_loss = self.loss(xs, ts)
        return self.backward()

    def numerical_gradient(self, xs: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of ``loss(xs, ts)`` by central differences (slow; use float64)."""
        return {key: _numerical_gradient(lambda _: self.loss(xs, ts), p) for key, p in self.params.items()}

    def step(self, inputs: np.ndarray, state: tuple[np.ndarray, ...]) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """The decoder's step for `dl_notes.decoding`: log-probabilities (words) or outputs (real values)."""
        outputs, state = self.decoder.step(inputs, state)
        return (log_softmax(outputs) if self.loss_type == "softmax" else outputs), state

    def generate(self, xs: np.ndarray, start, length: int, beam_width: int = 1) -> np.ndarray:
        """Outputs (N, length) for sources ``xs``, each fed back as the next input from ``start``.

        Words: the greedy choice (``beam_width=1``) or the best sequence of `beam_search`.
        Real values (``loss='mse'``): the outputs themselves, (N, length, output_size).
        """
        state = self.encode(xs)
        if self.loss_type == "mse":
            D, O = self.decoder.recurrent.Wx.shape[0], self.decoder.affine.W.shape[1]
            if D != O:
                raise ValueError(f"Seq2seq.generate: feeding outputs back needs output_size = wordvec_size, got {O} and {D}")
            start = np.broadcast_to(np.asarray(start, self.dtype), (len(state[0]), D))
            return greedy_search(self.step, state, start, length, choose=lambda y: y)
        if count("beam_width", beam_width) == 1:
            return greedy_search(self.step, state, start, length)
        return beam_search(self.step, state, start, length, beam_width)[0][:, 0]

    def exact_match(self, xs: np.ndarray, ts: np.ndarray, beam_width: int = 1) -> float:
        """The fraction of sources whose generated sequence equals ``ts[:, 1:]`` in every position."""
        ts = np.asarray(ts)
        generated = self.generate(xs, ts[:, 0], ts.shape[1] - 1, beam_width)
        return float(np.mean((generated == ts[:, 1:]).all(axis=1)))
