# %% [markdown]
# # LSTM
#
# [LSTM](../lstm.md) のページの実験を、このノートブックで再現します。最初の記号を $T - 1$ ステップのノイズのあとで答える課題で、同じ大きさの RNN・LSTM・GRU を学習させ、系列長 $T$ ごとのテストデータの正解率を比べます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.long_range import plot_accuracy

outcome = ensure("long_range")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 系列長ごとの正解率

# %%
v = result.values
print("T     " + "".join(f"{cell.upper():>8}" for cell in v["cells"]))
for j, T in enumerate(v["lengths"]):
    print(f"{T:<6}" + "".join(f"{100 * v['accuracy'][cell][j]:7.1f}%" for cell in v["cells"]))
print("パラメータ数:", v["parameters"])
show(plot_accuracy(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 忘却ゲートのバイアスを 0 にすると、LSTM は学習の最初に記憶を 1 ステップごとに半分ずつ忘れます。$T = 20$ の LSTM だけを、バイアス 0 で学習させてみましょう。`noise`（ノイズの標準偏差）や `lengths` も変えられます。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.long_range import DEFAULT

config = replace(DEFAULT, lengths=(20,), cells=("lstm",), forget_bias=0.0, repeats=1)
mine = load("long_range", config)
print(f"忘却ゲートのバイアス 0、T = 20 の LSTM：正解率 {100 * mine.values['accuracy']['lstm'][0]:.1f}%")
