# %% [markdown]
# # GRU の更新ゲート
#
# [GRU](../gru.md) のページの実験を、このノートブックで再現します。同じ GRU に、多くの妨害の記号のあとで系列の最初の記号を答えさせる課題を、更新ゲートのバイアスを 0 から始めた場合と閉じて始めた場合の 2 通りで学習させ、学習後の更新ゲートを時刻ごとに見ます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.gru_gates import plot

outcome = ensure("gru_gates")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 正解率と更新ゲート

# %%
v = result.values
for key in v["order"]:
    print(f"更新ゲートのバイアス {v['z_bias'][key]:g} から：テストデータの正解率 {v['accuracy'][key]:.1%}、"
          f"ノイズの時刻の z の平均 {v['z_distractors'][key]:.2f}、"
          f"ゲートだけを通って時刻 1 の状態が残る割合（最大のユニット） {v['kept_max'][key]:.3g}")
show(plot(result, "ja"))

# %% [markdown]
# ## パラメータの数
#
# 実験と同じ大きさで、`dl_notes` の数え方（バイアス 1 本）と PyTorch の数え方（バイアス 2 本）で数えます。

# %%
for cell, n in v["parameters"].items():
    print(f"{cell:>4}: {n['ours']:>5,}（dl_notes）  {n['pytorch']:>5,}（PyTorch）")

# %% [markdown]
# ## 自分で試す
#
# 系列を短くしたり、更新ゲートのバイアスを別の値から始めたりしてみてください。たとえば系列長を 20 にすると、バイアス 0 から始めた GRU の結果が良くなるかを確かめてください。バイアスを -4 にすると、ゲートはほとんど閉じた状態から始まります。-3 の場合と比べてみてください。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.gru_gates import DEFAULT

config = replace(DEFAULT, length=20, closed_bias=-4.0)
mine = load("gru_gates", config)
print({key: f"{acc:.1%}" for key, acc in mine.values["accuracy"].items()})
show(plot(mine, "ja"))
