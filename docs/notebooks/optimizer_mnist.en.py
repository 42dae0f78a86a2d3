# %% [markdown]
# # Optimizers and learning rates on MNIST
#
# This notebook reproduces the two MNIST figures of the [Optimizers](../optimizers.md) page:
#
# 1. the test accuracy of five optimizers, without and with dropout;
# 2. the training loss of SGD at several learning rates, including runs that diverged.
#
# The results are read from the `dl_notes.experiments` cache; the experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import optimizer_mnist

outcome = ensure("optimizer_mnist")
print("loaded from the cache" if not outcome.ran else "ran", f"({outcome.result.meta['seconds']:.2f} s of compute)")
m = outcome.result

# %% [markdown]
# ## 1. Five optimizers

# %%
for case in m.values["order"]:
    print(f"{case:>22}: test accuracy {m.values['final_test_acc'][case]:.3f}")
show(optimizer_mnist.plot(m, "en"))

# %% [markdown]
# ## 2. Changing the learning rate
#
# A run marked × stopped where its loss stopped being finite (it diverged).

# %%
for lr in m.values["sweep_lrs"]:
    at = m.values["sweep_diverged_at"][lr]
    state = f"diverged at iteration {at}" if at is not None else f"test accuracy {m.values['sweep_final_test_acc'][lr]:.3f}"
    print(f"learning rate {lr:>6}: {state}")
show(optimizer_mnist.plot_sweep(m, "en"))

# %% [markdown]
# ## Try it yourself
#
# What happens with another learning rate for every optimizer, as the course's solution does for
# some? Here all five train at learning rate 0.1 for 300 iterations (a few seconds).

# %%
from dataclasses import replace

config = replace(optimizer_mnist.DEFAULT, lr=0.1, iterations=300, dropout=(0.0,), sweep_lrs=(0.1,),
                 sweep_iterations=20)
mine = load("optimizer_mnist", config)
for case in mine.values["order"]:
    print(f"{case:>10}: test accuracy {mine.values['final_test_acc'][case]:.3f}")
show(optimizer_mnist.plot(mine, "en"))
