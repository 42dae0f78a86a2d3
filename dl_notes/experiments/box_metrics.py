r"""IoU of two boxes counted in pixels, and the precision–recall curve of a fixed ranking with its
11-point and all-point interpolations: the detection metrics of `dl_notes.boxes` and
`dl_notes.detection_metrics` on small, hand-checkable cases (no training).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.boxes import box_area, box_iou
from dl_notes.detection_metrics import average_precision, precision_recall

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "IoU と適合率–再現率曲線、AP の 2 つの補間", "en": "IoU, the precision–recall curve and the two AP interpolations"}


@dataclass(frozen=True)
class Config:
    """Two boxes (corners, pixels) for the IoU picture and a ranking of detections (1 = true positive)."""

    box_a: tuple[int, int, int, int] = (2, 2, 10, 8)
    box_b: tuple[int, int, int, int] = (5, 4, 13, 12)
    canvas: int = 15
    ranking: tuple[int, ...] = (1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0)
    n_truth: int = 6
    seed: int = 0


DEFAULT = Config()
TINY = Config()


def run(config: Config) -> Result:
    a, b = np.array([config.box_a], float), np.array([config.box_b], float)
    size = config.canvas
    ys, xs = np.mgrid[:size, :size] + 0.5                              # pixel centres
    inside_a = (xs > a[0, 0]) & (xs < a[0, 2]) & (ys > a[0, 1]) & (ys < a[0, 3])
    inside_b = (xs > b[0, 0]) & (xs < b[0, 2]) & (ys > b[0, 1]) & (ys < b[0, 3])
    tp, fp, fn = int((inside_a & inside_b).sum()), int((inside_a & ~inside_b).sum()), int((~inside_a & inside_b).sum())
    tp_flags = np.array(config.ranking, dtype=bool)
    scores = -np.arange(len(tp_flags), dtype=float)                    # already ranked, best first
    precision, recall = precision_recall(tp_flags, scores, config.n_truth)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    levels = np.arange(11) / 10
    first = np.searchsorted(recall, levels, side="left")
    eleven = np.where(first < len(recall), envelope[np.minimum(first, len(recall) - 1)], 0.0)
    values = {
        "iou": {"box_a": list(config.box_a), "box_b": list(config.box_b), "iou": float(box_iou(a, b)[0, 0]),
                "area_a": float(box_area(a)[0]), "area_b": float(box_area(b)[0]),
                "tp": tp, "fp": fp, "fn": fn, "jaccard": tp / (tp + fp + fn)},
        "ranking": {"tp": [int(x) for x in config.ranking], "n_truth": config.n_truth,
                    "n_detections": len(tp_flags), "found": int(tp_flags.sum()),
                    "precision": [float(x) for x in precision], "recall": [float(x) for x in recall],
                    "ap_all_point": average_precision(precision, recall, "all_point"),
                    "ap_11_point": average_precision(precision, recall, "11_point"),
                    "final_precision": float(precision[-1]), "final_recall": float(recall[-1])},
    }
    arrays = {"inside_a": inside_a, "inside_b": inside_b, "precision": precision, "recall": recall,
              "envelope": envelope, "levels": levels, "eleven": eleven}
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"a": "予測 A", "b": "正解 B", "both": "TP（両方）", "only_a": "FP（予測だけ）", "only_b": "FN（正解だけ）",
        "iou_title": "IoU = {tp} ÷（{tp} + {fp} + {fn}）= {iou:.3f}",
        "recall": "再現率", "precision": "適合率", "raw": "順位ごとの値", "envelope": "補間した適合率（全点、面積 {ap:.3f}）",
        "eleven": "11 点補間（平均 {ap:.3f}）", "pr_title": "{n} 個の検出のランキング、正解 {m} 個"},
    en={"a": "prediction A", "b": "truth B", "both": "TP (both)", "only_a": "FP (prediction only)",
        "only_b": "FN (truth only)", "iou_title": "IoU = {tp} / ({tp} + {fp} + {fn}) = {iou:.3f}",
        "recall": "recall", "precision": "precision", "raw": "after each rank",
        "envelope": "interpolated precision (all-point, area {ap:.3f})", "eleven": "11-point (mean {ap:.3f})",
        "pr_title": "a ranking of {n} detections, {m} true objects"},
)


def plot_iou(result: Result, lang: str):
    """The two boxes on a pixel grid, pixels coloured by TP, FP and FN."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    text = TEXT[check_lang(lang)]
    a, b = result.arrays["inside_a"], result.arrays["inside_b"]
    v = result.values["iou"]
    code = np.where(a & b, 3, np.where(a, 1, np.where(b, 2, 0)))
    colours = ["#ffffff", "#aec7e8", "#ffbb78", "#98df8a"]
    with panels(lang, size=(4.4, 3.6)) as (figure, axes):
        ax = axes[0, 0]
        ax.imshow(code, cmap=ListedColormap(colours), vmin=0, vmax=3, extent=(0, code.shape[1], code.shape[0], 0))
        for box, colour, key in ((v["box_a"], PALETTE[0], "a"), (v["box_b"], PALETTE[1], "b")):
            x0, y0, x1, y1 = box
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2, edgecolor=colour))
        ax.set_xticks(range(0, code.shape[1] + 1, 5))
        ax.set_yticks(range(0, code.shape[0] + 1, 5))
        ax.set_xticks(range(code.shape[1] + 1), minor=True)
        ax.set_yticks(range(code.shape[0] + 1), minor=True)
        ax.grid(which="minor", color="#dddddd", lw=0.5)
        ax.tick_params(which="minor", length=0)
        ax.set_title(text["iou_title"].format(tp=v["tp"], fp=v["fp"], fn=v["fn"], iou=v["iou"]))
        handles = [Patch(facecolor=colours[3], label=text["both"]), Patch(facecolor=colours[1], label=text["only_a"]),
                   Patch(facecolor=colours[2], label=text["only_b"]),
                   Patch(fill=False, edgecolor=PALETTE[0], lw=2, label=text["a"]),
                   Patch(fill=False, edgecolor=PALETTE[1], lw=2, label=text["b"])]
        ax.legend(handles=handles, fontsize="small", loc="center left", bbox_to_anchor=(1.02, 0.5))
    return figure


def plot_pr(result: Result, lang: str):
    """Precision and recall after each rank, the monotone envelope (all-point) and the 11 sampled recalls."""
    text = TEXT[check_lang(lang)]
    ar, v = result.arrays, result.values["ranking"]
    recall, precision, envelope = ar["recall"], ar["precision"], ar["envelope"]
    with panels(lang, size=(6.0, 3.8)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(recall, precision, "o", color=PALETTE[0], label=text["raw"], zorder=3)
        # the envelope as the area it integrates: steps at the recalls the ranking reaches
        r = np.concatenate([[0.0], recall])
        ax.fill_between(r, np.concatenate([envelope[:1], envelope]), step="pre", color=PALETTE[1], alpha=0.25,
                        label=text["envelope"].format(ap=v["ap_all_point"]))
        ax.step(r, np.concatenate([envelope[:1], envelope]), where="pre", color=PALETTE[1])
        ax.plot(ar["levels"], ar["eleven"], "s", mfc="none", color=PALETTE[3],
                label=text["eleven"].format(ap=v["ap_11_point"]))
        ax.set(xlim=(-0.02, 1.02), ylim=(-0.02, 1.05), xlabel=text["recall"], ylabel=text["precision"],
               title=text["pr_title"].format(n=v["n_detections"], m=v["n_truth"]))
        ax.legend(fontsize="small", loc="lower left")
    return figure


FIGURES = {"iou": plot_iou, "pr": plot_pr}
