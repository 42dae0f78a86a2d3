r"""A YOLO-style grid detector trained on generated images of shapes, scored by the site's own mAP.

`dl_notes.grid_detector.GridDetector` (three blocks of convolution, batch normalisation, ReLU and
pooling, a 4×4 grid) is trained with Adam on scenes of `dl_notes.shapes.make_scenes` (rectangles,
ellipses and triangles with exact boxes). On held-out scenes it measures the AP of each class and
their mean at IoU 0.5 and 0.75 (`dl_notes.detection_metrics`), the precision–recall curves, how
the NMS IoU threshold changes mAP and the number of boxes and duplicates (no NMS included), and
the inference speed on this CPU. A few test images are kept with their detections before and
after NMS for drawing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from dl_notes.boxes import box_iou
from dl_notes.detection_metrics import match_detections, mean_average_precision
from dl_notes.grid_detector import GridDetector, encode_targets
from dl_notes.optim import Adam
from dl_notes.shapes import CLASSES, make_scenes

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "図形の画像で学習したグリッド型の物体検出器：mAP、適合率–再現率曲線、NMS のしきい値、FPS",
         "en": "A grid detector trained on images of shapes: mAP, precision–recall curves, the NMS threshold, FPS"}


@dataclass(frozen=True)
class Config:
    """The data (image size, counts), the net, the training and the evaluation."""

    size: int = 32
    n_train: int = 2000
    n_test: int = 300
    channels: tuple[int, ...] = (16, 32, 32)
    iterations: int = 600
    batch_size: int = 32
    lr: float = 0.003
    record_every: int = 20
    score_threshold: float = 0.01       # detections kept for AP: low, so the whole ranking counts
    display_threshold: float = 0.3      # detections drawn and counted as "shown"
    nms_thresholds: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9)
    iou_threshold: float = 0.5          # NMS threshold of the main result
    n_draw: int = 6
    fps_batch: int = 100
    fps_repeats: int = 3
    seed: int = 0


DEFAULT = Config()
TINY = Config(n_train=64, n_test=24, channels=(4, 4, 4), iterations=20, batch_size=8, record_every=5,
              nms_thresholds=(0.3, 0.5, 0.7), n_draw=2, fps_batch=12, fps_repeats=1)


def duplicates(detections: list, truths: list, iou: float = 0.5) -> int:
    """False positives that overlap a true object of their class by ``iou`` or more: second boxes on a found object."""
    total = 0
    for (boxes, scores, labels), (true_boxes, true_labels) in zip(detections, truths):
        for c in np.unique(labels):
            mine, theirs = labels == c, true_labels == c
            if not theirs.any():
                continue
            hit = match_detections(boxes[mine], scores[mine], true_boxes[theirs], iou)
            near = box_iou(boxes[mine], true_boxes[theirs]).max(axis=1) >= iou
            total += int((~hit & near).sum())
    return total


def shown(detections: list, threshold: float) -> list:
    return [(b[s >= threshold], s[s >= threshold], k[s >= threshold]) for b, s, k in detections]


def run(config: Config) -> Result:
    if config.iou_threshold not in config.nms_thresholds or list(config.nms_thresholds) != sorted(config.nms_thresholds):
        raise ValueError(f"nms_thresholds must be increasing and include iou_threshold = {config.iou_threshold}, "
                         f"got {config.nms_thresholds}")
    train = make_scenes(config.n_train, size=config.size, seed=config.seed)
    test = make_scenes(config.n_test, size=config.size, seed=config.seed + 1)
    net = GridDetector(size=config.size, n_classes=len(CLASSES), channels=config.channels, seed=config.seed)
    targets = encode_targets(train.boxes, train.labels, config.size, net.grid)
    n_objects = sum(len(b) for b in train.boxes)
    optimizer = Adam(lr=config.lr)
    rng = np.random.default_rng([config.seed, 1])
    losses = []
    for it in range(config.iterations):
        batch = rng.choice(config.n_train, config.batch_size, replace=False)
        grads = net.gradient(train.images[batch], targets[batch])
        if not np.isfinite(net.last_loss):
            raise FloatingPointError(f"grid_detector_shapes: the loss diverged at iteration {it}; lower lr")
        optimizer.update(net.params, grads)
        losses.append(net.last_loss)
    curve = np.array(losses).reshape(-1, config.record_every).mean(axis=1)

    truths = list(zip(test.boxes, test.labels))
    raw = net.detect(test.images, config.score_threshold, iou_threshold=None)
    main = net.detect(test.images, config.score_threshold, iou_threshold=config.iou_threshold)
    scores = {}
    for name, iou in (("map50", 0.5), ("map75", 0.75)):
        scores[name] = mean_average_precision(main, truths, len(CLASSES), iou_threshold=iou)
    eleven = mean_average_precision(main, truths, len(CLASSES), method="11_point")

    sweep = []
    for theta in (None, *config.nms_thresholds):
        found = raw if theta is None else net.detect(test.images, config.score_threshold, iou_threshold=theta)
        m = mean_average_precision(found, truths, len(CLASSES))
        display = shown(found, config.display_threshold)
        sweep.append({"threshold": theta, "map": m["map"], "detections": int(sum(len(s) for _, s, _ in found)),
                      "shown": int(sum(len(s) for _, s, _ in display)),
                      "shown_duplicates": duplicates(display, truths), "duplicates": duplicates(found, truths),
                      "tp": int(m["tp"].sum()), "fp": int(m["fp"].sum())})

    # inference speed: forward pass, decoding and NMS, best of a few runs (the machine is shared)
    images = test.images[:config.fps_batch]
    fastest = np.inf
    for _ in range(config.fps_repeats):
        start = time.perf_counter()
        net.detect(images, config.score_threshold, config.iou_threshold, batch_size=config.fps_batch)
        fastest = min(fastest, time.perf_counter() - start)

    # draw the test images where NMS has most to do: most duplicates shown before it (ties: first image)
    dups = [duplicates(shown([d], config.display_threshold), [t]) for d, t in zip(raw, truths)]
    drawn = np.argsort([-d for d in dups], kind="stable")[:config.n_draw]
    arrays = {"iterations": (np.arange(len(curve)) + 1) * config.record_every, "loss": curve,
              "draw/images": test.images[drawn], "draw/index": drawn}
    for c, name in enumerate(CLASSES):
        arrays[f"pr/{name}/precision"] = scores["map50"]["precision"][c]
        arrays[f"pr/{name}/recall"] = scores["map50"]["recall"][c]
    for tag, found in (("raw", raw), ("nms", main)):
        display = shown([found[n] for n in drawn], config.display_threshold)
        width = max([len(s) for _, s, _ in display] + [1])
        boxes = np.full((config.n_draw, width, 4), np.nan)
        score = np.full((config.n_draw, width), np.nan)
        label = np.full((config.n_draw, width), -1)
        for n, (b, s, k) in enumerate(display):
            boxes[n, :len(s)], score[n, :len(s)], label[n, :len(s)] = b, s, k
        arrays.update({f"draw/{tag}/boxes": boxes, f"draw/{tag}/scores": score, f"draw/{tag}/labels": label})
    arrays["draw/true_boxes"] = np.full((config.n_draw, 4, 4), np.nan)
    for n, b in enumerate(test.boxes[i] for i in drawn):
        arrays["draw/true_boxes"][n, :len(b)] = b

    by_threshold = {("none" if s["threshold"] is None else f"{s['threshold']:g}"): s for s in sweep}
    ranked = sorted(by_threshold.items(), key=lambda item: item[1]["map"])
    worst, best = ranked[0], ranked[-1]
    main_row = by_threshold[f"{config.iou_threshold:g}"]
    values = {
        "config": {"size": config.size, "grid": net.grid, "cell": config.size // net.grid, "n_train": config.n_train,
                   "n_test": config.n_test, "channels": list(config.channels), "iterations": config.iterations,
                   "batch_size": config.batch_size, "lr": config.lr, "record_every": config.record_every,
                   "score_threshold": config.score_threshold,
                   "display_threshold": config.display_threshold, "iou_threshold": config.iou_threshold,
                   "parameters": int(sum(p.size for p in net.params.values())),
                   "epochs": config.iterations * config.batch_size / config.n_train,
                   "outputs": 5 + len(CLASSES), "n_draw": config.n_draw, "fps_batch": config.fps_batch},
        "data": {"train_objects": n_objects, "test_objects": int(sum(len(b) for b in test.boxes)),
                 "train_cells": int(targets[..., 0].sum()), "lost_to_shared_cells": n_objects - int(targets[..., 0].sum())},
        "map50": scores["map50"]["map"], "map75": scores["map75"]["map"], "map50_11_point": eleven["map"],
        "ap50": {name: float(scores["map50"]["ap"][c]) for c, name in enumerate(CLASSES)},
        "ap75": {name: float(scores["map75"]["ap"][c]) for c, name in enumerate(CLASSES)},
        "max_recall50": {name: float(scores["map50"]["recall"][c].max(initial=0.0)) for c, name in enumerate(CLASSES)},
        "draw": {"index": [int(i) for i in drawn], "duplicates_before": int(sum(dups[i] for i in drawn)),
                 "images_with_duplicates": int(sum(d > 0 for d in dups))},
        "first_loss": float(losses[0]), "final_loss": float(curve[-1]),
        "sweep": sweep, "by_threshold": by_threshold, "thresholds": [f"{t:g}" for t in config.nms_thresholds],
        "best": {"label": best[0], "map": best[1]["map"]}, "worst": {"label": worst[0], "map": worst[1]["map"]},
        "main": main_row, "no_nms": by_threshold["none"],
        "nms_gain": main_row["map"] - by_threshold["none"]["map"],
        "fps": {"images_per_second": config.fps_batch / fastest, "ms_per_image": 1000 * fastest / config.fps_batch,
                "batch": config.fps_batch},
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"loss": "損失（訓練バッチ {n} 回の平均）", "map": "mAP@0.5（テスト画像）", "threshold": "NMS の IoU しきい値",
        "none": "NMS なし", "count": "スコア {d} 以上の箱の数", "shown": "箱（合計）", "dups": "うち重複", "objects": "正解の物体",
        "pr_title": "クラスごとの適合率–再現率曲線（IoU 0.5、NMS {t}）", "ap": "{name}（AP {ap:.3f}）",
        "recall": "再現率", "precision": "適合率", "raw": "NMS 前", "nms": "NMS 後（しきい値 {t}）",
        "rectangle": "長方形", "ellipse": "楕円", "triangle": "三角形", "loss_title": "学習曲線",
        "sweep_title": "NMS のしきい値と mAP、表示される箱"},
    en={"loss": "loss (mean of {n} training batches)", "map": "mAP@0.5 (test images)", "threshold": "NMS IoU threshold",
        "none": "no NMS", "count": "boxes with score {d} or more", "shown": "boxes (all)", "dups": "of which duplicates", "objects": "true objects",
        "pr_title": "precision–recall per class (IoU 0.5, NMS {t})", "ap": "{name} (AP {ap:.3f})",
        "recall": "recall", "precision": "precision", "raw": "before NMS", "nms": "after NMS (threshold {t})",
        "rectangle": "rectangle", "ellipse": "ellipse", "triangle": "triangle", "loss_title": "training curve",
        "sweep_title": "NMS threshold against mAP and the boxes shown"},
)


def plot_training(result: Result, lang: str):
    """The training loss."""
    text = TEXT[check_lang(lang)]
    a, c = result.arrays, result.values["config"]
    with panels(lang, size=(5.6, 3.2)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(a["iterations"], a["loss"], color=PALETTE[0])
        ax.set(yscale="log", xlabel=text["iteration"], ylabel=text["loss"].format(n=c["record_every"]), title=text["loss_title"])
    return figure


def plot_pr(result: Result, lang: str):
    """Precision–recall curve of each class on the test images."""
    text = TEXT[check_lang(lang)]
    a, v = result.arrays, result.values
    with panels(lang, size=(5.6, 3.8)) as (figure, axes):
        ax = axes[0, 0]
        for c, name in enumerate(CLASSES):
            r, p = a[f"pr/{name}/recall"], a[f"pr/{name}/precision"]
            envelope = np.maximum.accumulate(p[::-1])[::-1]
            ax.step(np.concatenate([[0.0], r]), np.concatenate([envelope[:1], envelope]), where="pre",
                    color=PALETTE[c], label=text["ap"].format(name=text[name], ap=v["ap50"][name]))
            ax.plot(r, p, ".", color=PALETTE[c], ms=2, alpha=0.5)
        ax.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel=text["recall"], ylabel=text["precision"],
               title=text["pr_title"].format(t=v["config"]["iou_threshold"]))
        ax.legend(fontsize="small", loc="lower left")
    return figure


def plot_nms(result: Result, lang: str):
    """mAP and the number of shown boxes (and duplicates among them) against the NMS threshold."""
    text = TEXT[check_lang(lang)]
    v = result.values
    sweep = v["sweep"]
    labels = [text["none"] if s["threshold"] is None else f"{s['threshold']:g}" for s in sweep]
    x = np.arange(len(sweep))
    with panels(lang, 2, size=(4.0, 3.2)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(x, [s["map"] for s in sweep], "o-", color=PALETTE[0])
        ax.set(xticks=x, xticklabels=labels, xlabel=text["threshold"], ylabel=text["map"], ylim=(0, 1.02))
        ax = axes[0, 1]
        ax.bar(x, [s["shown"] for s in sweep], color=PALETTE[0], alpha=0.4, label=text["shown"])
        ax.bar(x, [s["shown_duplicates"] for s in sweep], color=PALETTE[3], label=text["dups"])
        ax.axhline(v["data"]["test_objects"], color="#333333", ls="--", lw=1, label=text["objects"])
        ax.set(xticks=x, xticklabels=labels, xlabel=text["threshold"],
               ylabel=text["count"].format(d=v["config"]["display_threshold"]),
               ylim=(0, 1.35 * max(*(s["shown"] for s in sweep), v["data"]["test_objects"])))
        ax.legend(fontsize="small", loc="upper center", ncols=2)
        figure.suptitle(text["sweep_title"])
    return figure


def plot_predictions(result: Result, lang: str):
    """Test images with the true boxes (dashed) and the detections before and after NMS."""
    from matplotlib.patches import Rectangle

    text = TEXT[check_lang(lang)]
    a, v = result.arrays, result.values
    n = len(a["draw/images"])
    with panels(lang, 2 * n, n, size=(1.9, 2.0)) as (figure, axes):
        for row, tag in enumerate(("raw", "nms")):
            for i in range(n):
                ax = axes[row, i]
                ax.imshow(a["draw/images"][i].transpose(1, 2, 0), interpolation="nearest")
                for box in a["draw/true_boxes"][i]:
                    if np.isfinite(box).all():
                        ax.add_patch(Rectangle(box[:2] - 0.5, *(box[2:] - box[:2]), fill=False, ls="--", lw=0.8,
                                               edgecolor="white"))
                for box, score, label in zip(a[f"draw/{tag}/boxes"][i], a[f"draw/{tag}/scores"][i],
                                             a[f"draw/{tag}/labels"][i]):
                    if label < 0:
                        continue
                    colour = PALETTE[[1, 2, 6][label]]
                    ax.add_patch(Rectangle(box[:2] - 0.5, *(box[2:] - box[:2]), fill=False, lw=1.2, edgecolor=colour))
                    ax.text(box[0] - 0.5, box[1] - 0.7, f"{text[CLASSES[label]][:2] if lang == 'ja' else CLASSES[label][:4]} "
                            f"{score:.2f}", color=colour, fontsize=6, va="bottom", fontweight="bold")
                ax.set_xticks([])
                ax.set_yticks([])
                if i == 0:
                    ax.set_ylabel(text["raw"] if tag == "raw" else text["nms"].format(t=v["config"]["iou_threshold"]))
    return figure


FIGURES = {"training": plot_training, "pr": plot_pr, "nms": plot_nms, "predictions.png": plot_predictions}
