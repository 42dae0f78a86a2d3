r"""Lightweighting trained MNIST networks: quantisation, distillation and pruning, each network trained once.

A teacher `MultiLayerNet` (and the course's `SimpleConvNet`, on a shorter schedule than the
CNN training page) is trained with Adam on the MNIST subset. Then, without training it again:

- **quantisation**: its weights are fake-quantised per tensor to k bits (biases stay float32),
  and rounded to float16 and bfloat16; test accuracy and size in bytes for each;
- **pruning**: the smallest weights of each layer are set to zero at several sparsities; test
  accuracy right after pruning, and after a short fine-tune that keeps the pruned weights at
  zero (`dl_notes.pruning.MaskedOptimizer`); size in CSR form;
- **distillation**: a small student is trained on the labels alone, and from the teacher's
  scores at several temperatures, with the same initial weights, batches and iterations, over
  a few seeds, so that the page can compare the difference with the spread.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from dl_notes import datasets
from dl_notes.distillation import Distiller, softmax_with_temperature
from dl_notes.nets import MultiLayerNet, SimpleConvNet
from dl_notes.optim import Adam
from dl_notes.pruning import MaskedOptimizer, apply_masks, count_nonzero, magnitude_masks, sparse_bytes
from dl_notes.quantization import memory_bytes, quantize_network, quantized_bytes, round_to_format

from ._plotting import check_lang, style, texts
from ._result import Result
from ._toolkit import describe, mnist, train

TITLE = {"ja": "学習したネットワークの軽量化（MNIST）", "en": "Lightweighting trained networks (MNIST)"}


@dataclass(frozen=True)
class Config:
    """The networks, their schedules, and what is measured on them."""

    n_train: int | None = None          # None: the whole training set
    n_test: int | None = None
    batch_size: int = 100
    lr: float = 0.001
    teacher_hidden: tuple[int, ...] = (256, 256)
    teacher_iterations: int = 2000
    cnn_iterations: int = 300           # 0: no SimpleConvNet
    cnn_filter_num: int = 30
    cnn_hidden: int = 100
    bits: tuple[int, ...] = (16, 8, 6, 4, 3, 2)
    floats: tuple[str, ...] = ("float16", "bfloat16")
    student_hidden: tuple[int, ...] = (32,)
    student_iterations: int = 3000
    temperatures: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
    alpha: float = 0.1                 # weight of the labels' cross-entropy (Hinton et al. weight it low)
    student_seeds: tuple[int, ...] = (0, 1, 2)
    sparsities: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95, 0.98)
    prune_scope: str = "layer"
    finetune_iterations: int = 200
    finetune_lr: float = 0.0005
    source: str = datasets.SUBSET
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(n_train=300, n_test=100, batch_size=20, teacher_hidden=(32,), teacher_iterations=30, cnn_iterations=3,
              cnn_filter_num=2, cnn_hidden=8, bits=(8, 2), student_hidden=(4,), student_iterations=20,
              temperatures=(1.0, 4.0), student_seeds=(0, 1), sparsities=(0.5, 0.9), finetune_iterations=10)


def _steps(net, x, t, optimizer, iterations: int, batch_size: int, seed: int, teacher_logits=None) -> None:
    """``iterations`` updates of ``net`` on batches drawn (with replacement) from ``seed``.

    With ``teacher_logits`` (the teacher's scores of all of ``x``, computed once), ``net`` is a
    `Distiller` and gets each batch's rows of them: no teacher forward pass per batch.
    """
    rng = np.random.default_rng(seed)
    for _ in range(iterations):
        batch = rng.integers(0, len(x), batch_size)
        extra = {} if teacher_logits is None else {"teacher_logits": teacher_logits[batch]}
        optimizer.update(net.params, net.gradient(x[batch], t[batch], **extra))


def _quantisation(net, x_test, t_test, config: Config) -> dict:
    """Test accuracy and bytes of ``net`` quantised to each bit width and rounded to each float format."""
    acc = {"32": net.accuracy(x_test, t_test)}
    size = {"32": quantized_bytes(net.params)}
    for k in config.bits:
        acc[str(k)] = quantize_network(net, k).accuracy(x_test, t_test)
        size[str(k)] = quantized_bytes(net.params, k)
    n = int(sum(p.size for p in net.params.values()))
    float_acc = {}
    for name in config.floats:
        rounded = copy.deepcopy(net)
        for p in rounded.params.values():
            p[...] = round_to_format(p, name)
        float_acc[name] = rounded.accuracy(x_test, t_test)
    return {"acc": acc, "bytes": size, "float_acc": float_acc,
            "float_bytes": {name: memory_bytes(n, name) for name in config.floats}, "params": n,
            "weights": int(sum(p.size for key, p in net.params.items() if key.startswith("W")))}


def _pruning(net, data, config: Config) -> dict:
    """Accuracy at each sparsity, right after pruning and after a masked fine-tune; CSR bytes."""
    (x, t), (x_test, t_test) = data
    out = {"pruned": [], "finetuned": [], "bytes": [], "nonzero": []}
    for s in config.sparsities:
        pruned = copy.deepcopy(net)
        masks = magnitude_masks(pruned.params, s, scope=config.prune_scope)
        apply_masks(pruned.params, masks)
        out["pruned"].append(pruned.accuracy(x_test, t_test))
        _steps(pruned, x, t, MaskedOptimizer(Adam(lr=config.finetune_lr), masks), config.finetune_iterations,
               config.batch_size, config.seed + 1)
        out["finetuned"].append(pruned.accuracy(x_test, t_test))
        out["bytes"].append(sparse_bytes(pruned.params))
        out["nonzero"].append(count_nonzero(pruned.params)[0])
    return out


def run(config: Config) -> Result:
    (x, t), (x_test, t_test) = data = mnist(config.source, n_train=config.n_train, n_test=config.n_test)
    teacher = MultiLayerNet(x.shape[1], list(config.teacher_hidden), 10, seed=config.seed)
    train(teacher, data, iterations=config.teacher_iterations, batch_size=config.batch_size, lr=config.lr,
          eval_every=config.teacher_iterations, seed=config.seed, optimizer="Adam")
    nets = {"mlp": (teacher, x_test)}
    if config.cnn_iterations:
        images = (x.reshape(-1, 1, 28, 28), t), (x_test.reshape(-1, 1, 28, 28), t_test)   # (N, 1, 28, 28)
        cnn = SimpleConvNet((1, 28, 28), {"filter_num": config.cnn_filter_num}, hidden_size=config.cnn_hidden,
                            seed=config.seed)
        train(cnn, images, iterations=config.cnn_iterations, batch_size=config.batch_size, lr=config.lr,
              eval_every=config.cnn_iterations, seed=config.seed, optimizer="Adam")
        nets["cnn"] = (cnn, images[1][0])

    quant = {key: _quantisation(net, inputs, t_test, config) for key, (net, inputs) in nets.items()}

    pruning = _pruning(teacher, data, config)

    teacher_logits = teacher.predict(x)                                    # (N, 10), once
    # Soft targets of one test digit: the correctly classified one whose runner-up class is the
    # most plausible to the teacher at T = 1 (the "dark knowledge" is easiest to see there).
    p1 = softmax_with_temperature(teacher.predict(x_test), 1.0)            # (N_test, 10)
    runner_up = np.where(p1.argmax(axis=1) == t_test, np.sort(p1, axis=1)[:, -2], -1.0)
    digit = int(runner_up.argmax())
    z_digit = teacher.predict(x_test[digit:digit + 1])[0]                   # (10,)
    arrays = {"soft/image": x_test[digit].reshape(28, 28),
              **{f"soft/T={T:g}": softmax_with_temperature(z_digit, T) for T in config.temperatures}}
    alone, distilled = [], {str(T): [] for T in config.temperatures}
    for s in config.student_seeds:
        # The same initial weights (seed 1000 + s) and batches (seed s) for every loss.
        for T, alpha, accs in [(1.0, 1.0, alone)] + [(T, config.alpha, distilled[str(T)]) for T in config.temperatures]:
            student = MultiLayerNet(x.shape[1], list(config.student_hidden), 10, seed=1000 + s)
            _steps(Distiller(student, T=T, alpha=alpha), x, t, Adam(lr=config.lr), config.student_iterations,
                   config.batch_size, s, teacher_logits)
            accs.append(student.accuracy(x_test, t_test))
    probe = MultiLayerNet(x.shape[1], list(config.student_hidden), 10, seed=0)
    student_params = int(sum(p.size for p in probe.params.values()))

    differences = {T: [d - a for d, a in zip(accs, alone)] for T, accs in distilled.items()}
    best_T = max(distilled, key=lambda T: np.mean(distilled[T]))
    values = {
        "n_train": len(x), "n_test": len(x_test), "batch_size": config.batch_size, "lr": config.lr,
        "teacher_train_acc": teacher.accuracy(x, t), "soft_label": int(t_test[digit]),
        "soft_runner_up": int(np.argsort(p1[digit])[-2]),
        "soft_temperatures": [f"{T:g}" for T in config.temperatures],
        "student_epochs": config.student_iterations * config.batch_size / len(x),
        "teacher_hidden": list(config.teacher_hidden), "teacher_iterations": config.teacher_iterations,
        "cnn_iterations": config.cnn_iterations, "cnn_filter_num": config.cnn_filter_num,
        "nets": list(nets), "bits": list(config.bits), "floats": list(config.floats),
        "quant": quant,
        "student_hidden": list(config.student_hidden), "student_iterations": config.student_iterations,
        "student_params": student_params, "student_bytes": 4 * student_params,
        "temperatures": [str(T) for T in config.temperatures], "alpha": config.alpha,
        "student_seeds": len(config.student_seeds),
        "alone": {"acc": alone, "mean": float(np.mean(alone)), "min": min(alone), "max": max(alone)},
        "distilled": {T: {"acc": a, "mean": float(np.mean(a)), "min": min(a), "max": max(a),
                          "diff_mean": float(np.mean(differences[T])), "diff_min": min(differences[T]),
                          "diff_max": max(differences[T])} for T, a in distilled.items()},
        "best_T": best_T,
        "sparsities": list(config.sparsities), "prune_scope": config.prune_scope,
        "finetune_iterations": config.finetune_iterations, "finetune_lr": config.finetune_lr,
        "pruning": pruning,
        "description": describe(config.source),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"bits": "重みのビット数 k", "mlp": "全結合 {h}", "cnn": "SimpleConvNet", "float32": "float32",
        "sparsity": "スパース率（取り除いた重みの割合）", "pruned": "プルーニング直後", "finetuned": "ファインチューニング後",
        "bytes": "大きさ（バイト、対数目盛）", "quant": "量子化（{k} ビット）", "prune": "プルーニング＋ファインチューニング",
        "teacher": "教師モデル（float32）", "student": "生徒モデル（蒸留、T = {T}）", "alone": "生徒モデル（単独）",
        "kbits": "{k} ビット", "label": "テスト画像（ラベル {label}）", "class": "クラス（数字）",
        "prob": "教師モデルの確率"},
    en={"bits": "weight bits k", "mlp": "fully connected {h}", "cnn": "SimpleConvNet", "float32": "float32",
        "sparsity": "sparsity (fraction of weights removed)", "pruned": "right after pruning",
        "finetuned": "after fine-tuning", "bytes": "size (bytes, log scale)", "quant": "quantised ({k} bits)",
        "prune": "pruned + fine-tuned", "teacher": "teacher (float32)", "student": "student (distilled, T = {T})",
        "alone": "student (alone)", "kbits": "{k} bits", "label": "test image (label {label})", "class": "class (digit)",
        "prob": "teacher's probability"},
)


def _name(v: dict, key: str, text: dict) -> str:
    return text["cnn"] if key == "cnn" else text["mlp"].format(h="-".join(map(str, v["teacher_hidden"])))


def plot_bits(result: Result, lang: str):
    """Test accuracy against the weights' bit width, one line per network, float32 as the right end."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
        ks = sorted(v["bits"]) + [32]
        for i, key in enumerate(v["nets"]):
            acc = v["quant"][key]["acc"]
            ax.plot(range(len(ks)), [acc[str(k)] for k in ks], "o-", color=f"C{i}", label=_name(v, key, text))
        ax.set_xticks(range(len(ks)), [str(k) for k in ks])
        ax.set(xlabel=text["bits"], ylabel=text["test_acc"], ylim=(0, 1))
        ax.axhline(0.1, color="0.6", linewidth=0.8, linestyle=":")
        ax.legend(loc="lower right", fontsize="small")
    return figure


def plot_pruning(result: Result, lang: str):
    """Test accuracy against sparsity, right after pruning and after the masked fine-tune."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    s = [0.0] + v["sparsities"]
    base = v["quant"]["mlp"]["acc"]["32"]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
        at = range(len(s))   # evenly spaced: the high sparsities are where things happen
        ax.plot(at, [base] + v["pruning"]["pruned"], "o--", color="C3", label=text["pruned"])
        ax.plot(at, [base] + v["pruning"]["finetuned"], "o-", color="C2", label=text["finetuned"])
        ax.set_xticks(at, [f"{x:g}" for x in s])
        ax.set(xlabel=text["sparsity"], ylabel=text["test_acc"], ylim=(0, 1))
        ax.legend(loc="lower left", fontsize="small")
    return figure


def plot_tradeoff(result: Result, lang: str):
    """Test accuracy against size in bytes (log scale): quantised, pruned, the teacher and the students."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    q = v["quant"]["mlp"]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
        ks = sorted(v["bits"])
        ax.plot([q["bytes"][str(k)] for k in ks], [q["acc"][str(k)] for k in ks], "o-", color="C0",
                label=text["quant"].format(k=", ".join(map(str, ks))))
        for k in ks:
            ax.annotate(str(k), (q["bytes"][str(k)], q["acc"][str(k)]), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize="x-small", color="C0")
        p = v["pruning"]
        ax.plot(p["bytes"], p["finetuned"], "s-", color="C2", label=text["prune"])
        for s, b, a in zip(v["sparsities"], p["bytes"], p["finetuned"]):
            ax.annotate(f"{s:g}", (b, a), textcoords="offset points", xytext=(0, -12), ha="center",
                        fontsize="x-small", color="C2")
        ax.plot([q["bytes"]["32"]], [q["acc"]["32"]], "*", markersize=12, color="C1", label=text["teacher"])
        T = v["best_T"]
        ax.plot([v["student_bytes"]], [v["distilled"][T]["mean"]], "D", color="C4",
                label=text["student"].format(T=f"{float(T):g}"))
        ax.plot([v["student_bytes"]], [v["alone"]["mean"]], "x", markersize=8, color="C7", label=text["alone"])
        ax.set_xscale("log")
        lowest = min(min(q["acc"].values()), min(p["finetuned"]), v["alone"]["mean"])
        ax.set(xlabel=text["bytes"], ylabel=text["test_acc"], ylim=(lowest - 0.05, 1.0))   # room for the labels
        ax.legend(loc="lower right", fontsize="small")
    return figure


def plot_soft_targets(result: Result, lang: str):
    """One test digit and the teacher's class probabilities for it at each temperature."""
    import matplotlib.pyplot as plt

    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    temps = v["soft_temperatures"]
    with style(lang):
        figure, (ax_img, ax) = plt.subplots(1, 2, figsize=(7.0, 2.8), width_ratios=(1, 3.2), layout="constrained")
        ax_img.imshow(a["soft/image"], cmap="gray_r", interpolation="nearest")
        ax_img.set_title(text["label"].format(label=v["soft_label"]), fontsize="small")
        ax_img.set_xticks([]), ax_img.set_yticks([])
        width = 0.8 / len(temps)
        for i, T in enumerate(temps):
            ax.bar(np.arange(10) + (i - (len(temps) - 1) / 2) * width, a[f"soft/T={T}"], width, color=f"C{i}",
                   label=f"T = {T}")
        ax.set_xticks(range(10))
        ax.set(xlabel=text["class"], ylabel=text["prob"], ylim=(0, 1))
        ax.legend(fontsize="small")
    return figure


FIGURES = {"soft_targets": plot_soft_targets, "bits": plot_bits, "pruning": plot_pruning, "tradeoff": plot_tradeoff}
