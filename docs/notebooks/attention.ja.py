# %% [markdown]
# # 注意機構
#
# [注意機構](../attention.md) のページの実測を、このノートブックで再現します。同じ大きさの注意機構のある seq2seq とないものに 1〜12 桁の数字の列を書き写させ、英語と日本語の書式の日付を変換するモデルの注意の重みを描きます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.attention import plot_heatmap, plot_length

outcome = ensure("attention")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 入力の長さと正解率

# %%
v = result.values["length"]
for key, label in (("none", "注意機構なし"), ("dot", "注意機構あり")):
    print(f"{label}：", " ".join(f"{a:.0%}" for a in v["by_length"][key]))
show(plot_length(result, "ja"))

# %% [markdown]
# ## 日付の変換で見ている場所

# %%
d = result.values["dates"]
print(f"テストデータの正解率 {d['test_accuracy']:.1%}")
for fmt, share in d["aligned"].items():
    print(f"{fmt}：MM の出力の {share:.1%} が月を見ている")
show(plot_heatmap(result, "ja"))

# %% [markdown]
# ## 試してみましょう
#
# 列を長くしたり（`max_length`）、モデルを小さくしたり（`hidden`）してみましょう。隠れ状態が 16 個なら、注意機構のないモデルは何桁まで書き写せるでしょうか。注意機構のあるモデルはついていけるでしょうか（実行には数十秒かかります）。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.attention import DEFAULT

config = replace(DEFAULT, hidden=16, date_epochs=2)
mine = load("attention", config)
print({key: f"{a:.0%}" for key, a in mine.values["length"]["accuracy"].items()})
show(plot_length(mine, "ja"))
