# %% [markdown]
# # Seq2seq
#
# [Seq2seq](../seq2seq.md) のページの実測を、このノートブックで再現します。日本語の書式の日付（`1994年9月27日`）を `1994-09-27` に変換する seq2seq を、入力をそのまま読むモデルと反転して読むモデルで学習させ、反転したモデルで貪欲法とビームサーチを比べます。続いて、講義の sin → cos（3_5）です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.seq2seq_dates import plot_accuracy

outcome = ensure("seq2seq_dates")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## エポックごとの完全一致率

# %%
v = result.values
for key in ("plain", "reversed"):
    print(f"{key:>8}: 最後のエポックで {v['curves'][key]['final']:.1%}")
show(plot_accuracy(result, "ja"))

# %% [markdown]
# ## 貪欲法とビームサーチ

# %%
for k, b in v["beams"].items():
    print(f"ビーム幅 {k}: 完全一致率 {b['accuracy']:.1%}、対数確率の平均 {b['mean_log_prob']:.3f}")
for e in v["examples"]:
    print(f"{e['source']:>14} → 正解 {e['target']}、貪欲法 {e['greedy']}、ビームサーチ {e['beam']}")

# %% [markdown]
# ## 講義の sin → cos

# %%
from dl_notes.experiments.seq2seq_sin_cos import plot_windows

sin_cos = ensure("seq2seq_sin_cos").result
print(f"検証データの損失 {sin_cos.values['val_loss']:.4f}、生成したときの損失 {sin_cos.values['generated_loss']:.4f}")
show(plot_windows(sin_cos, "ja"))

# %% [markdown]
# ## 自分で試す
#
# ほかの書式を使う（`formats`。`dl_notes.dates.FORMATS` の中から選びます）、隠れ状態を大きくする（`hidden_size`）、エポックを増やす（`epochs`）などを試してください。年が最後に来る `slash`（`9/27/1994`）だけにすると、入力の反転は効くでしょうか。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.seq2seq_dates import DEFAULT

config = replace(DEFAULT, formats=("slash",), n_train=1000, epochs=5)   # small, to run in seconds
mine = load("seq2seq_dates", config)
print({key: c["final"] for key, c in mine.values["curves"].items()})
show(plot_accuracy(mine, "ja"))
