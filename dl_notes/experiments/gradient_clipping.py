r"""Training a simple RNN with and without gradient clipping by norm.

The task is the adding problem (`dl_notes.sequences.adding_problem`): sequences of
``length`` steps, add the two marked numbers. A tanh RNN whose recurrent weights start as a
random orthogonal matrix times ``wh_scale`` (spectral norm above 1) is trained with plain SGD
at a large learning rate, once as it is and once with `dl_notes.clipping.clip_grads` before
every update, from the same initial weights and on the same mini-batches, for several seeds.
Recorded per iteration: the mini-batch loss and the global gradient norm before clipping. A run
whose loss becomes infinite or NaN has diverged and stops there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.clipping import clip_grads, global_norm
from dl_notes.optim import SGD
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.sequences import adding_problem

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "勾配クリッピングの有無による学習の比較", "en": "Training with and without gradient clipping"}

RUNS = ("plain", "clipped")


@dataclass(frozen=True)
class Config:
    """The task, the network, SGD's learning rate, the clipping threshold and the seeds."""

    length: int = 10
    hidden_size: int = 32
    wh_scale: float = 1.5  # the spectral norm of W_h at the start
    lr: float = 0.3
    batch_size: int = 32
    iterations: int = 800
    max_norm: float = 1.0
    val_size: int = 500
    seeds: int = 5
    seed: int = 0


DEFAULT = Config()
TINY = Config(hidden_size=8, iterations=30, val_size=20, seeds=2)


def train(config: Config, seed: int, max_norm: float | None) -> dict:
    """One run: losses, gradient norms (before clipping), the iteration it diverged at (or None), the net."""
    rng = np.random.default_rng([config.seed, seed])
    H = config.hidden_size
    net = RecurrentNet(2, H, 1, output="last", loss="mse", rng=rng)
    Q, _ = np.linalg.qr(rng.standard_normal((H, H)))
    net.params["Wh"][...] = config.wh_scale * Q
    batches = np.random.default_rng([config.seed, seed, 1])  # the same mini-batches for both runs
    optimizer = SGD(lr=config.lr)
    losses, norms = np.full(config.iterations, np.nan), np.full(config.iterations, np.nan)
    diverged = None
    with np.errstate(all="ignore"):  # an exploding run overflows float32 before it is stopped
        for i in range(config.iterations):
            xs, ts = adding_problem(config.batch_size, config.length, rng=batches)
            grads = net.gradient(xs, ts)
            losses[i] = net.last_loss
            norms[i] = global_norm(grads) if max_norm is None else clip_grads(grads, max_norm)
            if not (np.isfinite(losses[i]) and np.isfinite(norms[i])):
                diverged = i
                break
            optimizer.update(net.params, grads)
    return {"losses": losses, "norms": norms, "diverged": diverged, "net": net}


def run(config: Config) -> Result:
    xv, tv = adding_problem(config.val_size, config.length, seed=[config.seed, 99])
    arrays, seeds = {}, []
    for s in range(config.seeds):
        entry = {}
        for name, max_norm in zip(RUNS, (None, config.max_norm)):
            r = train(config, s, max_norm)
            arrays[f"{s}/{name}/loss"], arrays[f"{s}/{name}/norm"] = r["losses"], r["norms"]
            finite = r["norms"][np.isfinite(r["norms"])]
            with np.errstate(all="ignore"):
                val = None if r["diverged"] is not None else float(r["net"].loss(xv, tv))
            entry[name] = {"diverged_at": r["diverged"], "val_loss": val,
                           "above_threshold": float(np.mean(finite > config.max_norm)),
                           "median_norm": float(np.median(finite)), "max_norm": float(finite.max())}
        seeds.append(entry)
    example = next((s for s, e in enumerate(seeds) if e["plain"]["diverged_at"] is not None), 0)
    summary = {}
    for name in RUNS:
        diverged = [e[name]["diverged_at"] is not None for e in seeds]
        vals = [e[name]["val_loss"] for e in seeds if e[name]["val_loss"] is not None]
        summary[name] = {"diverged": int(sum(diverged)), "converged": int(len(seeds) - sum(diverged)),
                         "val_loss_mean": float(np.mean(vals)) if vals else None,
                         "above_threshold": float(np.mean([e[name]["above_threshold"] for e in seeds]))}
    values = {
        "seeds": seeds, "summary": summary, "example": example, "n_seeds": config.seeds,
        "example_diverged_at": seeds[example]["plain"]["diverged_at"],
        "baseline_val_loss": float(0.5 * np.mean((tv - tv.mean()) ** 2)),  # predicting the mean
        "length": config.length, "hidden_size": config.hidden_size, "wh_scale": config.wh_scale, "lr": config.lr,
        "batch_size": config.batch_size, "iterations": config.iterations, "max_norm": config.max_norm,
        "val_size": config.val_size,
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"loss": "ミニバッチの損失（対数目盛）", "norm": "勾配のノルム ‖g‖（対数目盛）", "plain": "クリッピングなし",
        "clipped": "クリッピングあり（閾値 {c:g}）", "threshold": "閾値 {c:g}", "diverged": "発散（{i} 回目）"},
    en={"loss": "mini-batch loss (log scale)", "norm": "gradient norm ‖g‖ (log scale)", "plain": "no clipping",
        "clipped": "clipped at {c:g}", "threshold": "threshold {c:g}", "diverged": "diverged (iteration {i})"},
)


def plot_curves(result: Result, lang: str):
    """The example seed: the loss and the gradient norm per iteration, with and without clipping."""
    text = TEXT[check_lang(lang)]
    v = result.values
    s, c = v["example"], v["max_norm"]
    with panels(lang, 2, size=(4.6, 3.4)) as (figure, axes):
        left, right = axes[0]
        for i, name in enumerate(RUNS):
            label = text[name].format(c=c)
            steps = np.arange(1, v["iterations"] + 1)
            left.semilogy(steps, result.arrays[f"{s}/{name}/loss"], color=f"C{i}", linewidth=0.8, label=label)
            right.semilogy(steps, result.arrays[f"{s}/{name}/norm"], color=f"C{i}", linewidth=0.8, label=label)
        at = v["seeds"][s]["plain"]["diverged_at"]
        if at is not None:
            for ax in (left, right):
                ax.axvline(at + 1, color="C0", linestyle=":", linewidth=1, label=text["diverged"].format(i=at + 1))
        right.axhline(c, color="#555555", linestyle="--", linewidth=1, label=text["threshold"].format(c=c))
        # the diverging run leaves through the top: keep the clipped run's scale readable
        for ax, kind in ((left, "loss"), (right, "norm")):
            kept = result.arrays[f"{s}/clipped/{kind}"]
            ax.set_ylim(np.nanmin(kept) / 3, np.nanmax(kept) * 1e3)
        left.set(xlabel=text["iteration"], ylabel=text["loss"])
        right.set(xlabel=text["iteration"], ylabel=text["norm"])
        left.legend(fontsize="small")
        right.legend(fontsize="small")
    return figure


FIGURES = {"curves": plot_curves}
