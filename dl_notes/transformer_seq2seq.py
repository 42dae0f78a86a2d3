r"""A small Transformer encoder–decoder with the interface of the Day 3 seq2seq models.

$$
X_0 = \sqrt{d_{model}}\, E_{src}[x] + PE, \qquad H = \mathrm{Encoder}^{(L)}(X_0), \qquad
Y_0 = \sqrt{d_{model}}\, E_{tgt}[y_{\text{in}}] + PE,
$$
$$
\mathrm{logits} = \mathrm{Decoder}^{(L)}(Y_0, H)\, W_{out} + b_{out}
$$

The same ``forward(xs, ts) -> loss``, ``backward() -> grads``, ``gradient``, ``params`` and
``generate(xs, start_id, length)`` as `dl_notes.attention.AttentionSeq2seq`, so one training
loop trains both. Training uses teacher forcing on the whole target at once: the decoder
reads ``ts[:, :-1]`` under the look-ahead mask and is scored on ``ts[:, 1:]``. The page
"Transformer" teaches it and compares it with the LSTM.
"""

from __future__ import annotations

import numpy as np

from ._checks import count, float_dtype, generator
from .embedding import TimeEmbedding
from .multihead import look_ahead_mask, padding_mask
from .time_layers import TimeAffine, TimeSoftmaxWithLoss
from .transformer import DecoderLayer, EncoderLayer, positional_encoding

__all__ = ["Transformer"]


class Transformer:
    r"""A Transformer encoder–decoder for symbol sequences (post-norm, ReLU, no dropout).

    $$
    X_0 = \sqrt{d_{model}}\, E_{src}[x] + PE, \qquad
    Y_0 = \sqrt{d_{model}}\, E_{tgt}[y_{\text{in}}] + PE, \qquad
    \mathrm{logits} = \mathrm{Decoder}(Y_0, \mathrm{Encoder}(X_0))\, W_{out} + b_{out}
    $$

    The source and target have their own embeddings and the output projection $W_{out}$ is
    a separate matrix (the course ties it to the target embedding, ``proj_share_weight=True``).
    There is no dropout: the data sets of this site are small and generated, and leaving it out
    keeps the gradient checks exact. Source positions holding ``pad_id`` are hidden from
    every attention; the decoder's self-attention also hides the future (`look_ahead_mask`).

    Parameters
    ----------
    vocab_size : int
        V (one vocabulary for source and target).
    d_model, n_heads, d_ff : int, default 32, 4, 64
    n_layers : int, default 1
        Encoder layers and decoder layers (as many of each).
    max_length : int, default 64
        The longest sequence the positional encoding table covers.
    pad_id : int, default 0
    dtype : float32 or float64, default float32
    rng, seed : optional
        Embeddings $\mathcal{N}(0, 1/d_{model})$ (unit variance after the $\sqrt{d_{model}}$),
        the layers' weights as in `dl_notes.multihead.MultiHeadAttention` and
        `dl_notes.transformer.PositionwiseFeedForward`.

    Attributes
    ----------
    params : dict of str to ndarray
        ``src_E``, ``tgt_E``, ``enc1_att_W_Q`` …, ``dec1_self_W_Q`` …, ``W_out``, ``b_out``.
    encoders, decoders : list of EncoderLayer, list of DecoderLayer
        After a forward pass or ``generate``, ``encoders[i].attention.weights`` (N, h, T_s, T_s)
        and ``decoders[i].cross_attention.weights`` (N, h, T_t, T_s) are the attention maps.

    Examples
    --------
    >>> from dl_notes.optim import Adam
    >>> model = Transformer(vocab_size=5, d_model=8, n_heads=2, d_ff=16, seed=0)
    >>> xs = np.array([[2, 3, 4, 0]])                    # a source of 3 symbols and one pad
    >>> ts = np.array([[1, 4, 3, 2]])                    # start symbol, then the reversed source
    >>> optimizer = Adam(lr=0.01)
    >>> for _ in range(50):
    ...     optimizer.update(model.params, model.gradient(xs, ts))
    >>> model.generate(xs, start_id=1, length=3)
    array([[4, 3, 2]])
    >>> float(model.decoders[0].cross_attention.weights[0, :, :, 3].max())   # the pad gets 0
    0.0
    """

    def __init__(self, vocab_size: int, d_model: int = 32, n_heads: int = 4, d_ff: int = 64, n_layers: int = 1, *,
                 max_length: int = 64, pad_id: int = 0, dtype=np.float32, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        V, d = count("vocab_size", vocab_size), count("d_model", d_model)
        self.dtype, self.pad_id = float_dtype(dtype), int(pad_id)
        rng = generator(rng, seed)
        self.pe = positional_encoding(count("max_length", max_length), d, dtype=self.dtype)
        self.src_embed = TimeEmbedding((rng.standard_normal((V, d)) / np.sqrt(d)).astype(self.dtype))
        self.tgt_embed = TimeEmbedding((rng.standard_normal((V, d)) / np.sqrt(d)).astype(self.dtype))
        L = count("n_layers", n_layers)
        self.encoders = [EncoderLayer(d, n_heads, d_ff, dtype=self.dtype, rng=rng) for _ in range(L)]
        self.decoders = [DecoderLayer(d, n_heads, d_ff, dtype=self.dtype, rng=rng) for _ in range(L)]
        self.affine = TimeAffine((rng.standard_normal((d, V)) / np.sqrt(d)).astype(self.dtype), np.zeros(V, self.dtype))
        self.loss_layer = TimeSoftmaxWithLoss(ignore_label=-1)
        self.scale = self.dtype.type(np.sqrt(d))
        self.params = self._gather("params")
        self.last_loss: float | None = None

    def _gather(self, attr: str) -> dict[str, np.ndarray]:
        """``params`` (or ``grads``) of every part, keyed by part."""
        grad = attr == "grads"
        out = {"src_E": self.src_embed.dW if grad else self.src_embed.W,
               "tgt_E": self.tgt_embed.dW if grad else self.tgt_embed.W}
        for prefix, layers in (("enc", self.encoders), ("dec", self.decoders)):
            for i, layer in enumerate(layers, 1):
                out.update({f"{prefix}{i}_{k}": v for k, v in getattr(layer, attr).items()})
        out["W_out"], out["b_out"] = (self.affine.dW, self.affine.db) if grad else (self.affine.W, self.affine.b)
        return out

    def _ids(self, name: str, ids: object) -> np.ndarray:
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ValueError(f"Transformer: {name} must be integer symbol ids of shape (N, T), got {ids.dtype} {ids.shape}")
        if ids.shape[1] > len(self.pe):
            raise ValueError(f"Transformer: {name} has {ids.shape[1]} positions, more than max_length = {len(self.pe)}")
        return ids

    def _embed(self, embed: TimeEmbedding, ids: np.ndarray) -> np.ndarray:
        return embed.forward(ids) * self.scale + self.pe[:ids.shape[1]]

    def encode(self, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The encoder's output (N, T_s, d_model) and the source padding mask (N, 1, T_s)."""
        xs = self._ids("xs", xs)
        mask = padding_mask(xs, self.pad_id)
        h = self._embed(self.src_embed, xs)
        for layer in self.encoders:
            h = layer.forward(h, mask)
        return h, mask

    def decode(self, memory: np.ndarray, src_mask: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        """The logits (N, T_t, V) of the next symbols after ``inputs`` (N, T_t), every position at once."""
        inputs = self._ids("ts", inputs)
        self_mask = look_ahead_mask(inputs.shape[1]) | padding_mask(inputs, self.pad_id)   # (N, T_t, T_t)
        y = self._embed(self.tgt_embed, inputs)
        for layer in self.decoders:
            y = layer.forward(y, memory, self_mask, src_mask)
        return self.affine.forward(y)

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """The mean cross-entropy of the next symbols ``ts[:, 1:]`` under teacher forcing (``pad_id`` ignored)."""
        ts = self._ids("ts", ts)
        if ts.shape[1] < 2:
            raise ValueError(f"Transformer: ts must hold the start symbol and at least one target, got shape {ts.shape}")
        if len(ts) != len(xs):
            raise ValueError(f"Transformer: xs and ts must hold as many sequences, got {len(xs)} and {len(ts)}")
        memory, mask = self.encode(xs)
        labels = np.where(ts[:, 1:] == self.pad_id, -1, ts[:, 1:])
        self.last_loss = self.loss_layer.forward(self.decode(memory, mask, ts[:, :-1]), labels)
        return self.last_loss

    def backward(self) -> dict[str, np.ndarray]:
        """The gradients of the last ``forward``'s loss, keyed like ``params``."""
        dy = self.affine.backward(self.loss_layer.backward())
        dmemory = 0
        for layer in reversed(self.decoders):
            dy, dm = layer.backward(dy)
            dmemory = dmemory + dm          # every decoder layer reads the same memory
        self.tgt_embed.backward(dy * self.scale)
        dh = dmemory
        for layer in reversed(self.encoders):
            dh = layer.backward(dh)
        self.src_embed.backward(dh * self.scale)
        return self._gather("grads")

    def gradient(self, xs: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        """``forward`` then ``backward``: the gradients of the loss on (xs, ts), keyed like ``params``."""
        self.forward(xs, ts)
        return self.backward()

    def generate(self, xs: np.ndarray, start_id: int, length: int) -> np.ndarray:
        """Greedy decoding of ``length`` symbols for every source (N, length).

        The decoder reruns on the whole prefix at each step (no cache: the sequences here are
        short); after the last step the layers' ``weights`` hold the maps of every generated
        position (the look-ahead mask makes them those of each step).
        """
        memory, mask = self.encode(xs)
        ids = np.full((len(memory), 1), int(start_id))
        for _ in range(count("length", length)):
            logits = self.decode(memory, mask, ids)
            ids = np.concatenate([ids, logits[:, -1].argmax(axis=-1)[:, None]], axis=1)
        return ids[:, 1:]
