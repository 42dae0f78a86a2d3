# %% [markdown]
# # The perceptron
#
# This notebook reproduces the figures of [The perceptron](../perceptron.md): the decision
# boundaries of AND, NAND and OR, and XOR built from two layers. Then it lets you try weights and
# biases of your own.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.perceptron_gates import plot_gates, plot_unit, plot_xor

outcome = ensure("perceptron_gates")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## AND, NAND and OR

# %%
for name in result.values["order"]:
    gate = result.values["gates"][name]
    print(f"{name:>4}: w = {gate['w']}, b = {gate['b']:g}, outputs {gate['table']}")
show(plot_gates(result, "en"))

# %% [markdown]
# ## XOR from two layers

# %%
xor = result.values["xor"]
for xs, s1, s2, y in zip([(0, 0), (1, 0), (0, 1), (1, 1)], xor["s1"], xor["s2"], xor["y"]):
    print(xs, "s1 =", s1, "s2 =", s2, "y =", y)
show(plot_xor(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the weights and the bias, and see which gate the unit becomes. For example, keep the
# weights and move the bias from -0.2 to -0.7 (OR becomes AND), or try to find a unit that gives
# XOR: `search_parameters` looks for one on a grid.

# %%
import numpy as np

from dl_notes.perceptron import Perceptron, search_parameters, truth_table

unit = Perceptron(w=(1.0, -1.0), b=-0.5)
print("outputs for (0,0), (1,0), (0,1), (1,1):", truth_table(unit))
show(plot_unit(unit, "en", title="my unit"))

grid = np.linspace(-2, 2, 41)
print("units on the grid that compute XOR:", len(search_parameters([0, 1, 1, 0], grid)))
