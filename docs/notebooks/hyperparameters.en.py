# %% [markdown]
# # Validating hyperparameters
#
# This notebook reproduces the experiment of the [Validating hyperparameters](../hyperparameters.md) page:
#
# 1. the split into training, validation and test data;
# 2. the random search over the learning rate and weight decay on a log scale;
# 3. the best trials' learning curves, and the one measurement on the test data.
#
# The results are read from the `dl_notes.experiments` cache.

# %%
import numpy as np

from dl_notes.datasets import load_mnist, split_validation
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import hyperparameter_search

outcome = ensure("hyperparameter_search")
print(f"hyperparameter_search: {'loaded from the cache' if not outcome.ran else 'ran'}"
      f" ({outcome.result.meta['seconds']:.2f} s of compute)")
r = load("hyperparameter_search")

# %% [markdown]
# ## 1. Training, validation and test data

# %%
(x, t), (x_test, t_test) = load_mnist(source="subset")
(x_train, t_train), (x_val, t_val) = split_validation(x[:500], t[:500], validation_rate=0.2, seed=0)
print(f"training {len(x_train)}, validation {len(x_val)}, test {len(x_test)}")
print("images per class in the validation data:", np.bincount(t_val, minlength=10))

# %% [markdown]
# ## 2. The random search

# %%
for rank, trial in enumerate(r.values["order"], start=1):
    print(f"#{rank:>2}  lr {r.arrays['lr'][trial]:.2e}  weight decay {r.arrays['wd'][trial]:.2e}  "
          f"validation accuracy {r.arrays['val_acc'][trial, -1]:.2f}")
show(hyperparameter_search.plot(r, "en"))

# %% [markdown]
# ## 3. The best trials, and the test data once

# %%
best = r.values["best"]
print(f"chosen: lr {best['lr']:.2e}, weight decay {best['wd']:.2e}: "
      f"validation {best['val_acc']:.3f}, test {best['test_acc']:.3f}")
show(hyperparameter_search.plot_best(r, "en"))

# %% [markdown]
# ## Try it yourself
#
# The book's next step: narrow the learning rate to the good region and search again. Here 6 trials
# from 0.002 to 0.02, 30 epochs each (a few seconds).

# %%
from dataclasses import replace

mine = load("hyperparameter_search", replace(hyperparameter_search.DEFAULT, trials=6, epochs=30,
                                              lr_range=(2e-3, 2e-2), top=3))
for trial in mine.values["order"]:
    print(f"lr {mine.arrays['lr'][trial]:.2e}  weight decay {mine.arrays['wd'][trial]:.2e}  "
          f"validation accuracy {mine.arrays['val_acc'][trial, -1]:.2f}")
show(hyperparameter_search.plot(mine, "en"))
