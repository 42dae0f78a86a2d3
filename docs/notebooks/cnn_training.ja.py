# %% [markdown]
# # CNN の学習
#
# [CNN の学習](../cnn_training.md) のページの実験を、このノートブックで再現します。
# SimpleConvNet と全結合ネットワークを、講義の演習 2_6 と同じ設定で、MNIST の訓練データとテストデータの一部を使い Adam で学習させた結果です（枚数とイテレーション数は下に表示します）。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません（再実行にかかる時間は、下に表示する計算時間と同じくらいです）。

# %%
from dl_notes.experiments import convnet_training, ensure, load, show

outcome = ensure("convnet_training")
print(f"convnet_training: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
      f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
r = load("convnet_training")
print(f"訓練 {r.values['n_train']:,} 枚・テスト {r.values['n_test']:,} 枚、{r.values['iterations']:,} イテレーション")

# %% [markdown]
# ## 正解率

# %%
for key in r.values["nets"]:
    f = r.values["final"][key]
    print(f"{key:>10}: パラメータ {r.values['params'][key]:>7,}  訓練 {f['train']:.3f}  テスト {f['test']:.3f}")
show(convnet_training.plot_accuracy(r, "ja"))

# %% [markdown]
# ## フィルタと特徴マップ

# %%
show(convnet_training.plot_filters(r, "ja"))

# %%
show(convnet_training.plot_feature_maps(r, "ja"))

# %% [markdown]
# ## 自分で試す
#
# フィルタの数やイテレーション数を変えて学習させます。小さな設定なら数秒で終わります。

# %%
from dataclasses import replace

config = replace(convnet_training.DEFAULT, filter_num=8, iterations=200, mlps=())
mine = load("convnet_training", config)
print("テストデータの正解率:", mine.values["final"]["cnn"]["test"])
show(convnet_training.plot_filters(mine, "ja"))
