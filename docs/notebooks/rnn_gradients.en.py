# %% [markdown]
# # Vanishing and exploding gradients through time
#
# This notebook reproduces the measurements of [Vanishing and exploding gradients through time](../rnn_gradients.md): the size of the gradient flowing back through time in RNN, LSTM and GRU, and an RNN trained with and without gradient clipping.
#
# The results are read from the cache of `dl_notes.experiments`; the experiments rerun only if the code of `dl_notes` changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.gradient_clipping import plot_curves
from dl_notes.experiments.gradient_flow import plot_cells, plot_scales

flow = ensure("gradient_flow").result
clipping = ensure("gradient_clipping").result

# %% [markdown]
# ## The gradient in RNN, LSTM and GRU

# %%
for key in flow.values["cell_order"]:
    entry = flow.values["cells"][key]
    print(f"{entry['label']['en']:>28}: factor {entry['per_step']:.3f} per step")
show(plot_cells(flow, "en"))

# %% [markdown]
# ## The size of $W_h$ and the activation, against the bound $\gamma \lVert W_h \rVert_2$

# %%
for key in flow.values["scale_order"]:
    entry = flow.values["scales"][key]
    print(f"{entry['label']['en']:>22}: bound {entry['bound']:.3g}, measured {entry['per_step']:.3f}")
show(plot_scales(flow, "en"))

# %% [markdown]
# ## Training with and without clipping

# %%
for name in ("plain", "clipped"):
    s = clipping.values["summary"][name]
    print(f"{name}: {s['diverged']} of {clipping.values['n_seeds']} runs diverged, "
          f"{100 * s['above_threshold']:.1f}% of the steps above the threshold")
show(plot_curves(clipping, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the learning rate or the threshold. With a threshold of 10, for example, clipping acts only once the gradient is already large: does it still prevent divergence?

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.gradient_clipping import DEFAULT

mine = load("gradient_clipping", replace(DEFAULT, max_norm=10.0, seeds=3))
for name in ("plain", "clipped"):
    print(name, mine.values["summary"][name])
show(plot_curves(mine, "en"))
