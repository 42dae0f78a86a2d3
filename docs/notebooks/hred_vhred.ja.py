# %% [markdown]
# # HRED と VHRED
#
# [HRED と VHRED](../hred_vhred.md) のページの実測を、このノートブックで再現します。正しい返答が 2 つ前の発話で決まる会話を生成し、同じ大きさの 3 つのモデルを学習させます。seq2seq は最後の発話だけを読み、もう 1 つの seq2seq は 3 つの発話をつないで読み、HRED は文脈 RNN で読みます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.hred_dialogue import plot_accuracy, plot_hred, plot_vhred

outcome = ensure("hred_dialogue")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 課題

# %%
from dl_notes.hred import dialogues

data = dialogues(3, seed=1)
for context, reply in zip(data.contexts, data.replies):
    print(" | ".join(" ".join(data.words[i] for i in u) for u in context), "->",
          " ".join(data.words[i] for i in reply[1:]))

# %% [markdown]
# ## エポックごとの完全に正しい返答の割合

# %%
v = result.values
for model, accuracy in v["final_exact"].items():
    words = v["final_words"][model]
    print(f"{model:>4}: 完全に正しい返答 {accuracy:.1%}（話題 {words['topic']:.1%}、質問への答え {words['answer']:.1%}）")
print(f"最後の発話だけから可能な最大の値：{v['chance']:.1%}")
show(plot_accuracy(result, "ja"))

# %% [markdown]
# ## 2 つの構造

# %%
show(plot_hred(result, "ja"))
show(plot_vhred(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 話題を増やす（`topics`）、発話を長くする（`length`）、ネットワークを小さくする（`hidden_size`）などを試してください。話題が 8 種類なら、最後の発話だけを読む seq2seq は 8 回に 1 回しか当たりません。会話を読む 2 つのモデルは、同じエポック数で学習できるでしょうか。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.hred_dialogue import DEFAULT

config = replace(DEFAULT, topics=8)
mine = load("hred_dialogue", config)
print({model: round(a, 3) for model, a in mine.values["final_exact"].items()})
show(plot_accuracy(mine, "ja"))
