# %% [markdown]
# # Framework exercise: regularisation and normalisation
#
# This notebook reproduces the three comparisons of the [Framework exercise](../framework_exercise.md) page:
#
# 1. penalties on the weights (none, L1, L2, L1 + L2);
# 2. normalisation in a small CNN (none, batch, layer, instance);
# 3. with and without dropout.
#
# The results are read from the `dl_notes.experiments` cache.

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import framework_regularization

outcome = ensure("framework_regularization")
print("loaded from the cache" if not outcome.ran else "ran", f"({outcome.result.meta['seconds']:.2f} s of compute)")
f = outcome.result
for name, row in f.values["summary"].items():
    print(f"{name:>22}: final training loss {row['final_train_loss']:.3f}, final validation loss {row['final_val_loss']:.3f}")

# %% [markdown]
# ## 1. Penalties on the weights

# %%
show(framework_regularization.plot_weights(f, "en"))

# %% [markdown]
# ## 2. Normalisation

# %%
show(framework_regularization.plot_norms(f, "en"))

# %% [markdown]
# ## 3. Dropout

# %%
show(framework_regularization.plot_dropout(f, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the strength. Here only Keras's `l2(0.005)`, for 500 iterations (the CNN part is cut short).

# %%
from dataclasses import replace

config = replace(framework_regularization.DEFAULT, weight_cases=(("none", None, 0.0), ("l2", "l2", 0.005)),
                 iterations=500, norms=("none",), cnn_iterations=10, cnn_eval_every=5)
mine = load("framework_regularization", config)
for name in ("weights/none", "weights/l2"):
    print(name, round(mine.values["summary"][name]["final_val_loss"], 3))
show(framework_regularization.plot_weights(mine, "en"))
