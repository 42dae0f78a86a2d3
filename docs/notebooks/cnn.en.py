# %% [markdown]
# # Convolutional networks
#
# This notebook reproduces the table and diagrams of the [Convolutional networks](../cnn.md)
# page: the output-size table and the padding, stride, channel and pooling diagrams.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import conv_geometry, ensure, load, show

outcome = ensure("conv_geometry")
print(f"conv_geometry: {'loaded from the cache' if not outcome.ran else 'ran'}"
      f" ({outcome.result.meta['seconds']:.2f} s of compute)")
g = load("conv_geometry")

# %% [markdown]
# ## The output-size table
#
# "↓" marks a size rounded down; the number in brackets is how many of the last input rows no
# window reaches (0 when only padding is left out).

# %%
print("F S P | " + " ".join(f"H={H:>4}" for H in g.values["inputs"]))
for row in g.values["grid"]:
    cells = []
    for H in g.values["inputs"]:
        c = row["sizes"][str(H)]
        cells.append(f"{c['output']}" if c["exact"] else f"{c['output']}↓({c['dropped']})")
    print(f"{row['F']} {row['S']} {row['P']} | " + " ".join(cell.rjust(6) for cell in cells))

# %% [markdown]
# ## The diagrams

# %%
show(conv_geometry.plot_padding(g, "en"))

# %%
show(conv_geometry.plot_stride(g, "en"))

# %%
show(conv_geometry.plot_channels(g, "en"))

# %%
show(conv_geometry.plot_pooling(g, "en"))

# %% [markdown]
# ## Try it yourself
#
# Change the input and filter sizes and compute the output size. A setting that does not divide
# is rounded down; with `strict=True` it raises an error whose message says which value to change.

# %%
from dl_notes.conv import conv_output_size

for H, F, S, P in [(6, 2, 1, 1), (32, 5, 1, 2), (227, 11, 4, 0), (28, 3, 2, 1)]:
    print(f"H={H}, F={F}, S={S}, P={P}: {conv_output_size(H, F, S, P)}")
    try:
        conv_output_size(H, F, S, P, strict=True)
    except ValueError as error:
        print(f"    strict=True: {error}")
