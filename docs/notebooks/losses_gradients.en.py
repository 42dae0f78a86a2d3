# %% [markdown]
# # Losses and gradients
#
# This notebook reproduces the figures of the [Losses and gradients](../losses_gradients.md) page:
# accuracy and loss against one weight, the error of numerical derivatives against the step $h$,
# the gradient field, and gradient descent with different learning rates.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments import gradient_basics, loss_vs_accuracy

accuracy_run = ensure("loss_vs_accuracy").result
basics_run = ensure("gradient_basics").result

# %% [markdown]
# ## Accuracy and loss against one weight

# %%
v = accuracy_run.values
print(f"weight moved: {v['weight_name']} (trained value {v['w0']:.3f})")
print(f"derivative of the accuracy: {v['d_accuracy']}, of the loss: {v['d_loss']:.4f}")
show(loss_vs_accuracy.plot(accuracy_run, "en"))

# %% [markdown]
# ## Error of numerical derivatives against h

# %%
b = basics_run.values
for method in ("forward", "central"):
    print(f"{method}: best h = {b['best_h'][method]:.1e}, error there {b['best_error'][method]:.1e}")
show(gradient_basics.plot_diff_error(basics_run, "en"))

# %% [markdown]
# ## The gradient field and gradient descent

# %%
show(gradient_basics.plot_field(basics_run, "en"))
show(gradient_basics.plot_descent(basics_run, "en"))

# %% [markdown]
# ## Try it yourself
#
# Run gradient descent with other learning rates. With 0.5 it lands on the minimum in one step;
# with 1.0, $x$ flips sign every step and never shrinks.

# %%
import numpy as np

from dl_notes import gradient_descent

for lr in (0.5, 0.9, 1.0):
    x = gradient_descent(gradient_basics.sphere, np.array([-3.0, 4.0]), lr=lr, step_num=20)
    print(f"learning rate {lr}: x after 20 steps = {x.round(6)}")
