r"""The Transformer's other parts: positional encoding, the position-wise network, residual + layer norm, and its layers.

The Transformer (Vaswani et al., 2017) has no recurrence: an **encoder layer** is multi-head
self-attention followed by a position-wise feed-forward network, each wrapped in a residual
connection and layer normalisation (post-norm, as the paper and the course):

$$
Z = \mathrm{LayerNorm}\bigl(X + \mathrm{MultiHead}(X, X, X)\bigr), \qquad
Y = \mathrm{LayerNorm}\bigl(Z + \mathrm{FFN}(Z)\bigr)
$$

A **decoder layer** adds masked self-attention over the target so far and cross-attention
whose keys and values are the encoder's output. Attention itself does not see order, so
the input is the embedding plus a **positional encoding**. Later models often normalise
before each sublayer instead (pre-norm, $X + \mathrm{Sublayer}(\mathrm{LayerNorm}(X))$),
which trains deep stacks more stably; this module follows the paper.

The seq2seq model built from these layers is `dl_notes.transformer_seq2seq.Transformer`. The page
"Transformer" teaches all of it.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, count, float_dtype, forward_cache, generator, upstream_gradient
from .multihead import MultiHeadAttention, NamedParameters, linear
from .normalization import LayerNorm

__all__ = ["positional_encoding", "shift_matrix", "PositionwiseFeedForward", "AddNorm", "EncoderLayer",
           "DecoderLayer"]


def positional_encoding(length: int, d_model: int, base: float = 10000.0, dtype=np.float64) -> np.ndarray:
    r"""The sinusoidal positional encoding: sines on even dimensions, cosines on odd ones.

    $$
    PE_{t, 2i} = \sin\frac{t}{10000^{2i/d_{model}}}, \qquad
    PE_{t, 2i+1} = \cos\frac{t}{10000^{2i/d_{model}}}
    $$

    for positions $t = 0, \dots, T-1$. Each pair of dimensions is a point on a circle turning
    at its own frequency, from one radian per position down to $1/10000$.

    Parameters
    ----------
    length : int
        T, the number of positions.
    d_model : int
        Must be even (one sine and one cosine per frequency).
    base : float, default 10000
    dtype : default float64

    Returns
    -------
    ndarray, shape (T, d_model)

    See Also
    --------
    shift_matrix : the linear map from $PE_t$ to $PE_{t+k}$.

    Examples
    --------
    >>> positional_encoding(3, 4).round(4)
    array([[ 0.    ,  1.    ,  0.    ,  1.    ],
           [ 0.8415,  0.5403,  0.01  ,  1.    ],
           [ 0.9093, -0.4161,  0.02  ,  0.9998]])
    """
    T, d = count("length", length), count("d_model", d_model)
    if d % 2:
        raise ValueError(f"positional_encoding: d_model must be even (a sine and a cosine per frequency), got {d_model}")
    t = np.arange(T)[:, None]                                         # (T, 1)
    angles = t / float(base) ** (np.arange(0, d, 2) / d)              # (T, d/2)
    pe = np.empty((T, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    return pe.astype(float_dtype(dtype))


def shift_matrix(k: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    r"""The matrix $M_k$ with $PE_{t+k} = M_k\, PE_t$ for every position $t$: one rotation per frequency.

    $$
    \begin{pmatrix} \sin \omega_i (t+k) \\ \cos \omega_i (t+k) \end{pmatrix} =
    \begin{pmatrix} \cos \omega_i k & \sin \omega_i k \\ -\sin \omega_i k & \cos \omega_i k \end{pmatrix}
    \begin{pmatrix} \sin \omega_i t \\ \cos \omega_i t \end{pmatrix}, \qquad
    \omega_i = 10000^{-2i/d_{model}}
    $$

    $M_k$ is block-diagonal and depends on the offset $k$ only, not on $t$: a relative offset
    is a linear map of the encoding, which the attention's linear projections can learn.

    Examples
    --------
    >>> pe = positional_encoding(10, 4)
    >>> bool(np.allclose(shift_matrix(3, 4) @ pe[2], pe[5]))
    True
    >>> shift_matrix(0, 2)
    array([[ 1.,  0.],
           [-0.,  1.]])
    """
    d = count("d_model", d_model)
    if d % 2:
        raise ValueError(f"shift_matrix: d_model must be even, got {d_model}")
    angles = int(k) / float(base) ** (np.arange(0, d, 2) / d)
    M = np.zeros((d, d))
    c, s = np.cos(angles), np.sin(angles)
    i = np.arange(0, d, 2)
    M[i, i], M[i, i + 1], M[i + 1, i], M[i + 1, i + 1] = c, s, -s, c
    return M


class PositionwiseFeedForward(NamedParameters):
    r"""The position-wise feed-forward network: the same two-layer ReLU network at every position.

    $$
    \mathrm{FFN}(x) = \max(0,\ x W_1 + b_1)\, W_2 + b_2
    $$

    with $W_1$ (d_model, d_ff) and $W_2$ (d_ff, d_model); the course writes it as two 1×1
    convolutions (``PositionwiseFeedForward``), the same map.

    Examples
    --------
    >>> ffn = PositionwiseFeedForward(2, 3, dtype=np.float64, seed=0)
    >>> ffn.forward(np.zeros((1, 4, 2))).shape
    (1, 4, 2)
    >>> sorted(ffn.params)
    ['W1', 'W2', 'b1', 'b2']
    """

    param_names = ("W1", "b1", "W2", "b2")

    def __init__(self, d_model: int, d_ff: int, *, dtype=np.float32, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        d, f = count("d_model", d_model), count("d_ff", d_ff)
        dtype, rng = float_dtype(dtype), generator(rng, seed)
        # He for the ReLU layer, Xavier for the linear one
        self.W1 = (rng.standard_normal((d, f)) * np.sqrt(2.0 / d)).astype(dtype)
        self.W2 = (rng.standard_normal((f, d)) / np.sqrt(f)).astype(dtype)
        self.b1, self.b2 = np.zeros(f, dtype), np.zeros(d, dtype)
        self.dW1, self.db1, self.dW2, self.db2 = (np.zeros_like(p) for p in (self.W1, self.b1, self.W2, self.b2))
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = array("PositionwiseFeedForward.forward: x", x, ndim=3, layout="(N, T, d_model)")
        hidden = np.maximum(linear(x, self.W1, self.b1), 0)             # (N, T, d_ff)
        self._cache = (x, hidden)
        return linear(hidden, self.W2, self.b2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x, hidden = forward_cache("PositionwiseFeedForward.backward", self._cache)
        dout = upstream_gradient("PositionwiseFeedForward.backward", dout, x.shape, self.W2.dtype)
        d, f = self.W1.shape
        self.dW2[...] = hidden.reshape(-1, f).T @ dout.reshape(-1, d)
        self.db2[...] = dout.sum(axis=(0, 1))
        dhidden = linear(dout, self.W2.T) * (hidden > 0)
        self.dW1[...] = x.reshape(-1, d).T @ dhidden.reshape(-1, f)
        self.db1[...] = dhidden.sum(axis=(0, 1))
        return linear(dhidden, self.W1.T)


class AddNorm:
    r"""A residual connection followed by layer normalisation (post-norm): $\mathrm{LayerNorm}(x + y)$.

    $$
    \mathrm{out} = \mathrm{LayerNorm}(x + y), \qquad
    \frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} = \frac{\partial L}{\partial (x + y)}
    $$

    ``y`` is the sublayer's output $\mathrm{Sublayer}(x)$; the gradient reaches ``x`` both
    directly and through the sublayer. The normalisation is `dl_notes.normalization.LayerNorm`
    over the last axis.

    Examples
    --------
    >>> add_norm = AddNorm(2, dtype=np.float64)
    >>> add_norm.forward(np.array([[[1.0, 2.0]]]), np.array([[[1.0, 0.0]]]))    # x + y = (2, 2): 0 after norm
    array([[[0., 0.]]])
    >>> sorted(add_norm.params)
    ['beta', 'gamma']
    """

    param_names = ("gamma", "beta")

    def __init__(self, d_model: int, *, dtype=np.float32) -> None:
        dtype = float_dtype(dtype)
        self.norm = LayerNorm(np.ones(count("d_model", d_model), dtype), np.zeros(d_model, dtype))

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {"gamma": self.norm.gamma, "beta": self.norm.beta}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {"gamma": self.norm.dgamma, "beta": self.norm.dbeta}

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self.norm.forward(x + y)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """The gradient of ``x + y`` (for both ``x`` and ``y``)."""
        return self.norm.backward(dout)


class _Sublayers:
    """A layer built of named sublayers (``_parts``): their ``params`` and ``grads``, keyed ``part_name``."""

    _parts: dict[str, object]

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self._collect("params")

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return self._collect("grads")

    def _collect(self, attr: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_{name}": value for prefix, part in self._parts.items() for name, value in getattr(part, attr).items()}


class EncoderLayer(_Sublayers):
    r"""One encoder layer: self-attention and the position-wise network, each with a residual and layer norm.

    $$
    Z = \mathrm{LayerNorm}\bigl(X + \mathrm{MultiHead}(X, X, X)\bigr), \qquad
    Y = \mathrm{LayerNorm}\bigl(Z + \mathrm{FFN}(Z)\bigr)
    $$

    Parameters are keyed ``att_W_Q`` … ``norm1_gamma``, ``ffn_W1`` … ``norm2_beta``.

    Examples
    --------
    >>> from dl_notes.multihead import padding_mask
    >>> layer = EncoderLayer(4, 2, 8, dtype=np.float64, seed=0)
    >>> x = np.random.default_rng(1).standard_normal((1, 3, 4))
    >>> layer.forward(x, mask=padding_mask(np.array([[5, 6, 0]]))).shape
    (1, 3, 4)
    >>> len(layer.params)                                 # 8 attention + 4 FFN + 2 × 2 norm
    16
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, *, dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        rng = generator(rng, seed)
        self.attention = MultiHeadAttention(d_model, n_heads, dtype=dtype, rng=rng)
        self.norm1 = AddNorm(d_model, dtype=dtype)
        self.ffn = PositionwiseFeedForward(d_model, d_ff, dtype=dtype, rng=rng)
        self.norm2 = AddNorm(d_model, dtype=dtype)
        self._parts = {"att": self.attention, "norm1": self.norm1, "ffn": self.ffn, "norm2": self.norm2}

    def forward(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """``x`` (N, T, d_model); ``mask`` (True where a key is hidden) broadcastable to (N, T, T)."""
        z = self.norm1.forward(x, self.attention.forward(x, x, x, mask))
        return self.norm2.forward(z, self.ffn.forward(z))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dz = self.norm2.backward(dout)
        dz = dz + self.ffn.backward(dz)
        dx = self.norm1.backward(dz)
        return dx + sum(self.attention.backward(dx))


class DecoderLayer(_Sublayers):
    r"""One decoder layer: masked self-attention, cross-attention to the encoder's output, and the position-wise network.

    $$
    Z_1 = \mathrm{LayerNorm}\bigl(Y + \mathrm{MultiHead}(Y, Y, Y; M_{\text{look-ahead}})\bigr), \quad
    Z_2 = \mathrm{LayerNorm}\bigl(Z_1 + \mathrm{MultiHead}(Z_1, H, H; M_{\text{pad}})\bigr), \quad
    \mathrm{out} = \mathrm{LayerNorm}\bigl(Z_2 + \mathrm{FFN}(Z_2)\bigr)
    $$

    where $H$ is the encoder's output (the **memory**). Parameters are keyed ``self_…``,
    ``norm1_…``, ``cross_…``, ``norm2_…``, ``ffn_…``, ``norm3_…``.

    Examples
    --------
    >>> from dl_notes.multihead import look_ahead_mask
    >>> layer = DecoderLayer(4, 2, 8, dtype=np.float64, seed=0)
    >>> rng = np.random.default_rng(1)
    >>> y, memory = rng.standard_normal((1, 2, 4)), rng.standard_normal((1, 3, 4))
    >>> layer.forward(y, memory, look_ahead_mask(2)).shape, layer.cross_attention.weights.shape
    ((1, 2, 4), (1, 2, 2, 3))
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, *, dtype=np.float32,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        rng = generator(rng, seed)
        self.self_attention = MultiHeadAttention(d_model, n_heads, dtype=dtype, rng=rng)
        self.norm1 = AddNorm(d_model, dtype=dtype)
        self.cross_attention = MultiHeadAttention(d_model, n_heads, dtype=dtype, rng=rng)
        self.norm2 = AddNorm(d_model, dtype=dtype)
        self.ffn = PositionwiseFeedForward(d_model, d_ff, dtype=dtype, rng=rng)
        self.norm3 = AddNorm(d_model, dtype=dtype)
        self._parts = {"self": self.self_attention, "norm1": self.norm1, "cross": self.cross_attention,
                       "norm2": self.norm2, "ffn": self.ffn, "norm3": self.norm3}

    def forward(self, y: np.ndarray, memory: np.ndarray, self_mask: np.ndarray | None = None,
                cross_mask: np.ndarray | None = None) -> np.ndarray:
        """``y`` (N, T_t, d_model), ``memory`` (N, T_s, d_model); masks True where a key is hidden."""
        z1 = self.norm1.forward(y, self.self_attention.forward(y, y, y, self_mask))
        z2 = self.norm2.forward(z1, self.cross_attention.forward(z1, memory, memory, cross_mask))
        return self.norm3.forward(z2, self.ffn.forward(z2))

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The gradients (dy, dmemory)."""
        dz2 = self.norm3.backward(dout)
        dz2 = dz2 + self.ffn.backward(dz2)
        dz1 = self.norm2.backward(dz2)
        dq, dk, dv = self.cross_attention.backward(dz1)
        dz1 = dz1 + dq
        dy = self.norm1.backward(dz1)
        return dy + sum(self.self_attention.backward(dy)), dk + dv

