r"""Attention: scores between a query and every encoder state, a softmax over them, and the weighted sum.

A seq2seq decoder that sees only the encoder's last state must read the whole input out of one
fixed-length vector. With attention it looks back at every encoder state $h_1, \dots, h_T$ at
every output step: the decoder's state $q$ (the **query**) is scored against each $h_t$, the
scores become weights by a softmax, and the **context vector** is the weighted sum of the states:

$$
e_t = \mathrm{score}(q, h_t), \qquad
a_t = \frac{\exp e_t}{\sum_{s \in M} \exp e_s}\ [t \in M], \qquad
c = \sum_{t} a_t\, h_t
$$

where $M$ is the set of positions that hold data (padding is masked out). The scores are

- **dot-product**: $q^\top h_t$, optionally divided by $\sqrt{d}$ (the Transformer's scaling:
  with entries of variance 1 the dot product has variance $d$);
- **additive** (Bahdanau): $v^\top \tanh(W_q^\top q + W_k^\top h_t)$ with learned $W_q$, $W_k$, $v$.

The weights are computed for each input anew; only the score's parameters (none for the dot
product) are learned. Names follow the book's second volume (``ch08/attention_layer.py``:
``Attention`` for one decoder step, ``TimeAttention`` for all of them), with the queries of all
decoder steps computed in one batched product. Masks are boolean with ``True`` where a position
takes part, as in PyTorch's ``scaled_dot_product_attention``.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, batch, count, float_dtype, forward_cache, generator, parameter, upstream_gradient
from .decoding import greedy_search
from .embedding import TimeEmbedding
from .recurrent_nets import recurrent_layer
from .activations import log_softmax
from .seq2seq import Encoder
from .time_layers import TimeAffine, TimeSoftmaxWithLoss

__all__ = [
    "masked_softmax", "dot_scores", "additive_scores", "context",
    "DotScore", "AdditiveScore", "TimeAttention", "Attention", "AttentionSeq2seq",
]


def masked_softmax(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    r"""The softmax over the last axis, with masked-out positions given weight exactly 0.

    $$
    a_t = \frac{\exp(e_t - m)\,[t \in M]}{\sum_{s \in M} \exp(e_s - m)}, \qquad m = \max_{s \in M} e_s
    $$

    Parameters
    ----------
    scores : ndarray, shape (..., T)
        The scores $e$.
    mask : ndarray of bool, optional
        Broadcastable to ``scores``; ``True`` where a position takes part. ``None``: all do.

    Returns
    -------
    ndarray
        The weights, each row summing to 1.

    Raises
    ------
    ValueError
        If a row has no position left: its weights would be 0/0. PyTorch returns NaN there;
        here an empty row is an error (a source of length 0), not a silent NaN.

    Examples
    --------
    >>> masked_softmax(np.array([0.0, np.log(3.0), 5.0]), np.array([True, True, False]))
    array([0.25, 0.75, 0.  ])
    >>> masked_softmax(np.zeros((1, 2)), np.zeros((1, 2), bool))
    Traceback (most recent call last):
    ...
    ValueError: masked_softmax: mask leaves no position in row (0,) (every entry False); give every row at least one True
    """
    scores = array("masked_softmax: scores", scores)
    if scores.dtype.kind != "f":
        scores = scores.astype(np.float64)
    if mask is None:
        shifted = scores - scores.max(axis=-1, keepdims=True)
        weights = np.exp(shifted)
        return weights / weights.sum(axis=-1, keepdims=True)
    mask = _mask("masked_softmax", mask, scores.shape)
    empty = ~mask.any(axis=-1)
    if empty.any():
        row = tuple(int(i) for i in np.argwhere(empty)[0])
        raise ValueError(f"masked_softmax: mask leaves no position in row {row} (every entry False); "
                         "give every row at least one True")
    kept = np.where(mask, scores, -np.inf)
    weights = np.exp(kept - kept.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def softmax_backward(weights: np.ndarray, dweights: np.ndarray) -> np.ndarray:
    r"""$\partial L / \partial e$ from $\partial L / \partial a$ for $a = \mathrm{softmax}(e)$ over the last axis.

    $$
    \frac{\partial L}{\partial e_t} = a_t \Bigl(\frac{\partial L}{\partial a_t} - \sum_s a_s \frac{\partial L}{\partial a_s}\Bigr)
    $$

    Masked positions have $a_t = 0$, so their scores get gradient 0.

    >>> softmax_backward(np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 7.0]))
    array([ 0.25, -0.25,  0.  ])
    """
    return weights * (dweights - np.sum(weights * dweights, axis=-1, keepdims=True))


def dot_scores(queries: np.ndarray, keys: np.ndarray, scale: bool = False) -> np.ndarray:
    r"""Dot-product scores of every query against every key, optionally divided by $\sqrt{d}$.

    $$
    E = \frac{Q K^\top}{\sqrt{d}} \ \text{(scaled)}, \qquad E = Q K^\top \ \text{(not scaled)}
    $$

    for queries (N, T_q, d) and keys (N, T_k, d); the result is (N, T_q, T_k).

    Examples
    --------
    >>> q = np.array([[[1.0, 1.0, 1.0, 1.0]]])
    >>> k = np.array([[[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]])
    >>> dot_scores(q, k), dot_scores(q, k, scale=True)      # √4 = 2
    (array([[[1., 4.]]]), array([[[0.5, 2. ]]]))
    """
    _pair("dot_scores", queries, keys, same_width=True)
    scores = queries @ keys.transpose(0, 2, 1)
    return scores / np.sqrt(queries.shape[-1]) if scale else scores


def additive_scores(queries: np.ndarray, keys: np.ndarray, Wq: np.ndarray, Wk: np.ndarray, v: np.ndarray) -> np.ndarray:
    r"""Additive (Bahdanau) scores: a one-hidden-layer network of each query–key pair.

    $$
    e_{ij} = v^\top \tanh\bigl(W_q^\top q_i + W_k^\top k_j\bigr)
    $$

    for queries (N, T_q, d_q), keys (N, T_k, d_k), ``Wq`` (d_q, A), ``Wk`` (d_k, A) and ``v``
    (A,); the result is (N, T_q, T_k). Query and key may have different sizes.

    Examples
    --------
    >>> additive_scores(np.ones((1, 1, 1)), np.array([[[0.0], [1.0]]]), np.ones((1, 1)), np.ones((1, 1)), np.array([2.0]))
    array([[[1.52318831, 1.92805516]]])
    """
    _pair("additive_scores", queries, keys, same_width=False)
    return np.tanh((queries @ Wq)[:, :, None, :] + (keys @ Wk)[:, None, :, :]) @ v


def context(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    r"""The context vectors: the weighted sums $c_i = \sum_t a_{it}\, h_t$ of the values.

    For weights (N, T_q, T_k) and values (N, T_k, H), ``weights @ values`` (N, T_q, H).

    Examples
    --------
    >>> context(np.array([[[0.25, 0.75]]]), np.array([[[4.0, 0.0], [0.0, 4.0]]]))
    array([[[1., 3.]]])
    """
    return weights @ values


class DotScore:
    r"""Dot-product scores as a layer: no parameters, gradients for queries and keys.

    $$
    E = s\, Q K^\top, \quad s = 1 \text{ or } 1/\sqrt{d}, \qquad
    \frac{\partial L}{\partial Q} = s\, \frac{\partial L}{\partial E} K, \qquad
    \frac{\partial L}{\partial K} = s\, \Bigl(\frac{\partial L}{\partial E}\Bigr)^{\!\top} Q
    $$

    Parameters
    ----------
    scale : bool, default False
        Divide by $\sqrt{d}$ (the Transformer's scaled dot product).

    Examples
    --------
    >>> layer = DotScore()
    >>> layer.forward(np.ones((1, 1, 2)), np.array([[[1.0, 2.0], [3.0, 4.0]]]))
    array([[[3., 7.]]])
    >>> dq, dk = layer.backward(np.array([[[1.0, 0.0]]]))
    >>> dq                                      # the first key
    array([[[1., 2.]]])
    """

    def __init__(self, scale: bool = False) -> None:
        if not isinstance(scale, (bool, np.bool_)):
            raise TypeError(f"DotScore: scale must be True or False, got {scale!r}")
        self.scale = bool(scale)
        self._cache = None

    params: list[np.ndarray] = []
    grads: list[np.ndarray] = []

    def forward(self, queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
        queries, keys = _pair("DotScore.forward", queries, keys, same_width=True)
        self._cache = (queries, keys)
        return dot_scores(queries, keys, self.scale)

    def backward(self, dscores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        queries, keys = forward_cache("DotScore.backward", self._cache)
        dscores = upstream_gradient("DotScore.backward", dscores, queries.shape[:2] + keys.shape[1:2], queries.dtype)
        if self.scale:
            dscores = dscores / np.sqrt(queries.shape[-1])
        return dscores @ keys, dscores.transpose(0, 2, 1) @ queries


class AdditiveScore:
    r"""Additive (Bahdanau) scores as a layer with parameters ``Wq``, ``Wk`` and ``v``.

    $$
    u_{ij} = \tanh\bigl(W_q^\top q_i + W_k^\top k_j\bigr), \quad e_{ij} = v^\top u_{ij}, \qquad
    \frac{\partial L}{\partial v} = \sum_{ij} \frac{\partial L}{\partial e_{ij}}\, u_{ij}
    $$

    and, with $g_{ij} = \frac{\partial L}{\partial e_{ij}}\,(1 - u_{ij}^2) \odot v$, the sums of
    $g_{ij}$ over $j$ (for the query side) and over $i$ (for the key side) give
    $\partial L / \partial W_q$, $\partial L / \partial q_i$, $\partial L / \partial W_k$ and
    $\partial L / \partial k_j$.

    Parameters
    ----------
    Wq : ndarray, shape (d_q, A)
    Wk : ndarray, shape (d_k, A)
    v : ndarray, shape (A,)
        Kept (not copied); the gradients are ``dWq``, ``dWk``, ``dv``.

    Examples
    --------
    >>> layer = AdditiveScore(np.ones((1, 1)), np.ones((1, 1)), np.array([2.0]))
    >>> layer.forward(np.zeros((1, 1, 1)), np.array([[[0.0], [100.0]]]))
    array([[[0., 2.]]])
    """

    def __init__(self, Wq: np.ndarray, Wk: np.ndarray, v: np.ndarray) -> None:
        self.Wq = parameter("Wq", Wq, 2, "(d_q, A)")
        self.Wk = parameter("Wk", Wk, 2, "(d_k, A)")
        self.v = parameter("v", v, 1, "(A,)")
        if not Wq.shape[1] == Wk.shape[1] == v.shape[0]:
            raise ValueError(f"AdditiveScore: Wq (d_q, A), Wk (d_k, A) and v (A,) must share A, got {Wq.shape}, "
                             f"{Wk.shape} and {v.shape}")
        if not Wq.dtype == Wk.dtype == v.dtype:
            raise TypeError(f"AdditiveScore: Wq, Wk and v must have one dtype, got {Wq.dtype}, {Wk.dtype} and {v.dtype}")
        self.dWq, self.dWk, self.dv = np.zeros_like(Wq), np.zeros_like(Wk), np.zeros_like(v)
        self._cache = None

    @classmethod
    def init(cls, query_size: int, key_size: int, hidden: int, rng: np.random.Generator,
             dtype: object = np.float64) -> "AdditiveScore":
        """Xavier-scaled random weights (standard deviation 1/√fan-in)."""
        return cls(*(np.asarray(rng.standard_normal(shape) / np.sqrt(shape[0]), dtype)
                     for shape in ((query_size, hidden), (key_size, hidden), (hidden,))))

    @property
    def params(self) -> list[np.ndarray]:
        return [self.Wq, self.Wk, self.v]

    @property
    def grads(self) -> list[np.ndarray]:
        return [self.dWq, self.dWk, self.dv]

    def forward(self, queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
        queries, keys = _pair("AdditiveScore.forward", queries, keys, same_width=False)
        if queries.shape[-1] != self.Wq.shape[0] or keys.shape[-1] != self.Wk.shape[0]:
            raise ValueError(f"AdditiveScore.forward: queries (…, {queries.shape[-1]}) and keys (…, {keys.shape[-1]}) "
                             f"must match Wq {self.Wq.shape} and Wk {self.Wk.shape} in their first axis")
        u = np.tanh((queries @ self.Wq)[:, :, None, :] + (keys @ self.Wk)[:, None, :, :])
        self._cache = (queries, keys, u)
        return u @ self.v

    def backward(self, dscores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        queries, keys, u = forward_cache("AdditiveScore.backward", self._cache)
        dscores = upstream_gradient("AdditiveScore.backward", dscores, u.shape[:3], self.v.dtype)
        self.dv[...] = np.einsum("nij,nija->a", dscores, u)
        g = dscores[..., None] * (1 - u**2) * self.v      # (N, T_q, T_k, A)
        gq, gk = g.sum(axis=2), g.sum(axis=1)             # (N, T_q, A), (N, T_k, A)
        A = self.v.shape[0]
        self.dWq[...] = queries.reshape(-1, queries.shape[-1]).T @ gq.reshape(-1, A)
        self.dWk[...] = keys.reshape(-1, keys.shape[-1]).T @ gk.reshape(-1, A)
        return gq @ self.Wq.T, gk @ self.Wk.T


class TimeAttention:
    r"""Attention for every decoder step at once: a context vector per query, over the encoder states.

    $$
    E = \mathrm{score}(Q, H_s), \qquad A = \mathrm{softmax}_M(E), \qquad C = A H_s
    $$

    with encoder states $H_s$ (N, T_s, H) as keys and values, decoder states $Q$ (N, T_q, d)
    as queries, and the mask $M$ (N, T_s) of the source positions that hold data. Backward
    returns $\partial L / \partial H_s$ (from both the values and the keys) and
    $\partial L / \partial Q$.

    Parameters
    ----------
    score : DotScore or AdditiveScore, optional
        How queries and keys are compared; ``DotScore()`` (unscaled, the book's) by default.

    Attributes
    ----------
    weights : ndarray, shape (N, T_q, T_s)
        The attention weights of the last forward pass (what a heat map shows).
    params, grads
        Those of ``score``.

    Examples
    --------
    >>> hs = np.array([[[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]])      # three source states
    >>> mask = np.array([[True, True, False]])                       # the third is padding
    >>> layer = TimeAttention()
    >>> cs = layer.forward(hs, np.array([[[np.log(3.0), 0.0]]]), mask)
    >>> layer.weights                                                # scores log 3 and 0: 3:1
    array([[[0.75, 0.25, 0.  ]]])
    >>> cs
    array([[[0.75, 0.25]]])
    """

    def __init__(self, score: DotScore | AdditiveScore | None = None) -> None:
        score = DotScore() if score is None else score
        if not isinstance(score, (DotScore, AdditiveScore)):
            raise TypeError(f"{type(self).__name__}: score must be a DotScore or an AdditiveScore, got {type(score).__name__}")
        self.score = score
        self.weights: np.ndarray | None = None
        self._cache = None

    @property
    def params(self) -> list[np.ndarray]:
        return self.score.params

    @property
    def grads(self) -> list[np.ndarray]:
        return self.score.grads

    def forward(self, hs: np.ndarray, queries: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        where = f"{type(self).__name__}.forward"
        hs = array(f"{where}: hs", batch(where, hs, "hs"), ndim=3, layout="(N, T_s, H)")
        scores = self.score.forward(queries, hs)
        if mask is not None:
            mask = np.asarray(mask)
            if mask.shape != hs.shape[:2]:
                raise ValueError(f"{where}: mask must mark the source positions, shape (N, T_s) = {hs.shape[:2]}, "
                                 f"got {mask.shape}")
            mask = mask[:, None, :]
        self.weights = masked_softmax(scores, mask)
        self._cache = hs
        return context(self.weights, hs)

    def backward(self, dcs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        where = f"{type(self).__name__}.backward"
        hs = forward_cache(where, self._cache)
        dcs = upstream_gradient(where, dcs, self.weights.shape[:2] + hs.shape[2:], self.weights.dtype)
        dhs = self.weights.transpose(0, 2, 1) @ dcs                    # through the values
        dscores = softmax_backward(self.weights, dcs @ hs.transpose(0, 2, 1))
        dqueries, dkeys = self.score.backward(dscores)
        return dhs + dkeys, dqueries


class Attention(TimeAttention):
    r"""Attention for one decoder step: the decoder state ``h`` (N, d) in, one context vector (N, H) out.

    The same computation as `TimeAttention` with a single query, and the book's interface:
    ``forward(hs, h)`` and ``backward(dc) -> (dhs, dh)``.

    Examples
    --------
    >>> layer = Attention()
    >>> hs = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    >>> layer.forward(hs, np.array([[0.0, 0.0]]))                  # equal scores: the mean
    array([[0.5, 0.5]])
    >>> layer.weights.shape
    (1, 2)
    """

    def forward(self, hs: np.ndarray, h: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        h = array("Attention.forward: h", h, ndim=2, layout="(N, d)")
        c = super().forward(hs, h[:, None, :], mask)
        self.weights = self.weights[:, 0]
        return c[:, 0]

    def backward(self, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        weights = forward_cache("Attention.backward", self.weights)
        dc = array("Attention.backward: dc", dc, ndim=2, layout="(N, H)")
        self.weights = weights[:, None]
        try:
            dhs, dh = super().backward(dc[:, None, :])
        finally:
            self.weights = weights
        return dhs, dh[:, 0]


def _pair(where: str, queries: object, keys: object, same_width: bool) -> tuple[np.ndarray, np.ndarray]:
    """Queries (N, T_q, d) and keys (N, T_k, d') of one batch size (and one width d = d' if ``same_width``)."""
    queries = array(f"{where}: queries", batch(where, queries, "queries"), ndim=3, layout="(N, T_q, d)")
    keys = array(f"{where}: keys", batch(where, keys, "keys"), ndim=3, layout="(N, T_k, d)")
    if queries.shape[0] != keys.shape[0]:
        raise ValueError(f"{where}: queries and keys must have one batch size N, got {queries.shape[0]} and {keys.shape[0]}")
    if same_width and queries.shape[-1] != keys.shape[-1]:
        raise ValueError(f"{where}: a dot product needs queries and keys of one width d, got {queries.shape[-1]} "
                         f"and {keys.shape[-1]}")
    return queries, keys


def _mask(where: str, mask: object, shape: tuple[int, ...]) -> np.ndarray:
    """``mask`` as a boolean array of ``shape`` (broadcast), True where a position takes part."""
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"{where}: mask must be boolean (True where a position takes part), got dtype {mask.dtype}")
    try:
        return np.broadcast_to(mask, shape)
    except ValueError:
        raise ValueError(f"{where}: mask of shape {mask.shape} does not broadcast to the scores' shape {shape}") from None


class AttentionSeq2seq:
    r"""An LSTM encoder–decoder whose decoder attends to every encoder state (or, with ``score=None``, to none).

    $$
    h^{enc}_{1..T_s} = \mathrm{LSTM}_{enc}(E_{enc}[x]), \qquad
    q_{1..T_t} = \mathrm{LSTM}_{dec}(E_{dec}[y_{\text{in}}];\ h^{enc}_{T_s}, c^{enc}_{T_s}),
    $$
    $$
    c_i = \sum_t a_{it}\, h^{enc}_t, \qquad
    \mathrm{logits}_i = [c_i ; q_i]\, W_{out} + b_{out}
    $$

    The decoder starts from the encoder's final state (the thought vector), as in a plain
    seq2seq; with attention it also looks back at every source position at every step, and
    its output layer reads the context vector beside its own state (the book's
    ``AttentionSeq2seq``, ``ch08``). ``score=None`` drops the attention: the output layer
    reads $q_i$ alone, so everything the decoder knows about the source passes through the
    one final state. Source positions holding ``pad_id`` are masked out of the attention.

    Training uses teacher forcing: ``ts`` starts with the start symbol; the decoder reads
    ``ts[:, :-1]`` and is scored on ``ts[:, 1:]``, where ``pad_id`` labels are ignored.

    Parameters
    ----------
    vocab_size, embedding_size, hidden_size : int
        V, D, H (one vocabulary for source and target).
    score : {'dot', 'scaled', 'additive'} or None, default 'dot'
        The attention's score (`DotScore`, `DotScore` with scaling, `AdditiveScore` with
        H units), or no attention.
    pad_id : int, default 0
    dtype : float32 or float64, default float32
    rng, seed : optional
        For the initial weights (embeddings $\mathcal{N}(0, 0.01^2)$, weights Xavier, biases 0).

    Attributes
    ----------
    params : dict of str to ndarray
        ``enc_W_embed``, ``enc_Wx``, ``enc_Wh``, ``enc_b`` (the `dl_notes.seq2seq.Encoder`'s),
        ``dec_E``, ``dec_Wx``, ``dec_Wh``, ``dec_b``, ``W_out``, ``b_out`` (and ``att_Wq``, ``att_Wk``, ``att_v`` for the additive
        score): the arrays the layers hold, for ``optimizer.update(params, grads)``.
    attention : TimeAttention or None
        Its ``weights`` (N, T_t, T_s) after a forward pass are the heat map.

    Examples
    --------
    >>> from dl_notes.optim import Adam
    >>> model = AttentionSeq2seq(vocab_size=5, embedding_size=4, hidden_size=8, seed=0)
    >>> xs = np.array([[2, 3, 4, 0]])                    # a source of 3 symbols and one pad
    >>> ts = np.array([[1, 4, 3, 2]])                    # start symbol, then the reversed source
    >>> optimizer = Adam(lr=0.05)
    >>> for _ in range(60):
    ...     optimizer.update(model.params, model.gradient(xs, ts))
    >>> model.generate(xs, start_id=1, length=3)
    array([[4, 3, 2]])
    >>> model.attention.weights.shape, float(model.attention.weights[0, :, 3].max())   # the pad gets 0
    ((1, 3, 4), 0.0)
    """

    def __init__(self, vocab_size: int, embedding_size: int, hidden_size: int, score: str | None = "dot", *,
                 pad_id: int = 0, dtype=np.float32, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        V, D, H = (count(n, v) for n, v in (("vocab_size", vocab_size), ("embedding_size", embedding_size),
                                             ("hidden_size", hidden_size)))
        if score not in ("dot", "scaled", "additive", None):
            raise ValueError(f"AttentionSeq2seq: score must be 'dot', 'scaled', 'additive' or None, got {score!r}")
        self.score_type, self.pad_id = score, int(pad_id)
        self.dtype = float_dtype(dtype)
        rng = generator(rng, seed)
        self.encoder = Encoder(V, D, H, dtype=self.dtype, rng=rng)      # dl_notes.seq2seq's, unchanged
        self.dec_embed = TimeEmbedding((0.01 * rng.standard_normal((V, D))).astype(self.dtype))
        self.decoder = recurrent_layer("lstm", D, H, rng, self.dtype)
        self.attention = None
        if score is not None:
            scorer = AdditiveScore.init(H, H, H, rng, self.dtype) if score == "additive" \
                else DotScore(scale=score == "scaled")
            self.attention = TimeAttention(scorer)
        width = H if score is None else 2 * H
        W_out = (rng.standard_normal((width, V)) / np.sqrt(width)).astype(self.dtype)
        self.affine = TimeAffine(W_out, np.zeros(V, self.dtype))
        self.loss_layer = TimeSoftmaxWithLoss(ignore_label=-1)
        self._owners = {"dec_E": (self.dec_embed, "W"), "W_out": (self.affine, "W"), "b_out": (self.affine, "b")}
        self._owners.update({"dec_" + p: (self.decoder, p) for p in self.decoder.parameter_names})
        if score == "additive":
            self._owners.update({"att_" + p: (self.attention.score, p) for p in ("Wq", "Wk", "v")})
        self.params = {"enc_" + key: value for key, value in self.encoder.params.items()}
        self.params.update({key: getattr(layer, name) for key, (layer, name) in self._owners.items()})
        self.last_loss: float | None = None

    def encode(self, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The encoder states (N, T_s, H), its final h and c (N, H), and the source mask (N, T_s)."""
        xs = self._ids("xs", xs)
        hs = self.encoder.forward(xs)
        h, c = self.encoder.state
        return hs, h, c, xs != self.pad_id

    def _ids(self, name: str, ids: object) -> np.ndarray:
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise ValueError(f"AttentionSeq2seq: {name} must be symbol ids of shape (N, T), got shape {ids.shape}")
        return ids

    def _output(self, hs: np.ndarray, mask: np.ndarray, qs: np.ndarray) -> np.ndarray:
        """The scores (N, T_t, V) from the decoder states ``qs``: with the context vectors beside them, or alone."""
        if self.attention is None:
            return self.affine.forward(qs)
        return self.affine.forward(np.concatenate([self.attention.forward(hs, qs, mask), qs], axis=2))

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """The mean cross-entropy of the next symbols ``ts[:, 1:]`` under teacher forcing (``pad_id`` ignored)."""
        ts = self._ids("ts", ts)
        if ts.shape[1] < 2:
            raise ValueError(f"AttentionSeq2seq: ts must hold the start symbol and at least one target, got shape {ts.shape}")
        hs, h, c, mask = self.encode(xs)
        if len(ts) != len(hs):
            raise ValueError(f"AttentionSeq2seq: xs and ts must hold as many sequences, got {len(hs)} and {len(ts)}")
        qs = self.decoder.forward(self.dec_embed.forward(ts[:, :-1]), h, c)
        labels = np.where(ts[:, 1:] == self.pad_id, -1, ts[:, 1:])
        self.last_loss = self.loss_layer.forward(self._output(hs, mask, qs), labels)
        return self.last_loss

    def backward(self) -> dict[str, np.ndarray]:
        """The gradients of the last ``forward``'s loss, keyed like ``params``."""
        dout = self.affine.backward(self.loss_layer.backward())
        if self.attention is None:
            dqs, dhs = dout, None
        else:
            H = self.decoder.cell.hidden_size
            dhs, dqs = self.attention.backward(dout[:, :, :H])
            dqs = dqs + dout[:, :, H:]
        self.dec_embed.backward(self.decoder.backward(dqs))
        # the decoder started from the encoder's final (h, c): their gradients continue into the encoder
        self.encoder.backward(dhs, *self.decoder.dstate0)
        grads = {"enc_" + key: value for key, value in self.encoder.grads.items()}
        grads.update({key: getattr(layer, "d" + name) for key, (layer, name) in self._owners.items()})
        return grads

    def gradient(self, xs: np.ndarray, ts: np.ndarray) -> dict[str, np.ndarray]:
        """``forward`` then ``backward``: the gradients of the loss on (xs, ts), keyed like ``params``."""
        self.forward(xs, ts)
        return self.backward()

    def initial_state(self, xs: np.ndarray) -> tuple[np.ndarray, ...]:
        """The decoding state of every source: (h, c, encoder states, mask), one row per sequence."""
        hs, h, c, mask = self.encode(xs)
        return h, c, hs, mask

    def step(self, inputs: np.ndarray, state: tuple) -> tuple[np.ndarray, tuple]:
        """One decoder step for `dl_notes.decoding`: symbols (B,) and state in, log-probabilities (B, V) and state out."""
        h, c, hs, mask = state
        q = self.decoder.forward(self.dec_embed.forward(np.asarray(inputs)[:, None]), h, c)
        h, c = self.decoder.state
        return log_softmax(self._output(hs, mask, q)[:, 0]), (h, c, hs, mask)

    def generate(self, xs: np.ndarray, start_id: int, length: int) -> np.ndarray:
        """Greedy decoding of ``length`` symbols for every source (N, length); ``attention.weights`` then holds
        the weights of every generated step (N, length, T_s)."""
        state = self.initial_state(xs)
        weights = []

        def step(inputs, state):
            out = self.step(inputs, state)
            if self.attention is not None:
                weights.append(self.attention.weights[:, 0])
            return out

        ids = greedy_search(step, state, start_id, count("length", length))
        if self.attention is not None:
            self.attention.weights = np.stack(weights, axis=1)
        return ids
