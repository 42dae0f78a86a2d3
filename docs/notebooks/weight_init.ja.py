# %% [markdown]
# # 重みの初期値
#
# [重みの初期値](../weight_init.md) のページの 3 つの実験を、このノートブックで再現します。
#
# 1. 重みをすべて同じ値で始めると、隠れ層のユニットが同じままになること
# 2. 5 層・各 100 ユニットのネットワークで、初期値ごとに各層の出力がどう分布するか
# 3. MNIST での、活性化関数 × 初期値 × 層の数の比較
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show

for name in ("zero_init", "activation_histograms", "init_grid"):
    outcome = ensure(name)
    print(f"{name}: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
          f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 1. すべて同じ値で始めると

# %%
from dl_notes.experiments import load
from dl_notes.experiments import zero_init

z = load("zero_init")
for key in z.values["order"]:
    print(f"{key:>15}: 異なるユニットの数 {z.values['distinct_units'][key]}、"
          f"正解率 {z.values['final_test_acc'][key]:.3f}")
show(zero_init.plot(z, "ja"))

# %% [markdown]
# ## 2. 各層の出力の分布

# %%
from dl_notes.experiments import activation_histograms

h = load("activation_histograms")
for key in h.values["order"]:
    print(f"{key:>16}: 各層の標準偏差 {[round(s, 4) for s in h.values['std'][key]]}")
show(activation_histograms.histogram_figure(h, "ja", "relu"))

# %% [markdown]
# ## 3. MNIST での比較

# %%
from dl_notes.experiments import init_grid

g = load("init_grid")
for key in g.values["order"]:
    if not g.values["cases"][key]["batchnorm"]:
        print(f"{key:>24}: 正解率 {g.values['final_test_acc'][key]:.3f}")
show(init_grid.plot(g, "ja"))

r = g.values["report"]
print(f"レポートの設定（学習率 {r['lr']}、{r['iterations']:,} イテレーション）")
for key, value in r["final_test_acc"].items():
    print(f"{key:>24}: 正解率 {value:.3f}")

# %% [markdown]
# ## 自分で試す
#
# 設定を変えて実行できます。たとえば、ReLU のネットワークを標準偏差 0.05 の正規分布で初期化すると、各層の出力の広がりはどうなるでしょうか。初期値には数値（標準偏差）か
# `"xavier"`、`"he"` を指定できます。

# %%
from dataclasses import replace

config = replace(activation_histograms.DEFAULT, activations=("relu",),
                 inits=(("std0.05", 0.05), ("std0.1", 0.1), ("he", "he")))
mine = load("activation_histograms", config)
for key in mine.values["order"]:
    print(f"{key:>12}: 各層の標準偏差 {[round(s, 4) for s in mine.values['std'][key]]}")

# %% [markdown]
# MNIST の比較も、層の数やイテレーション数を変えて試せます（数秒から数十秒かかります）。ここでは隠れ層を 8 層にして、500 イテレーションだけ学習させます。

# %%
config = replace(init_grid.DEFAULT, depths=(("deep8", (40, 20) + (20,) * 6),), batchnorm=(False,), iterations=500,
                 report_lr=None)
mine = load("init_grid", config)
for key in mine.values["order"]:
    print(f"{key:>22}: 正解率 {mine.values['final_test_acc'][key]:.3f}")
show(init_grid.plot(mine, "ja"))
