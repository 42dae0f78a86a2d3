r"""CBOW and skip-gram with negative sampling on Macbeth: loss, nearest words, a 2-D map; what one-hot would cost.

The embedded text (`dl_notes.corpus.load_macbeth`) becomes word ids (`preprocess`), contexts of
``window_size`` words on each side (`create_contexts_target`), and both models
(`dl_notes.word2vec.CBOW`, `SkipGram`) are trained from the same initial weights with Adam on the
same shuffled mini-batches. The mean training loss of every epoch is recorded.

The word vectors are then compared among the ``frequent`` words (at least ``min_count``
occurrences). All trained vectors share a common direction (the mean vector): the cosine of two
random words is far above 0 before it is removed, so cosines are taken after subtracting the mean
vector of the frequent words. Three numbers say whether the vectors learnt anything: the mean
cosine of random pairs, of pairs that really occur next to each other in the text, and of each
word with its nearest neighbour, and the same for random (untrained) vectors of the same
shape: a nearest neighbour among a few hundred words is close even by chance.

Finally `dl_notes.word2vec.model_costs` compares, for this vocabulary, one-hot vectors (V x V)
with the embedding (V x D) and a softmax over V with negative sampling.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dl_notes.corpus import cos_similarity, create_contexts_target, load_macbeth, most_similar, preprocess, project_2d
from dl_notes.optim import Adam
from dl_notes.word2vec import CBOW, SkipGram, model_costs

from ._plotting import panels, texts
from ._result import Result

TITLE = {"ja": "Macbeth で学習した word2vec", "en": "word2vec trained on Macbeth"}

MODELS = {"cbow": CBOW, "skipgram": SkipGram}


@dataclass(frozen=True)
class Config:
    """The text (truncated for tests), the models, Adam, and how the vectors are compared."""

    max_words: int | None = None
    hidden_size: int = 50
    window_size: int = 2
    sample_size: int = 5
    epochs: int = 8
    batch_size: int = 100
    lr: float = 0.003
    min_count: int = 10
    queries: tuple[str, ...] = ("king", "blood", "night", "i", "thou")
    top: int = 4
    n_pairs: int = 2000
    n_projected: int = 40
    seed: int = 0


DEFAULT = Config()
TINY = Config(max_words=1500, hidden_size=8, epochs=2, min_count=5, queries=("i", "the"), n_pairs=50,
              n_projected=8)


def train(Model, corpus: np.ndarray, vocab_size: int, contexts: np.ndarray, target: np.ndarray,
          config: Config) -> tuple[object, np.ndarray, float]:
    """One model trained for ``config.epochs``: the model, its mean loss per epoch, CPU seconds."""
    model = Model(vocab_size, config.hidden_size, corpus, window_size=config.window_size,
                  sample_size=config.sample_size, seed=config.seed)
    optimizer = Adam(lr=config.lr)
    rng = np.random.default_rng([config.seed, 2])  # the same batches for both models
    B = config.batch_size
    losses = []
    start = time.process_time()
    for _ in range(config.epochs):
        order = rng.permutation(len(target))
        epoch = []
        for i in range(0, len(order) - B + 1, B):
            batch = order[i:i + B]
            optimizer.update(model.params, model.gradient(contexts[batch], target[batch]))
            epoch.append(model.loss)
        losses.append(np.mean(epoch))
    return model, np.array(losses), time.process_time() - start


def similarity_summary(vectors: np.ndarray, pairs: np.ndarray, rng: np.random.Generator, n_pairs: int) -> dict:
    """Mean cosines (after removing the mean vector) of random pairs, of real neighbours in the text, and of nearest neighbours."""
    centred = vectors - vectors.mean(axis=0)
    n = len(vectors)
    a, b = rng.integers(0, n, n_pairs), rng.integers(0, n, n_pairs)
    keep = a != b
    sims = cos_similarity(centred[:, None, :], centred[None, :, :])  # (n, n)
    np.fill_diagonal(sims, -np.inf)
    return {"random_raw": float(cos_similarity(vectors[a[keep]], vectors[b[keep]]).mean()),
            "random": float(cos_similarity(centred[a[keep]], centred[b[keep]]).mean()),
            "context": float(cos_similarity(centred[pairs[:, 0]], centred[pairs[:, 1]]).mean()),
            "nearest": float(sims.max(axis=1).mean())}


def run(config: Config) -> Result:
    text = load_macbeth()
    if config.max_words is not None:
        text = " ".join(text.split()[:config.max_words])
    corpus, word_to_id, id_to_word = preprocess(text)
    V = len(word_to_id)
    contexts, target = create_contexts_target(corpus, config.window_size)
    counts = np.bincount(corpus, minlength=V)
    frequent = np.flatnonzero(counts >= config.min_count)  # ids, in order of first appearance
    position = np.full(V, -1)
    position[frequent] = np.arange(len(frequent))
    # Pairs of frequent, different words that stand next to each other in the text.
    left, right = position[corpus[:-1]], position[corpus[1:]]
    pairs = np.stack([left, right], axis=1)[(left >= 0) & (right >= 0) & (left != right)]
    sub_to_id = {id_to_word[int(w)]: k for k, w in enumerate(frequent)}
    sub_to_word = {k: id_to_word[int(w)] for k, w in enumerate(frequent)}
    by_count = frequent[np.argsort(-counts[frequent], kind="stable")][:config.n_projected]

    arrays, values = {}, {"order": list(MODELS), "loss": {}, "seconds": {}, "neighbours": {}, "similarity": {}}
    for key, Model in MODELS.items():
        model, losses, seconds = train(Model, corpus, V, contexts, target, config)
        vectors = model.word_vecs.astype(np.float64)
        arrays[f"{key}/loss"] = losses
        arrays[f"{key}/projection"] = project_2d(vectors[by_count] - vectors[frequent].mean(axis=0))
        values["loss"][key] = {"first": float(losses[0]), "last": float(losses[-1])}
        values["seconds"][key] = seconds
        centred = vectors[frequent] - vectors[frequent].mean(axis=0)
        values["neighbours"][key] = {q: most_similar(q, sub_to_id, sub_to_word, centred, config.top)
                                     for q in config.queries if q in sub_to_id}
        values["similarity"][key] = similarity_summary(vectors[frequent], pairs, np.random.default_rng([config.seed, 3]),
                                                       config.n_pairs)
    # The same statistics for random vectors of the same shape: what the nearest-neighbour cosine is by chance alone.
    untrained = np.random.default_rng([config.seed, 4]).standard_normal((len(frequent), config.hidden_size))
    values["similarity"]["untrained"] = similarity_summary(untrained, pairs, np.random.default_rng([config.seed, 3]),
                                                           config.n_pairs)
    costs = model_costs(V, config.hidden_size, config.sample_size, itemsize=4)
    values.update(
        vocab_size=V, n_words=len(corpus), n_lines=len(text.splitlines()), n_examples=len(target),
        n_frequent=len(frequent), n_pairs=int(len(pairs)), projected=[id_to_word[int(w)] for w in by_count],
        queries=[q for q in config.queries if q in sub_to_id], costs=costs,
        hidden_size=config.hidden_size, window_size=config.window_size, sample_size=config.sample_size,
        epochs=config.epochs, batch_size=config.batch_size, lr=config.lr, min_count=config.min_count, top=config.top,
        n_projected=len(by_count),
    )
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"cbow": "CBOW", "skipgram": "skip-gram", "epoch": "エポック", "loss": "訓練データの損失（エポックの平均）",
        "pc1": "第 1 主成分", "pc2": "第 2 主成分"},
    en={"cbow": "CBOW", "skipgram": "skip-gram", "epoch": "epoch", "loss": "training loss (epoch mean)",
        "pc1": "first principal component", "pc2": "second principal component"},
)


def plot_loss(result: Result, lang: str):
    """The mean training loss of every epoch, one panel per model (their losses have different scales)."""
    text = TEXT[lang]
    with panels(lang, 2, size=(3.8, 2.9)) as (figure, axes):
        for ax, key in zip(axes[0], result.values["order"]):
            loss = result.arrays[f"{key}/loss"]
            ax.plot(np.arange(1, len(loss) + 1), loss, marker="o", markersize=3)
            ax.set_title(text[key])
            ax.set_xlabel(text["epoch"])
            ax.set_ylabel(text["loss"])
    return figure


def plot_projection(result: Result, lang: str):
    """The most frequent words' vectors on their first two principal axes, labelled, one panel per model."""
    text = TEXT[lang]
    words = result.values["projected"]
    with panels(lang, 2, size=(4.6, 4.2)) as (figure, axes):
        for ax, key in zip(axes[0], result.values["order"]):
            Y = result.arrays[f"{key}/projection"]
            ax.scatter(Y[:, 0], Y[:, 1], s=8)
            for (x, y), word in zip(Y, words):
                ax.annotate(word, (x, y), xytext=(2, 2), textcoords="offset points", fontsize="x-small")
            ax.set_title(text[key])
            ax.set_xlabel(text["pc1"])
            ax.set_ylabel(text["pc2"])
    return figure


FIGURES = {"loss": plot_loss, "projection": plot_projection}
