# %% [markdown]
# # LSTM
#
# This notebook reproduces the experiment of the [LSTM](../lstm.md) page: an RNN, an LSTM and a
# GRU of the same size are trained to name the first symbol after $T - 1$ steps of noise, and
# their test accuracy is compared for each sequence length $T$.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.long_range import plot_accuracy

outcome = ensure("long_range")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Accuracy per sequence length

# %%
v = result.values
print("T     " + "".join(f"{cell.upper():>8}" for cell in v["cells"]))
for j, T in enumerate(v["lengths"]):
    print(f"{T:<6}" + "".join(f"{100 * v['accuracy'][cell][j]:7.1f}%" for cell in v["cells"]))
print("parameters:", v["parameters"])
show(plot_accuracy(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# With a forget-gate bias of 0, an LSTM starts training by forgetting half of its memory at
# every step. Train only the LSTM at $T = 20$ with a bias of 0. You can change `noise` (the
# standard deviation of the noise) and `lengths` too.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.long_range import DEFAULT

config = replace(DEFAULT, lengths=(20,), cells=("lstm",), forget_bias=0.0, repeats=1)
mine = load("long_range", config)
print(f"forget-gate bias 0, LSTM at T = 20: accuracy {100 * mine.values['accuracy']['lstm'][0]:.1f}%")
