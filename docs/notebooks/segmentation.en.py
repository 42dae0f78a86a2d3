# %% [markdown]
# # Segmentation
#
# This notebook reproduces the figures and numbers of the page [Segmentation](../segmentation.md). It computes how the stamps of a transposed convolution overlap, unpooling with switches and the receptive field of dilated convolutions, and compares the FCN-style and U-Net-style networks trained on images of generated shapes by pixel accuracy and mean IoU.
#
# Results come from the `dl_notes.experiments` cache: an experiment is not run again unless the `dl_notes` code changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.transposed_conv_geometry import plot_dilation, plot_transposed, plot_unpooling

outcome = ensure("transposed_conv_geometry")
geometry = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({geometry.meta['seconds']:.2f} s of computing)")

# %% [markdown]
# ## The output size and the overlaps of a transposed convolution

# %%
from dl_notes.upsampling import transposed_conv_output_size

print("2x2 input, 3x3, stride 2:", transposed_conv_output_size(2, 3, stride=2))
print("FCN's last layer (7x7 input, kernel 64, stride 32, pad 16):", transposed_conv_output_size(7, 64, 32, 16))
v = geometry.values
print(f"overlaps of 3x3, stride 2: {v['checkerboard']['min']:g} to {v['checkerboard']['max']:g}; 4x4, stride 2, pad 1: {v['even']['min']:g}")
show(plot_transposed(geometry, "en"))

# %% [markdown]
# ## Unpooling and dilated convolution

# %%
show(plot_unpooling(geometry, "en"))
print(f"dilations {v['figure_dilations']}: receptive field {v['field']['dilated']}; undilated: {v['field']['plain']}")
show(plot_dilation(geometry, "en"))

# %% [markdown]
# ## Training the FCN-style and U-Net-style networks on generated shapes

# %%
from dl_notes.experiments.segmentation_shapes import plot_class_iou, plot_curves, plot_predictions

shapes = ensure("segmentation_shapes").result
s = shapes.values
for net in s["nets"]:
    f = s["final"][net]
    print(f"{net}: {s['params'][net]:,} parameters, pixel accuracy {f['pixel_accuracy']:.3f}, mean IoU {f['mean_iou']:.3f}")
b = s["background"]
print(f"everything background: pixel accuracy {b['pixel_accuracy']:.3f}, mean IoU {b['mean_iou']:.3f}")
show(plot_curves(shapes, "en"))
show(plot_predictions(shapes, "en"))
show(plot_class_iou(shapes, "en"))

# %% [markdown]
# ## Try it
#
# Change the input size (`ones_size`) or the number of layers with doubling dilations (`max_depth`). Change the kernel size and the stride to find the combinations that do and do not leave a grid pattern.

# %%
from dataclasses import replace

import numpy as np

from dl_notes.experiments import load
from dl_notes.experiments.transposed_conv_geometry import DEFAULT
from dl_notes.upsampling import TransposedConvolution

mine = load("transposed_conv_geometry", replace(DEFAULT, ones_size=6, max_depth=6))
show(plot_dilation(mine, "en"))
for K, S in [(3, 2), (4, 2), (5, 2), (6, 3)]:
    y = TransposedConvolution(np.ones((1, 1, K, K)), np.zeros(1), stride=S).forward(np.ones((1, 1, 6, 6)))[0, 0]
    inner = y[K:-K, K:-K]
    print(f"kernel {K}, stride {S}: inner overlap counts {inner.min():g} to {inner.max():g}")
