# %% [markdown]
# # フレームワーク演習：正則化・正規化
#
# [フレームワーク演習](../framework_exercise.md) のページの 3 つの比較を、このノートブックで再現します。
#
# 1. 重みへの正則化（なし、L1、L2、L1 + L2）
# 2. 小さな CNN での正規化（なし、バッチ、層、インスタンス）
# 3. ドロップアウトのありなし
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import framework_regularization

outcome = ensure("framework_regularization")
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
f = outcome.result
for name, row in f.values["summary"].items():
    print(f"{name:>22}: 最後の訓練損失 {row['final_train_loss']:.3f}、最後の検証損失 {row['final_val_loss']:.3f}")

# %% [markdown]
# ## 1. 重みへの正則化

# %%
show(framework_regularization.plot_weights(f, "ja"))

# %% [markdown]
# ## 2. 正規化

# %%
show(framework_regularization.plot_norms(f, "ja"))

# %% [markdown]
# ## 3. ドロップアウト

# %%
show(framework_regularization.plot_dropout(f, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 正則化の強さを変えて試せます。ここでは Keras の `l2(0.005)` にあたる強さだけを、500 イテレーション学習させます（CNN は短く回します）。

# %%
from dataclasses import replace

config = replace(framework_regularization.DEFAULT, weight_cases=(("none", None, 0.0), ("l2", "l2", 0.005)),
                 iterations=500, norms=("none",), cnn_iterations=10, cnn_eval_every=5)
mine = load("framework_regularization", config)
for name in ("weights/none", "weights/l2"):
    print(name, round(mine.values["summary"][name]["final_val_loss"], 3))
show(framework_regularization.plot_weights(mine, "ja"))
