# %% [markdown]
# # セグメンテーション
#
# [セグメンテーション](../segmentation.md)のページの図と数を、このノートブックで再現します。転置畳み込みのスタンプの重なり、スイッチを使う逆プーリング、膨張畳み込みの受容野を計算し、生成した図形の画像で学習した FCN 型と U-Net 型のネットワークを、画素正解率と平均 IoU で比べます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.transposed_conv_geometry import plot_dilation, plot_transposed, plot_unpooling

outcome = ensure("transposed_conv_geometry")
geometry = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{geometry.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 転置畳み込みの出力サイズと重なり

# %%
from dl_notes.upsampling import transposed_conv_output_size

print("2×2 の入力、3×3、ストライド 2：", transposed_conv_output_size(2, 3, stride=2))
print("FCN の最後の層（7×7 の入力、カーネル 64、ストライド 32、パディング 16）：", transposed_conv_output_size(7, 64, 32, 16))
v = geometry.values
print(f"3×3、ストライド 2 の重なりの数：{v['checkerboard']['min']:g}〜{v['checkerboard']['max']:g}、4×4、ストライド 2、パディング 1：{v['even']['min']:g}")
show(plot_transposed(geometry, "ja"))

# %% [markdown]
# ## 逆プーリングと膨張畳み込み

# %%
show(plot_unpooling(geometry, "ja"))
print(f"膨張率 {v['figure_dilations']}：受容野 {v['field']['dilated']}、膨張なし：{v['field']['plain']}")
show(plot_dilation(geometry, "ja"))

# %% [markdown]
# ## FCN 型と U-Net 型を生成した図形で学習する

# %%
from dl_notes.experiments.segmentation_shapes import plot_class_iou, plot_curves, plot_predictions

shapes = ensure("segmentation_shapes").result
s = shapes.values
for net in s["nets"]:
    f = s["final"][net]
    print(f"{net}：パラメータ {s['params'][net]:,} 個、画素正解率 {f['pixel_accuracy']:.3f}、平均 IoU {f['mean_iou']:.3f}")
b = s["background"]
print(f"すべて背景と予測：画素正解率 {b['pixel_accuracy']:.3f}、平均 IoU {b['mean_iou']:.3f}")
show(plot_curves(shapes, "ja"))
show(plot_predictions(shapes, "ja"))
show(plot_class_iou(shapes, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 入力の大きさ（`ones_size`）や、膨張率を倍にしていく層の数（`max_depth`）を変えてみてください。カーネルの大きさとストライドを変えて、格子模様が出る組み合わせと出ない組み合わせを探すこともできます。

# %%
from dataclasses import replace

import numpy as np

from dl_notes.experiments import load
from dl_notes.experiments.transposed_conv_geometry import DEFAULT
from dl_notes.upsampling import TransposedConvolution

mine = load("transposed_conv_geometry", replace(DEFAULT, ones_size=6, max_depth=6))
show(plot_dilation(mine, "ja"))
for K, S in [(3, 2), (4, 2), (5, 2), (6, 3)]:
    y = TransposedConvolution(np.ones((1, 1, K, K)), np.zeros(1), stride=S).forward(np.ones((1, 1, 6, 6)))[0, 0]
    inner = y[K:-K, K:-K]
    print(f"カーネル {K}、ストライド {S}：内側の重なりの数 {inner.min():g}〜{inner.max():g}")
