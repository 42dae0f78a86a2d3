r"""Seq2seq against HRED on generated conversations whose right reply needs the utterance two turns back; diagrams of HRED and VHRED.

The data are `dl_notes.hred.dialogues`: utterance 1 names a topic, utterance 2 a different
one (a distractor), utterance 3 asks a question; the two-word reply names the topic of
utterance 1 and answers the question. Three models of the same sizes (`dl_notes.hred.HRED`),
trained with Adam on the same mini-batches:

- **seq2seq**, reading utterance 3 only (the network with $K = 1$);
- **seq2seq on the history**, reading the three utterances concatenated into one input
  sequence (again $K = 1$, three times as long);
- **HRED**, reading the three utterances as $K = 3$ steps of its context RNN.

Measured after every epoch: the share of test replies decoded greedily that are exactly
right, and of each of the two reply words. The figures ``hred`` and ``vhred`` draw the two
architectures (no measurement in them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.hred import HRED, dialogues
from dl_notes.optim import Adam

from ._plotting import PALETTE, check_lang, style, texts
from ._result import Result

TITLE = {"ja": "HRED と seq2seq の対話の実測、HRED と VHRED の構造", "en": "HRED against seq2seq on dialogues; the HRED and VHRED architectures"}

MODELS = ("last", "flat", "hred")  # seq2seq on utterance 3, seq2seq on the concatenation, HRED


@dataclass(frozen=True)
class Config:
    """The data (sizes of the word sets), the networks and the training."""

    length: int = 4
    topics: int = 4
    questions: int = 3
    fillers: int = 6
    n_train: int = 1000
    n_test: int = 500
    wordvec_size: int = 8
    hidden_size: int = 16
    epochs: int = 25
    batch_size: int = 50
    lr: float = 0.015
    seed: int = 0


DEFAULT = Config()
TINY = Config(n_train=40, n_test=20, wordvec_size=3, hidden_size=4, epochs=2, batch_size=20)


def data(config: Config, stream: int):
    """The conversations from the random stream ``stream`` (1: training, 2: test)."""
    return dialogues(config.n_train if stream == 1 else config.n_test, config.length, config.topics, config.questions,
                     config.fillers, rng=np.random.default_rng([config.seed, stream]))


def model_input(contexts: np.ndarray, model: str) -> np.ndarray:
    """What ``model`` reads of conversations (n, 3, T): (n, 1, T), (n, 1, 3T) or all of it.

    >>> model_input(np.arange(6).reshape(1, 3, 2), "flat").tolist()
    [[[0, 1, 2, 3, 4, 5]]]
    """
    if model == "last":
        return contexts[:, -1:]
    if model == "flat":
        return contexts.reshape(len(contexts), 1, -1)
    return contexts


def reply_accuracy(net: HRED, contexts: np.ndarray, replies: np.ndarray) -> tuple[float, list[float]]:
    """The share of greedily decoded replies that are exactly right, and the share right per reply word."""
    right = net.generate(contexts, start_id=0, length=replies.shape[1] - 1) == replies[:, 1:]
    return float(right.all(axis=1).mean()), right.mean(axis=0).tolist()


def train(config: Config, model: str, vocab_size: int) -> dict:
    """Train one model; its test accuracy before training and after every epoch."""
    train_set, test = data(config, 1), data(config, 2)
    xs, test_xs = model_input(train_set.contexts, model), model_input(test.contexts, model)
    net = HRED(vocab_size, config.wordvec_size, config.hidden_size, seed=config.seed)
    optimizer = Adam(lr=config.lr)
    order = np.random.default_rng([config.seed, 3])  # the same mini-batches for every model
    exact, by_word = [], []
    for epoch in range(config.epochs + 1):
        if epoch:
            perm = order.permutation(config.n_train)
            for start in range(0, config.n_train, config.batch_size):
                batch = perm[start:start + config.batch_size]
                optimizer.update(net.params, net.gradient(xs[batch], train_set.replies[batch]))
        whole, words = reply_accuracy(net, test_xs, test.replies)
        exact.append(whole)
        by_word.append(words)
    return {"exact": exact, "by_word": by_word, "parameters": int(sum(p.size for p in net.params.values()))}


def run(config: Config) -> Result:
    if config.n_train % config.batch_size:
        raise ValueError(f"n_train must be a multiple of batch_size, got n_train={config.n_train}, "
                         f"batch_size={config.batch_size}")
    vocab_size = len(data(config, 2).words)
    arrays, final, words, parameters = {}, {}, {}, {}
    for model in MODELS:
        outcome = train(config, model, vocab_size)
        arrays[f"{model}/exact"] = np.array(outcome["exact"])
        arrays[f"{model}/by_word"] = np.array(outcome["by_word"])
        final[model] = outcome["exact"][-1]
        words[model] = {"topic": outcome["by_word"][-1][0], "answer": outcome["by_word"][-1][1]}
        parameters[model] = outcome["parameters"]
    reached = {model: next((e for e, a in enumerate(arrays[f"{model}/exact"]) if a >= 0.99), None) for model in MODELS}
    values = {
        "config": {"length": config.length, "topics": config.topics, "questions": config.questions,
                   "fillers": config.fillers, "n_train": config.n_train, "n_test": config.n_test,
                   "wordvec_size": config.wordvec_size, "hidden_size": config.hidden_size, "epochs": config.epochs,
                   "batch_size": config.batch_size, "lr": config.lr},
        "vocab_size": vocab_size,
        "parameters": parameters,
        "final_exact": final,
        "final_words": words,
        "chance": 1 / config.topics,  # the whole reply, for a model that reads only utterance 3
        "epoch_reached": reached,  # the first epoch with at least 99% exact replies (None: never)
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"epoch": "エポック", "exact": "完全に正しい返答の割合（テストデータ）", "last": "seq2seq（発話 3 だけ）",
        "flat": "seq2seq（3 発話を連結）", "hred": "HRED（3 発話を文脈 RNN で）", "chance": "発話 3 だけから可能な値（1/{k}）",
        "utterance": "発話 {k}", "encoder": "発話\nエンコーダ", "context": "文脈 RNN", "decoder": "デコーダ",
        "reply": "返答", "prior": "事前分布\np(z | s)", "posterior": "近似事後分布\nq(z | s, 返答)",
        "reply_encoder": "返答の\nエンコーダ", "train_only": "学習時だけ", "sample": "z をサンプル",
        "hred_title": "HRED：発話ごとのエンコーダ + 文脈 RNN + デコーダ",
        "vhred_title": "VHRED：HRED + 返答ごとの潜在変数 z"},
    en={"epoch": "epoch", "exact": "share of exactly right replies (test data)", "last": "seq2seq (utterance 3 only)",
        "flat": "seq2seq (3 utterances concatenated)", "hred": "HRED (3 utterances through the context RNN)",
        "chance": "best possible from utterance 3 (1/{k})",
        "utterance": "utterance {k}", "encoder": "utterance\nencoder", "context": "context RNN", "decoder": "decoder",
        "reply": "reply", "prior": "prior\np(z | s)", "posterior": "approx. posterior\nq(z | s, reply)",
        "reply_encoder": "reply\nencoder", "train_only": "training only", "sample": "sample z",
        "hred_title": "HRED: utterance encoder + context RNN + decoder",
        "vhred_title": "VHRED: HRED + a latent variable z per reply"},
)


def plot_accuracy(result: Result, lang: str):
    """Exactly right test replies after every epoch, one line per model, and the ceiling of a model that reads only utterance 3."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    with style(lang):
        figure, ax = plt.subplots(figsize=(7, 4), layout="constrained")
        for i, model in enumerate(MODELS):
            curve = result.arrays[f"{model}/exact"]
            ax.plot(np.arange(len(curve)), curve, "o-", markersize=3, color=f"C{i}", label=text[model])
        ax.axhline(v["chance"], color="#999999", linestyle=":", label=text["chance"].format(k=v["config"]["topics"]))
        ax.set(xlabel=text["epoch"], ylabel=text["exact"], ylim=(0, 1.03))
        ax.legend(fontsize="small", loc="center right")
    return figure


def _box(ax, x, y, label, color, width=1.3, height=0.62, dashed=False):
    """A rounded box centred at (x, y)."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                facecolor=color + "33", edgecolor=color, linewidth=1.4, linestyle="--" if dashed else "-"))
    ax.text(x, y, label, ha="center", va="center", fontsize=9)


def _arrow(ax, start, end, color="#444444", dashed=False):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.2,
                                                      "linestyle": "--" if dashed else "-", "shrinkA": 2, "shrinkB": 2})


def _draw(lang: str, variational: bool):
    """HRED (or VHRED): three utterances, their encoders, the context RNN, the decoder writing the reply."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    enc, ctx, dec, lat = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]
    with style(lang):
        figure, ax = plt.subplots(figsize=(8.6, 4.6 if variational else 3.9), layout="constrained")
        top = 4.5 if variational else 3.3
        for k in range(3):
            x = 1 + 1.8 * k
            _box(ax, x, 0.35, text["utterance"].format(k=k + 1) + "\n$w_{%d,1} \\dots w_{%d,T}$" % (k + 1, k + 1),
                 "#777777", height=0.7)
            _box(ax, x, 1.45, text["encoder"], enc, height=0.7)
            _box(ax, x, 2.6, f"$s_{k + 1}$", ctx, width=0.8)
            _arrow(ax, (x, 0.72), (x, 1.08))
            _arrow(ax, (x, 1.82), (x, 2.28))
            ax.text(x + 0.08, 2.05, f"$u_{k + 1}$", fontsize=9, ha="left", va="center")
            if k:
                _arrow(ax, (x - 1.4, 2.6), (x - 0.42, 2.6), color=ctx)
        ax.text(1 + 1.8, 3.05, text["context"], ha="center", fontsize=9, color=ctx)
        s_end = (4.6 + 0.42, 2.6)
        if variational:
            _box(ax, 6.9, 3.75, text["prior"], lat, width=1.5, height=0.75)
            _box(ax, 9.1, 3.75, text["posterior"], lat, width=1.9, height=0.75, dashed=True)
            _box(ax, 9.1, 2.6, text["reply_encoder"], enc, width=1.5, height=0.7, dashed=True)
            _box(ax, 7.9, 4.85, "$z$", lat, width=0.7, height=0.5)
            _arrow(ax, s_end, (6.6, 3.36), color=ctx)
            _arrow(ax, s_end, (8.2, 3.36), color=ctx, dashed=True)
            _arrow(ax, (9.1, 2.96), (9.1, 3.36), dashed=True)
            _arrow(ax, (6.9, 4.14), (7.6, 4.6), color=lat)
            _arrow(ax, (9.1, 4.14), (8.2, 4.6), color=lat, dashed=True)
            ax.text(7.9, 5.22, text["sample"], ha="center", fontsize=8.5, color=lat)
            ax.text(10.1, 4.3, text["train_only"], ha="right", fontsize=8, color=lat, style="italic")
            _box(ax, 6.9, 1.45, text["decoder"] + "\n$h^{dec}_0$: $[s_3; z]$", dec, height=0.7)
            _arrow(ax, s_end, (6.6, 1.82), color=ctx)
            _arrow(ax, (7.75, 4.6), (7.15, 1.82), color=lat)
            _arrow(ax, (7.58, 0.5), (8.9, 2.24), dashed=True)
        else:
            _box(ax, 6.9, 1.45, text["decoder"], dec, height=0.7)
            _arrow(ax, s_end, (6.7, 1.82), color=ctx)
            ax.text(6.2, 2.35, "$h^{dec}_0 = \\tanh(s_3 W + b)$", fontsize=8.5, ha="left", va="center", color=ctx)
        _box(ax, 6.9, 0.35, text["reply"] + "\n$r_1 \\dots r_L$", "#777777", height=0.7)
        _arrow(ax, (6.9, 1.08), (6.9, 0.72), color=dec)
        ax.set(xlim=(0, 10.3 if variational else 8.2), ylim=(-0.2, top + (0.9 if variational else 0)), aspect="equal",
               title=text["vhred_title" if variational else "hred_title"])
        ax.axis("off")
    return figure


def plot_hred(result: Result, lang: str):
    """The HRED architecture."""
    return _draw(lang, variational=False)


def plot_vhred(result: Result, lang: str):
    """The VHRED architecture: HRED with a prior and (in training) a posterior over z."""
    return _draw(lang, variational=True)


FIGURES = {"accuracy": plot_accuracy, "hred": plot_hred, "vhred": plot_vhred}
