r"""word2vec: CBOW and skip-gram trained with negative sampling, and what a one-hot model would cost.

Both models keep two (V, D) matrices: ``W_in``, whose rows are the word vectors (the
embeddings), and ``W_out``, one output vector per word. Instead of a softmax over all V words
at the output (V dot products and V exponentials per prediction), negative sampling asks a yes/no
question of the true word and of ``sample_size`` words drawn from the unigram distribution
raised to the power 0.75, and scores each answer with the sigmoid cross-entropy. Names follow
the book's second volume (``ch04/negative_sampling_layer.py``, ``ch04/cbow.py``), with the
loop over negatives replaced by one batched product and the sampler seeded.
"""

from __future__ import annotations

import numpy as np

from ._checks import array, count, float_dtype, forward_cache, generator, positive, upstream_gradient
from .activations import sigmoid
from .embedding import Embedding

__all__ = ["sigmoid_cross_entropy", "EmbeddingDot", "UnigramSampler", "NegativeSamplingLoss", "CBOW", "SkipGram",
           "model_costs"]


def sigmoid_cross_entropy(s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Binary cross-entropy of a score (a logit) ``s`` against a label ``t`` in {0, 1}, element by element, and its gradient.

    $$
    \ell(s, t) = -t \log \sigma(s) - (1 - t) \log\bigl(1 - \sigma(s)\bigr)
              = \max(s, 0) - s t + \log\bigl(1 + e^{-|s|}\bigr), \qquad
    \frac{\partial \ell}{\partial s} = \sigma(s) - t
    $$

    The second form never takes the log of 0 (PyTorch's ``binary_cross_entropy_with_logits``).

    Returns
    -------
    loss, grad : ndarray, both the shape of ``s``

    Examples
    --------
    >>> loss, grad = sigmoid_cross_entropy(np.array([0.0, 50.0, -50.0]), np.array([1.0, 1.0, 1.0]))
    >>> loss.round(4), grad.round(4)              # log 2 at s = 0; a confident right and wrong answer
    (array([ 0.6931,  0.    , 50.    ]), array([-0.5,  0. , -1. ]))
    """
    s = np.asarray(s)
    t = np.asarray(t, dtype=s.dtype)
    loss = np.maximum(s, 0) - s * t + np.log1p(np.exp(-np.abs(s)))
    return loss, sigmoid(s) - t


class EmbeddingDot:
    r"""The dot product of each hidden vector with the rows of ``W`` for its word ids: the scores of those words.

    $$
    s_{n,k} = h_n \cdot W_{w_{n,k},:}
    $$

    Parameters
    ----------
    W : ndarray, shape (V, D)
    sparse : bool, default False
        Passed to the `dl_notes.embedding.Embedding` that reads the rows.

    Examples
    --------
    >>> layer = EmbeddingDot(np.arange(6.0).reshape(3, 2))
    >>> layer.forward(np.array([[1.0, 1.0]]), np.array([[0, 2]]))     # one hidden vector, two words
    array([[1., 9.]])
    """

    def __init__(self, W: np.ndarray, sparse: bool = False) -> None:
        self.embed = Embedding(W, sparse=sparse)
        self.cache: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def params(self) -> list[np.ndarray]:
        return self.embed.params

    @property
    def grads(self) -> list:
        return self.embed.grads

    def forward(self, h: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """``h`` (N, D) and ids (N,) or (N, K): scores of the same shape as ``idx``."""
        h = array("EmbeddingDot.forward: h", h, 2, "(N, D)")
        idx = np.asarray(idx)
        if idx.ndim not in (1, 2) or idx.shape[0] != h.shape[0]:
            raise ValueError(f"EmbeddingDot.forward: idx must have shape (N,) or (N, K) with N = {h.shape[0]} "
                             f"(the rows of h), got shape {idx.shape}")
        rows = self.embed.forward(idx)  # (N, D) or (N, K, D)
        rows3 = rows.reshape(h.shape[0], -1, h.shape[1])  # (N, K, D)
        self.cache = (h, rows3)
        return np.einsum("nd,nkd->nk", h, rows3).reshape(idx.shape)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Gradient of the scores in, ``dh`` (N, D) out; the rows' gradient goes to ``grads[0]``."""
        h, rows3 = forward_cache("EmbeddingDot.backward", self.cache)
        dout = upstream_gradient("EmbeddingDot.backward", dout, self.embed.idx.shape, h.dtype)
        d3 = dout.reshape(h.shape[0], -1, 1)  # (N, K, 1)
        self.embed.backward((d3 * h[:, None, :]).reshape(self.embed.idx.shape + (h.shape[1],)))
        return (d3 * rows3).sum(axis=1)


class UnigramSampler:
    r"""Draws negative words with probability proportional to their count to the power ``power``.

    $$
    P(w) = \frac{c(w)^{0.75}}{\sum_{v} c(v)^{0.75}}
    $$

    The power below 1 lifts rare words a little against frequent ones. A sample never contains
    its own target (a draw that equals it is drawn again); the same word may appear twice
    among the negatives, as in the original word2vec.

    Parameters
    ----------
    corpus : ndarray of int, shape (n,)
    power : float, default 0.75
    sample_size : int, default 5
        Negatives per target.
    rng : numpy.random.Generator, optional
        The random source.
    seed : int, optional
        A seed for a new generator, instead of ``rng``.

    See Also
    --------
    NegativeSamplingLoss : the loss that uses the samples (page: word2vec, ``word2vec.md``).

    Examples
    --------
    >>> sampler = UnigramSampler(np.array([0, 0, 0, 1, 2]), power=1.0, sample_size=2, seed=0)
    >>> sampler.word_p.round(2)
    array([0.6, 0.2, 0.2])
    >>> sampler.get_negative_sample(np.array([0, 1])).shape
    (2, 2)
    """

    def __init__(self, corpus: np.ndarray, power: float = 0.75, sample_size: int = 5, rng=None, seed=None) -> None:
        corpus = array("UnigramSampler: corpus", corpus, 1)
        if corpus.dtype.kind not in "iu" or corpus.size == 0 or corpus.min() < 0:
            raise ValueError("UnigramSampler: corpus must be a nonempty 1-D array of nonnegative integer word ids")
        counts = np.bincount(corpus).astype(float)
        if np.count_nonzero(counts) < 2:
            raise ValueError("UnigramSampler: corpus must hold at least 2 different words (a negative must differ "
                             "from its target)")
        p = counts ** positive("power", power)
        self.word_p = p / p.sum()
        self.vocab_size = len(counts)
        self.sample_size = count("sample_size", sample_size)
        self.rng = generator(rng, seed)

    def get_negative_sample(self, target: np.ndarray) -> np.ndarray:
        """``sample_size`` word ids per target, none equal to it: shape (N, sample_size)."""
        target = np.asarray(target).reshape(-1, 1)
        sample = self.rng.choice(self.vocab_size, size=(len(target), self.sample_size), p=self.word_p)
        clash = sample == target
        while clash.any():  # redraw only the clashes: the kept draws keep their probabilities
            sample[clash] = self.rng.choice(self.vocab_size, size=int(clash.sum()), p=self.word_p)
            clash = sample == target
        return sample


class NegativeSamplingLoss:
    r"""Sigmoid cross-entropy of the true word (label 1) and of ``sample_size`` sampled words (label 0).

    $$
    L = \frac{1}{N} \sum_{n=1}^{N} \Bigl[ -\log \sigma(h_n \cdot u_{t_n})
        - \sum_{k=1}^{K} \log \sigma(-h_n \cdot u_{w_{n,k}}) \Bigr]
    $$

    with $u_w$ row $w$ of ``W`` (the output vectors), $t_n$ the true word and $w_{n,k}$ the
    negatives drawn by `UnigramSampler`. One prediction costs $K + 1$ dot products instead of
    the $V$ of a softmax over the vocabulary.

    Parameters
    ----------
    W : ndarray, shape (V, D)
        The output vectors, kept (not copied).
    corpus : ndarray of int
        Word ids, for the sampler's counts.
    power : float, default 0.75
        Passed to `UnigramSampler`.
    sample_size : int, default 5
        Negatives per target, passed to `UnigramSampler`.
    rng : numpy.random.Generator, optional
        Passed to `UnigramSampler`.
    seed : int, optional
        Passed to `UnigramSampler`.
    sparse : bool, default False
        Keep the gradient of ``W`` as a `dl_notes.embedding.SparseGradient`.

    Examples
    --------
    >>> loss = NegativeSamplingLoss(np.zeros((4, 2)), np.array([0, 1, 2, 3]), sample_size=2, seed=0)
    >>> round(loss.forward(np.ones((3, 2)), np.array([0, 1, 2])), 4)   # all scores 0: (1 + 2) log 2
    2.0794
    """

    def __init__(self, W: np.ndarray, corpus: np.ndarray, power: float = 0.75, sample_size: int = 5,
                 rng=None, seed=None, sparse: bool = False) -> None:
        self.sampler = UnigramSampler(corpus, power, sample_size, rng=rng, seed=seed)
        self.embed_dot = EmbeddingDot(W, sparse=sparse)
        self.dscore: np.ndarray | None = None

    @property
    def params(self) -> list[np.ndarray]:
        return self.embed_dot.params

    @property
    def grads(self) -> list:
        return self.embed_dot.grads

    def forward(self, h: np.ndarray, target: np.ndarray, negatives: np.ndarray | None = None) -> float:
        """The mean loss over the batch; ``negatives`` (N, K) drawn by the sampler unless given."""
        target = np.asarray(target)
        if negatives is None:
            negatives = self.sampler.get_negative_sample(target)
        ids = np.concatenate([target.reshape(-1, 1), negatives], axis=1)  # (N, 1 + K): the true word first
        labels = np.zeros(ids.shape, dtype=np.asarray(h).dtype)
        labels[:, 0] = 1
        score = self.embed_dot.forward(h, ids)
        loss, dscore = sigmoid_cross_entropy(score, labels)
        self.dscore = dscore / len(ids)
        return float(loss.sum() / len(ids))

    def backward(self, dout: float = 1.0) -> np.ndarray:
        """``dh`` (N, D); the gradient of ``W`` goes to ``grads[0]``."""
        dscore = forward_cache("NegativeSamplingLoss.backward", self.dscore)
        return self.embed_dot.backward(dscore * dout)


class _Word2Vec:
    """What CBOW and skip-gram share: the two matrices, the loss layer, params/grads dicts, gradient()."""

    def __init__(self, vocab_size: int, hidden_size: int, corpus: np.ndarray, window_size: int = 1,
                 sample_size: int = 5, power: float = 0.75, seed: int = 0, dtype=np.float32,
                 sparse: bool = False) -> None:
        V, D = count("vocab_size", vocab_size), count("hidden_size", hidden_size)
        self.window_size = count("window_size", window_size)
        corpus = np.asarray(corpus)
        if corpus.size and corpus.max() >= V:
            raise ValueError(f"{type(self).__name__}: corpus holds word id {corpus.max()}, "
                             f"outside a vocabulary of vocab_size = {V}")
        rng = np.random.default_rng(seed)
        dtype = float_dtype(dtype)
        # Small random input and output vectors, as in the book (0.01 * randn).
        self.params = {"W_in": (0.01 * rng.standard_normal((V, D))).astype(dtype),
                       "W_out": (0.01 * rng.standard_normal((V, D))).astype(dtype)}
        self.in_layer = Embedding(self.params["W_in"], sparse=sparse)
        self.loss_layer = NegativeSamplingLoss(self.params["W_out"], corpus, power, sample_size,
                                               rng=np.random.default_rng([seed, 1]), sparse=sparse)

    @property
    def word_vecs(self) -> np.ndarray:
        """The word vectors: the rows of ``W_in``."""
        return self.params["W_in"]

    def _context_array(self, contexts: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        contexts, target = np.asarray(contexts), np.asarray(target)
        width = 2 * self.window_size
        if contexts.ndim != 2 or contexts.shape[1] != width or target.shape != (contexts.shape[0],):
            raise ValueError(f"{type(self).__name__}: contexts must have shape (N, {width}) (2 * window_size) and "
                             f"target shape (N,), got {contexts.shape} and {target.shape}")
        return contexts, target

    def gradient(self, contexts: np.ndarray, target: np.ndarray) -> dict:
        """Forward and backward on one batch: ``{"W_in": dW_in, "W_out": dW_out}`` (arrays, or SparseGradients).

        The batch's loss is kept in ``self.loss``.
        """
        self.loss = self.forward(contexts, target)
        self.backward()
        return {"W_in": self.in_layer.dW, "W_out": self.loss_layer.grads[0]}


class CBOW(_Word2Vec):
    r"""Continuous bag of words: the mean of the context words' vectors predicts the word in the middle.

    $$
    h = \frac{1}{2c} \sum_{j=-c,\, j \ne 0}^{c} v_{w_{t+j}}, \qquad
    L = -\log \sigma(h \cdot u_{w_t}) - \sum_{k=1}^{K} \log \sigma(-h \cdot u_{w_k})
    $$

    $v_w$ is row $w$ of ``W_in``, $u_w$ row $w$ of ``W_out``; the loss is averaged over the batch.

    Parameters
    ----------
    vocab_size, hidden_size : int
        V and D.
    corpus : ndarray of int
        The word ids the sampler counts.
    window_size : int, default 1
        c: the contexts have 2c words.
    sample_size : int, default 5
        Negatives per target.
    power : float, default 0.75
        The sampler's power.
    seed : int, default 0
        Initial weights and the sampler.
    dtype : default float32
    sparse : bool, default False
        Gradients as `dl_notes.embedding.SparseGradient` (for `dl_notes.embedding.sgd_rows`).

    Attributes
    ----------
    params : dict
        ``W_in`` and ``W_out``, (V, D) each, usable with `dl_notes.optim`.

    See Also
    --------
    SkipGram : the other model (page: word2vec, ``word2vec.md``).

    Examples
    --------
    >>> corpus = np.array([0, 1, 2, 3, 4, 1, 5, 6])
    >>> model = CBOW(7, 3, corpus, seed=0, dtype=np.float64)
    >>> round(model.forward(np.array([[0, 2], [1, 3]]), np.array([1, 2])), 3)    # tiny weights: 6 log 2 = 4.159
    4.159
    """

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        contexts, target = self._context_array(contexts, target)
        h = self.in_layer.forward(contexts).mean(axis=1)  # (N, 2c, D) -> (N, D)
        return self.loss_layer.forward(h, target)

    def backward(self, dout: float = 1.0) -> None:
        dh = self.loss_layer.backward(dout)  # (N, D)
        width = self.in_layer.idx.shape[1]
        self.in_layer.backward(np.repeat(dh[:, None, :] / width, width, axis=1))


class SkipGram(_Word2Vec):
    r"""Skip-gram: the middle word's vector predicts each of its context words.

    $$
    h = v_{w_t}, \qquad
    L = \sum_{j=-c,\, j \ne 0}^{c} \Bigl[ -\log \sigma(h \cdot u_{w_{t+j}})
        - \sum_{k=1}^{K} \log \sigma(-h \cdot u_{w_{j,k}}) \Bigr]
    $$

    One set of $K$ negatives per context word; the loss is averaged over the batch and summed
    over the $2c$ context positions, as in the book. Parameters as for `CBOW`.

    See Also
    --------
    CBOW : the other model (page: word2vec, ``word2vec.md``).

    Examples
    --------
    >>> corpus = np.array([0, 1, 2, 3, 4, 1, 5, 6])
    >>> model = SkipGram(7, 3, corpus, seed=0, dtype=np.float64)
    >>> round(model.forward(np.array([[0, 2], [1, 3]]), np.array([1, 2])), 3)    # 2 contexts x 6 log 2 = 8.318
    8.318
    """

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        contexts, target = self._context_array(contexts, target)
        width = contexts.shape[1]
        h = self.in_layer.forward(target)  # (N, D)
        hs = np.repeat(h, width, axis=0)  # (N * 2c, D): row n*2c + j is h_n for context j
        self._width = width
        return width * self.loss_layer.forward(hs, contexts.reshape(-1))

    def backward(self, dout: float = 1.0) -> None:
        dhs = self.loss_layer.backward(dout * self._width)  # (N * 2c, D)
        self.in_layer.backward(dhs.reshape(-1, self._width, dhs.shape[1]).sum(axis=1))


def model_costs(vocab_size: int, hidden_size: int, sample_size: int = 5, itemsize: int = 4) -> dict[str, int]:
    r"""Sizes and per-word work of a one-hot word model against an embedding with negative sampling.

    $$
    \underbrace{V \times V}_{\text{one-hot vectors}} \ \text{vs}\ \underbrace{V \times D}_{\text{embedding}},
    \qquad
    \underbrace{V D}_{\text{one-hot} \times W} \ \text{vs}\ \underbrace{D}_{\text{row read}},
    \qquad
    \underbrace{V}_{\text{softmax}} \ \text{vs}\ \underbrace{K + 1}_{\text{negative sampling}}
    $$

    Returns
    -------
    dict
        ``onehot_table`` ($V^2$ numbers: every word's one-hot vector, also the size of a
        co-occurrence matrix), ``embedding_table`` ($VD$), their bytes at ``itemsize``
        (``onehot_bytes``, ``embedding_bytes``), ``onehot_product`` (multiply-adds of a one-hot
        vector times a (V, D) matrix, $VD$), ``lookup`` (numbers copied by a row read, $D$),
        ``softmax_dots`` ($V$ output scores per prediction) and ``negative_sampling_dots`` ($K + 1$).

    Examples
    --------
    >>> c = model_costs(10_000, 100, sample_size=5)
    >>> c["onehot_table"] // c["embedding_table"], c["softmax_dots"] // c["negative_sampling_dots"]
    (100, 1666)
    """
    V, D = count("vocab_size", vocab_size), count("hidden_size", hidden_size)
    K = count("sample_size", sample_size)
    itemsize = count("itemsize", itemsize)
    return {"onehot_table": V * V, "embedding_table": V * D, "onehot_bytes": V * V * itemsize,
            "embedding_bytes": V * D * itemsize, "onehot_product": V * D, "lookup": D,
            "softmax_dots": V, "negative_sampling_dots": K + 1}
