# %% [markdown]
# # 誤差逆伝播法
#
# [誤差逆伝播法](../backprop.md) のページの計算を、このノートブックで再現します。買い物の計算グラフの順伝播と逆伝播、`TwoLayerNet` の勾配確認、数値微分との速さの比較です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.backprop import plot

outcome = ensure("backprop")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 買い物の計算グラフ
#
# 各エッジの上が順伝播の値、下が逆伝播の値（支払額のその値についての微分）です。

# %%
for key, value in result.values["backward"].items():
    print(f"{key:>13}: 順伝播 {result.values['forward'][key]:g}、逆伝播 {value:g}")
show(plot(result, "ja"))

# %% [markdown]
# ## 勾配確認と速さ

# %%
v = result.values
for key, row in v["table"].items():
    print(f"{key}: 差の平均 {row['mean_abs']:.3g}、差の最大 {row['max_abs']:.3g}、相対誤差 {row['relative']:.3g}")
print(f"数値微分 {v['numerical_seconds']:.3g} 秒、誤差逆伝播法 {1000 * v['backprop_seconds']:.3g} ミリ秒、"
      f"約 {v['speed_ratio']:,.0f} 倍")

# %% [markdown]
# ## 自分で試す
#
# 計算グラフのノードを自分でつないでみましょう。たとえば、りんごの個数を 4 個に、消費税を 1.08 倍にすると、各値についての微分はどう変わるでしょうか。下のセルの数値を変えて確かめてください。

# %%
from dl_notes.experiments.backprop import shopping

forward, backward = shopping(apple_num=4, tax=1.08)
print("支払額:", forward["price"])
print({key: backward[key] for key in ("apple", "apple_num", "orange", "orange_num", "tax")})
