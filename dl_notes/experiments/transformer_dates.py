r"""A small Transformer against Day 3's LSTM seq2seq with attention, on the date-normalisation data.

Both models (`dl_notes.transformer_seq2seq.Transformer` and
`dl_notes.attention.AttentionSeq2seq` with dot-product attention, the sizes of the
``attention`` experiment) learn `dl_notes.dates.load_dates` (every format) from the same
mini-batches in the same order, with Adam whose learning rate falls linearly to zero over the
epochs (each model its own starting rate). Recorded per model:

- ``params``: the number of parameters;
- ``ms_per_step``: the median CPU time (``time.process_time``) of one training step (forward,
  backward, Adam update) on a mini-batch;
- per epoch the mean training loss and the exact-match accuracy of greedy decoding on the test
  dates (all ten characters right), and at the end the per-character accuracy;
- the Transformer's encoder self-attention and decoder cross-attention weights (every head, the
  last layer) for one test date in the English long format and one in the Japanese format.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

import numpy as np

from dl_notes.attention import AttentionSeq2seq
from dl_notes.dates import format_date, load_dates
from dl_notes.optim import Adam
from dl_notes.transformer_seq2seq import Transformer

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "Transformer と注意機構付き LSTM：日付の変換", "en": "Transformer against an LSTM with attention: dates"}

MODELS = ("transformer", "lstm")
SHOWN = ("long", "japanese")


@dataclass(frozen=True)
class Config:
    """The data, both models' sizes and the training."""

    n_train: int = 3000
    n_test: int = 500
    epochs: int = 12
    batch_size: int = 50
    d_model: int = 32
    n_heads: int = 4
    d_ff: int = 64
    n_layers: int = 1
    transformer_lr: float = 0.004
    embedding: int = 16          # the LSTM's, as in the attention experiment
    hidden: int = 48
    lstm_lr: float = 0.01
    seed: int = 0


DEFAULT = Config()
TINY = Config(n_train=100, n_test=20, epochs=2, d_model=8, n_heads=2, d_ff=8, embedding=4, hidden=8)


def build(key: str, vocab_size: int, config: Config):
    if key == "transformer":
        return Transformer(vocab_size, config.d_model, config.n_heads, config.d_ff, config.n_layers, seed=config.seed)
    return AttentionSeq2seq(vocab_size, config.embedding, config.hidden, "dot", seed=config.seed)


def greedy(model, xs: np.ndarray, ts: np.ndarray, start_id: int) -> np.ndarray:
    """The greedy outputs (N, 10) for the sources ``xs``."""
    return model.generate(xs, start_id, ts.shape[1] - 1)


def train(model, data, config: Config, lr: float) -> dict[str, list[float]]:
    """Adam with a linearly decaying rate on shuffled mini-batches (the same order for both models)."""
    optimizer = Adam(lr=lr)
    order = np.random.default_rng([config.seed, 3])
    curves: dict[str, list[float]] = {"loss": [], "exact": [], "step_seconds": []}
    n = len(data.x_train)
    for epoch in range(config.epochs):
        optimizer.lr = lr * (1 - epoch / config.epochs)
        perm = order.permutation(n)
        total = 0.0
        for start in range(0, n, config.batch_size):
            batch = perm[start:start + config.batch_size]
            begin = time.process_time()
            optimizer.update(model.params, model.gradient(data.x_train[batch], data.t_train[batch]))
            curves["step_seconds"].append(time.process_time() - begin)
            total += model.last_loss * len(batch)
        curves["loss"].append(total / n)
        out = greedy(model, data.x_test, data.t_test, data.vocab.start_id)
        curves["exact"].append(float((out == data.t_test[:, 1:]).all(axis=1).mean()))
    return curves


def maps(model: Transformer, data, date: datetime.date, fmt: str) -> tuple[dict, dict]:
    """The last encoder and decoder layers' weights (every head) for one date written in ``fmt``."""
    source = format_date(date, fmt)
    xs = data.vocab.encode([source], length=data.x_train.shape[1])
    out = model.generate(xs, data.vocab.start_id, 10)
    T = len(source)
    arrays = {f"maps/{fmt}/encoder": model.encoders[-1].attention.weights[0, :, :T, :T],
              f"maps/{fmt}/cross": model.decoders[-1].cross_attention.weights[0, :, :, :T]}
    return arrays, {"source": source, "output": data.vocab.decode(out)[0]}


def run(config: Config) -> Result:
    if config.n_train % config.batch_size:
        raise ValueError(f"n_train must be a multiple of batch_size = {config.batch_size}, got {config.n_train}")
    data = load_dates(config.n_train, config.n_test, seed=config.seed)
    arrays: dict[str, np.ndarray] = {}
    values: dict = {"params": {}, "ms_per_step": {}, "exact": {}, "per_char": {}, "final_loss": {},
                    "by_epoch": {}, "maps": {}}
    models = {}
    for key in MODELS:
        model = models[key] = build(key, len(data.vocab), config)
        curves = train(model, data, config, config.transformer_lr if key == "transformer" else config.lstm_lr)
        out = greedy(model, data.x_test, data.t_test, data.vocab.start_id)
        values["params"][key] = int(sum(p.size for p in model.params.values()))
        values["ms_per_step"][key] = 1000 * float(np.median(curves["step_seconds"]))
        values["exact"][key] = float((out == data.t_test[:, 1:]).all(axis=1).mean())
        values["per_char"][key] = float((out == data.t_test[:, 1:]).mean())
        values["final_loss"][key] = curves["loss"][-1]
        values["by_epoch"][key] = curves["exact"]
        arrays[f"curve/{key}/loss"] = np.array(curves["loss"])
        arrays[f"curve/{key}/exact"] = np.array(curves["exact"])
    date = datetime.date.fromisoformat(data.targets_test[0])
    for fmt in SHOWN:
        fmt_arrays, values["maps"][fmt] = maps(models["transformer"], data, date, fmt)
        arrays.update(fmt_arrays)
    t, s = values["exact"]["transformer"], values["exact"]["lstm"]
    ahead = np.array(values["by_epoch"]["transformer"]) > np.array(values["by_epoch"]["lstm"])
    values.update({
        "config": {"n_train": config.n_train, "n_test": config.n_test, "epochs": config.epochs,
                   "batch_size": config.batch_size, "d_model": config.d_model, "n_heads": config.n_heads,
                   "d_k": config.d_model // config.n_heads, "d_ff": config.d_ff, "n_layers": config.n_layers,
                   "transformer_lr": config.transformer_lr, "embedding": config.embedding,
                   "hidden": config.hidden, "lstm_lr": config.lstm_lr},
        "steps": config.epochs * config.n_train // config.batch_size,
        "winner": "transformer" if t > s else "lstm" if s > t else "tie",
        "exact_gap": abs(t - s),
        "ahead_until": int(np.argmin(ahead)) if not ahead.all() else len(ahead),   # epochs the Transformer leads from the start
        "lower_training_loss": values["final_loss"]["transformer"] < values["final_loss"]["lstm"],
        "time_ratio": values["ms_per_step"]["transformer"] / values["ms_per_step"]["lstm"],
        "param_ratio": values["params"]["transformer"] / values["params"]["lstm"],
        "date": date.isoformat(),
    })
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"epoch": "エポック", "loss": "訓練データの損失", "exact": "テストデータの完全一致の正解率",
        "transformer": "Transformer", "lstm": "LSTM + 注意機構（Day 3）", "source": "入力の文字", "output": "出力の文字",
        "query": "入力の文字（クエリ）", "encoder": "エンコーダの自己注意", "cross": "デコーダの交差注意",
        "head": "ヘッド {h}", "long": "英語の書式", "japanese": "日本語の書式"},
    en={"epoch": "epoch", "loss": "training loss", "exact": "exact-match accuracy (test data)",
        "transformer": "Transformer", "lstm": "LSTM + attention (Day 3)", "source": "source character",
        "output": "output character", "query": "source character (query)", "encoder": "encoder self-attention",
        "cross": "decoder cross-attention", "head": "head {h}", "long": "English format", "japanese": "Japanese format"},
)


def plot_curves(result: Result, lang: str):
    """Training loss and test exact-match accuracy per epoch, both models."""
    from matplotlib.ticker import MaxNLocator

    text = TEXT[check_lang(lang)]
    epochs = np.arange(1, result.values["config"]["epochs"] + 1)
    with panels(lang, 2, size=(3.6, 3.0)) as (figure, axes):
        for i, key in enumerate(MODELS):
            axes[0, 0].plot(epochs, result.arrays[f"curve/{key}/loss"], "o-", color=f"C{i}", label=text[key])
            axes[0, 1].plot(epochs, result.arrays[f"curve/{key}/exact"], "o-", color=f"C{i}", label=text[key])
        axes[0, 0].set(xlabel=text["epoch"], ylabel=text["loss"], yscale="log")
        axes[0, 1].set(xlabel=text["epoch"], ylabel=text["exact"], ylim=(-0.03, 1.03))
        axes[0, 1].legend(loc="lower right", fontsize="small")
        for ax in axes[0]:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def _characters(text: str) -> list[str]:
    return [c if c != " " else "␣" for c in text]


def plot_maps(result: Result, lang: str):
    """Cross-attention (every head) for a date in two formats: output characters × source characters."""
    text = TEXT[check_lang(lang)]
    font = {"fontfamily": ["IPAexGothic", "DejaVu Sans"]}
    heads = result.arrays[f"maps/{SHOWN[0]}/cross"].shape[0]
    with panels(lang, heads * len(SHOWN), heads, size=(2.6, 2.6)) as (figure, axes):
        import matplotlib_fontja  # noqa: F401  (the Japanese format's 年月日 in the English figure too)

        for row, fmt in enumerate(SHOWN):
            v = result.values["maps"][fmt]
            for h in range(heads):
                ax = axes[row, h]
                ax.imshow(result.arrays[f"maps/{fmt}/cross"][h], cmap="Greys", vmin=0, vmax=1)
                ax.set_xticks(range(len(v["source"])), _characters(v["source"]), fontsize=7, **font)
                ax.set_yticks(range(len(v["output"])), list(v["output"]), fontsize=7)
                ax.set_title(f"{text[fmt]}, {text['head'].format(h=h + 1)}" if lang == "en"
                             else f"{text[fmt]}・{text['head'].format(h=h + 1)}", fontsize=9)
            axes[row, 0].set_ylabel(text["output"])
        for ax in axes[-1]:
            ax.set_xlabel(text["source"])
    return figure


def plot_self(result: Result, lang: str):
    """Encoder self-attention (every head) for the date in the English long format."""
    text = TEXT[check_lang(lang)]
    fmt = SHOWN[0]
    weights = result.arrays[f"maps/{fmt}/encoder"]
    source = _characters(result.values["maps"][fmt]["source"])
    with panels(lang, len(weights), len(weights), size=(2.8, 2.8)) as (figure, axes):
        for h, ax in enumerate(axes[0]):
            ax.imshow(weights[h], cmap="Greys", vmin=0, vmax=1)
            ax.set_xticks(range(len(source)), source, fontsize=7)
            ax.set_yticks(range(len(source)), source, fontsize=7)
            ax.set_title(text["head"].format(h=h + 1), fontsize=9)
            ax.set_xlabel(text["source"])
        axes[0, 0].set_ylabel(text["query"])
    return figure


FIGURES = {"curves": plot_curves, "cross_attention": plot_maps, "self_attention": plot_self}
