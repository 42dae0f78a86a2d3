# %% [markdown]
# # word2vec
#
# [word2vec](../word2vec.md) のページの実験を、このノートブックで再現します。『Macbeth』の本文で CBOW と skip-gram を負例サンプリングで学習させ、損失、近い単語、単語ベクトルの 2 次元の図を見ます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.word2vec_macbeth import plot_loss, plot_projection

outcome = ensure("word2vec_macbeth")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 損失と近い単語

# %%
v = result.values
show(plot_loss(result, "ja"))
for key in v["order"]:
    print(key)
    for q, near in v["neighbours"][key].items():
        print(f"  {q}: " + "、".join(f"{word}（{sim:.2f}）" for word, sim in near))

# %% [markdown]
# ## 2 次元の図

# %%
show(plot_projection(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# ベクトルの次元や窓の大きさ、エポック数を変えてみてください。たとえば窓を 1 語にすると、本文で隣り合う 2 語の類似度がどう変わるかを確かめてください。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.word2vec_macbeth import DEFAULT

mine = load("word2vec_macbeth", replace(DEFAULT, window_size=1, epochs=4))
for key in mine.values["order"]:
    s = mine.values["similarity"][key]
    print(f"{key}: 隣り合う 2 語 {s['context']:.3f}、ランダムな 2 語 {s['random']:.3f}")
