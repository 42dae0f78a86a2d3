# %% [markdown]
# # 最適化手法の軌跡
#
# [最適化手法](../optimizers.md) のページの図を、このノートブックで再現します。
# 関数 $f(x, y) = \frac{x^2}{20} + y^2$ を点 $(-7, 2)$ から最小化したときに、
# 6 つのオプティマイザ（講義の 5 つとネステロフの加速勾配法）がたどる道筋を比べます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが
# 変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.optimizer_trajectories import plot

outcome = ensure("optimizer_trajectories")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 最小点 (0, 0) までの距離

# %%
steps = result.values["steps"]
for key in result.values["order"]:
    distance = result.values["final_distance"][key]
    print(f"{result.values['names'][key]:>8}: {steps} ステップ後の距離 {distance:.4f}")

# %% [markdown]
# ## 軌跡の図

# %%
show(plot(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# ハイパーパラメータを変えた設定を作って実行できます。たとえば SGD の学習率を 0.3 に
# 下げると、$y$ 方向の振動がどう変わるかを確かめてみましょう。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.optimizer_trajectories import DEFAULT

config = replace(DEFAULT, optimizers=(("sgd", "SGD", (("lr", 0.3),)),))
mine = load("optimizer_trajectories", config)
print(f"SGD (lr=0.3): 距離 {mine.values['final_distance']['sgd']:.4f}")
