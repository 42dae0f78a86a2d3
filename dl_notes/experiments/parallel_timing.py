r"""One training step of SimpleConvNet in this process, in one worker process and in two, timed.

A data-parallel step (`dl_notes.parallel.sync_sgd_step`) of the course's `SimpleConvNet`
(float32, conv 30@5×5, pool 2, 100) on a batch of MNIST images, three ways:

- ``in_process``: the whole batch in this process (no communication);
- ``process_1``: the whole batch in one worker process (`dl_notes.parallel.ProcessWorkers`): the
  same work plus sending the parameters and the batch there and the gradient back;
- ``process_2``: half the batch in each of two worker processes, one per core.

Every process uses one BLAS thread, so two processes can use the machine's two cores. The three
are timed in turns, one step each per round (so a load on the machine that comes and goes hits all
three alike), after ``warmup`` untimed rounds; the median over the rounds is kept, with the
quartiles. The site is built with other experiments running at the same time: the CPU count and
the load average before and after are recorded with the times.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.nets import SimpleConvNet
from dl_notes.optim import SGD
from dl_notes.parallel import ProcessWorkers, gradient_bytes, sync_sgd_step

from ._plotting import check_lang, style, texts
from ._result import Result
from ._toolkit import describe, mnist

TITLE = {"ja": "1 ステップの時間：プロセス 1 つと 2 つ", "en": "Time of one step: one and two processes"}

MODES = ("in_process", "process_1", "process_2")


@dataclass(frozen=True)
class Config:
    """The network, the batch, and how often each way is timed."""

    batch_size: int = 200
    filter_num: int = 30
    hidden_size: int = 100
    rounds: int = 15
    warmup: int = 2
    lr: float = 0.01
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(batch_size=8, filter_num=2, hidden_size=4, rounds=2, warmup=1)


def _load() -> list[float]:
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else []


def run(config: Config) -> Result:
    (x, t), _ = mnist(config.source, n_train=config.batch_size, n_test=1, flatten=False)  # (B, 1, 28, 28)
    conv = {"filter_num": config.filter_num, "filter_size": 5, "pad": 0, "stride": 1}
    nets = {mode: SimpleConvNet((1, 28, 28), conv, hidden_size=config.hidden_size, seed=config.seed)
            for mode in MODES}
    optimizers = {mode: SGD(lr=config.lr) for mode in MODES}
    load_before = _load()
    with ProcessWorkers(nets["process_1"], 1) as one, ProcessWorkers(nets["process_2"], 2) as two:
        workers = {"in_process": 1, "process_1": one, "process_2": two}
        # Before any update the three nets are equal: the gradients must agree (float32 rounding).
        first = {mode: (w.gradient(x, t) if isinstance(w, ProcessWorkers) else
                        {k: g.copy() for k, g in nets[mode].gradient(x, t).items()})
                 for mode, w in workers.items()}
        difference = max(float(np.abs(first[mode][k] - first["in_process"][k]).max())
                         for mode in MODES for k in first[mode])
        seconds = {mode: [] for mode in MODES}
        cpu = {"process_1": [], "process_2": []}   # CPU time of each worker's gradient
        for r in range(config.warmup + config.rounds):
            for mode in MODES:
                start = time.perf_counter()
                sync_sgd_step(nets[mode], optimizers[mode], x, t, workers[mode])
                if r >= config.warmup:
                    seconds[mode].append(time.perf_counter() - start)
                    if mode in cpu:
                        cpu[mode].append(max(workers[mode].last_cpu_seconds))
    load_after = _load()
    ms = {mode: 1000 * np.array(s) for mode, s in seconds.items()}
    median = {mode: float(np.median(m)) for mode, m in ms.items()}
    values = {
        "modes": list(MODES), "batch_size": config.batch_size, "rounds": config.rounds, "warmup": config.warmup,
        "ms": median,
        "quartiles": {mode: [float(q) for q in np.percentile(m, [25, 75])] for mode, m in ms.items()},
        "speedup": median["process_1"] / median["process_2"],             # two processes against one
        "speedup_in_process": median["in_process"] / median["process_2"],
        "overhead": median["process_1"] / median["in_process"],          # communication of one process
        # the slowest worker's CPU time: the work of a step per worker, whatever else was running
        "worker_cpu_ms": {mode: float(1000 * np.median(c)) for mode, c in cpu.items()},
        "cpu_ratio": float(np.median(cpu["process_1"]) / np.median(cpu["process_2"])),
        "max_gradient_difference": difference,
        "parameter_bytes": gradient_bytes(nets["in_process"]),
        "batch_bytes": int(x.nbytes),
        "parameters": int(sum(p.size for p in nets["in_process"].params.values())),
        "cpu_count": os.cpu_count() or 0,
        "load_before": load_before, "load_after": load_after,
        "description": describe(config.source),
    }
    return Result(arrays={f"{mode}/ms": m for mode, m in ms.items()}, values=values)


TEXT = texts(
    ja={"in_process": "このプロセスだけ", "process_1": "ワーカプロセス 1 つ", "process_2": "ワーカプロセス 2 つ",
        "ms": "1 ステップの時間（ミリ秒）", "ideal": "理想（このプロセスの 1/2）"},
    en={"in_process": "this process only", "process_1": "one worker process", "process_2": "two worker processes",
        "ms": "time per step (ms)", "ideal": "ideal (half of this process)"},
)


def plot(result: Result, lang: str):
    """Median time per step of each way (bars, with the quartiles), and the ideal half of one process."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    modes = v["modes"]
    median = [v["ms"][m] for m in modes]
    low = [v["ms"][m] - v["quartiles"][m][0] for m in modes]
    high = [v["quartiles"][m][1] - v["ms"][m] for m in modes]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 2.6), layout="constrained")
        positions = np.arange(len(modes))
        ax.barh(positions, median, xerr=[low, high], color=[f"C{i}" for i in range(len(modes))], capsize=3)
        ax.axvline(v["ms"]["in_process"] / 2, color="0.3", linestyle=":", linewidth=1.2, label=text["ideal"])
        ax.set_yticks(positions, [text[m] for m in modes])
        ax.invert_yaxis()
        ax.set_xlabel(text["ms"])
        right = max(v["quartiles"][m][1] for m in modes)
        ax.set_xlim(0, right * 1.18)
        for y, m in zip(positions, modes):  # the median, right of the upper quartile
            ax.text(v["quartiles"][m][1] + 0.02 * right, y, f"{v['ms'][m]:.3g}", va="center", fontsize="small")
        ax.legend(fontsize="small", loc="lower left", bbox_to_anchor=(0, 1), frameon=False)
    return figure


FIGURES = {"times": plot}
