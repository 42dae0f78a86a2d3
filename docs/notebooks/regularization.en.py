# %% [markdown]
# # Overfitting and regularisation
#
# This notebook reproduces the experiments of the [Overfitting and regularisation](../regularization.md) page:
#
# 1. overfitting with 300 training images and a 7-layer network, and what L2, L1 and dropout do;
# 2. the trained weights' distribution (L1's sparsity);
# 3. the L1 diamond and the L2 disc.
#
# The results are read from the `dl_notes.experiments` cache.

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import norm_geometry, regularization

for name in ("regularization", "norm_geometry"):
    outcome = ensure(name)
    print(f"{name}: {'loaded from the cache' if not outcome.ran else 'ran'}"
          f" ({outcome.result.meta['seconds']:.2f} s of compute)")
r = load("regularization")

# %% [markdown]
# ## 1. Accuracy per regulariser

# %%
for key in r.values["order"]:
    print(f"{key:>22}: training {r.values['final_train_acc'][key]:.3f}, test {r.values['final_test_acc'][key]:.3f}, "
          f"weights with |w| < 0.001 {r.values['near_zero_fraction'][key]:.1%}")
show(regularization.plot(r, "en"))

# %% [markdown]
# ## 2. The weights

# %%
show(regularization.plot_histograms(r, "en"))

# %% [markdown]
# ## 3. The constraint regions

# %%
g = load("norm_geometry")
print("L2 solution:", [round(c, 3) for c in g.values["solution"]["l2"]])
print("L1 solution:", [round(c, 3) for c in g.values["solution"]["l1"]])
show(norm_geometry.plot(g, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change λ. Here L2 with λ = 0.01 and 0.05, for 400 iterations only (a few seconds).

# %%
from dataclasses import replace

# (key, learning rate, "l1"/"l2"/None, λ, dropout ratio, optimizer)
cases = (("none", 0.01, None, 0.0, 0.0, "SGD"), ("l2_0.01", 0.01, "l2", 0.01, 0.0, "SGD"),
         ("l2_0.05", 0.01, "l2", 0.05, 0.0, "SGD"))
mine = load("regularization", replace(regularization.DEFAULT, cases=cases, iterations=400))
for key in mine.values["order"]:
    print(f"{key:>8}: training {mine.values['final_train_acc'][key]:.3f}, test {mine.values['final_test_acc'][key]:.3f}")
show(regularization.plot(mine, "en"))
