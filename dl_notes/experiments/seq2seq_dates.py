r"""Seq2seq on generated dates: exact-match accuracy per epoch with and without reversing the input, then greedy decoding against beam search.

The data are `dl_notes.dates.load_dates` pairs in the Japanese format (``1994年9月27日`` →
``1994-09-27``), whose order (year, month, day) is the target's: the case where reversing the
source (Sutskever et al. 2014) should help, since the first source characters then sit next to
the first target characters. Two `dl_notes.seq2seq.Seq2seq` models (LSTM encoder and decoder,
the same initial weights) learn the same minibatches, one reading the source as written and one
reversed. After every epoch both convert the test dates greedily; a conversion counts only if
all 10 characters are right.

The reversed model then decodes the test set with beam search of several widths
(`dl_notes.decoding.beam_search`; width 1 is the greedy search), and a few test dates are
listed with both conversions, first those where they differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.dates import load_dates
from dl_notes.decoding import beam_search
from dl_notes.optim import Adam
from dl_notes.seq2seq import Seq2seq

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "seq2seq による日付の変換", "en": "Seq2seq on date normalisation"}


@dataclass(frozen=True)
class Config:
    """The data, the model, the training and the decoding."""

    formats: tuple[str, ...] = ("japanese",)
    n_train: int = 2500
    n_test: int = 200
    wordvec_size: int = 16
    hidden_size: int = 96
    batch_size: int = 64
    lr: float = 0.01
    epochs: int = 20
    beam_widths: tuple[int, ...] = (1, 2, 4, 8)
    examples: int = 5
    seed: int = 0


DEFAULT = Config()
TINY = Config(n_train=64, n_test=8, hidden_size=8, epochs=2, beam_widths=(1, 2), examples=2)


def train(config: Config, data, reverse_input: bool):
    """One model trained on the same minibatches for either direction; exact-match accuracy after every epoch."""
    model = Seq2seq(len(data.vocab), config.wordvec_size, config.hidden_size, reverse_input=reverse_input,
                    seed=config.seed)
    optimizer = Adam(lr=config.lr)
    order_rng = np.random.default_rng(config.seed + 1)
    accuracy, loss = [], []
    for _ in range(config.epochs):
        order = order_rng.permutation(len(data.x_train))
        losses = []
        for start in range(0, len(order), config.batch_size):
            batch = order[start:start + config.batch_size]
            optimizer.update(model.params, model.gradient(data.x_train[batch], data.t_train[batch]))
            losses.append(model.last_loss)
        loss.append(float(np.mean(losses)))
        accuracy.append(model.exact_match(data.x_test, data.t_test))
    return model, accuracy, loss


def decode(model: Seq2seq, data, beam_width: int) -> tuple[np.ndarray, np.ndarray]:
    """The test conversions (N, 10) of one beam width and their summed log-probabilities (N,).

    Beam width 1 is the greedy search (``tests/test_decoding.py`` checks that they agree).
    """
    state = model.encode(data.x_test)
    sequences, scores = beam_search(model.step, state, data.vocab.start_id, data.t_test.shape[1] - 1, beam_width)
    return sequences[:, 0], scores[:, 0]


def run(config: Config) -> Result:
    data = load_dates(config.n_train, config.n_test, formats=config.formats, seed=config.seed)
    curves, arrays = {}, {}
    for key, reverse in (("plain", False), ("reversed", True)):
        model, accuracy, loss = train(config, data, reverse)
        curves[key] = {"final": accuracy[-1], "best": max(accuracy)}
        arrays[f"{key}_accuracy"], arrays[f"{key}_loss"] = np.array(accuracy), np.array(loss)
    targets = data.t_test[:, 1:]
    beams, outputs = {}, {}
    for k in config.beam_widths:
        ids, scores = decode(model, data, k)
        outputs[k] = (ids, scores)
        beams[str(k)] = {"accuracy": float(np.mean((ids == targets).all(axis=1))),
                         "mean_log_prob": float(np.mean(scores))}
    greedy_ids, greedy_scores = outputs[1]
    widest = max(config.beam_widths)
    beam_ids, beam_scores = outputs[widest]
    differ = np.flatnonzero((greedy_ids != beam_ids).any(axis=1))
    same = np.flatnonzero((greedy_ids == beam_ids).all(axis=1))
    shown = list(differ[:config.examples]) + list(same[:max(0, config.examples - len(differ))])
    vocab = data.vocab
    examples = [{"source": data.sources_test[i], "target": data.targets_test[i],
                 "greedy": vocab.decode(greedy_ids[i]), "beam": vocab.decode(beam_ids[i]),
                 "greedy_log_prob": float(greedy_scores[i]), "beam_log_prob": float(beam_scores[i])}
                for i in shown]
    values = {
        "formats": list(config.formats), "n_train": config.n_train, "n_test": config.n_test,
        "hidden_size": config.hidden_size, "wordvec_size": config.wordvec_size, "batch_size": config.batch_size,
        "lr": config.lr, "epochs": config.epochs, "vocab_size": len(vocab),
        "source_length": int(data.x_test.shape[1]), "curves": curves,
        "reversing_helps": curves["reversed"]["final"] > curves["plain"]["final"],
        "beams": beams, "beam_widths": list(config.beam_widths), "widest": widest,
        "differ": int(len(differ)),
        "differ_greedy_right": int(np.sum((greedy_ids[differ] == targets[differ]).all(axis=1))),
        "differ_beam_right": int(np.sum((beam_ids[differ] == targets[differ]).all(axis=1))),
        "beam_not_worse": int(np.sum(beam_scores >= greedy_scores - 1e-6)),
        "beam_more_accurate": beams[str(widest)]["accuracy"] > beams["1"]["accuracy"],
        "beam_less_accurate": beams[str(widest)]["accuracy"] < beams["1"]["accuracy"],
        "examples": examples,
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"plain": "入力をそのまま", "reversed": "入力を反転", "epoch": "エポック",
        "exact": "テストデータの完全一致率", "loss": "訓練データの損失（交差エントロピー）"},
    en={"plain": "input as written", "reversed": "input reversed", "epoch": "epoch",
        "exact": "test exact-match accuracy", "loss": "training loss (cross-entropy)"},
)


def plot_accuracy(result: Result, lang: str):
    """Test exact-match accuracy and training loss per epoch, with and without reversing the source."""
    from matplotlib.ticker import MaxNLocator
    text = TEXT[check_lang(lang)]
    with panels(lang, 2, 2, size=(4.4, 3.0)) as (figure, axes):
        for ax, (kind, label) in zip(axes.flat, (("accuracy", "exact"), ("loss", "loss"))):
            for colour, key in zip(PALETTE, ("plain", "reversed")):
                y = result.arrays[f"{key}_{kind}"]
                ax.plot(np.arange(1, len(y) + 1), y, color=colour, marker="o", ms=3, label=text[key])
            ax.set_xlabel(text["epoch"])
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(text[label])
        axes.flat[0].set_ylim(-0.02, 1.02)
        axes.flat[0].legend(loc="upper left", fontsize="small")
    return figure


FIGURES = {"accuracy": plot_accuracy}
