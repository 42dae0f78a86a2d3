# %% [markdown]
# # Optimizer trajectories
#
# This notebook reproduces the figure of the [Optimizers](../optimizers.md) page: the paths that
# six optimizers (the course's five and Nesterov's accelerated gradient) take when they minimise $f(x, y) = \frac{x^2}{20} + y^2$ from $(-7, 2)$.
#
# The result is read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.optimizer_trajectories import plot

outcome = ensure("optimizer_trajectories")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Distance to the minimum (0, 0)

# %%
steps = result.values["steps"]
for key in result.values["order"]:
    distance = result.values["final_distance"][key]
    print(f"{result.values['names'][key]:>8}: distance after {steps} steps {distance:.4f}")

# %% [markdown]
# ## The paths

# %%
show(plot(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Make a configuration with other hyper-parameters and run it. For example, lower SGD's
# learning rate to 0.3 and see what happens to the oscillation in $y$.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.optimizer_trajectories import DEFAULT

config = replace(DEFAULT, optimizers=(("sgd", "SGD", (("lr", 0.3),)),))
mine = load("optimizer_trajectories", config)
print(f"SGD (lr=0.3): distance {mine.values['final_distance']['sgd']:.4f}")
