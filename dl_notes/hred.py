r"""HRED, a dialogue model that reads the whole conversation, and the two terms of VHRED's training objective.

A seq2seq model maps one utterance to one reply. The **hierarchical recurrent encoder-decoder**
(HRED; Sordoni et al. 2015 for query suggestion, Serban et al. 2016 for dialogue) reads a
conversation of $K$ utterances at two levels: an utterance encoder turns each utterance into a
vector (its final hidden state), and a **context RNN** runs over those $K$ vectors, one step per
utterance. Its last state $s_K$ sets the decoder's initial state, so every earlier utterance can
shape the reply:

$$
u_k = \mathrm{Enc}(w_{k,1}, \dots, w_{k,T}), \qquad
s_k = \mathrm{GRU}(u_k, s_{k-1}), \qquad
h^{\text{dec}}_0 = \tanh(s_K W_{\text{init}} + b_{\text{init}})
$$

The model is composed of the existing layers (`dl_notes.embedding.TimeEmbedding`,
`dl_notes.gru.TimeGRU`, `dl_notes.layers.Affine`, `dl_notes.layers.Tanh`,
`dl_notes.time_layers.TimeAffine`, `dl_notes.time_layers.TimeSoftmaxWithLoss`).

VHRED (Serban et al. 2017) adds a latent variable $z$ per reply, drawn from a Gaussian prior
computed from $s_K$, and is trained on a lower bound of the reply's log-likelihood:
`vhred_loss` is its negative, the reconstruction term plus the KL divergence `gaussian_kl`
between the approximate posterior (which also reads the reply) and the prior.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import array, count, float_dtype, generator, nonnegative
from .autoencoder import gaussian_kl
from .embedding import TimeEmbedding
from .gru import TimeGRU
from .layers import Affine, Tanh
from .time_layers import TimeAffine, TimeSoftmaxWithLoss

__all__ = ["HRED", "Dialogues", "dialogues", "vhred_loss"]


class HRED:
    r"""Hierarchical recurrent encoder-decoder: utterance encoder, context RNN, decoder, all GRUs.

    $$
    u_k = h^{\text{enc}}_{k,T}, \quad
    s_k = \mathrm{GRU}_{\text{ctx}}(u_k, s_{k-1}), \quad
    h^{\text{dec}}_0 = \tanh(s_K W_{\text{init}} + b_{\text{init}}), \quad
    p(r_{j+1} \mid r_{\le j}, w_{1..K}) = \operatorname{softmax}(h^{\text{dec}}_j W_{out} + b_{out})
    $$

    The utterance encoder (with its own embedding) reads each of the $K$ utterances from a
    zero state and keeps its last hidden state $u_k$; the context GRU reads $u_1, \dots, u_K$;
    the decoder (with its own embedding) starts from $h^{\text{dec}}_0$ and reads the reply
    shifted by one (teacher forcing). With $K = 1$ the network is a seq2seq model whose thought
    vector passes through the context GRU's single step.

    Parameters
    ----------
    vocab_size : int
        V, the number of word ids (shared by the utterances and the replies).
    wordvec_size : int
        D, the size of a word vector.
    hidden_size : int
        H, the hidden size of the utterance encoder and of the decoder.
    context_size : int, optional
        C, the hidden size of the context RNN (default H).
    dtype : float32 or float64, default float32
    rng, seed : optional
        The generator (or its seed) for the initial weights: Xavier, $\mathcal{N}(0, 1/n_\text{in})$,
        embeddings $\mathcal{N}(0, 1/D)$, biases zero.

    Attributes
    ----------
    params : dict of str to ndarray
        ``enc_E``, ``enc_Wx``, ``enc_Wh``, ``enc_b``, ``ctx_Wx``, ``ctx_Wh``, ``ctx_b``,
        ``W_init``, ``b_init``, ``dec_E``, ``dec_Wx``, ``dec_Wh``, ``dec_b``, ``W_out``,
        ``b_out``: the arrays the layers hold.

    Examples
    --------
    >>> net = HRED(vocab_size=10, wordvec_size=4, hidden_size=6, context_size=5, seed=0)
    >>> contexts = np.array([[[1, 2, 3], [4, 5, 6]]])   # 1 conversation, K = 2 utterances of 3 words
    >>> replies = np.array([[0, 7, 8]])                 # start id 0, then the reply 7 8
    >>> net.predict(contexts, replies[:, :-1]).shape    # a score per word id at each of 2 steps
    (1, 2, 10)
    >>> net.context_states(contexts).shape              # s_1, s_2
    (1, 2, 5)
    >>> grads = net.gradient(contexts, replies)
    >>> sorted(grads) == sorted(net.params)
    True
    >>> net.generate(contexts, start_id=0, length=3).shape
    (1, 3)
    """

    def __init__(self, vocab_size: int, wordvec_size: int, hidden_size: int, context_size: int | None = None,
                 dtype=np.float32, rng=None, seed=None) -> None:
        V, D, H = (_size(n, v) for n, v in (("vocab_size", vocab_size), ("wordvec_size", wordvec_size),
                                             ("hidden_size", hidden_size)))
        C = H if context_size is None else _size("context_size", context_size)
        dtype = float_dtype(dtype)
        rng = generator(rng, seed)

        def normal(n_in, n_out, std=None):  # Xavier unless std is given
            return (rng.standard_normal((n_in, n_out)) * (std or 1 / np.sqrt(n_in))).astype(dtype)

        def zeros(n):
            return np.zeros(n, dtype)

        self.params = {
            "enc_E": normal(V, D, 1 / np.sqrt(D)),
            "enc_Wx": normal(D, 3 * H), "enc_Wh": normal(H, 3 * H), "enc_b": zeros(3 * H),
            "ctx_Wx": normal(H, 3 * C), "ctx_Wh": normal(C, 3 * C), "ctx_b": zeros(3 * C),
            "W_init": normal(C, H), "b_init": zeros(H),
            "dec_E": normal(V, D, 1 / np.sqrt(D)),
            "dec_Wx": normal(D, 3 * H), "dec_Wh": normal(H, 3 * H), "dec_b": zeros(3 * H),
            "W_out": normal(H, V), "b_out": zeros(V),
        }
        p = self.params
        self.enc_embed = TimeEmbedding(p["enc_E"])
        self.encoder = TimeGRU(p["enc_Wx"], p["enc_Wh"], p["enc_b"])
        self.context = TimeGRU(p["ctx_Wx"], p["ctx_Wh"], p["ctx_b"])
        self.bridge = Affine(p["W_init"], p["b_init"])
        self.bridge_tanh = Tanh()
        self.dec_embed = TimeEmbedding(p["dec_E"])
        self.decoder = TimeGRU(p["dec_Wx"], p["dec_Wh"], p["dec_b"])
        self.out = TimeAffine(p["W_out"], p["b_out"])
        self.loss_layer = TimeSoftmaxWithLoss()
        self.vocab_size = V
        self._shape: tuple[int, int, int] | None = None

    def context_states(self, contexts: np.ndarray) -> np.ndarray:
        """The context RNN's states $s_1, \\dots, s_K$, (N, K, C), from word ids (N, K, T)."""
        contexts = _ids("HRED: contexts", contexts, 3, "(N, K, T)", self.vocab_size)
        N, K, T = contexts.shape
        hs = self.encoder.forward(self.enc_embed.forward(contexts.reshape(N * K, T)))
        self._shape = (N, K, T)
        return self.context.forward(hs[:, -1].reshape(N, K, -1))

    def initial_state(self, contexts: np.ndarray) -> np.ndarray:
        """The decoder's initial state $\\tanh(s_K W_{init} + b_{init})$, (N, H)."""
        return self.bridge_tanh.forward(self.bridge.forward(self.context_states(contexts)[:, -1]))

    def predict(self, contexts: np.ndarray, reply_inputs: np.ndarray) -> np.ndarray:
        """Scores (N, L, V) for the next word at each step, reading the reply inputs (N, L) (teacher forcing)."""
        h0 = self.initial_state(contexts)
        reply_inputs = _ids("HRED: reply_inputs", reply_inputs, 2, "(N, L)", self.vocab_size)
        if len(reply_inputs) != len(h0):
            raise ValueError(f"HRED: contexts and reply_inputs must hold the same number of conversations, "
                             f"got {len(h0)} and {len(reply_inputs)}")
        return self.out.forward(self.decoder.forward(self.dec_embed.forward(reply_inputs), h0))

    def loss(self, contexts: np.ndarray, replies: np.ndarray) -> float:
        """Mean cross-entropy of ``replies[:, 1:]`` given ``replies[:, :-1]``; ``replies`` (N, 1 + L) starts with the start id."""
        replies = _ids("HRED: replies", replies, 2, "(N, 1 + L)", self.vocab_size)
        if replies.shape[1] < 2:
            raise ValueError(f"HRED: replies must hold the start id and at least one word, shape (N, 1 + L), "
                             f"got {replies.shape}")
        return self.loss_layer.forward(self.predict(contexts, replies[:, :-1]), replies[:, 1:])

    def backward(self) -> None:
        """Gradients of the last ``loss`` into every layer, from the decoder back to the utterance encoder."""
        self.dec_embed.backward(self.decoder.backward(self.out.backward(self.loss_layer.backward())))
        ds_K = self.bridge.backward(self.bridge_tanh.backward(self.decoder.dh0))
        N, K, T = self._shape
        dss = np.zeros((N, K, ds_K.shape[1]), ds_K.dtype)
        dss[:, -1] = ds_K
        du = self.context.backward(dss)
        dhs = np.zeros((N * K, T, du.shape[2]), du.dtype)
        dhs[:, -1] = du.reshape(N * K, -1)
        self.enc_embed.backward(self.encoder.backward(dhs))

    def gradient(self, contexts: np.ndarray, replies: np.ndarray) -> dict[str, np.ndarray]:
        """``{key: dL/d params[key]}`` for the mean cross-entropy of the replies (see `loss`)."""
        self.loss(contexts, replies)
        self.backward()
        grads = {"enc_E": self.enc_embed.dW, "W_init": self.bridge.dW, "b_init": self.bridge.db,
                 "dec_E": self.dec_embed.dW, "W_out": self.out.dW, "b_out": self.out.db}
        for prefix, gru in (("enc", self.encoder), ("ctx", self.context), ("dec", self.decoder)):
            grads.update({f"{prefix}_{name}": getattr(gru, "d" + name) for name in gru.parameter_names})
        return {key: grads[key] for key in self.params}

    def generate(self, contexts: np.ndarray, start_id: int, length: int) -> np.ndarray:
        """Greedy decoding: the most probable word at each step, fed back as the next input; (N, length) ids."""
        h = self.initial_state(contexts)
        word = np.full((len(h), 1), int(start_id))
        _ids("HRED: start_id", word, 2, "an id", self.vocab_size)
        words = []
        for _ in range(_size("length", length)):
            scores = self.out.forward(self.decoder.forward(self.dec_embed.forward(word), h))
            h = self.decoder.h
            word = scores.argmax(axis=2)
            words.append(word[:, 0])
        return np.stack(words, axis=1)


def vhred_loss(reconstruction: np.ndarray, mu_q: np.ndarray, logvar_q: np.ndarray, mu_p: np.ndarray,
               logvar_p: np.ndarray, kl_weight: float = 1.0) -> np.ndarray:
    r"""VHRED's loss for one reply: the negative of the variational lower bound, with an optional KL weight.

    $$
    -\log p(r \mid w_{1..K}) \;\le\;
    \underbrace{\mathbb{E}_{q(z \mid w_{1..K}, r)}\bigl[-\log p(r \mid z, w_{1..K})\bigr]}_{\text{reconstruction}}
    + \beta\, \mathrm{KL}\bigl(q(z \mid w_{1..K}, r) \,\big\|\, p(z \mid w_{1..K})\bigr)
    $$

    The inequality holds for $\beta = 1$; training starts with a small $\beta$ and raises it to 1
    (KL annealing), because a decoder that ignores $z$ otherwise drives the KL term to zero.

    Parameters
    ----------
    reconstruction : array_like, shape (N,)
        $-\log p(r \mid z, w_{1..K})$ of each of N replies, with $z$ drawn from the posterior
        (one sample estimates the expectation).
    mu_q, logvar_q : array_like, shape (N, d)
        The approximate posterior, computed from the context state and the encoded reply.
    mu_p, logvar_p : array_like, shape (N, d)
        The prior, computed from the context state only.
    kl_weight : float, default 1
        $\beta \ge 0$.

    See Also
    --------
    dl_notes.autoencoder.gaussian_kl : the KL term, here with a prior of its own.

    Examples
    --------
    >>> vhred_loss([2.5], [[1.0]], [[0.0]], [[0.0]], [[0.0]])           # 2.5 + 1/2
    array([3.])
    >>> vhred_loss([2.5], [[1.0]], [[0.0]], [[0.0]], [[0.0]], kl_weight=0.0)
    array([2.5])
    """
    beta = nonnegative("kl_weight", kl_weight)
    kl = gaussian_kl(mu_q, logvar_q, prior_mu=mu_p, prior_log_var=logvar_p)
    reconstruction = array("reconstruction", reconstruction)
    if reconstruction.shape != kl.shape:
        raise ValueError(f"vhred_loss: reconstruction must have one value per reply, shape {kl.shape}, "
                         f"got {reconstruction.shape}")
    return reconstruction + beta * kl


class Dialogues(NamedTuple):
    """Generated conversations: what `dialogues` returns.

    Examples
    --------
    >>> data = dialogues(1, length=2, seed=3)
    >>> data.contexts.shape, data.replies.shape, len(data.words)    # <s>, 6 fillers, 4 + 3 + 4 + 3
    ((1, 3, 2), (1, 3), 21)
    """

    contexts: np.ndarray  #: (n, 3, length) word ids: the three utterances before the reply
    replies: np.ndarray  #: (n, 3) word ids: the start id 0, then the two words of the reply
    topic: np.ndarray  #: (n,) the topic named in utterance 1, in range(topics)
    question: np.ndarray  #: (n,) the question asked in utterance 3, in range(questions)
    words: tuple[str, ...]  #: the word of each id


def dialogues(n: int, length: int = 4, topics: int = 4, questions: int = 3, fillers: int = 6, *,
              rng: np.random.Generator | None = None, seed: int | None = None) -> Dialogues:
    r"""Three-utterance conversations whose right reply needs the utterance two turns back.

    Utterance 1 names a topic ``t{i}`` among filler words ``f{j}``; utterance 2, the other
    speaker's, names a different topic (a distractor); utterance 3 asks a question ``q{k}``.
    The reply is two words, ``a{i}`` for the topic of utterance 1 and ``b{k}`` for the
    question of utterance 3. Each topic and question word sits at a random position of its
    utterance, the other positions are random fillers. A model that reads only utterance 3
    gets ``b{k}`` right but can only guess ``a{i}``: the whole reply with probability
    $1/	ext{topics}$.

    Parameters
    ----------
    n : int
        Conversations.
    length : int, default 4
        Words per utterance (at least 1).
    topics, questions, fillers : int, default 4, 3, 6
        Sizes of the three word sets (at least 2 topics, so that a distractor exists).
    rng, seed : optional
        The generator or its seed: the same seed gives the same conversations.

    Returns
    -------
    Dialogues
        ``contexts`` (n, 3, length) and ``replies`` (n, 3) as word ids, id 0 being ``<s>``
        (the decoder's start word); ``topic``, ``question`` and ``words``.

    Examples
    --------
    >>> data = dialogues(2, seed=0)
    >>> [[" ".join(data.words[i] for i in u) for u in c] for c in data.contexts]
    [['f0 f0 f1 t3', 't1 f5 f3 f3', 'q0 f4 f3 f3'], ['f3 f5 f1 t2', 't3 f0 f2 f5', 'f3 f0 q0 f4']]
    >>> [" ".join(data.words[i] for i in r) for r in data.replies]
    ['<s> a3 b0', '<s> a2 b0']
    """
    n, length = count("n", n), count("length", length)
    topics, questions, fillers = (count(name, value, minimum=2) for name, value in
                                  (("topics", topics), ("questions", questions), ("fillers", fillers)))
    rng = generator(rng, seed)
    words = ("<s>", *(f"f{j}" for j in range(fillers)), *(f"t{i}" for i in range(topics)),
             *(f"q{k}" for k in range(questions)), *(f"a{i}" for i in range(topics)), *(f"b{k}" for k in range(questions)))
    first = {prefix: words.index(f"{prefix}0") for prefix in "ftqab"}
    topic = rng.integers(topics, size=n)
    distractor = (topic + rng.integers(1, topics, size=n)) % topics  # any topic but utterance 1's
    question = rng.integers(questions, size=n)
    contexts = first["f"] + rng.integers(fillers, size=(n, 3, length))
    where = rng.integers(length, size=(n, 3))
    rows = np.arange(n)
    for turn, word in enumerate((first["t"] + topic, first["t"] + distractor, first["q"] + question)):
        contexts[rows, turn, where[:, turn]] = word
    replies = np.stack([np.zeros(n, np.int64), first["a"] + topic, first["b"] + question], axis=1)
    return Dialogues(contexts.astype(np.int64), replies.astype(np.int64), topic, question, words)


def _size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"HRED: {name} must be a positive integer, got {value!r}")
    return int(value)


def _ids(name: str, value: object, ndim: int, layout: str, vocabulary: int) -> np.ndarray:
    ids = np.asarray(value)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer word ids, got dtype {ids.dtype}")
    if ids.ndim != ndim or 0 in ids.shape:
        raise ValueError(f"{name} must have shape {layout}, got {ids.shape}")
    if ids.min() < 0 or ids.max() >= vocabulary:
        raise ValueError(f"{name}: word ids must lie in [0, {vocabulary}), got {ids.min()} to {ids.max()}")
    return ids
