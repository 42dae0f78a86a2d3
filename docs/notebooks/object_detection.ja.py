# %% [markdown]
# # 物体検出
#
# [物体検出](../object_detection.md)のページの図と数を、このノートブックで再現します。2 つの箱の IoU を画素で数え、ランキングの適合率–再現率曲線と AP の 2 つの補間を描き、生成した図形の画像で学習した YOLO 型のグリッド検出器の mAP、NMS 前後の検出、NMS のしきい値の効果を見ます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.box_metrics import plot_iou, plot_pr

outcome = ensure("box_metrics")
metrics = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{metrics.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## IoU：画素のジャッカード係数

# %%
from dl_notes.boxes import box_iou

v = metrics.values["iou"]
print(f"TP {v['tp']}、FP {v['fp']}、FN {v['fn']}：TP / (TP + FP + FN) = {v['jaccard']:.4f}")
print("box_iou：", box_iou([v["box_a"]], [v["box_b"]])[0, 0].round(4))
show(plot_iou(metrics, "ja"))

# %% [markdown]
# ## 適合率、再現率と AP の 2 つの補間

# %%
r = metrics.values["ranking"]
print(f"全点補間の AP {r['ap_all_point']:.4f}、11 点補間の AP {r['ap_11_point']:.4f}")
show(plot_pr(metrics, "ja"))

# %% [markdown]
# ## 図形の画像で学習したグリッド型の検出器

# %%
from dl_notes.experiments.grid_detector_shapes import plot_nms, plot_pr as plot_detector_pr, plot_predictions, plot_training

detector = ensure("grid_detector_shapes").result
d = detector.values
print(f"mAP@0.5 {d['map50']:.3f}（11 点補間 {d['map50_11_point']:.3f}）、mAP@0.75 {d['map75']:.3f}")
print("クラスごとの AP@0.5：", {name: round(ap, 3) for name, ap in d["ap50"].items()})
show(plot_training(detector, "ja"))
show(plot_detector_pr(detector, "ja"))
show(plot_predictions(detector, "ja"))

# %% [markdown]
# ## NMS のしきい値

# %%
for s in d["sweep"]:
    name = "NMS なし" if s["threshold"] is None else f"{s['threshold']:g}"
    print(f"{name:>7}：mAP {s['map']:.3f}、箱 {s['detections']} 個（重複 {s['duplicates']} 個）、"
          f"表示 {s['shown']} 個（重複 {s['shown_duplicates']} 個）")
show(plot_nms(detector, "ja"))

# %% [markdown]
# ## 試してみよう
#
# 小さな検出器を短く学習させて評価します。学習の回数、NMS のしきい値、スコアのしきい値を変えて、mAP と箱の数がどう変わるかを見てください。`nms` と `mean_average_precision` はどんな箱にも使えるので、自分で作った箱を評価することもできます。

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
for _ in range(150):                                   # 回数を増やしてみる
    batch = rng.choice(len(train.images), 32, replace=False)
    optimizer.update(net.params, net.gradient(train.images[batch], targets[batch]))
for threshold in (None, 0.3, 0.5, 0.7):                # ほかのしきい値も試す
    found = net.detect(test.images, score_threshold=0.01, iou_threshold=threshold)
    m = mean_average_precision(found, list(zip(test.boxes, test.labels)), n_classes=3)
    print(f"NMS {threshold}：mAP@0.5 {m['map']:.3f}、箱 {sum(len(s) for _, s, _ in found)} 個")
