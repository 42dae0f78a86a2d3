# %% [markdown]
# # Forward pass
#
# This notebook reproduces the computations of the [Forward pass](../forward_pass.md) page: the
# activations and their derivatives, the forward pass and the shapes of the book's three-layer
# network, softmax's overflow, and the six networks of the course's exercise
# `1_1_forward_propagation`.
#
# The figure's result is read from the `dl_notes.experiments` cache; the experiment runs again only
# when the code of `dl_notes` has changed.

# %%
import numpy as np

from dl_notes.experiments import ensure, show
from dl_notes.experiments.forward_pass import plot_activations

outcome = ensure("forward_pass")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## The activations and their derivatives

# %%
print("size of the gradient with respect to the first layer's weights:", result.values["grad_norms"])
show(plot_activations(result, "en"))

# %% [markdown]
# ## The book's three-layer network
#
# Each layer's $a^{(l)}$ and $z^{(l)}$, then the shapes for a batch of three inputs.

# %%
from dl_notes.forward import forward, forward_trace, init_network, layer_shapes

network = init_network()
x = np.array([1.0, 0.5])
for l, (a, z) in enumerate(forward_trace(network, x), start=1):
    print(f"layer {l}: a = {a.round(4)}, z = {z.round(4)}")
for row in layer_shapes(network, np.zeros((3, 2))):
    print(row)

# %% [markdown]
# ## Softmax's overflow

# %%
from dl_notes import softmax
from dl_notes.forward import naive_softmax

a = np.array([1010.0, 1000.0, 990.0])
print("as defined:", naive_softmax(a))
print("maximum subtracted:", softmax(a))

# %% [markdown]
# ## The course's exercise 1_1_forward_propagation

# %%
from dl_notes.forward import course_networks

for name, net in course_networks().items():
    print(f"({name}) {'-'.join(map(str, net.sizes))}, {net.activation} / {net.output}: y = {net.forward().round(4)}")

# %% [markdown]
# ## Try it yourself
#
# Swap the hidden activation of the exercise's network (c) from ReLU to the sigmoid or the step
# function and compare the outputs. Random weights, as the notebook's "try" cells suggest, work too.

# %%
net = course_networks()["c"]
for activation in ("relu", "sigmoid", "step"):
    print(f"{activation:>8}: {forward(net.network, net.x, activation, 'identity').round(4)}")
rng = np.random.default_rng(0)
mine = {k: rng.random(v.shape) for k, v in net.network.items()}
print("random weights:", forward(mine, net.x, "relu", "identity").round(4))
