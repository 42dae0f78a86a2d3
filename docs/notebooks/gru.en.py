# %% [markdown]
# # The GRU's update gate
#
# This notebook reproduces the experiment of the [GRU](../gru.md) page: the same GRU learns to
# report the first symbol of a sequence after many distractors, once with its update gate's bias
# started at 0 and once with it started closed, and we look at the trained update gate over time.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.gru_gates import plot

outcome = ensure("gru_gates")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Accuracy and the update gate

# %%
v = result.values
for key in v["order"]:
    print(f"update-gate bias from {v['z_bias'][key]:g}: test accuracy {v['accuracy'][key]:.1%}, "
          f"mean z over the noise steps {v['z_distractors'][key]:.2f}, "
          f"best unit keeps {v['kept_max'][key]:.3g} of step 1 through the gate alone")
show(plot(result, "en"))

# %% [markdown]
# ## Parameter counts
#
# The same sizes as the experiment, counted as `dl_notes` does (one bias) and as PyTorch does (two).

# %%
for cell, n in v["parameters"].items():
    print(f"{cell:>4}: {n['ours']:>5,} (dl_notes)  {n['pytorch']:>5,} (PyTorch)")

# %% [markdown]
# ## Try it yourself
#
# Shorten the sequences, or start the update gate at another bias. For example, see whether the
# GRU whose bias starts at 0 does better on sequences of 20 steps, and how a bias of -4 (the gate
# starts almost shut) compares with -3.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.gru_gates import DEFAULT

config = replace(DEFAULT, length=20, closed_bias=-4.0)
mine = load("gru_gates", config)
print({key: f"{acc:.1%}" for key, acc in mine.values["accuracy"].items()})
show(plot(mine, "en"))
