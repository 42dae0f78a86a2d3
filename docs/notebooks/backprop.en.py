# %% [markdown]
# # Backpropagation
#
# This notebook reproduces the [Backpropagation](../backprop.md) page: the forward and backward
# values of the shopping graph, the gradient check of `TwoLayerNet`, and its speed against the
# numerical gradient.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.backprop import plot

outcome = ensure("backprop")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## The shopping graph
#
# Above each edge its forward value, below it its backward value: the derivative of the price with
# respect to that value.

# %%
for key, value in result.values["backward"].items():
    print(f"{key:>13}: forward {result.values['forward'][key]:g}, backward {value:g}")
show(plot(result, "en"))

# %% [markdown]
# ## Gradient check and speed

# %%
v = result.values
for key, row in v["table"].items():
    print(f"{key}: mean difference {row['mean_abs']:.3g}, largest {row['max_abs']:.3g}, relative {row['relative']:.3g}")
print(f"numerical {v['numerical_seconds']:.3g} s, backprop {1000 * v['backprop_seconds']:.3g} ms, "
      f"about {v['speed_ratio']:,.0f} times faster")

# %% [markdown]
# ## Try it yourself
#
# Wire the graph with other numbers. With 4 apples and a tax factor of 1.08, how do the derivatives
# change? Edit the cell below.

# %%
from dl_notes.experiments.backprop import shopping

forward, backward = shopping(apple_num=4, tax=1.08)
print("price:", forward["price"])
print({key: backward[key] for key in ("apple", "apple_num", "orange", "orange_num", "tax")})
