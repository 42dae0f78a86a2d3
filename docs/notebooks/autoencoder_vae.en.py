# %% [markdown]
# # Autoencoders and the VAE
#
# This notebook reproduces the measurements of the page [Autoencoders and the VAE](../autoencoder_vae.md). It trains an autoencoder with a 16-number code, one with a 2-number code and a VAE with a 2-D latent variable on MNIST, and shows reconstructions, the 2-D latent space and images generated from a grid over the prior.
#
# Results come from the `dl_notes.experiments` cache: the experiment is not run again unless the `dl_notes` code changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.autoencoder_vae import plot_ae_loss, plot_grid, plot_latent, plot_reconstructions, plot_vae_loss

outcome = ensure("autoencoder_vae")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## The autoencoder's loss and reconstructions

# %%
v = result.values
print(f"autoencoder ({v['config']['code']}-number code): test loss {v['ae']['test_loss']:.1f} nats, mean image {v['mean_image_loss']:.1f} nats")
show(plot_ae_loss(result, "en"))
show(plot_reconstructions(result, "en"))

# %% [markdown]
# ## The two terms of the VAE's loss

# %%
print(f"VAE: reconstruction {v['vae']['test_reconstruction']:.1f} nats, KL {v['vae']['test_kl']:.2f} nats")
print(f"autoencoder with a 2-number code: reconstruction {v['ae2']['test_loss']:.1f} nats")
show(plot_vae_loss(result, "en"))

# %% [markdown]
# ## The 2-D latent space and the grid over the prior

# %%
print("code standard deviations: autoencoder", [round(s, 2) for s in v["ae2"]["code_std"]], ", VAE's mu", [round(s, 2) for s in v["vae"]["mu_std"]])
show(plot_latent(result, "en"))
show(plot_grid(result, "en"))

# %% [markdown]
# ## Try it yourself
#
# Train longer (`vae_epochs`), shrink the hidden layer (`hidden`), or make the grid finer (`grid`). With more epochs, how do the VAE's reconstruction error and the spread of its latent space change?

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.autoencoder_vae import DEFAULT

config = replace(DEFAULT, ae_epochs=1, vae_epochs=3, hidden=64, grid=7)
mine = load("autoencoder_vae", config)
print(f"VAE: reconstruction {mine.values['vae']['test_reconstruction']:.1f} nats, KL {mine.values['vae']['test_kl']:.2f} nats")
show(plot_grid(mine, "en"))
