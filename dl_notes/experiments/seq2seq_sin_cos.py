r"""The course's sin → cos seq2seq (Day 3, ``3_5``) in NumPy: an RNN encoder's state starts an RNN decoder that writes the cosine.

The course's data: $x$ = 100 points of $[-3\pi, 3\pi]$; every window of 24 consecutive
points gives an input sequence $\sin x$ and a target sequence $\cos x$ (77 windows; Keras's
``validation_split=0.2`` keeps the last 20% for validation). The model: an encoder
``SimpleRNN(10)`` whose final state starts a decoder ``SimpleRNN(10)`` with a linear output
(`dl_notes.seq2seq.Seq2seq` with ``vocab_size=None``, ``cell='rnn'``); teacher forcing feeds
the decoder 0 and then the first 23 targets; Adam (learning rate 0.001), squared error,
minibatches of 16, 80 epochs. At inference the decoder starts from 0 and its every output is
fed back as the next input, for 24 steps.

The course's Keras model differs in its initial weights (Glorot uniform and orthogonal; here
Gaussian, as in `RecurrentNet`) and in its bias (one per layer here, as in the book); its
loss is the mean squared error, ours half of it, which Adam's update does not notice
(Adam divides the gradient by its own scale).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.seq2seq import Seq2seq

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "講義の sin → cos の seq2seq（3_5）", "en": "The course's sin → cos seq2seq (3_5)"}


@dataclass(frozen=True)
class Config:
    """The course's data and training (3_5)."""

    points: int = 100
    steps: int = 24
    hidden_size: int = 10
    batch_size: int = 16
    epochs: int = 80
    lr: float = 0.001
    validation_split: float = 0.2
    shown: tuple[int, ...] = (0, 24, 49, 74)
    seed: int = 0


DEFAULT = Config()
TINY = Config(epochs=2)


def windows(points: int, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, and the sin and cos windows (points - steps + 1, steps, 1) of the course's data."""
    x = np.linspace(-3 * np.pi, 3 * np.pi, points)
    starts = np.arange(points - steps + 1)[:, None] + np.arange(steps)
    return x, np.sin(x)[starts][..., None], np.cos(x)[starts][..., None]


def with_start(targets: np.ndarray) -> np.ndarray:
    """The targets with the decoder's first input, 0, in front: (N, 1 + T, 1), as `Seq2seq.loss` takes them."""
    return np.concatenate([np.zeros_like(targets[:, :1]), targets], axis=1)


def run(config: Config) -> Result:
    x, xs, ts = windows(config.points, config.steps)
    n_train = int(len(xs) * (1 - config.validation_split))   # Keras: the last 20% validate, before shuffling
    n_val = len(xs) - n_train
    rng = np.random.default_rng(config.seed)
    model = Seq2seq(None, 1, config.hidden_size, "rnn", output_size=1, dtype=np.float64, rng=rng)
    optimizer = Adam(lr=config.lr)
    train_loss, val_loss = [], []
    for _ in range(config.epochs):
        order = rng.permutation(n_train)
        losses = []
        for start in range(0, n_train, config.batch_size):
            batch = order[start:start + config.batch_size]
            optimizer.update(model.params, model.gradient(xs[batch], with_start(ts[batch])))
            losses.append(model.last_loss * len(batch))
        train_loss.append(sum(losses) / n_train)
        val_loss.append(model.loss(xs[n_train:], with_start(ts[n_train:])))
    generated = model.generate(xs, 0.0, config.steps)                    # fed back from 0
    errors = 0.5 * np.mean((generated - ts) ** 2, axis=(1, 2))         # per window, the loss's scale
    shown = [s for s in config.shown if s < len(xs)]
    arrays = {"x": x, "train_loss": np.array(train_loss), "val_loss": np.array(val_loss)}
    for s in shown:
        arrays[f"generated_{s}"] = generated[s, :, 0]
    values = {
        "windows": int(len(xs)), "train": int(n_train), "validation": int(n_val), "points": config.points,
        "steps": config.steps, "hidden_size": config.hidden_size, "batch_size": config.batch_size,
        "epochs": config.epochs, "lr": config.lr, "updates": config.epochs * -(-n_train // config.batch_size),
        "shown": shown, "train_loss": float(train_loss[-1]), "val_loss": float(val_loss[-1]),
        "first_train_loss": float(train_loss[0]),
        "generated_loss": float(errors.mean()), "generated_loss_shown": {str(s): float(errors[s]) for s in shown},
        "max_error": float(np.abs(generated - ts).max()),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"true": "cos x（正解）", "generated": "デコーダの出力（自分の出力を入力に戻す）", "start": "開始位置 {s}",
        "x": "x", "value": "値"},
    en={"true": "cos x (truth)", "generated": "decoder output (its own output fed back)", "start": "start {s}",
        "x": "x", "value": "value"},
)


def plot_windows(result: Result, lang: str):
    """The decoder's 24 generated values of four windows over the true cosine."""
    text = TEXT[check_lang(lang)]
    v, x = result.values, result.arrays["x"]
    with panels(lang, len(v["shown"]), 2, size=(4.2, 2.6), sharey=True) as (figure, axes):
        for ax, s in zip(axes.flat, v["shown"]):
            ax.plot(x, np.cos(x), color="#aaaaaa", ls="--", lw=1.5, label=text["true"])
            ax.plot(x[s:s + v["steps"]], result.arrays[f"generated_{s}"], color="black", lw=1.5, marker="o", ms=2.5,
                    label=text["generated"])
            ax.set_title(text["start"].format(s=s), fontsize="medium")
            ax.set_ylim(-1.4, 2.1)   # headroom for the legend
        for ax in axes[-1]:
            ax.set_xlabel(text["x"])
        for ax in axes[:, 0]:
            ax.set_ylabel(text["value"])
        axes[0, 0].legend(loc="upper left", fontsize="small")
    return figure


FIGURES = {"windows": plot_windows}
