# %% [markdown]
# # Training a CNN
#
# This notebook reproduces the experiment of the [Training a CNN](../cnn_training.md) page:
# SimpleConvNet and fully connected nets trained with Adam on 5,000 training and 1,000 test
# MNIST images.
#
# The results are read from the `dl_notes.experiments` cache; the experiment runs again only
# when the code of `dl_notes` has changed (that takes a minute or more).

# %%
from dl_notes.experiments import convnet_training, ensure, load, show

outcome = ensure("convnet_training")
print(f"convnet_training: {'loaded from the cache' if not outcome.ran else 'ran'}"
      f" ({outcome.result.meta['seconds']:.2f} s of compute)")
r = load("convnet_training")

# %% [markdown]
# ## Accuracy

# %%
for key in r.values["nets"]:
    f = r.values["final"][key]
    print(f"{key:>10}: {r.values['params'][key]:>7,} parameters  train {f['train']:.3f}  test {f['test']:.3f}")
show(convnet_training.plot_accuracy(r, "en"))

# %% [markdown]
# ## Filters and feature maps

# %%
show(convnet_training.plot_filters(r, "en"))

# %%
show(convnet_training.plot_feature_maps(r, "en"))

# %% [markdown]
# ## Try it yourself
#
# Train with fewer filters or iterations; a small setting takes seconds.

# %%
from dataclasses import replace

config = replace(convnet_training.DEFAULT, filter_num=8, iterations=200, mlps=())
mine = load("convnet_training", config)
print("test accuracy:", mine.values["final"]["cnn"]["test"])
show(convnet_training.plot_filters(mine, "en"))
