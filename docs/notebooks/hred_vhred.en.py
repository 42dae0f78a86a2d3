# %% [markdown]
# # HRED and VHRED
#
# This notebook reproduces the measurement of the [HRED and VHRED](../hred_vhred.md) page: three
# models of the same size on generated conversations whose right reply needs the utterance two
# turns back. Seq2seq reads only the last utterance, a second seq2seq reads the three utterances
# concatenated, and HRED reads them through its context RNN.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.hred_dialogue import plot_accuracy, plot_hred, plot_vhred

outcome = ensure("hred_dialogue")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## The task

# %%
from dl_notes.hred import dialogues

data = dialogues(3, seed=1)
for context, reply in zip(data.contexts, data.replies):
    print(" | ".join(" ".join(data.words[i] for i in u) for u in context), "->",
          " ".join(data.words[i] for i in reply[1:]))

# %% [markdown]
# ## Exactly right replies per epoch

# %%
v = result.values
for model, accuracy in v["final_exact"].items():
    words = v["final_words"][model]
    print(f"{model:>4}: {accuracy:.1%} exactly right (topic {words['topic']:.1%}, answer {words['answer']:.1%})")
print(f"best possible from the last utterance: {v['chance']:.1%}")
show(plot_accuracy(result, "en"))

# %% [markdown]
# ## The two architectures

# %%
show(plot_hred(result, "en"))
show(plot_vhred(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Give the conversations more topics (`topics`), longer utterances (`length`) or smaller networks
# (`hidden_size`). With 8 topics, seq2seq on the last utterance can only guess 1 in 8: do the two
# models that read the history still learn within the same number of epochs?

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.hred_dialogue import DEFAULT

config = replace(DEFAULT, topics=8)
mine = load("hred_dialogue", config)
print({model: round(a, 3) for model, a in mine.values["final_exact"].items()})
show(plot_accuracy(mine, "en"))
