# %% [markdown]
# # 過学習と正則化
#
# [過学習と正則化](../regularization.md) のページの実験を、このノートブックで再現します。
#
# 1. 訓練データ 300 枚、7 層のネットワークでの過学習と、L2・L1・ドロップアウトの効果
# 2. 学習後の重みの分布（L1 のスパース性）
# 3. L1 のひし形と L2 の円の制約領域
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import norm_geometry, regularization

for name in ("regularization", "norm_geometry"):
    outcome = ensure(name)
    print(f"{name}: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
          f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
r = load("regularization")

# %% [markdown]
# ## 1. 正則化ごとの正解率

# %%
for key in r.values["order"]:
    print(f"{key:>22}: 訓練 {r.values['final_train_acc'][key]:.3f}、テスト {r.values['final_test_acc'][key]:.3f}、"
          f"|w| < 0.001 の重み {r.values['near_zero_fraction'][key]:.1%}")
show(regularization.plot(r, "ja"))

# %% [markdown]
# ## 2. 重みの分布

# %%
show(regularization.plot_histograms(r, "ja"))

# %% [markdown]
# ## 3. 制約領域の形

# %%
g = load("norm_geometry")
print("L2 の解:", [round(c, 3) for c in g.values["solution"]["l2"]])
print("L1 の解:", [round(c, 3) for c in g.values["solution"]["l1"]])
show(norm_geometry.plot(g, "ja"))

# %% [markdown]
# ## 自分で試す
#
# λ を変えて試せます。ここでは L2 の λ を 0.01 と 0.05 にして、400 イテレーションだけ学習させます（数秒かかります）。

# %%
from dataclasses import replace

# (key, learning rate, "l1"/"l2"/None, λ, dropout ratio, optimizer)
cases = (("none", 0.01, None, 0.0, 0.0, "SGD"), ("l2_0.01", 0.01, "l2", 0.01, 0.0, "SGD"),
         ("l2_0.05", 0.01, "l2", 0.05, 0.0, "SGD"))
mine = load("regularization", replace(regularization.DEFAULT, cases=cases, iterations=400))
for key in mine.values["order"]:
    print(f"{key:>8}: 訓練 {mine.values['final_train_acc'][key]:.3f}、テスト {mine.values['final_test_acc'][key]:.3f}")
show(regularization.plot(mine, "ja"))
