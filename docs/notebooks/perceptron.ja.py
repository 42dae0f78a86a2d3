# %% [markdown]
# # パーセプトロン
#
# [パーセプトロン](../perceptron.md) のページの図を、このノートブックで再現します。AND・NAND・OR の決定境界と、2 層で作る XOR です。最後に、重みとバイアスを自分で変えて試せます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.perceptron_gates import plot_gates, plot_unit, plot_xor

outcome = ensure("perceptron_gates")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## AND・NAND・OR

# %%
for name in result.values["order"]:
    gate = result.values["gates"][name]
    print(f"{name:>4}: w = {gate['w']}, b = {gate['b']:g}, 出力 {gate['table']}")
show(plot_gates(result, "ja"))

# %% [markdown]
# ## 2 層にして XOR を作る

# %%
xor = result.values["xor"]
for xs, s1, s2, y in zip([(0, 0), (1, 0), (0, 1), (1, 1)], xor["s1"], xor["s2"], xor["y"]):
    print(xs, "s1 =", s1, "s2 =", s2, "y =", y)
show(plot_xor(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 重みとバイアスを変えて、ユニットがどのゲートになるかを見てください。たとえば重みはそのままでバイアスを -0.2 から -0.7 に変える（OR が AND になります）、あるいは XOR になるユニットを探してみてください。`search_parameters` が格子の上で探します。

# %%
import numpy as np

from dl_notes.perceptron import Perceptron, search_parameters, truth_table

unit = Perceptron(w=(1.0, -1.0), b=-0.5)
print("(0,0), (1,0), (0,1), (1,1) に対する出力:", truth_table(unit))
show(plot_unit(unit, "ja", title="自分のユニット"))

grid = np.linspace(-2, 2, 41)
print("格子の上で XOR になるユニットの数:", len(search_parameters([0, 1, 1, 0], grid)))
