# %% [markdown]
# # Seq2seq
#
# This notebook reproduces the measurements of the [Seq2seq](../seq2seq.md) page: a seq2seq model
# converting Japanese-format dates (the year, month and day each followed by its kanji) to
# `1994-09-27`, trained reading the input as written and reversed, then greedy decoding against
# beam search with the reversed model; then the course's sin → cos (3_5).
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.seq2seq_dates import plot_accuracy

outcome = ensure("seq2seq_dates")
result = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({result.meta['seconds']:.2f} s of computation)")

# %% [markdown]
# ## Exact-match accuracy per epoch

# %%
v = result.values
for key in ("plain", "reversed"):
    print(f"{key:>8}: {v['curves'][key]['final']:.1%} after the last epoch")
show(plot_accuracy(result, "en"))

# %% [markdown]
# ## Greedy decoding and beam search

# %%
for k, b in v["beams"].items():
    print(f"beam width {k}: exact match {b['accuracy']:.1%}, mean log-probability {b['mean_log_prob']:.3f}")
for e in v["examples"]:
    print(f"{e['source']:>14} → target {e['target']}, greedy {e['greedy']}, beam search {e['beam']}")

# %% [markdown]
# ## The course's sin → cos

# %%
from dl_notes.experiments.seq2seq_sin_cos import plot_windows

sin_cos = ensure("seq2seq_sin_cos").result
print(f"validation loss {sin_cos.values['val_loss']:.4f}, loss when generating {sin_cos.values['generated_loss']:.4f}")
show(plot_windows(sin_cos, "en"))

# %% [markdown]
# ## Try it yourself
#
# Use other formats (`formats`, from `dl_notes.dates.FORMATS`), more hidden units (`hidden_size`)
# or more epochs (`epochs`). With only `slash` (`9/27/1994`), where the year comes last, does
# reversing the input still help?

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.seq2seq_dates import DEFAULT

config = replace(DEFAULT, formats=("slash",), n_train=1000, epochs=5)   # small, to run in seconds
mine = load("seq2seq_dates", config)
print({key: c["final"] for key, c in mine.values["curves"].items()})
show(plot_accuracy(mine, "en"))
