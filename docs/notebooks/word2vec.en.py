# %% [markdown]
# # word2vec
#
# This notebook reproduces the experiment of the [word2vec](../word2vec.md) page: CBOW and skip-gram trained with negative sampling on the text of Macbeth, their losses, nearest words and a 2-D map of the word vectors.
#
# The result is read from the `dl_notes.experiments` cache; the experiment reruns only if the `dl_notes` code has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.word2vec_macbeth import plot_loss, plot_projection

outcome = ensure("word2vec_macbeth")
result = outcome.result
print("read from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## Losses and nearest words

# %%
v = result.values
show(plot_loss(result, "en"))
for key in v["order"]:
    print(key)
    for q, near in v["neighbours"][key].items():
        print(f"  {q}: " + ", ".join(f"{word} ({sim:.2f})" for word, sim in near))

# %% [markdown]
# ## A 2-D map

# %%
show(plot_projection(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the dimension, the window or the number of epochs. For example, with a window of one word, see how the similarity of words next to each other in the text changes.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.word2vec_macbeth import DEFAULT

mine = load("word2vec_macbeth", replace(DEFAULT, window_size=1, epochs=4))
for key in mine.values["order"]:
    s = mine.values["similarity"][key]
    print(f"{key}: words next to each other {s['context']:.3f}, random pairs {s['random']:.3f}")
