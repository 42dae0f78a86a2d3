# %% [markdown]
# # DenseNet
#
# This notebook reproduces the computations and measurements of the page [DenseNet](../densenet.md): the channels each layer of a dense block receives, the parameters of a block and of a plain stack, d2l's DenseNet part by part, a tiny DenseNet trained on MNIST, and the size of the gradient reaching each layer right after initialisation (plain, residual, dense block).
#
# The results are loaded from the `dl_notes.experiments` cache; an experiment reruns only if the `dl_notes` code changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.dense_gradient_flow import plot
from dl_notes.experiments.densenet_parameters import plot_block, plot_depth

outcome = ensure("densenet_parameters")
counts = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({counts.meta['seconds']:.2f} s of computation)")
outcome = ensure("dense_gradient_flow")
flow = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({flow.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## The channels of a dense block

# %%
import numpy as np

from dl_notes.densenet import DenseBlock, TransitionLayer, input_channels

block = DenseBlock(4, 16, 12, seed=0)
print("input channels of each layer:", [layer.in_channels for layer in block.layers], "output:", block.out_channels)
print("formula k0 + k(l - 1):", [input_channels(16, 12, l) for l in range(1, 6)])
y = block.forward(np.random.default_rng(0).standard_normal((2, 16, 8, 8)))
print("block output:", y.shape, "transition layer output:", TransitionLayer(64, 0.5, seed=0).forward(y).shape)
show(plot_block(counts, "en"))

# %% [markdown]
# ## Parameter counts

# %%
for part in counts.values["d2l"]["parts"]:
    print(f"{part['name']:>12}: {part['channels']:>4} channels, {part['params']:>9,} parameters")
print(f"d2l's DenseNet in all: {counts.values['d2l']['total']:,}, SimpleConvNet: {counts.values['simple_conv_net']:,}")
show(plot_depth(counts, "en"))

# %% [markdown]
# ## A tiny DenseNet trained on MNIST

# %%
from dl_notes.experiments.densenet_mnist import plot as plot_accuracy

outcome = ensure("densenet_mnist")
trained = outcome.result
print(f"test accuracy {trained.values['test_acc']:.1%}, {trained.values['params']:,} parameters"
      f" (SimpleConvNet: {trained.values['simple_conv_net']:,})")
show(plot_accuracy(trained, "en"))

# %% [markdown]
# ## The gradient reaching each layer

# %%
for kind, spread in flow.values["spread"].items():
    print(f"{kind:>8}: largest over smallest {spread:.1f}")
show(plot(flow, "en"))

# %% [markdown]
# ## Try it
#
# Change the number of layers (`num_layers`) or the growth rate (`growth_rate`) and measure again. How does the plain stack's ratio between its largest and smallest gradient change as it gets deeper? A deeper dense block costs more computation, so the next cell takes a few seconds to a few tens of seconds.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.dense_gradient_flow import DEFAULT

config = replace(DEFAULT, num_layers=12, inits=2)
mine = load("dense_gradient_flow", config)
print({kind: round(spread, 1) for kind, spread in mine.values["spread"].items()})
show(plot(mine, "en"))
