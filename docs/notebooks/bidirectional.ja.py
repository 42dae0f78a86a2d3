# %% [markdown]
# # 双方向 RNN
#
# [双方向 RNN](../bidirectional.md) のページの実測を、このノートブックで再現します。パラメータ数をほぼそろえた一方向 RNN と双方向 RNN を、タグが未来にある課題（句を閉じる助詞）と、過去にある課題（直前の助詞）で学習させます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.bidirectional_tagging import plot_by_distance, plot_curves

outcome = ensure("bidirectional_tagging")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 2 つのネットワーク

# %%
v = result.values
for model in ("uni", "bi"):
    per = "（各方向）" if model == "bi" else ""
    print(f"{model:>3}: 隠れ状態 {v['hidden'][model]}{per}、パラメータ {v['parameters'][model]:,} 個")

# %% [markdown]
# ## エポックごとの正解率

# %%
for key, accuracy in v["final_accuracy"].items():
    print(f"{key:>11}: {accuracy:.1%}")
show(plot_curves(result, "ja"))

# %% [markdown]
# ## 決め手の助詞までの距離ごとの正解率

# %%
for model in ("uni", "bi"):
    print(f"{model:>3}:", " ".join(f"{a:.0%}" for a in v["by_distance"][f"future/{model}"]))
show(plot_by_distance(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 句を長くする（`max_words`）、LSTM や GRU の層を使う（`cell`）、ネットワークを小さくする（`hidden` は一方向のネットワークの大きさで、双方向のネットワークの大きさはそれに合わせて決まります）などを試してください。句が最大 20 単語になっても、双方向 RNN は助詞の情報を句の始めまで運べるでしょうか。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.bidirectional_tagging import DEFAULT

config = replace(DEFAULT, max_words=20, length=48, hidden=12)
mine = load("bidirectional_tagging", config)
print({key: round(a, 3) for key, a in mine.values["final_accuracy"].items()})
show(plot_by_distance(mine, "ja"))
