# %% [markdown]
# # im2col and col2im
#
# This notebook reproduces the checks and the timed comparison of the
# [im2col and col2im](../im2col.md) page.
#
# The timings are the cached ones, measured on the machine that built the site; the last cell
# measures again on yours.

# %%
import numpy as np

from dl_notes.conv import col2im, im2col
from dl_notes.experiments import conv_geometry, ensure, im2col_speed, load, show

for name in ("conv_geometry", "im2col_speed"):
    outcome = ensure(name)
    print(f"{name}: {'loaded from the cache' if not outcome.ran else 'ran'}"
          f" ({outcome.result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## What im2col lays out

# %%
x = np.arange(16).reshape(1, 1, 4, 4)
for pad in (0, 1):
    col = im2col(x, 2, 2, stride=1, pad=pad)
    print(f"pad={pad}: col.shape = {col.shape}")
    print(col[:5])
show(conv_geometry.plot_layout(load("conv_geometry"), "en"))

# %% [markdown]
# ## col2im and the overlap counts

# %%
counts = col2im(im2col(np.ones((1, 1, 4, 4)), 2, 2), (1, 1, 4, 4), 2, 2)
print(counts[0, 0])
show(conv_geometry.plot_overlap(load("conv_geometry"), "en"))

# %% [markdown]
# ## Timings

# %%
s = load("im2col_speed")
for m in s.values["methods"]:
    print(f"{m:>15}: {1000 * s.values['seconds'][m]:8.2f} ms ({s.values['speedup_vs_naive'][m]:.1f}x the loops' speed)")
print("measured on:", s.values["machine"])
show(im2col_speed.plot(s, "en"))

# %% [markdown]
# ## Try it yourself
#
# Measure other sizes on your machine (a few seconds). `force=True` skips the cache.

# %%
from dataclasses import replace

mine = load("im2col_speed", replace(im2col_speed.DEFAULT, N=4, H=20, repeats=3), force=True)
for m in mine.values["methods"]:
    print(f"{m:>15}: {1000 * mine.values['seconds'][m]:8.2f} ms")
