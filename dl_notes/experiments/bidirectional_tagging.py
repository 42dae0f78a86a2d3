r"""A unidirectional and a bidirectional RNN of about the same size on a tagging task that needs the future, and on one that does not.

The data are `dl_notes.sequences.phrase_tags`: phrases of words, each closed by a particle,
and every position tagged with a particle. In the **future** task the tag is the particle that
closes the position's phrase (up to ``max_words`` steps ahead); in the **past** task it is the
most recent particle (behind). Each task trains a one-way `RecurrentNet` and a bidirectional
one whose hidden size per direction is chosen so that the two have about the same number of
parameters (`matched_hidden`), with Adam on the same mini-batches, and measures the per-position
test accuracy after every epoch, and at the end the accuracy by the distance $d_t$ to the
deciding particle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.sequences import phrase_tags

from ._plotting import check_lang, label_edges, panels, style, texts
from ._result import Result

TITLE = {"ja": "双方向 RNN によるタグ付け", "en": "Tagging with a bidirectional RNN"}

TASKS = {"future": "next", "past": "previous"}  # task: phrase_tags' direction
MODELS = ("uni", "bi")


@dataclass(frozen=True)
class Config:
    """The data (sizes of the vocabulary and phrases), the networks and the training."""

    length: int = 32
    words: int = 6
    particles: int = 3
    max_words: int = 8
    n_train: int = 500
    n_test: int = 500
    cell: str = "rnn"
    hidden: int = 24  # the unidirectional net's; the bidirectional one gets matched_hidden(...)
    epochs: int = 12
    batch_size: int = 25
    lr: float = 0.01
    seed: int = 0


DEFAULT = Config()
TINY = Config(length=8, max_words=3, n_train=20, n_test=10, hidden=6, epochs=2, batch_size=10)


def parameter_count(net: RecurrentNet) -> int:
    """The number of trainable numbers of ``net``.

    >>> parameter_count(RecurrentNet(9, 24, 3, seed=0))      # 9·24 + 24·24 + 24 + 24·3 + 3
    891
    """
    return int(sum(p.size for p in net.params.values()))


def network(config: Config, bidirectional: bool, hidden: int, seed: int) -> RecurrentNet:
    """The tagger: one-hot tokens in, one particle score vector per position out."""
    return RecurrentNet(config.words + config.particles, hidden, config.particles, cell=config.cell,
                        bidirectional=bidirectional, seed=seed)


def matched_hidden(config: Config) -> int:
    """The hidden size per direction whose bidirectional net has the parameter count nearest the one-way net's.

    >>> matched_hidden(DEFAULT)      # 2 directions of 16 units: 931 numbers against 891
    16
    """
    target = parameter_count(network(config, False, config.hidden, 0))
    sizes = range(1, config.hidden + 1)
    return min(sizes, key=lambda h: abs(parameter_count(network(config, True, h, 0)) - target))


def data(config: Config, task: str, stream: int):
    """The task's sequences from the random stream ``stream`` (1: training, 2: test)."""
    return phrase_tags(config.n_train if stream == 1 else config.n_test, config.length, words=config.words,
                       particles=config.particles, max_words=config.max_words, direction=TASKS[task],
                       rng=np.random.default_rng([config.seed, stream]))


def train(config: Config, task: str, model: str, hidden: int) -> dict:
    """Train one net on one task; its test accuracy before training and after every epoch, and by distance."""
    train_set, test = data(config, task, 1), data(config, task, 2)
    net = network(config, model == "bi", hidden, seed=config.seed)
    optimizer = Adam(lr=config.lr)
    order = np.random.default_rng([config.seed, 3])  # the same mini-batches for every net
    accuracy = [net.accuracy(test.xs, test.ts)]
    for _ in range(config.epochs):
        perm = order.permutation(config.n_train)
        for start in range(0, config.n_train, config.batch_size):
            batch = perm[start:start + config.batch_size]
            optimizer.update(net.params, net.gradient(train_set.xs[batch], train_set.ts[batch]))
        accuracy.append(net.accuracy(test.xs, test.ts))
    right = net.predict(test.xs).argmax(axis=-1) == test.ts
    by_distance = [float(right[test.distance == d].mean()) for d in range(config.max_words + 1)]
    return {"accuracy": accuracy, "by_distance": by_distance, "parameters": parameter_count(net)}


def run(config: Config) -> Result:
    if config.n_train % config.batch_size:
        raise ValueError(f"n_train must be a multiple of batch_size, got n_train={config.n_train}, "
                         f"batch_size={config.batch_size}")
    hidden = {"uni": config.hidden, "bi": matched_hidden(config)}
    arrays, final, by_distance, parameters = {}, {}, {}, {}
    for task in TASKS:
        for model in MODELS:
            key = f"{task}/{model}"
            outcome = train(config, task, model, hidden[model])
            arrays[f"{key}/accuracy"] = np.array(outcome["accuracy"])
            arrays[f"{key}/by_distance"] = np.array(outcome["by_distance"])
            final[key] = outcome["accuracy"][-1]
            by_distance[key] = outcome["by_distance"]
            parameters[model] = outcome["parameters"]
    on_particle = float(np.mean(data(config, "future", 2).distance == 0))
    values = {
        "config": {"length": config.length, "words": config.words, "particles": config.particles,
                   "max_words": config.max_words, "n_train": config.n_train, "n_test": config.n_test,
                   "cell": config.cell, "epochs": config.epochs, "batch_size": config.batch_size, "lr": config.lr},
        "hidden": hidden,
        "parameters": parameters,
        "parameter_ratio": parameters["bi"] / parameters["uni"],
        "final_accuracy": final,
        "by_distance": by_distance,
        "chance": 1 / config.particles,
        "on_particle_share": on_particle,
        # A one-way net on the future task: right on the particles (d = 0), a guess everywhere else.
        "uni_future_guess": on_particle + (1 - on_particle) / config.particles,
        "gain": {task: final[f"{task}/bi"] - final[f"{task}/uni"] for task in TASKS},
        "uni_far_mean": float(np.mean(by_distance["future/uni"][1:])),
        "bi_far_min": float(np.min(by_distance["future/bi"][1:])),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"epoch": "エポック", "distance": "決め手の助詞までの距離 d（ステップ）", "future": "未来が必要なタグ（次の助詞）",
        "past": "過去だけで決まるタグ（直前の助詞）", "uni": "一方向 RNN（隠れ状態 {h}、パラメータ {p}）",
        "bi": "双方向 RNN（各方向 {h}、パラメータ {p}）", "chance": "当て推量（1/{k}）"},
    en={"epoch": "epoch", "distance": "distance d to the deciding particle (steps)", "future": "tag needs the future (next particle)",
        "past": "tag needs only the past (previous particle)", "uni": "one-way RNN (hidden {h}, {p} parameters)",
        "bi": "bidirectional RNN ({h} per direction, {p} parameters)", "chance": "guessing (1/{k})"},
)


def _legend(result: Result, model: str, lang: str) -> str:
    v = result.values
    return TEXT[lang][model].format(h=v["hidden"][model], p=f"{v['parameters'][model]:,}")


def plot_curves(result: Result, lang: str):
    """Test accuracy per position after every epoch: one panel per task, one line per net."""
    text = TEXT[check_lang(lang)]
    with panels(lang, len(TASKS), size=(4.2, 3.2), sharey=True) as (figure, axes):
        for ax, task in zip(axes[0], TASKS):
            for i, model in enumerate(MODELS):
                curve = result.arrays[f"{task}/{model}/accuracy"]
                ax.plot(np.arange(len(curve)), curve, "o-", markersize=3, color=f"C{i}", label=_legend(result, model, lang))
            ax.axhline(result.values["chance"], color="#999999", linestyle=":", label=text["chance"].format(
                k=result.values["config"]["particles"]))
            ax.set(title=text[task], ylim=(0, 1.03))
        label_edges(axes, text["epoch"], text["test_acc"])
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


def plot_by_distance(result: Result, lang: str):
    """Final test accuracy on the future task, by how many steps ahead the deciding particle is."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    v = result.values
    distances = np.arange(v["config"]["max_words"] + 1)
    width = 0.38
    with style(lang):
        figure, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
        for i, model in enumerate(MODELS):
            ax.bar(distances + (i - 0.5) * width, result.arrays[f"future/{model}/by_distance"], width,
                   color=f"C{i}", label=_legend(result, model, lang))
        ax.axhline(v["chance"], color="#999999", linestyle=":", label=text["chance"].format(k=v["config"]["particles"]))
        ax.set_xticks(distances)
        ax.set(xlabel=text["distance"], ylabel=text["test_acc"], ylim=(0, 1.03), title=text["future"])
        handles, labels = ax.get_legend_handles_labels()  # the two nets first, then the guessing line
        ax.legend(handles[1:] + handles[:1], labels[1:] + labels[:1], fontsize="small", loc="upper center",
                  bbox_to_anchor=(0.5, -0.2), ncol=2)  # below the axes: the bars reach 1
    return figure


FIGURES = {"curves": plot_curves, "by_distance": plot_by_distance}
