# %% [markdown]
# # Transformer
#
# [Transformer](../transformer.md) のページの図と数を、このノートブックで再現します。√d_k で割らないときのソフトマックスの飽和、位置エンコーディング、日付データで学習させた小さな Transformer と Day 3 の注意機構付き LSTM の比較です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.scaled_attention import plot_saturation

outcome = ensure("scaled_attention")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## √d_k で割る理由

# %%
v = result.values
for d in v["config"]["widths"]:
    print(f"d_k = {d:4d}：Var(q·k) = {v['variance'][str(d)]:7.1f}、最大の重み 割らない {v['unscaled'][str(d)]['max_weight']:.3f}、"
          f"割る {v['scaled'][str(d)]['max_weight']:.3f}")
show(plot_saturation(result, "ja"))

# %% [markdown]
# ## 位置エンコーディング

# %%
import numpy as np

from dl_notes.experiments.positional_encoding import plot_dots, plot_table
from dl_notes.transformer import positional_encoding, shift_matrix

pe_result = ensure("positional_encoding").result
show(plot_table(pe_result, "ja"))
pe = positional_encoding(50, 16)
print("すべての t で PE(t + 5) = M_5 PE(t)：", np.allclose(pe[:45] @ shift_matrix(5, 16).T, pe[5:]))
show(plot_dots(pe_result, "ja"))

# %% [markdown]
# ## 日付データで学習する小さなモデル

# %%
from dl_notes.experiments.transformer_dates import plot_curves, plot_maps

dates = ensure("transformer_dates").result
d = dates.values
for key in ("transformer", "lstm"):
    print(f"{key}：パラメータ {d['params'][key]:,} 個、完全一致 {d['exact'][key]:.3f}、"
          f"1 ステップ {d['ms_per_step'][key]:.2f} ms")
show(plot_curves(dates, "ja"))
show(plot_maps(dates, "ja"))

# %% [markdown]
# ## 試してみよう
#
# ヘッドの数 `n_heads`（`d_model` を割り切る数）、幅 `d_model`、層の数 `n_layers`、学習率 `transformer_lr` を変えてみましょう。データを小さくすると短時間で終わります。2 つのモデルをもう一度比べてみてください。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.transformer_dates import DEFAULT

mine = load("transformer_dates", replace(DEFAULT, n_train=1000, epochs=6, n_heads=2))
print({key: round(mine.values["exact"][key], 3) for key in ("transformer", "lstm")})
show(plot_curves(mine, "ja"))
