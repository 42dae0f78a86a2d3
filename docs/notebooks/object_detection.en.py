# %% [markdown]
# # Object detection
#
# This notebook reproduces the figures and numbers of the page [Object detection](../object_detection.md): the IoU of two boxes counted in pixels, the precision–recall curve of a ranking with its two AP interpolations, and a YOLO-style grid detector trained on generated images of shapes, with its mAP, its detections before and after NMS, and the effect of the NMS threshold.
#
# The results are loaded from the `dl_notes.experiments` cache: the experiments are not rerun unless the `dl_notes` code has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.box_metrics import plot_iou, plot_pr

outcome = ensure("box_metrics")
metrics = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({metrics.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## IoU: the Jaccard index of the pixels

# %%
from dl_notes.boxes import box_iou

v = metrics.values["iou"]
print(f"TP {v['tp']}, FP {v['fp']}, FN {v['fn']}: TP / (TP + FP + FN) = {v['jaccard']:.4f}")
print("box_iou:", box_iou([v["box_a"]], [v["box_b"]])[0, 0].round(4))
show(plot_iou(metrics, "en"))

# %% [markdown]
# ## Precision, recall and the two AP interpolations

# %%
r = metrics.values["ranking"]
print(f"all-point AP {r['ap_all_point']:.4f}, 11-point AP {r['ap_11_point']:.4f}")
show(plot_pr(metrics, "en"))

# %% [markdown]
# ## The grid detector on images of shapes

# %%
from dl_notes.experiments.grid_detector_shapes import plot_nms, plot_pr as plot_detector_pr, plot_predictions, plot_training

detector = ensure("grid_detector_shapes").result
d = detector.values
print(f"mAP@0.5 {d['map50']:.3f} (11-point {d['map50_11_point']:.3f}), mAP@0.75 {d['map75']:.3f}")
print("AP@0.5 per class:", {name: round(ap, 3) for name, ap in d["ap50"].items()})
show(plot_training(detector, "en"))
show(plot_detector_pr(detector, "en"))
show(plot_predictions(detector, "en"))

# %% [markdown]
# ## The NMS threshold

# %%
for s in d["sweep"]:
    name = "no NMS" if s["threshold"] is None else f"{s['threshold']:g}"
    print(f"{name:>7}: mAP {s['map']:.3f}, {s['detections']} boxes ({s['duplicates']} duplicates), "
          f"{s['shown']} shown ({s['shown_duplicates']} duplicates)")
show(plot_nms(detector, "en"))

# %% [markdown]
# ## Try it
#
# Train a smaller detector quickly and score it: change the number of training iterations, the NMS threshold or the score threshold, and see how the mAP and the number of boxes change. `nms` and `mean_average_precision` work on any boxes, so you can also score boxes of your own.

# %%
import numpy as np

from dl_notes.detection_metrics import mean_average_precision
from dl_notes.grid_detector import GridDetector, encode_targets
from dl_notes.optim import Adam
from dl_notes.shapes import make_scenes

train, test = make_scenes(500, seed=10), make_scenes(100, seed=11)
net = GridDetector(seed=0)
targets = encode_targets(train.boxes, train.labels, 32, net.grid)
optimizer, rng = Adam(lr=0.003), np.random.default_rng(0)
for _ in range(150):                                   # try more iterations
    batch = rng.choice(len(train.images), 32, replace=False)
    optimizer.update(net.params, net.gradient(train.images[batch], targets[batch]))
for threshold in (None, 0.3, 0.5, 0.7):                # try other NMS thresholds
    found = net.detect(test.images, score_threshold=0.01, iou_threshold=threshold)
    m = mean_average_precision(found, list(zip(test.boxes, test.labels)), n_classes=3)
    print(f"NMS {threshold}: mAP@0.5 {m['map']:.3f}, {sum(len(s) for _, s, _ in found)} boxes")
