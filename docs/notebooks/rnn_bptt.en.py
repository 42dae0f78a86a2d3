# %% [markdown]
# # RNNs and BPTT
#
# This notebook reproduces the two exercises of the [RNNs and backpropagation through time](../rnn_bptt.md)
# page: the course's binary addition (3_1) with its variants, and the course's sine prediction (3_3).
#
# The results are read from the `dl_notes.experiments` cache; the experiments run again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.binary_addition import plot_loss
from dl_notes.experiments.sine_prediction import plot_generated

outcome = ensure("binary_addition")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Binary addition: the loss and the printed blocks
#
# Left: the course's code as it is; right: the output derivative corrected to $y(1 - y)$.

# %%
show(plot_loss(result, "en"))
print(result.values["prints"][-1])

# %% [markdown]
# ## The exercise variants
#
# The mean of the last 10 printed losses, and the accuracy on all pairs in $[0, 128)$.

# %%
v = result.values
for key in v["order"]:
    x = v["variants"][key]
    loss = f"diverged at iteration {x['diverged_at']}" if x["diverged_at"] is not None else f"{x['last10_loss']:.3g}"
    print(f"{v['labels'][key]['en']:>40}: loss {loss}, sum accuracy {x['sum_accuracy']:.1%}")

# %% [markdown]
# ## Sine prediction

# %%
sine = ensure("sine_prediction").result
for key, x in sine.values["models"].items():
    print(f"{key:>10}: test loss {x['test_loss']:.3g}, generated values from {x['min']:.2f} to {x['max']:.2f}")
show(plot_generated(sine, "en"))

# %% [markdown]
# ## Try it yourself
#
# Add a variant and train it with the course's loop. A variant is (name, hidden units, initial weights
# (a standard deviation, 'xavier' or 'he'), learning rate, activation, output derivative ('course' or
# 'fixed'), seed). Here: 32 tanh units with Xavier's initialisation.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.binary_addition import COURSE, DEFAULT

config = replace(DEFAULT, variants=(COURSE, ("tanh32", 32, "xavier", 0.1, "tanh", "course", 0)), iterations=3000)
mine = load("binary_addition", config)
for key, x in mine.values["variants"].items():
    print(f"{key:>8}: sum accuracy {x['sum_accuracy']:.1%}")
