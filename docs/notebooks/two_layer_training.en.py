# %% [markdown]
# # Training a two-layer network
#
# This notebook reproduces the measurements of the [Training a two-layer network](../two_layer_training.md)
# page:
#
# 1. the book's TwoLayerNet (784-50-10) trained on MNIST, accuracy per epoch;
# 2. learning rate and batch size at an equal number of epochs;
# 3. the course's exercise 1_3, with its backward pass as written and corrected;
# 4. the course's exercise 1_4_1.
#
# The results are read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import two_layer_training

outcome = ensure("two_layer_training")
print("loaded from the cache" if not outcome.ran else "ran", f"({outcome.result.meta['seconds']:.2f} s of compute)")
r = outcome.result

# %% [markdown]
# ## 1. The book's network on MNIST

# %%
v = r.values
print(f"after {v['epochs']} epochs: training accuracy {v['final_train_acc']:.3f}, test accuracy {v['final_test_acc']:.3f}")
show(two_layer_training.plot_curves(r, "en"))

# %% [markdown]
# ## 2. Batch size and learning rate

# %%
for key, acc in v["grid_test_acc"].items():
    print(f"learning rate / batch size {key:>9}: test accuracy {acc:.3f}")
show(two_layer_training.plot_grid(r, "en"))

# %% [markdown]
# ## 3. The course's exercise 1_3

# %%
for derivative, loss in v["sgd_final_loss_median"].items():
    print(f"{derivative:>17}: median squared error over the last steps {loss:.2e}")
show(two_layer_training.plot_course_sgd(r, "en"))

# %% [markdown]
# ## 4. The course's exercise 1_4_1

# %%
print(f"test accuracy after {v['course_iterations']} iterations: {v['course_final_test_acc']:.3f}")
show(two_layer_training.plot_course_mnist(r, "en"))

# %% [markdown]
# ## Try it yourself
#
# Another grid: learning rates 0.05 and 0.5 with batch sizes 20 and 200, for 3 epochs (a few
# seconds). The other measurements are shortened to keep it quick.

# %%
from dataclasses import replace

config = replace(two_layer_training.DEFAULT, epochs=1, grid_lrs=(0.05, 0.5), grid_batches=(20, 200), grid_epochs=3,
                 sgd_seeds=2, course_iterations=100)
mine = load("two_layer_training", config)
for key, acc in mine.values["grid_test_acc"].items():
    print(f"learning rate / batch size {key:>9}: test accuracy {acc:.3f}")
show(two_layer_training.plot_grid(mine, "en"))
