# %% [markdown]
# # 勾配消失問題
#
# [勾配消失問題](../vanishing_gradients.md) のページの測定を、このノートブックで再現します。学習前の深いネットワークで、各層の重みの勾配の大きさ $\lVert \partial L / \partial W_l \rVert$ を測り、シグモイド関数・tanh・ReLU で比べます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.vanishing_gradients import plot_activations, plot_norms

outcome = ensure("vanishing_gradients")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 活性化関数とその導関数

# %%
print(f"シグモイド関数の導関数の最大値: {result.values['sigmoid_grad_max']}"
      f"（x = {result.values['sigmoid_grad_argmax']}）")
show(plot_activations(result, "ja"))

# %% [markdown]
# ## 各層の勾配の大きさ

# %%
for key in result.values["order"]:
    print(f"{result.values['labels'][key]['ja']:>18}: 1 層戻るごとに {result.values['per_layer_factor'][key]:.3f} 倍、"
          f"W1 / 出力層 = {result.values['input_over_output'][key]:.3g}")
show(plot_norms(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 層の数や、活性化関数と初期値の組み合わせを変えられます。たとえば隠れ層を 20 層にして、シグモイド関数に He の初期値を使うとどうなるかを確かめてみましょう。`cases` の初期値には数値（正規分布の標準偏差）も使えます。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.vanishing_gradients import DEFAULT

config = replace(DEFAULT, hidden=(100,) * 20, cases=(("sigmoid", "xavier"), ("sigmoid", "he"), ("relu", "he")))
mine = load("vanishing_gradients", config)
for key in mine.values["order"]:
    print(f"{key:>15}: 1 層戻るごとに {mine.values['per_layer_factor'][key]:.3f} 倍")
show(plot_norms(mine, "ja"))
