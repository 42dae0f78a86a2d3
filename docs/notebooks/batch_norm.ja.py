# %% [markdown]
# # バッチ正規化
#
# [バッチ正規化](../batch_norm.md) のページの実験を、このノートブックで再現します。
# MNIST で、活性化関数 × 初期値 × 層の数の 12 通りを、バッチ正規化なしとありで学習させた結果と、バッチ正規化・層正規化・インスタンス正規化が正規化する範囲の比較です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import init_grid, norm_axes

for name in ("init_grid", "norm_axes"):
    outcome = ensure(name)
    print(f"{name}: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
          f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## バッチ正規化なしとあり

# %%
g = load("init_grid")
acc = g.values["final_test_acc"]
for key in g.values["order"]:
    if not g.values["cases"][key]["batchnorm"]:
        print(f"{key:>24}: なし {acc[key]:.3f} → あり {acc[key + '+bn']:.3f}")
show(init_grid.plot_batchnorm(g, "ja"))

# %% [markdown]
# ## 正規化する範囲

# %%
n = load("norm_axes")
for method in n.values["methods"]:
    print(f"{method:>8}: 1 グループ {n.values['group_size'][method]} 個、"
          f"他のサンプルへの依存 {n.values['batch_dependence'][method]:.3g}")
show(norm_axes.plot(n, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 学習率やイテレーション数を変えて試せます。たとえば講義の演習 2_3 と同じ学習率 0.01 にすると、バッチ正規化の有無の差はどうなるでしょうか（数秒から数十秒かかります）。

# %%
from dataclasses import replace

config = replace(init_grid.DEFAULT, activations=("sigmoid",), depths=(("shallow", (40, 20)),),
                 lr=0.01, iterations=1000)
mine = load("init_grid", config)
acc = mine.values["final_test_acc"]
for key in mine.values["order"]:
    print(f"{key:>28}: 正解率 {acc[key]:.3f}")
show(init_grid.plot_batchnorm(mine, "ja"))
