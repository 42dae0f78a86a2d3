# %% [markdown]
# # AlphaGo
#
# This notebook reproduces the measurements of the [AlphaGo](../alphago.md) page: on tic-tac-toe,
# a policy-value network trained by self-play with Monte Carlo tree search (PUCT), its strength
# measured in games against a random player and a perfect player, and the strength of plain MCTS
# without a network for each number of simulations.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.alphazero_tictactoe import plot_alphago_lee, plot_alphago_zero, plot_simulations, plot_training
from dl_notes.experiments.mcts_simulations import plot_puzzles, plot_strength, plot_tree

outcome = ensure("alphazero_tictactoe")
zero = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({zero.meta['seconds']:.2f} s of compute)")
outcome = ensure("mcts_simulations")
pure = outcome.result
print("loaded from the cache" if not outcome.ran else "ran", f"({pure.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## AlphaGo and AlphaGo Zero

# %%
show(plot_alphago_lee(zero, "en"))
show(plot_alphago_zero(zero, "en"))

# %% [markdown]
# ## One search: the PUCT formula and the tree

# %%
import numpy as np

from dl_notes.mcts import MCTS, puct_scores, rollout_evaluator

print(puct_scores(np.array([0.5, 0.0, 0.0]), np.array([0.2, 0.6, 0.2]), np.array([3, 1, 0]), c_puct=1.0))
search = MCTS(rollout_evaluator(seed=0), n_simulations=200, seed=0)
counts = search.search([1, 1, 0, -1, -1, 0, 0, 0, 0])
print("visit counts:", counts.astype(int).reshape(3, 3).tolist())
print("mean values Q:", search.root.Q.round(2).reshape(3, 3).tolist())
show(plot_tree(pure, "en"))

# %% [markdown]
# ## Training by self-play

# %%
v = zero.values
print(f"{v['games']:,} games of self-play, {v['parameters']:,} parameters")
for key, shares in v["final"].items():
    print(f"{key:>15}: win {shares['win']:.0%}, draw {shares['draw']:.0%}, loss {shares['loss']:.0%}")
print(f"positions where the network alone picks a best move: {v['optimal']['start']:.1%} -> {v['optimal']['final']:.1%}")
show(plot_training(zero, "en"))
show(plot_simulations(zero, "en"))

# %% [markdown]
# ## Search without a network

# %%
print(pure.values["most"])
show(plot_strength(pure, "en"))
show(plot_puzzles(pure, "en"))

# %% [markdown]
# ## Try it yourself
#
# Play fewer games of self-play (`iterations`), use fewer simulations in the search
# (`n_simulations`), or drop the residual block (`n_blocks=0`). Does the trained network still
# never lose to the perfect player as O? The next cell takes some tens of seconds.

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.alphazero_tictactoe import DEFAULT

config = replace(DEFAULT, iterations=10, n_simulations=25, simulations=(1, 8))
mine = load("alphazero_tictactoe", config)
print({key: shares["loss"] for key, shares in mine.values["final"].items()})
show(plot_training(mine, "en"))
