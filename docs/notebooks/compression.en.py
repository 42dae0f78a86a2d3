# %% [markdown]
# # Lightweighting
#
# This notebook reproduces the experiments of the page [Lightweighting](../compression.md):
# a fully connected network and SimpleConvNet trained on MNIST, quantised and pruned, and a small student trained by distillation (the numbers of images and iterations are printed below).
#
# The results are loaded from the `dl_notes.experiments` cache; an experiment runs again only when the `dl_notes` code changed (a rerun takes about the compute time printed below).

# %%
from dl_notes.experiments import compression_mnist, ensure, float_formats, load, show

for name in ("float_formats", "compression_mnist"):
    outcome = ensure(name)
    print(f"{name}: {'loaded from the cache' if not outcome.ran else 'ran'}"
          f" ({outcome.result.meta['seconds']:.2f} s of compute)")
f = load("float_formats")
r = load("compression_mnist")
print(f"{r.values['n_train']:,} training and {r.values['n_test']:,} test images")

# %% [markdown]
# ## Floating-point formats

# %%
for name, x in f.values["formats"].items():
    print(f"{name:>8}: sign {x['sign']}, exponent {x['exponent']:>2}, significand {x['significand']:>2}, "
          f"{x['memory_gib']:g} GiB for 1024^3")
show(float_formats.plot_error(f, "en"))

# %% [markdown]
# ## Quantisation

# %%
for key in r.values["nets"]:
    acc = r.values["quant"][key]["acc"]
    print(key, {k: round(v, 4) for k, v in acc.items()})
show(compression_mnist.plot_bits(r, "en"))

# %% [markdown]
# ## Distillation and pruning

# %%
print("alone:", r.values["alone"]["acc"])
for T, d in r.values["distilled"].items():
    print(f"T = {T}:", d["acc"])
show(compression_mnist.plot_pruning(r, "en"))
show(compression_mnist.plot_tradeoff(r, "en"))

# %% [markdown]
# ## Try it
#
# Quantise and prune a trained network yourself. The network is small and trained briefly: this takes a few seconds.

# %%
from dl_notes.datasets import load_mnist
from dl_notes.nets import MultiLayerNet
from dl_notes.pruning import apply_masks, magnitude_masks
from dl_notes.quantization import quantize_network
from dl_notes.train import Trainer

(x, t), (x_test, t_test) = load_mnist()
net = MultiLayerNet(784, [100], 10, seed=0)
Trainer(net, x, t, x_test, t_test, mini_batch_size=100, optimizer="Adam", optimizer_param={"lr": 0.001},
        iterations=500, eval_every=500, verbose=False, seed=0).train()
print("float32:", net.accuracy(x_test, t_test))
for bits in (8, 4, 3, 2):                          # try other bit widths
    print(f"{bits} bits:", quantize_network(net, bits).accuracy(x_test, t_test))
apply_masks(net.params, magnitude_masks(net.params, 0.9))   # set 90% of the weights to zero
print("sparsity 0.9:", net.accuracy(x_test, t_test))
