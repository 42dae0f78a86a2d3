# %% [markdown]
# # DenseNet
#
# [DenseNet](../densenet.md) のページの計算と測定を、このノートブックで再現します。デンスブロックの各層が受け取るチャネル数、ブロックとプレーンな積み重ねのパラメータ数、d2l の DenseNet の部品ごとのパラメータ数、MNIST で学習させた小さな DenseNet、そして初期化した直後に各層に届く勾配の大きさ（プレーン、残差、デンスブロック）です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.dense_gradient_flow import plot
from dl_notes.experiments.densenet_parameters import plot_block, plot_depth

outcome = ensure("densenet_parameters")
counts = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{counts.meta['seconds']:.2f} 秒の計算）")
outcome = ensure("dense_gradient_flow")
flow = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{flow.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## デンスブロックのチャネル数

# %%
import numpy as np

from dl_notes.densenet import DenseBlock, TransitionLayer, input_channels

block = DenseBlock(4, 16, 12, seed=0)
print("各層の入力のチャネル数：", [layer.in_channels for layer in block.layers], "出力：", block.out_channels)
print("式 k0 + k(l − 1)：", [input_channels(16, 12, l) for l in range(1, 6)])
y = block.forward(np.random.default_rng(0).standard_normal((2, 16, 8, 8)))
print("ブロックの出力：", y.shape, "トランジション層の出力：", TransitionLayer(64, 0.5, seed=0).forward(y).shape)
show(plot_block(counts, "ja"))

# %% [markdown]
# ## パラメータ数

# %%
for part in counts.values["d2l"]["parts"]:
    print(f"{part['name']:>12}: {part['channels']:>4} チャネル、{part['params']:>9,} 個")
print(f"d2l の DenseNet の合計：{counts.values['d2l']['total']:,} 個、SimpleConvNet：{counts.values['simple_conv_net']:,} 個")
show(plot_depth(counts, "ja"))

# %% [markdown]
# ## 小さな DenseNet を MNIST で学習する

# %%
from dl_notes.experiments.densenet_mnist import plot as plot_accuracy

outcome = ensure("densenet_mnist")
trained = outcome.result
print(f"テストデータの正解率 {trained.values['test_acc']:.1%}、パラメータ {trained.values['params']:,} 個"
      f"（SimpleConvNet は {trained.values['simple_conv_net']:,} 個）")
show(plot_accuracy(trained, "ja"))

# %% [markdown]
# ## 各層に届く勾配

# %%
for kind, spread in flow.values["spread"].items():
    print(f"{kind:>8}: 最大と最小の比 {spread:.1f} 倍")
show(plot(flow, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 層の数（`num_layers`）や成長率（`growth_rate`）を変えて、勾配を測り直してください。プレーンな積み重ねの最大と最小の比は、層を深くするとどう変わるでしょうか。デンスブロックは層が深いほど計算が増えるので、次のセルは数秒から数十秒かかります。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.dense_gradient_flow import DEFAULT

config = replace(DEFAULT, num_layers=12, inits=2)
mine = load("dense_gradient_flow", config)
print({kind: round(spread, 1) for kind, spread in mine.values["spread"].items()})
show(plot(mine, "ja"))
