# %% [markdown]
# # Weight initialisation
#
# This notebook reproduces the three experiments of the [Weight initialisation](../weight_init.md)
# page:
#
# 1. started from all-equal weights, the hidden units stay identical;
# 2. how each layer's outputs are distributed in a 5-layer, 100-unit network, per initialisation;
# 3. activation × initialisation × depth, trained on MNIST.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show

for name in ("zero_init", "activation_histograms", "init_grid"):
    outcome = ensure(name)
    print(f"{name}: {'loaded from the cache' if not outcome.ran else 'ran'}"
          f" ({outcome.result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## 1. Starting from equal weights

# %%
from dl_notes.experiments import load
from dl_notes.experiments import zero_init

z = load("zero_init")
for key in z.values["order"]:
    print(f"{key:>15}: distinct units {z.values['distinct_units'][key]}, "
          f"accuracy {z.values['final_test_acc'][key]:.3f}")
show(zero_init.plot(z, "en"))

# %% [markdown]
# ## 2. The distribution of each layer's outputs

# %%
from dl_notes.experiments import activation_histograms

h = load("activation_histograms")
for key in h.values["order"]:
    print(f"{key:>16}: std per layer {[round(s, 4) for s in h.values['std'][key]]}")
show(activation_histograms.histogram_figure(h, "en", "relu"))

# %% [markdown]
# ## 3. Compared on MNIST

# %%
from dl_notes.experiments import init_grid

g = load("init_grid")
for key in g.values["order"]:
    if not g.values["cases"][key]["batchnorm"]:
        print(f"{key:>24}: accuracy {g.values['final_test_acc'][key]:.3f}")
show(init_grid.plot(g, "en"))

r = g.values["report"]
print(f"the report's settings (learning rate {r['lr']}, {r['iterations']:,} iterations)")
for key, value in r["final_test_acc"].items():
    print(f"{key:>24}: accuracy {value:.3f}")

# %% [markdown]
# ## Try it yourself
#
# Change the settings and run again. For example: what happens to the spread of a ReLU network's
# outputs with a Gaussian of standard deviation 0.05? An initialisation is a number (a standard
# deviation), `"xavier"` or `"he"`.

# %%
from dataclasses import replace

config = replace(activation_histograms.DEFAULT, activations=("relu",),
                 inits=(("std0.05", 0.05), ("std0.1", 0.1), ("he", "he")))
mine = load("activation_histograms", config)
for key in mine.values["order"]:
    print(f"{key:>12}: std per layer {[round(s, 4) for s in mine.values['std'][key]]}")

# %% [markdown]
# The MNIST comparison takes other depths and iteration counts too (from seconds to tens of seconds).
# Here: eight hidden layers, 500 iterations.

# %%
config = replace(init_grid.DEFAULT, depths=(("deep8", (40, 20) + (20,) * 6),), batchnorm=(False,), iterations=500,
                 report_lr=None)
mine = load("init_grid", config)
for key in mine.values["order"]:
    print(f"{key:>22}: accuracy {mine.values['final_test_acc'][key]:.3f}")
show(init_grid.plot(mine, "en"))
