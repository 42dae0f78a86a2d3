r"""Scaled dot-product attention, its masks, and multi-head attention: the Transformer's attention (Vaswani et al., 2017).

Every query is compared with every key by a dot product divided by $\sqrt{d_k}$, the scores
become weights by a softmax over the keys, and the output is the weighted sum of the values:

$$
\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\Bigl(\frac{Q K^\top}{\sqrt{d_k}}\Bigr) V
$$

With entries of unit variance, $q^\top k$ has variance $d_k$; dividing by $\sqrt{d_k}$ keeps
the scores at unit variance whatever the width, so the softmax does not saturate.

**Masks** here mark the positions that are *hidden*, ``True`` where a key must get weight 0, as
the course's ``get_attn_padding_mask`` and ``get_attn_subsequent_mask`` and PyTorch's
``nn.MultiheadAttention`` (``key_padding_mask``, boolean ``attn_mask``) do. (The Day 3
`dl_notes.attention.masked_softmax` takes the opposite, ``True`` where a position takes part;
this module passes it ``~mask``.) Two masks are combined with ``|``.

**Multi-head attention** projects queries, keys and values $h$ times into $d_k = d_{model}/h$
dimensions, attends in each head separately, concatenates the heads and projects back:

$$
\mathrm{head}_i = \mathrm{Attention}(Q W^Q_i, K W^K_i, V W^V_i), \qquad
\mathrm{MultiHead}(Q, K, V) = [\mathrm{head}_1; \dots; \mathrm{head}_h]\, W^O
$$

The page "Transformer" teaches all of it.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, count, float_dtype, forward_cache, generator, upstream_gradient
from .attention import masked_softmax, softmax_backward

__all__ = ["NamedParameters", "linear", "scaled_dot_product_attention", "scaled_dot_product_attention_backward", "padding_mask",
           "look_ahead_mask", "MultiHeadAttention"]


def linear(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    r"""$x W + b$ over the last axis of ``x`` (..., D), as one 2-D matrix product.

    NumPy multiplies a stacked (N, T, D) array by a matrix one (T, D) slice at a time, many
    times slower than one (N·T, D) product; every projection of the Transformer goes through here.

    Examples
    --------
    >>> linear(np.ones((2, 3, 2)), np.array([[1.0], [2.0]]), np.array([0.5]))[..., 0]
    array([[3.5, 3.5, 3.5],
           [3.5, 3.5, 3.5]])
    """
    out = x.reshape(-1, x.shape[-1]) @ W                                       # (N·T, D) @ (D, M)
    if b is not None:
        out += b
    return out.reshape(*x.shape[:-1], W.shape[1])


def _allowed(mask: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray | None:
    """``~mask`` broadcast to the scores' ``shape`` (True where a key takes part), or None."""
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"attention mask must be boolean (True where a key is hidden), got dtype {mask.dtype}")
    try:
        return np.broadcast_to(~mask, shape)
    except ValueError:
        raise ValueError(f"attention mask of shape {mask.shape} does not broadcast to the scores' shape {shape}") from None


def scaled_dot_product_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, mask: np.ndarray | None = None,
                                 scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    r"""Scaled dot-product attention: the outputs and the weights.

    $$
    A = \mathrm{softmax}\Bigl(\frac{Q K^\top}{\sqrt{d_k}} + M\Bigr), \qquad \mathrm{out} = A V
    $$

    where $M$ is $-\infty$ at hidden positions and 0 elsewhere (hidden keys get weight
    exactly 0).

    Parameters
    ----------
    Q : ndarray, shape (..., T_q, d_k)
    K : ndarray, shape (..., T_k, d_k)
    V : ndarray, shape (..., T_k, d_v)
    mask : ndarray of bool, optional
        Broadcastable to (..., T_q, T_k); ``True`` where a key is hidden (`padding_mask`,
        `look_ahead_mask`).
    scale : float, optional
        The divisor of the scores; $\sqrt{d_k}$ by default (the course divides by
        $\sqrt{d_{model}}$ instead).

    Returns
    -------
    out : ndarray, shape (..., T_q, d_v)
    weights : ndarray, shape (..., T_q, T_k)
        Each row sums to 1.

    See Also
    --------
    scaled_dot_product_attention_backward : its gradients.

    Examples
    --------
    >>> Q = np.array([[[2.0, 0.0]]])                       # one query, d_k = 2
    >>> K = np.array([[[1.0, 0.0], [0.0, 1.0]]])           # two keys
    >>> V = np.array([[[1.0], [3.0]]])
    >>> out, weights = scaled_dot_product_attention(Q, K, V)
    >>> weights.round(4)                                   # scores 2/√2 and 0
    array([[[0.8044, 0.1956]]])
    >>> scaled_dot_product_attention(Q, K, V, mask=np.array([True, False]))[0]   # the first key hidden
    array([[[3.]]])
    """
    Q, K, V = (array(f"scaled_dot_product_attention: {n}", x) for n, x in (("Q", Q), ("K", K), ("V", V)))
    if Q.ndim < 2 or Q.shape[-1] != K.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: Q (..., T_q, d_k), K (..., T_k, d_k) and V (..., T_k, d_v) "
                         f"must agree in d_k and T_k, got {Q.shape}, {K.shape} and {V.shape}")
    scale = np.sqrt(Q.shape[-1]) if scale is None else float(scale)
    scores = Q @ np.swapaxes(K, -1, -2) / Q.dtype.type(scale)      # (..., T_q, T_k)
    weights = masked_softmax(scores, _allowed(mask, scores.shape))
    return weights @ V, weights


def scaled_dot_product_attention_backward(dout: np.ndarray, Q: np.ndarray, K: np.ndarray, V: np.ndarray,
                                          weights: np.ndarray, scale: float | None = None
                                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The gradients of `scaled_dot_product_attention` with respect to Q, K and V.

    $$
    \frac{\partial L}{\partial V} = A^\top \frac{\partial L}{\partial \mathrm{out}}, \quad
    \frac{\partial L}{\partial E} = A \odot \Bigl(G - \mathrm{rowsum}(A \odot G)\Bigr),\ G = \frac{\partial L}{\partial \mathrm{out}} V^\top, \quad
    \frac{\partial L}{\partial Q} = \frac{1}{\sqrt{d_k}} \frac{\partial L}{\partial E} K, \quad
    \frac{\partial L}{\partial K} = \frac{1}{\sqrt{d_k}} \Bigl(\frac{\partial L}{\partial E}\Bigr)^{\!\top} Q
    $$

    Hidden positions have $A = 0$, so their scores get gradient 0.

    Examples
    --------
    >>> Q, K, V = np.zeros((1, 1, 2)), np.zeros((1, 2, 2)), np.array([[[1.0, 0.0], [0.0, 1.0]]])
    >>> out, weights = scaled_dot_product_attention(Q, K, V)
    >>> dQ, dK, dV = scaled_dot_product_attention_backward(np.ones((1, 1, 2)), Q, K, V, weights)
    >>> dV                                                 # half of the upstream gradient to each value
    array([[[0.5, 0.5],
            [0.5, 0.5]]])
    """
    scale = Q.dtype.type(np.sqrt(Q.shape[-1]) if scale is None else scale)
    dV = np.swapaxes(weights, -1, -2) @ dout
    dscores = softmax_backward(weights, dout @ np.swapaxes(V, -1, -2)) / scale
    return dscores @ K, np.swapaxes(dscores, -1, -2) @ Q, dV


def padding_mask(ids: np.ndarray, pad_id: int = 0) -> np.ndarray:
    r"""The keys that are padding, for every query: ``True`` where ``ids == pad_id``, shape (N, 1, T).

    The middle axis of size 1 broadcasts over the queries (the course's
    ``get_attn_padding_mask`` repeats it instead).

    Examples
    --------
    >>> padding_mask(np.array([[5, 7, 0, 0]]))
    array([[[False, False,  True,  True]]])
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"padding_mask: ids must be symbol ids of shape (N, T), got shape {ids.shape}")
    return (ids == pad_id)[:, None, :]


def look_ahead_mask(length: int) -> np.ndarray:
    r"""The future of every position: ``True`` above the diagonal, shape (T, T).

    $$
    M_{ij} = [\, j > i \,]
    $$

    Query $i$ may read the keys $j \le i$ only, so a decoder trained on a whole target at once
    cannot copy the symbol it has to predict (the course's ``get_attn_subsequent_mask``).

    Examples
    --------
    >>> look_ahead_mask(3)
    array([[False,  True,  True],
           [False, False,  True],
           [False, False, False]])
    """
    T = count("length", length)
    return np.triu(np.ones((T, T), bool), k=1)


class NamedParameters:
    """A layer whose parameters are the attributes named in ``param_names``, their gradients the same names with ``d``.

    The course's layers keep ``W`` and ``dW`` as attributes; ``params`` and ``grads`` gather them
    into the dictionaries an optimizer updates, in the order of ``param_names``.

    Examples
    --------
    >>> class Scale(NamedParameters):
    ...     param_names = ("w",)
    ...     def __init__(self):
    ...         self.w, self.dw = np.ones(2), np.zeros(2)
    >>> Scale().params, Scale().grads
    ({'w': array([1., 1.])}, {'w': array([0., 0.])})
    """

    param_names: tuple[str, ...] = ()

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.param_names}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, "d" + name) for name in self.param_names}


class MultiHeadAttention(NamedParameters):
    r"""Multi-head attention with $h$ heads of $d_k = d_{model}/h$ dimensions and its backward pass.

    $$
    Q_i = X_q W^Q_i + b^Q_i, \quad K_i = X_k W^K_i + b^K_i, \quad V_i = X_v W^V_i + b^V_i, \qquad
    \mathrm{out} = [\mathrm{head}_1; \dots; \mathrm{head}_h]\, W^O + b^O
    $$

    with $\mathrm{head}_i = \mathrm{Attention}(Q_i, K_i, V_i)$ (`scaled_dot_product_attention`).
    The $h$ matrices $W^Q_i$ (d_model, d_k) sit side by side in ``W_Q`` (d_model, d_model),
    head $i$ in columns $i d_k$ to $(i+1) d_k - 1$; the same for ``W_K`` and ``W_V``. PyTorch's
    ``nn.MultiheadAttention`` packs them as ``in_proj_weight`` = $[W^Q; W^K; W^V]^\top$ and has
    ``out_proj.weight`` = $(W^O)^\top$.

    Parameters
    ----------
    d_model : int
    n_heads : int
        Must divide ``d_model``.
    dtype : float32 or float64, default float32
    rng, seed : optional
        Weights uniform in $\pm\sqrt{6/(2 d_{model})}$ (Xavier, as PyTorch), biases 0.

    Attributes
    ----------
    W_Q, W_K, W_V, W_O : ndarray, shape (d_model, d_model)
    b_Q, b_K, b_V, b_O : ndarray, shape (d_model,)
        The parameters; ``dW_Q`` … ``db_O`` their gradients after ``backward``.
    weights : ndarray, shape (N, h, T_q, T_k)
        The attention weights of the last forward pass, per head.

    Examples
    --------
    >>> mha = MultiHeadAttention(d_model=4, n_heads=2, dtype=np.float64, seed=0)
    >>> x = np.random.default_rng(1).standard_normal((1, 3, 4))
    >>> out = mha.forward(x, x, x, mask=look_ahead_mask(3))
    >>> out.shape, mha.weights.shape
    ((1, 3, 4), (1, 2, 3, 3))
    >>> mha.weights[0, 0].round(2)                         # head 1: the first query sees itself only
    array([[1.  , 0.  , 0.  ],
           [0.5 , 0.5 , 0.  ],
           [0.29, 0.36, 0.35]])
    >>> dq, dk, dv = mha.backward(np.ones_like(out))
    >>> sum(p.size for p in mha.params.values())          # 4 · (4·4 + 4)
    80
    """

    param_names = ("W_Q", "b_Q", "W_K", "b_K", "W_V", "b_V", "W_O", "b_O")

    def __init__(self, d_model: int, n_heads: int, *, dtype=np.float32, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        self.d_model, self.n_heads = count("d_model", d_model), count("n_heads", n_heads)
        if d_model % n_heads:
            raise ValueError(f"MultiHeadAttention: n_heads = {n_heads} must divide d_model = {d_model} "
                             f"(each head gets d_k = d_model / n_heads)")
        self.d_k = d_model // n_heads
        dtype = float_dtype(dtype)
        rng = generator(rng, seed)
        bound = np.sqrt(6.0 / (2 * d_model))
        for name in self.param_names:
            shape = (d_model, d_model) if name.startswith("W") else (d_model,)
            value = rng.uniform(-bound, bound, shape) if name.startswith("W") else np.zeros(shape)
            setattr(self, name, value.astype(dtype))
            setattr(self, "d" + name, np.zeros(shape, dtype))
        self.weights: np.ndarray | None = None
        self._cache = None

    def _split(self, x: np.ndarray) -> np.ndarray:
        N, T, _ = x.shape
        return x.reshape(N, T, self.n_heads, self.d_k).transpose(0, 2, 1, 3)   # (N, h, T, d_k)

    def _merge(self, x: np.ndarray) -> np.ndarray:
        N, _, T, _ = x.shape
        return x.transpose(0, 2, 1, 3).reshape(N, T, self.d_model)            # (N, T, h·d_k)

    def _input(self, name: str, x: object) -> np.ndarray:
        x = array(f"MultiHeadAttention.forward: {name}", x, ndim=3, layout="(N, T, d_model)")
        if x.shape[-1] != self.d_model:
            raise ValueError(f"MultiHeadAttention.forward: {name} must have d_model = {self.d_model} features, "
                             f"got shape {x.shape}")
        if x.dtype != self.W_Q.dtype:
            raise TypeError(f"MultiHeadAttention.forward: {name} has dtype {x.dtype}, the weights {self.W_Q.dtype}; "
                            "give both one dtype")
        return x

    def forward(self, queries: np.ndarray, keys: np.ndarray, values: np.ndarray,
                mask: np.ndarray | None = None) -> np.ndarray:
        """Queries (N, T_q, d_model), keys and values (N, T_k, d_model), mask broadcastable to (N, T_q, T_k)."""
        queries, keys, values = (self._input(n, x) for n, x in (("queries", queries), ("keys", keys), ("values", values)))
        if keys.shape != values.shape or queries.shape[0] != keys.shape[0]:
            raise ValueError(f"MultiHeadAttention.forward: keys and values must have one shape and queries their batch "
                             f"size, got {queries.shape}, {keys.shape} and {values.shape}")
        if mask is not None:
            mask = np.asarray(mask)
            mask = mask[:, None] if mask.ndim == 3 else mask   # (N, T_q, T_k) → (N, 1, T_q, T_k): every head
        Q = self._split(linear(queries, self.W_Q, self.b_Q))
        K = self._split(linear(keys, self.W_K, self.b_K))
        V = self._split(linear(values, self.W_V, self.b_V))
        heads, self.weights = scaled_dot_product_attention(Q, K, V, mask)
        concat = self._merge(heads)                                             # (N, T_q, d_model)
        self._cache = (queries, keys, values, Q, K, V, concat)
        return linear(concat, self.W_O, self.b_O)

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The gradients (dqueries, dkeys, dvalues); for self-attention add the three."""
        queries, keys, values, Q, K, V, concat = forward_cache("MultiHeadAttention.backward", self._cache)
        dout = upstream_gradient("MultiHeadAttention.backward", dout, queries.shape, self.W_O.dtype)
        D = self.d_model
        self.dW_O[...] = concat.reshape(-1, D).T @ dout.reshape(-1, D)
        self.db_O[...] = dout.sum(axis=(0, 1))
        dheads = self._split(linear(dout, self.W_O.T))
        dQ, dK, dV = scaled_dot_product_attention_backward(dheads, Q, K, V, self.weights)
        dx = []
        for x, dproj, W, dW, db in ((queries, dQ, self.W_Q, self.dW_Q, self.db_Q),
                                    (keys, dK, self.W_K, self.dW_K, self.db_K),
                                    (values, dV, self.W_V, self.dW_V, self.db_V)):
            dproj = self._merge(dproj).reshape(-1, D)                          # (N·T, d_model)
            dW[...] = x.reshape(-1, D).T @ dproj
            db[...] = dproj.sum(axis=0)
            dx.append((dproj @ W.T).reshape(x.shape))
        return tuple(dx)
