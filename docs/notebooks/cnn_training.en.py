# %% [markdown]
# # Training a CNN
#
# This notebook reproduces the experiment of the [Training a CNN](../cnn_training.md) page:
# SimpleConvNet and fully connected nets trained with Adam on part of the MNIST training and test
# data, with the settings of the course's exercise 2_6 (the numbers of images and iterations are
# printed below).
#
# The results are read from the `dl_notes.experiments` cache; the experiment runs again only
# when the code of `dl_notes` has changed (that takes about as long as the compute time printed below).

# %%
from dl_notes.experiments import convnet_training, ensure, load, show

outcome = ensure("convnet_training")
print(f"convnet_training: {'loaded from the cache' if not outcome.ran else 'ran'}"
      f" ({outcome.result.meta['seconds']:.2f} s of compute)")
r = load("convnet_training")
print(f"{r.values['n_train']:,} training and {r.values['n_test']:,} test images, {r.values['iterations']:,} iterations")

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
