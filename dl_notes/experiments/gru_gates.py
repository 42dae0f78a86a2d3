r"""What a GRU's update gate does on a long-range task, with the gate's bias started at 0 and closed.

A one-layer GRU (`dl_notes.recurrent_nets.RecurrentNet`, ``cell='gru'``, ``output='last'``)
learns `dl_notes.sequences.first_symbol_task`: report the class shown at step 1 after
``length - 1`` steps of noise. It is trained twice with Adam from the same weights and
mini-batches, once with every bias at 0 (the update gate starts at $z = \sigma(0) = 1/2$: half
of the state is replaced at every step) and once with the update gate's bias at ``closed_bias``
(the gate starts nearly closed, $z = \sigma(-3) \approx 0.05$: the state is mostly kept, the
GRU's counterpart of a positive LSTM forget-gate bias, as the ``long_range`` experiment starts
both gated cells). After training, the experiment records on test sequences the
update gate $z_t$ at every step and, per unit, how much of the state at step 1 passes through
the gate alone to the last step, $\prod_{t=2}^{T} (1 - z_t)$ (the other path, through the
candidate, can carry the class too).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.recurrent_nets import RecurrentNet, parameter_count
from dl_notes.sequences import first_symbol_task

from ._plotting import panels, texts
from ._result import Result

TITLE = {"ja": "GRU の更新ゲート", "en": "The GRU's update gate"}

CASES = ("zero_bias", "closed_bias")


@dataclass(frozen=True)
class Config:
    """The task, the GRU, Adam and the update gate's initial bias in the second case."""

    length: int = 40
    n_classes: int = 4
    noise: float = 0.5
    hidden_size: int = 16
    iterations: int = 400
    batch_size: int = 64
    lr: float = 0.01
    closed_bias: float = -3.0
    eval_every: int = 25
    n_test: int = 500
    seed: int = 0


DEFAULT = Config()
TINY = Config(length=6, hidden_size=4, iterations=10, batch_size=8, eval_every=5, n_test=20)


def train_case(config: Config, z_bias: float, test: tuple[np.ndarray, np.ndarray]) -> dict:
    """Train one GRU with the update gate's bias started at ``z_bias``; its curve and gates on ``test``."""
    xs_test, ts_test = test
    H = config.hidden_size
    net = RecurrentNet(xs_test.shape[2], H, config.n_classes, cell="gru", output="last", seed=config.seed)
    net.params["b"][H:2 * H] = z_bias  # blocks r, z, h~: the z block
    optimizer = Adam(lr=config.lr)
    rng = np.random.default_rng([config.seed, 1])  # the same batches for both cases
    steps, accuracy = [0], [net.accuracy(xs_test, ts_test)]
    start = time.process_time()
    for i in range(1, config.iterations + 1):
        xs, ts = first_symbol_task(config.batch_size, config.length, config.n_classes, config.noise, rng=rng)
        optimizer.update(net.params, net.gradient(xs, ts))
        if i % config.eval_every == 0 or i == config.iterations:
            steps.append(i)
            accuracy.append(net.accuracy(xs_test, ts_test))
    seconds = time.process_time() - start
    net.predict(xs_test)
    z = net.recurrent.gates["z"]  # (N, T, H)
    kept = np.prod(1 - z[:, 1:], axis=1).mean(axis=0)  # (H,): the share of h_1 the gate alone carries to h_T
    return {"steps": np.array(steps), "accuracy": np.array(accuracy), "z_mean": z.mean(axis=(0, 2)),
            "kept": np.sort(kept)[::-1], "seconds": seconds}


def run(config: Config) -> Result:
    test = first_symbol_task(config.n_test, config.length, config.n_classes, config.noise, seed=config.seed + 1000)
    cases = {"zero_bias": 0.0, "closed_bias": config.closed_bias}
    arrays, values = {}, {"order": list(CASES), "z_bias": cases, "accuracy": {}, "solved_at": {}, "z_class": {},
                          "z_distractors": {}, "kept_max": {}, "seconds": {}}
    for key, z_bias in cases.items():
        out = train_case(config, z_bias, test)
        for name in ("steps", "accuracy", "z_mean", "kept"):
            arrays[f"{key}/{name}"] = out[name]
        values["accuracy"][key] = float(out["accuracy"][-1])
        solved = out["steps"][out["accuracy"] >= 0.99]
        values["solved_at"][key] = int(solved[0]) if len(solved) else None
        values["z_class"][key] = float(out["z_mean"][0])
        values["z_distractors"][key] = float(out["z_mean"][1:].mean())
        values["kept_max"][key] = float(out["kept"][0])
        values["seconds"][key] = out["seconds"]
    D, H = config.n_classes, config.hidden_size  # one-hot class inputs
    values["parameters"] = {cell: {"ours": parameter_count(cell, D, H), "pytorch": parameter_count(cell, D, H, biases=2)}
                            for cell in ("rnn", "lstm", "gru")}
    values.update(input_size=D, length=config.length, distractors=config.length - 1, hidden_size=config.hidden_size,
                  n_classes=config.n_classes, noise=config.noise, chance=1 / config.n_classes, iterations=config.iterations,
                  batch_size=config.batch_size, lr=config.lr, closed_bias=config.closed_bias,
                  closed_z=float(1 / (1 + np.exp(-config.closed_bias))), n_test=config.n_test)
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"zero_bias": "更新ゲートのバイアス 0 から", "closed_bias": "更新ゲートのバイアス {b:g} から",
        "step": "時刻 t", "z": "更新ゲート z の平均", "class_step": "t = 1：クラスの記号"},
    en={"zero_bias": "update-gate bias from 0", "closed_bias": "update-gate bias from {b:g}",
        "step": "time step t", "z": "mean update gate z", "class_step": "t = 1: the class symbol"},
)


def plot(result: Result, lang: str):
    """Test accuracy while training (left) and the trained update gate at every step (right), both cases."""
    text = TEXT[lang]
    v, a = result.values, result.arrays
    with panels(lang, 2, size=(4.2, 3.2)) as (figure, axes):
        left, right = axes[0]
        for key in v["order"]:
            label = text[key].format(b=v["closed_bias"])
            left.plot(a[f"{key}/steps"], a[f"{key}/accuracy"], marker="o", markersize=3, label=label)
            z = a[f"{key}/z_mean"]
            right.plot(np.arange(1, len(z) + 1), z, marker="o", markersize=3, label=label)
        left.axhline(v["chance"], color="grey", linestyle=":", linewidth=1)
        left.set_xlabel(text["iteration"])
        left.set_ylabel(text["test_acc"])
        left.set_ylim(0, 1.05)
        left.legend(fontsize="small")
        right.axvline(1, color="grey", linestyle=":", linewidth=1)
        right.annotate(text["class_step"], (1, 0.97), xycoords=("data", "axes fraction"), xytext=(4, 0),
                       textcoords="offset points", va="top", fontsize="small")
        right.set_xlabel(text["step"])
        right.set_ylabel(text["z"])
        right.set_ylim(0, 1)
    return figure


FIGURES = {"update_gate": plot}
