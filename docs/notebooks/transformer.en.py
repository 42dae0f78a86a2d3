# %% [markdown]
# # Transformer
#
# This notebook reproduces the figures and numbers of the page [Transformer](../transformer.md): the softmax saturation without the division by √d_k, the positional encoding, and a small Transformer trained on dates against Day 3's LSTM with attention.
#
# The results are loaded from the `dl_notes.experiments` cache: the experiments are not rerun unless the `dl_notes` code has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.scaled_attention import plot_saturation

outcome = ensure("scaled_attention")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## Why divide by √d_k

# %%
v = result.values
for d in v["config"]["widths"]:
    print(f"d_k = {d:4d}: Var(q·k) = {v['variance'][str(d)]:7.1f}, largest weight {v['unscaled'][str(d)]['max_weight']:.3f} "
          f"unscaled, {v['scaled'][str(d)]['max_weight']:.3f} scaled")
show(plot_saturation(result, "en"))

# %% [markdown]
# ## Positional encoding

# %%
import numpy as np

from dl_notes.experiments.positional_encoding import plot_dots, plot_table
from dl_notes.transformer import positional_encoding, shift_matrix

pe_result = ensure("positional_encoding").result
show(plot_table(pe_result, "en"))
pe = positional_encoding(50, 16)
print("PE(t + 5) = M_5 PE(t) for every t:", np.allclose(pe[:45] @ shift_matrix(5, 16).T, pe[5:]))
show(plot_dots(pe_result, "en"))

# %% [markdown]
# ## A small Transformer on dates

# %%
from dl_notes.experiments.transformer_dates import plot_curves, plot_maps

dates = ensure("transformer_dates").result
d = dates.values
for key in ("transformer", "lstm"):
    print(f"{key}: {d['params'][key]:,} parameters, exact match {d['exact'][key]:.3f}, "
          f"{d['ms_per_step'][key]:.2f} ms per step")
show(plot_curves(dates, "en"))
show(plot_maps(dates, "en"))

# %% [markdown]
# ## Try it
#
# Change the number of heads (`n_heads`, which must divide `d_model`), the width `d_model`, the number of layers `n_layers` or the learning rate `transformer_lr`. A smaller data set keeps the run short; compare the two models again.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.transformer_dates import DEFAULT

mine = load("transformer_dates", replace(DEFAULT, n_train=1000, epochs=6, n_heads=2))
print({key: round(mine.values["exact"][key], 3) for key in ("transformer", "lstm")})
show(plot_curves(mine, "en"))
