r"""An FCN-style and a U-Net-style network label the pixels of generated shapes: pixel accuracy and mean IoU.

The data are `dl_notes.shapes.make_scenes` images (rectangles, ellipses and triangles on a noisy
background) with their exact semantic masks: 4 classes, the background included. Both networks
(`dl_notes.fcn.SmallFCN`, skips added; `dl_notes.fcn.SmallUNet`, skips concatenated) have the
same encoder design and widths chosen for similar parameter counts; they are trained with Adam
on the same mini-batches (drawn from the same seed) for the same number of iterations, on the
per-pixel cross-entropy (`dl_notes.segmentation.PixelSoftmaxWithLoss`). Every ``eval_every``
iterations the held-out pixel accuracy and mean IoU are measured; at the end the per-class IoU
and a few test predictions are kept. The "everything is background" labelling is scored the
same way, to show what pixel accuracy gives for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.fcn import SmallFCN, SmallUNet
from dl_notes.optim import Adam
from dl_notes.segmentation import class_iou, confusion_matrix, mean_iou, pixel_accuracy
from dl_notes.shapes import CLASSES, make_scenes

from ._plotting import PALETTE, check_lang, note, panels, style, texts
from ._result import Result

TITLE = {"ja": "生成した図形のセグメンテーション：FCN 型と U-Net 型",
         "en": "Segmenting generated shapes: FCN-style against U-Net-style"}

NETS = ("fcn", "unet")


@dataclass(frozen=True)
class Config:
    """Data, the two networks' widths, the shared schedule, how many test images are drawn."""

    n_train: int = 1000
    n_test: int = 200
    size: int = 32
    shapes: tuple[int, int] = (1, 3)
    fcn_channels: tuple[int, int, int] = (8, 16, 40)
    unet_channels: tuple[int, int, int] = (6, 12, 24)
    iterations: int = 600
    batch_size: int = 16
    lr: float = 0.01
    eval_every: int = 50
    shown: int = 4
    seed: int = 0


DEFAULT = Config()
TINY = Config(n_train=24, n_test=8, size=16, fcn_channels=(2, 3, 4), unet_channels=(2, 3, 4), iterations=4,
              batch_size=4, eval_every=2, shown=2)


def _build(name: str, config: Config):
    if name == "fcn":
        return SmallFCN(3, len(CLASSES) + 1, config.fcn_channels, seed=config.seed)
    return SmallUNet(3, len(CLASSES) + 1, config.unet_channels, seed=config.seed)


def _scores(pred: np.ndarray, truth: np.ndarray, K: int) -> dict:
    return {"pixel_accuracy": pixel_accuracy(pred, truth), "mean_iou": mean_iou(pred, truth, K),
            "class_iou": [float(v) for v in class_iou(confusion_matrix(pred, truth, K))]}


def run(config: Config) -> Result:
    K = len(CLASSES) + 1
    small, large = max(2, config.size * 6 // 32), max(3, config.size * 14 // 32)   # the default 6-14 px at 32
    train = make_scenes(config.n_train, size=config.size, shapes=config.shapes, object_size=(small, large),
                        seed=config.seed)
    test = make_scenes(config.n_test, size=config.size, shapes=config.shapes, object_size=(small, large),
                       seed=config.seed + 1)
    x, t = train.images, train.masks                                         # (N, 3, H, W), (N, H, W)
    arrays: dict[str, np.ndarray] = {"images": test.images[:config.shown], "truth": test.masks[:config.shown]}
    final, params = {}, {}
    for name in NETS:
        net, optimizer = _build(name, config), Adam(lr=config.lr)
        params[name] = int(sum(p.size for p in net.params.values()))
        rng = np.random.default_rng(config.seed)                             # the same batches for both nets
        iterations, accuracy, miou, losses = [], [], [], []
        for i in range(config.iterations + 1):
            if i % config.eval_every == 0 or i == config.iterations:
                pred = net.segment(test.images)
                iterations.append(i)
                accuracy.append(pixel_accuracy(pred, test.masks))
                miou.append(mean_iou(pred, test.masks, K))
            if i == config.iterations:
                break
            batch = rng.choice(len(x), config.batch_size, replace=False)
            optimizer.update(net.params, net.gradient(x[batch], t[batch]))
            if not np.isfinite(net.last_loss):
                raise FloatingPointError(f"segmentation_shapes: {name} diverged at iteration {i} (loss {net.last_loss})")
            losses.append(net.last_loss)
        final[name] = _scores(pred, test.masks, K)
        arrays.update({f"{name}/iterations": np.array(iterations), f"{name}/pixel_accuracy": np.array(accuracy),
                       f"{name}/mean_iou": np.array(miou), f"{name}/batch_loss": np.array(losses),
                       f"{name}/pred": pred[:config.shown]})
    background = _scores(np.zeros_like(test.masks), test.masks, K)
    c1, c2, _ = config.unet_channels
    winner = max(NETS, key=lambda n: final[n]["mean_iou"])
    values = {
        "nets": list(NETS), "classes": ["background", *CLASSES], "final": final, "params": params,
        "background": background, "background_share": float(np.mean(test.masks == 0)),
        "winner": winner, "miou_gap": abs(final["fcn"]["mean_iou"] - final["unet"]["mean_iou"]),
        # still improving at the end: the last measured mean IoU above the one before
        "still_rising": {n: bool(arrays[f"{n}/mean_iou"][-1] > arrays[f"{n}/mean_iou"][-2]) for n in NETS},
        "params_ratio": params["unet"] / params["fcn"],
        "skip": {"fcn_added": K, "fcn_score_in": config.fcn_channels[1], "unet_up": c2, "unet_skip": c2,
                 "unet_concat": 2 * c2, "unet_concat_top": 2 * c1},
        "n_train": config.n_train, "n_test": config.n_test, "size": config.size, "iterations": config.iterations,
        "batch_size": config.batch_size, "lr": config.lr, "eval_every": config.eval_every, "shown": config.shown,
        "fcn_channels": list(config.fcn_channels), "unet_channels": list(config.unet_channels),
        "object_size": [small, large], "shapes": list(config.shapes),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"fcn": "FCN 型（スキップを加算）", "unet": "U-Net 型（スキップを連結）", "fcn_short": "FCN 型",
        "unet_short": "U-Net 型", "miou": "平均 IoU", "pa": "画素正解率", "baseline": "すべて背景と予測",
        "input": "入力画像", "truth": "正解", "miou_title": "テストデータの平均 IoU",
        "pa_title": "テストデータの画素正解率",
        "background": "背景", "rectangle": "長方形", "ellipse": "楕円", "triangle": "三角形"},
    en={"fcn": "FCN-style (skips added)", "unet": "U-Net-style (skips concatenated)", "fcn_short": "FCN-style",
        "unet_short": "U-Net-style", "miou": "mean IoU", "pa": "pixel accuracy", "baseline": "everything background",
        "input": "input image", "truth": "truth", "miou_title": "test mean IoU", "pa_title": "test pixel accuracy",
        "background": "background", "rectangle": "rectangle", "ellipse": "ellipse", "triangle": "triangle"},
)


def plot_curves(result: Result, lang: str):
    """Test mean IoU and pixel accuracy against iterations, both networks, with the all-background baseline."""
    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    with panels(lang, 2, size=(4.2, 3.2)) as (figure, axes):
        for ax, key, title, base in ((axes[0, 0], "mean_iou", "miou_title", "mean_iou"),
                                     (axes[0, 1], "pixel_accuracy", "pa_title", "pixel_accuracy")):
            for i, name in enumerate(v["nets"]):
                ax.plot(a[f"{name}/iterations"], a[f"{name}/{key}"], color=PALETTE[i], lw=1.6, label=text[name])
            ax.axhline(v["background"][base], color="#7f7f7f", ls="--", lw=1.0, label=text["baseline"])
            ax.set(xlabel=text["iteration"], title=text[title], ylim=(0, 1))
        axes[0, 0].legend(fontsize="small", loc="lower right")
    return figure


def plot_predictions(result: Result, lang: str):
    """Test images: the input, the true mask and both networks' predicted masks (one colour per class)."""
    import matplotlib.colors as mcolors
    from matplotlib.patches import Patch

    text, a, v = TEXT[check_lang(lang)], result.arrays, result.values
    cmap = mcolors.ListedColormap(["#222222", PALETTE[0], PALETTE[1], PALETTE[2]])
    rows = [("input", None), ("truth", a["truth"])] + [(f"{n}_short", a[f"{n}/pred"]) for n in v["nets"]]
    shown = len(a["images"])
    with panels(lang, len(rows) * shown, shown, size=(1.5, 1.5)) as (figure, axes):
        for r, (label, masks) in enumerate(rows):
            for j in range(shown):
                ax = axes[r, j]
                if masks is None:
                    ax.imshow(a["images"][j].transpose(1, 2, 0), interpolation="nearest")
                else:
                    ax.imshow(masks[j], cmap=cmap, vmin=0, vmax=3, interpolation="nearest")
                ax.set_xticks([]), ax.set_yticks([])
                if j == 0:
                    ax.set_ylabel(text[label], fontsize=9)
        handles = [Patch(color=cmap(k), label=text[c])
                   for k, c in enumerate(v["classes"])]
        figure.legend(handles=handles, loc="outside lower center", ncols=4, fontsize="small")
    return figure


def plot_class_iou(result: Result, lang: str):
    """Per-class IoU of both networks and of the all-background labelling."""
    import matplotlib.pyplot as plt

    text, v = TEXT[check_lang(lang)], result.values
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        k = np.arange(len(v["classes"]))
        bars = [("fcn", v["final"]["fcn"]), ("unet", v["final"]["unet"]), ("baseline", v["background"])]
        for i, (label, scores) in enumerate(bars):
            ax.bar(k + (i - 1) * 0.27, np.nan_to_num(scores["class_iou"]), 0.27, color=PALETTE[i] if i < 2 else "#7f7f7f",
                   label=note(text[label], f"{text['miou']} {scores['mean_iou']:.2f}", lang))
        ax.set_xticks(k, [text[c] for c in v["classes"]])
        ax.set(ylabel="IoU", ylim=(0, 1.05))
        figure.legend(fontsize="small", loc="outside lower center", ncols=1)
    return figure


FIGURES = {"curves": plot_curves, "predictions.png": plot_predictions, "class_iou": plot_class_iou}
