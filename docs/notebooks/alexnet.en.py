# %% [markdown]
# # AlexNet and later CNNs
#
# This notebook reproduces the tables of the [AlexNet and later CNNs](../alexnet.md) page. The
# output sizes and parameter counts are computed by `dl_notes.architectures.summarize`.

# %%
from dl_notes import architectures as arch
from dl_notes.experiments import cnn_architectures, load, show

a = load("cnn_architectures")
for net in a.values["networks"]:
    print(net)
    for row in a.values["layers"][net]:
        print(f"  {row['name']:>9} {row['kind']:>8} {'×'.join(map(str, row['shape'])):>12} {row['params']:>12,}")
    print(f"  total {a.values['totals'][net]:,}")
show(cnn_architectures.plot(a, "en"))

# %% [markdown]
# ## Flatten and global average pooling

# %%
for head in ("flatten", "gap", "gmp"):
    print(f"{head:>8}: {arch.head_parameters((256, 6, 6), 4096, head):,}")

# %% [markdown]
# ## Try it yourself
#
# Specify your own layers and compute their sizes and parameters, for example the course's
# DoubleConvNet of exercise 2_7.

# %%
double_conv = [
    ("conv", {"filters": 10, "size": 7, "pad": 1}), ("pool", {"size": 2}),
    ("conv", {"filters": 20, "size": 3, "pad": 1}), ("pool", {"size": 2}),
    ("fc", {"units": 100}), ("fc", {"units": 10}),
]
for row in arch.summarize((1, 28, 28), double_conv):
    print(f"{row['name']:>8} {'×'.join(map(str, row['shape'])):>10} {row['params']:>8,}")
