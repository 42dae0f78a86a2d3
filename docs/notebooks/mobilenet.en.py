# %% [markdown]
# # MobileNet
#
# This notebook reproduces the measurements of the [MobileNet](../mobilenet.md) page: the costs of
# a standard and of a depthwise separable convolution, compared through the multiply-adds the
# `dl_notes` layers count, and a small MobileNet trained on MNIST next to SimpleConvNet.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.mobilenet_mnist import plot_accuracy
from dl_notes.experiments.separable_costs import plot_ratio

for name in ("separable_costs", "mobilenet_mnist"):
    outcome = ensure(name)
    print(f"{name}: {'loaded from the cache' if not outcome.ran else 'ran'}"
          f" ({outcome.result.meta['seconds']:.2f} s of compute)")
costs, mnist = ensure("separable_costs").result, ensure("mobilenet_mnist").result

# %% [markdown]
# ## The cost ratio

# %%
q = costs.values["quiz"]
print(f"H = W = {q['H']}, C = {q['C']}, M = {q['M']}, K = {q['K']}")
for part in ("standard", "depthwise", "pointwise", "separable"):
    print(f"{part:>10}: {q[part]:>10,} multiply-adds")
print(f"ratio {q['ratio']:.4f} (formula 1/M + 1/K² = {q['ratio_formula']:.4f})")
show(plot_ratio(costs, "en"))

# %% [markdown]
# ## A small MobileNet and SimpleConvNet

# %%
v = mnist.values
for name in v["nets"]:
    print(f"{name:>9}: {v['params'][name]:>7,} parameters, {v['mult_adds'][name]:>9,.0f} multiply-adds, "
          f"{v['ms_per_step'][name]:.1f} ms per step, test accuracy {v['final'][name]['test']:.3f}")
print("MobileNet's time by layer kind:", {kind: round(share, 3) for kind, share in v["time_share"]["mobilenet"].items()})
show(plot_accuracy(mnist, "en"))

# %% [markdown]
# ## Try it
#
# How do parameters, multiply-adds, time and accuracy change with the number of channels? For
# example, double every block's channels and compare on a short schedule (a few seconds). The cost
# ratio can be computed with the function, as below.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments import mobilenet_mnist
from dl_notes.mobilenet import separable_cost_ratio

print([round(separable_cost_ratio(M, 3), 3) for M in (16, 64, 256, 1024)])
config = replace(mobilenet_mnist.DEFAULT, stem_channels=16, blocks=((32, 1), (64, 2), (128, 1)), iterations=50,
                 eval_every=25)
mine = load("mobilenet_mnist", config)
for name in mine.values["nets"]:
    print(f"{name:>9}: {mine.values['params'][name]:>7,} parameters, "
          f"{mine.values['ms_per_step'][name]:.1f} ms per step, test accuracy {mine.values['final'][name]['test']:.3f}")
