# %% [markdown]
# # RNN と BPTT
#
# [RNN と BPTT](../rnn_bptt.md) のページの 2 つの演習を、このノートブックで再現します。講義の 2 進数の足し算（3_1）とその変形、講義の sin 波の予測（3_3）です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.binary_addition import plot_loss
from dl_notes.experiments.sine_prediction import plot_generated

outcome = ensure("binary_addition")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 2 進数の足し算：損失の推移と表示
#
# 左が講義のコードのまま、右が出力層の微分を $y(1 - y)$ に直したものです。

# %%
show(plot_loss(result, "ja"))
print(result.values["prints"][-1])

# %% [markdown]
# ## 演習の変形
#
# 最後の 10 回の表示の損失の平均と、0 以上 128 未満のすべての組で測った正解率です。

# %%
v = result.values
for key in v["order"]:
    x = v["variants"][key]
    loss = f"{x['diverged_at']} イテレーション目で発散" if x["diverged_at"] is not None else f"{x['last10_loss']:.3g}"
    print(f"{v['labels'][key]['ja']:>24}：損失 {loss}、和の正解率 {x['sum_accuracy']:.1%}")

# %% [markdown]
# ## sin 波の予測

# %%
sine = ensure("sine_prediction").result
for key, x in sine.values["models"].items():
    print(f"{key:>10}：テストデータの損失 {x['test_loss']:.3g}、生成した値の範囲 {x['min']:.2f} 〜 {x['max']:.2f}")
show(plot_generated(sine, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 変形を追加して、講義と同じループで学習させます。変形は（名前、隠れ層のユニット数、重みの初期値（標準偏差か 'xavier'、'he'）、学習率、活性化関数、出力の微分（'course' か 'fixed'）、乱数の種）の組です。ここでは隠れ層 32 の tanh を Xavier の初期値で試します。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.binary_addition import COURSE, DEFAULT

config = replace(DEFAULT, variants=(COURSE, ("tanh32", 32, "xavier", 0.1, "tanh", "course", 0)), iterations=3000)
mine = load("binary_addition", config)
for key, x in mine.values["variants"].items():
    print(f"{key:>8}：和の正解率 {x['sum_accuracy']:.1%}")
