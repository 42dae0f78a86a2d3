# %% [markdown]
# # WaveNet
#
# This notebook reproduces the figures and numbers of the page [WaveNet](../wavenet.md). It measures, by backpropagation, which inputs the last output of a stack of dilated causal convolutions is connected to, and compares how the receptive field grows with depth against an undilated stack. Finally it trains two stacks with the same parameters to predict a sequence that needs a long context.
#
# The results are loaded from the `dl_notes.experiments` cache: the experiment is not rerun unless the `dl_notes` code has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.wavenet_receptive_field import plot_growth, plot_stack

outcome = ensure("wavenet_receptive_field")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## A causal convolution never looks ahead

# %%
import numpy as np

from dl_notes.wavenet import CausalConv1D

conv = CausalConv1D(np.array([[[10.0, 1.0]]]), np.zeros(1), dilation=2)   # y[t] = 10 x[t-2] + x[t]
x = np.arange(1.0, 9.0).reshape(1, 1, 8)
y = conv.forward(x)
x[..., 5:] = 0.0                                                            # rewrite steps 5 and later
print(y[0, 0])
print(conv.forward(x)[0, 0])                                                # steps 0 to 4 are the same

# %% [markdown]
# ## Receptive field: dilated and undilated

# %%
v = result.values
print(f"dilations {v['config']['figure_dilations']}: receptive field {v['figure']['dilated']}; undilated: {v['figure']['plain']}")
show(plot_stack(result, "en"))

# %% [markdown]
# ## Depth and receptive field per parameter

# %%
d = v["deepest"]
print(f"{d['depth']} layers, {d['parameters']:,} parameters: receptive field {d['dilated']:,} (dilated), {d['plain']} (undilated)")
print(f"undilated layers needed for the same field: {d['layers_to_match']:,}")
show(plot_growth(result, "en"))

# %% [markdown]
# ## What the receptive field buys
#
# A dilated and an undilated stack with the same parameters predict the next value of a repeating pattern.

# %%
from dl_notes.experiments.wavenet_sequence import plot_training

seq = ensure("wavenet_sequence").result
for stack in ("dilated", "plain"):
    s = seq.values[stack]
    print(f"{stack}: receptive field {s['field']}, {s['parameters']} parameters, test mean squared error {s['test_mse']:.3f}")
show(plot_training(seq, "en"))

# %% [markdown]
# ## Try it
#
# Change the kernel size (`kernel_size`) or the depth of the drawn stack (`figure_layers`). Pick your own dilations and compare `receptive_field` with `influence`: dilations that grow too fast leave gaps inside the receptive field.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.wavenet_receptive_field import DEFAULT
from dl_notes.wavenet import causal_stack, influence, receptive_field

mine = load("wavenet_receptive_field", replace(DEFAULT, kernel_size=3, figure_layers=3))
show(plot_stack(mine, "en"))
dilations = [1, 4, 16]
levels = influence(causal_stack(3, dilations), 60)
print("receptive field by the formula:", receptive_field(3, dilations), "; inputs actually read:", int(levels[0].sum()))
