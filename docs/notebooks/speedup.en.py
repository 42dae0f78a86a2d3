# %% [markdown]
# # Speed-up
#
# This notebook reproduces the measurements of the [Speed-up](../speedup.md) page: synchronous
# data parallelism taking exactly the steps of SGD with a K-times batch, the stale gradients of
# asynchronous updates slowing and then breaking training, the traffic of model and data
# parallelism, and the time of one step with two worker processes.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments import async_staleness, data_parallel, model_parallel, parallel_timing

results = {}
for name in ("data_parallel", "async_staleness", "model_parallel", "parallel_timing"):
    outcome = ensure(name)
    results[name] = outcome.result
    print(name, "loaded from the cache" if not outcome.ran else "ran", f"({outcome.result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Synchronous updates: K workers against one worker with a K-times batch

# %%
print("largest parameter difference:", results["data_parallel"].values["max_param_difference"])
show(data_parallel.plot(results["data_parallel"], "en"))

# %% [markdown]
# ## Asynchronous updates: stale gradients

# %%
v = results["async_staleness"].values
print("iteration reaching the target accuracy:", v["reached"])
print("final accuracy:", {tau: round(acc, 3) for tau, acc in v["final"].items()})
show(async_staleness.plot(results["async_staleness"], "en"))

# %% [markdown]
# ## Traffic of model and data parallelism

# %%
v = results["model_parallel"].values
for net in v["nets"]:
    print(net, "stages:", v[net]["stages"], "equal at batch size:", round(v[net]["break_even_batch"]))
show(model_parallel.plot(results["model_parallel"], "en"))

# %% [markdown]
# ## Time of one step: one and two processes
#
# The cached values were measured while the site was built, with other experiments running. "Try
# it" below measures again on this machine as it is now.

# %%
v = results["parallel_timing"].values
print("median (ms):", {mode: round(ms, 1) for mode, ms in v["ms"].items()})
print(f"two processes: {v['speedup']:.2f} times as fast; ratio of worker CPU time: {v['cpu_ratio']:.2f}")
show(parallel_timing.plot(results["parallel_timing"], "en"))

# %% [markdown]
# ## Try it
#
# With a lower learning rate, do the runs with large staleness reach the target? Change `lr` or
# `staleness`. You can also try `StaleGradients(net, tau, random=True, seed=0)`, which draws the
# staleness between 0 and τ at every step. The next cell takes a few seconds.

# %%
from dataclasses import replace

from dl_notes.experiments import load

mine = load("async_staleness", replace(async_staleness.DEFAULT, lr=0.03, staleness=(0, 8, 32)))
print(mine.values["reached"], {tau: round(acc, 3) for tau, acc in mine.values["final"].items()})
show(async_staleness.plot(mine, "en"))
