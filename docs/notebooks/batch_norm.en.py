# %% [markdown]
# # Batch normalisation
#
# This notebook reproduces the experiments of the [Batch normalisation](../batch_norm.md) page:
# twelve cases (activation × initialisation × depth) trained on MNIST without and with batch
# normalisation, and the groups of values that batch, layer and instance normalisation standardise.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import init_grid, norm_axes

for name in ("init_grid", "norm_axes"):
    outcome = ensure(name)
    print(f"{name}: {'loaded from the cache' if not outcome.ran else 'ran'}"
          f" ({outcome.result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Without and with batch normalisation

# %%
g = load("init_grid")
acc = g.values["final_test_acc"]
for key in g.values["order"]:
    if not g.values["cases"][key]["batchnorm"]:
        print(f"{key:>24}: without {acc[key]:.3f} -> with {acc[key + '+bn']:.3f}")
show(init_grid.plot_batchnorm(g, "en"))

# %% [markdown]
# ## The groups each method normalises

# %%
n = load("norm_axes")
for method in n.values["methods"]:
    print(f"{method:>8}: {n.values['group_size'][method]} values per group, "
          f"dependence on other samples {n.values['batch_dependence'][method]:.3g}")
show(norm_axes.plot(n, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the learning rate or the number of iterations. For example, with the learning rate of the
# course's exercise 2_3, 0.01, how large is the difference batch normalisation makes? (This takes
# from seconds to tens of seconds.)

# %%
from dataclasses import replace

config = replace(init_grid.DEFAULT, activations=("sigmoid",), depths=(("shallow", (40, 20)),),
                 lr=0.01, iterations=1000)
mine = load("init_grid", config)
acc = mine.values["final_test_acc"]
for key in mine.values["order"]:
    print(f"{key:>28}: accuracy {acc[key]:.3f}")
show(init_grid.plot_batchnorm(mine, "en"))
