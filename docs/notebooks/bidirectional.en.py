# %% [markdown]
# # Bidirectional RNNs
#
# This notebook reproduces the measurement of the [Bidirectional RNNs](../bidirectional.md) page: a
# one-way RNN and a bidirectional RNN with about the same number of parameters, trained on a tagging
# task whose tag lies in the future (the particle that closes a phrase) and on one whose tag lies in
# the past (the most recent particle).
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.bidirectional_tagging import plot_by_distance, plot_curves

outcome = ensure("bidirectional_tagging")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## The two networks

# %%
v = result.values
for model in ("uni", "bi"):
    per = " per direction" if model == "bi" else ""
    print(f"{model:>3}: hidden {v['hidden'][model]}{per}, {v['parameters'][model]:,} parameters")

# %% [markdown]
# ## Accuracy per epoch

# %%
for key, accuracy in v["final_accuracy"].items():
    print(f"{key:>11}: {accuracy:.1%}")
show(plot_curves(result, "en"))

# %% [markdown]
# ## Accuracy by the distance to the deciding particle

# %%
for model in ("uni", "bi"):
    print(f"{model:>3}:", " ".join(f"{a:.0%}" for a in v["by_distance"][f"future/{model}"]))
show(plot_by_distance(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Make the phrases longer (`max_words`), use LSTM or GRU layers (`cell`), or make the networks
# smaller (`hidden` is the one-way net's size; the bidirectional net's is matched to it). With
# phrases of up to 20 words, does the bidirectional RNN still carry the particle back to the
# start of the phrase?

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.bidirectional_tagging import DEFAULT

config = replace(DEFAULT, max_words=20, length=48, hidden=12)
mine = load("bidirectional_tagging", config)
print({key: round(a, 3) for key, a in mine.values["final_accuracy"].items()})
show(plot_by_distance(mine, "en"))
