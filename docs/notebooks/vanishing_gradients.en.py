# %% [markdown]
# # Vanishing gradients
#
# This notebook reproduces the measurement of the [Vanishing gradients](../vanishing_gradients.md)
# page: the size of each layer's weight gradient, $\lVert \partial L / \partial W_l \rVert$, in a deep
# network before training, compared for the sigmoid, tanh and ReLU.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.vanishing_gradients import plot_activations, plot_norms

outcome = ensure("vanishing_gradients")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## The activations and their derivatives

# %%
print(f"largest slope of the sigmoid: {result.values['sigmoid_grad_max']}"
      f" (at x = {result.values['sigmoid_grad_argmax']})")
show(plot_activations(result, "en"))

# %% [markdown]
# ## The gradient of each layer

# %%
for key in result.values["order"]:
    print(f"{result.values['labels'][key]['en']:>16}: x{result.values['per_layer_factor'][key]:.3f} per layer back, "
          f"W1 / output layer = {result.values['input_over_output'][key]:.3g}")
show(plot_norms(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the depth, or the pairs of activation and initialisation. For example, give the network
# 20 hidden layers and try the sigmoid with He's initialisation. A number in `cases` is used as the
# standard deviation of a Gaussian.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.vanishing_gradients import DEFAULT

config = replace(DEFAULT, hidden=(100,) * 20, cases=(("sigmoid", "xavier"), ("sigmoid", "he"), ("relu", "he")))
mine = load("vanishing_gradients", config)
for key in mine.values["order"]:
    print(f"{key:>15}: x{mine.values['per_layer_factor'][key]:.3f} per layer back")
show(plot_norms(mine, "en"))
