# %% [markdown]
# # Attention
#
# This notebook reproduces the measurements of the [Attention](../attention.md) page: a seq2seq
# model with and without attention, of the same size, copying digit strings of 1 to 12 digits, and
# the attention weights of a model that converts dates written in English and Japanese formats.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.attention import plot_heatmap, plot_length

outcome = ensure("attention")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Accuracy by input length

# %%
v = result.values["length"]
for key, label in (("none", "no attention"), ("dot", "attention")):
    print(f"{label:>12}:", " ".join(f"{a:.0%}" for a in v["by_length"][key]))
show(plot_length(result, "en"))

# %% [markdown]
# ## Where the date model looks

# %%
d = result.values["dates"]
print(f"test accuracy {d['test_accuracy']:.1%}")
for fmt, share in d["aligned"].items():
    print(f"{fmt:>12}: {share:.1%} of the MM outputs look at the month")
show(plot_heatmap(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Make the strings longer (`max_length`) or the models smaller (`hidden`). With 16 hidden units,
# how long a string can the model without attention still copy, and does attention keep up?
# (The run takes a few tens of seconds.)

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.attention import DEFAULT

config = replace(DEFAULT, hidden=16, date_epochs=2)
mine = load("attention", config)
print({key: f"{a:.0%}" for key, a in mine.values["length"]["accuracy"].items()})
show(plot_length(mine, "en"))
