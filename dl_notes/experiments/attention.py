r"""Attention in a seq2seq model: accuracy by input length with and without it, and where it looks in a date conversion.

**Length.** The copy task: a string of 1 to ``max_length`` random digits is written back
(`dl_notes.sequences.digit_strings`). Two `AttentionSeq2seq` models of the same sizes are
trained with Adam on the same mini-batches for the same number of epochs: one without
attention (``score=None``: the decoder knows the source only through the encoder's final
state) and one with dot-product attention. Measured: the exact-match accuracy of greedy
decoding on test strings, by length.

**Dates.** A model with attention learns date normalisation (`dl_notes.dates.load_dates`, every
format). Each test date is then written in every format and converted; the attention weights
of the two outputs MM show where the model reads the month. Measured: the test accuracy, the
weights of one date in the English long format and in the Japanese format (the heat maps), and
per format the share of MM outputs that put their largest weight on the month's source
characters or the character that closes them (`month_span`, `reads_month`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from dl_notes.attention import AttentionSeq2seq
from dl_notes.dates import FORMATS, MONTHS, CharVocabulary, format_date, load_dates
from dl_notes.optim import Adam
from dl_notes.sequences import digit_strings

from ._plotting import check_lang, style, texts
from ._result import Result

TITLE = {"ja": "注意機構：入力の長さと日付変換の重み", "en": "Attention: input length and date-conversion weights"}

MODELS = {"none": None, "dot": "dot"}  # key: AttentionSeq2seq's score
SHOWN = ("long", "japanese")  # the formats of the heat maps
MM = (5, 6)  # the positions of the month's digits in YYYY-MM-DD


@dataclass(frozen=True)
class Config:
    """The copy task and the date task, the models' sizes and the training."""

    max_length: int = 12
    n_train: int = 3000
    n_test_per_length: int = 100
    epochs: int = 20
    date_train: int = 3000
    date_test: int = 500
    date_epochs: int = 10
    embedding: int = 16
    hidden: int = 48
    batch_size: int = 50
    lr: float = 0.01
    seed: int = 0


DEFAULT = Config()
TINY = Config(max_length=4, n_train=100, n_test_per_length=5, epochs=1, date_train=100, date_test=20,
              date_epochs=1, embedding=4, hidden=8)

DIGITS = CharVocabulary("0123456789")


def train(model: AttentionSeq2seq, xs: np.ndarray, ts: np.ndarray, config: Config, epochs: int) -> list[float]:
    """Adam on shuffled mini-batches (the same order for every model); the mean loss of each epoch."""
    optimizer = Adam(lr=config.lr)
    order = np.random.default_rng([config.seed, 3])
    losses = []
    for _ in range(epochs):
        perm = order.permutation(len(xs))
        total = 0.0
        for start in range(0, len(xs), config.batch_size):
            batch = perm[start:start + config.batch_size]
            optimizer.update(model.params, model.gradient(xs[batch], ts[batch]))
            total += model.last_loss * len(batch)
        losses.append(total / len(xs))
    return losses


def exact_match(model: AttentionSeq2seq, xs: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Per sequence: does greedy decoding write every target symbol (padding excluded) right?"""
    targets = ts[:, 1:]
    out = model.generate(xs, DIGITS.start_id, targets.shape[1])
    return ((out == targets) | (targets == DIGITS.pad_id)).all(axis=1)


def copy_data(config: Config, n: int, stream: int, lengths: np.ndarray | None = None):
    """Sources and targets (start symbol + the same digits) of the copy task, and each string's length."""
    rng = np.random.default_rng([config.seed, stream])
    if lengths is None:
        strings = digit_strings(n, config.max_length, rng=rng)
    else:  # the test set: n strings of every length
        strings = [s for L in lengths for s in digit_strings(n, L, min_length=L, rng=rng)]
    xs = DIGITS.encode(strings, length=config.max_length)
    ts = DIGITS.encode(strings, length=config.max_length, start=True)
    return xs, ts, np.array([len(s) for s in strings])


def month_span(text: str, date: datetime.date, fmt: str) -> range:
    """The positions of ``text`` (``date`` written in ``fmt``) that spell the month: its name or its number.

    >>> day = datetime.date(1994, 9, 27)
    >>> [month_span(format_date(day, f), day, f) for f in ("long", "japanese", "dotted")]
    [range(0, 9), range(5, 6), range(3, 5)]
    """
    if fmt in ("long", "abbreviated", "day_first"):
        name = MONTHS[date.month - 1] if fmt != "abbreviated" else MONTHS[date.month - 1][:3].capitalize()
        start = text.index(name)
        return range(start, start + len(name))
    if fmt == "japanese":
        return range(text.index("年") + 1, text.index("月"))
    if fmt == "slash":
        return range(0, text.index("/"))
    return range(3, 5)  # dotted: DD.MM.YYYY


def reads_month(weights: np.ndarray, span: range) -> np.ndarray:
    """For each MM output: is its largest weight on the month's characters or the one character after them?

    The encoder reads left to right, so its state at the character that closes the month (the
    space, 月, / or .) is the first that has seen the whole month ("jun" could still become
    "june" or "july", "1" could be "1" or "11").

    >>> w = np.zeros((10, 6)); w[5, 2] = w[6, 4] = 1      # MM look at positions 2 and 4
    >>> reads_month(w, range(1, 3)).tolist()               # 2 is in the month, 4 is not
    [True, False]
    """
    return np.isin(weights[list(MM)].argmax(axis=1), np.arange(span.start, span.stop + 1))


def length_part(config: Config) -> tuple[dict, dict]:
    xs, ts, _ = copy_data(config, config.n_train, 1)
    lengths = np.arange(1, config.max_length + 1)
    x_test, t_test, test_lengths = copy_data(config, config.n_test_per_length, 2, lengths)
    arrays, values = {}, {"by_length": {}, "accuracy": {}, "final_loss": {}}
    for key, score in MODELS.items():
        model = AttentionSeq2seq(len(DIGITS), config.embedding, config.hidden, score, seed=config.seed)
        losses = train(model, xs, ts, config, config.epochs)
        right = exact_match(model, x_test, t_test)
        by_length = [float(right[test_lengths == L].mean()) for L in lengths]
        arrays[f"length/{key}"] = np.array(by_length)
        values["by_length"][key] = by_length
        values["accuracy"][key] = float(right.mean())
        values["final_loss"][key] = losses[-1]
    none, dot = np.array(values["by_length"]["none"]), np.array(values["by_length"]["dot"])
    below = np.flatnonzero(none < 0.5)
    values.update({
        "lengths": lengths.tolist(),
        "none_half_length": int(lengths[below[0]]) if below.size else None,  # first length the plain model gets < 50%
        "none_longest": float(none[-1]), "dot_longest": float(dot[-1]), "dot_min": float(dot.min()),
        "none_shortest": float(none[0]),
        "gain_longest": float(dot[-1] - none[-1]),
        "attention_never_worse": bool(np.all(dot >= none - 0.02)),     # within two test strings in a hundred
        "attention_helps": bool(dot[-1] - none[-1] >= 0.2 and np.all(dot >= none - 0.02)),
    })
    return arrays, values


def date_part(config: Config) -> tuple[dict, dict]:
    data = load_dates(config.date_train, config.date_test, seed=config.seed)
    model = AttentionSeq2seq(len(data.vocab), config.embedding, config.hidden, "dot", seed=config.seed)
    train(model, data.x_train, data.t_train, config, config.date_epochs)
    dates = [datetime.date.fromisoformat(t) for t in data.targets_test]
    arrays, values = {}, {"aligned": {}, "accuracy_by_format": {}}
    width = data.x_train.shape[1]
    for fmt in FORMATS:
        sources = [format_date(d, fmt) for d in dates]
        xs = data.vocab.encode(sources, length=width)
        out = model.generate(xs, data.vocab.start_id, 10)
        weights = model.attention.weights
        values["accuracy_by_format"][fmt] = float(np.mean(np.array(data.vocab.decode(out)) == np.array(data.targets_test)))
        spans = [month_span(s, d, fmt) for s, d in zip(sources, dates)]
        reads = np.array([reads_month(w, span) for w, span in zip(weights, spans)])     # (N, 2)
        values["aligned"][fmt] = float(reads.mean())
        if fmt in SHOWN:
            arrays[f"heatmap/{fmt}"] = weights[0, :, :len(sources[0])]
            values[f"source_{fmt}"] = sources[0]
            values[f"output_{fmt}"] = data.vocab.decode(out[:1])[0]
            values[f"span_{fmt}"] = [spans[0].start, spans[0].stop]
            values[f"example_aligned_{fmt}"] = bool(reads[0].all())
    values["test_accuracy"] = float(np.mean(list(values["accuracy_by_format"].values())))
    values["shown_aligned_min"] = min(values["aligned"][f] for f in SHOWN)
    values["aligned_min"] = min(values["aligned"].values())
    return arrays, values


def run(config: Config) -> Result:
    if config.n_train % config.batch_size or config.date_train % config.batch_size:
        raise ValueError(f"n_train and date_train must be multiples of batch_size = {config.batch_size}, "
                         f"got {config.n_train} and {config.date_train}")
    length_arrays, length_values = length_part(config)
    date_arrays, date_values = date_part(config)
    values = {"config": {"max_length": config.max_length, "n_train": config.n_train, "epochs": config.epochs,
                         "n_test_per_length": config.n_test_per_length, "date_train": config.date_train,
                         "date_test": config.date_test, "date_epochs": config.date_epochs,
                         "embedding": config.embedding, "hidden": config.hidden, "batch_size": config.batch_size,
                         "lr": config.lr},
              "length": length_values, "dates": date_values}
    return Result(arrays={**length_arrays, **date_arrays}, values=values)


TEXT = texts(
    ja={"length": "入力の長さ（桁数）", "exact": "完全一致の正解率（テストデータ）", "none": "注意機構なし（最後の状態だけ）",
        "dot": "注意機構あり（内積スコア）", "source": "入力の文字", "output": "出力の文字",
        "long": "英語の書式", "japanese": "日本語の書式", "weight": "注意の重み", "month": "月を表す文字とその直後の 1 文字", "colon": "："},
    en={"length": "input length (digits)", "exact": "exact-match accuracy (test data)", "none": "no attention (final state only)",
        "dot": "attention (dot-product scores)", "source": "source character", "output": "output character",
        "long": "English format", "japanese": "Japanese format", "weight": "attention weight", "month": "the month's characters and the one after them", "colon": ": "},
)


def plot_length(result: Result, lang: str):
    """Exact-match test accuracy by input length, with and without attention."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    lengths = np.array(result.values["length"]["lengths"])
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for i, key in enumerate(MODELS):
            ax.plot(lengths, result.arrays[f"length/{key}"], "o-", color=f"C{i}", label=text[key])
        ax.set(xlabel=text["length"], ylabel=text["exact"], ylim=(-0.03, 1.03), xticks=lengths)
        ax.legend(loc="lower left", fontsize="small")
    return figure


def plot_heatmap(result: Result, lang: str):
    """The attention weights of one date in an English and a Japanese format: output characters × source characters."""
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (the Japanese format's 年月日 in the English figure too)

    text = TEXT[check_lang(lang)]
    v = result.values["dates"]
    font = {"fontfamily": ["IPAexGothic", "DejaVu Sans"]}
    with style(lang):
        figure, axes = plt.subplots(1, len(SHOWN), figsize=(11, 4.2), layout="constrained",
                                    gridspec_kw={"width_ratios": [len(v[f"source_{f}"]) for f in SHOWN]})
        for ax, fmt in zip(axes, SHOWN):
            weights = result.arrays[f"heatmap/{fmt}"]
            image = ax.imshow(weights, cmap="Greys", vmin=0, vmax=1, aspect="equal")
            source, output = v[f"source_{fmt}"], v[f"output_{fmt}"]
            ax.set_xticks(range(len(source)), [c if c != " " else "␣" for c in source], **font)
            ax.set_yticks(range(len(output)), list(output))
            start, stop = v[f"span_{fmt}"]
            ax.add_patch(plt.Rectangle((start - 0.5, MM[0] - 0.5), stop - start + 1, len(MM), fill=False,
                                       edgecolor="C3", linewidth=2, label=text["month"]))
            ax.set(title=f"{text[fmt]}{text['colon']}{source} → {output}", xlabel=text["source"], ylabel=text["output"])
            ax.title.set(**font)
        axes[0].legend(loc="upper right", fontsize="small", bbox_to_anchor=(1, -0.25))
        figure.colorbar(image, ax=axes, shrink=0.7, label=text["weight"])
    return figure


FIGURES = {"length": plot_length, "heatmap": plot_heatmap}
