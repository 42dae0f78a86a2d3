# %% [markdown]
# # Reinforcement learning
#
# This notebook reproduces the measurements of the [Reinforcement learning](../reinforcement_learning.md)
# page: value iteration and Q-learning on a 5 × 5 grid world, and REINFORCE's gradient estimate
# against the exact gradient on a 3 × 3 maze.
#
# The results are read from the `dl_notes.experiments` cache; an experiment runs again only when
# the code of `dl_notes` has changed.

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.gridworld_values import plot_convergence, plot_values
from dl_notes.experiments.policy_gradient import plot_estimator, plot_learning
from dl_notes.experiments.q_learning import plot_curves, plot_grid, plot_policy

outcomes = {name: ensure(name) for name in ("gridworld_values", "q_learning", "policy_gradient")}
for name, outcome in outcomes.items():
    print(name, "loaded from the cache" if not outcome.ran else "ran", f"({outcome.result.meta['seconds']:.2f} s of compute)")

# %% [markdown]
# ## Value iteration: a world that does not slip and one that does

# %%
values = outcomes["gridworld_values"].result
for k, case in values.values["by_slip"].items():
    print(f"slip {case['slip']}: {case['sweeps']} sweeps, V*(S) = {case['V_start']:.4f}, "
          f"simulated mean {case['mc_mean']:.4f} (standard error {case['mc_stderr']:.4f})")
show(plot_values(values, "en"))
show(plot_convergence(values, "en"))

# %% [markdown]
# ## Q-learning

# %%
q = outcomes["q_learning"].result
print(f"fraction of states with an optimal greedy action (per seed): {q.values['agreement']}")
show(plot_curves(q, "en"))
show(plot_policy(q, "en"))
show(plot_grid(q, "en"))

# %% [markdown]
# ## REINFORCE's estimate and the exact gradient

# %%
pg = outcomes["policy_gradient"].result
for name, case in pg.values["estimator"].items():
    print(f"{name:>8}: variance of one episode's estimate {case['variance']:.3f}")
show(plot_estimator(pg, "en"))
show(plot_learning(pg, "en"))

# %% [markdown]
# ## Try it
#
# Edit the maze and run value iteration on it: `S` is the start, `G` the goal, `H` a hole and `#`
# a wall. Raise the slip probability `slip` from 0 to 2/3 (FrozenLake's): where do the optimal
# policy's arrows change? The reward for falling into a hole, `hole_reward`, and the reward of
# every step, `step_reward`, are yours to change too.

# %%
import numpy as np

from dl_notes.gridworld import ACTIONS, GridWorld
from dl_notes.rl import value_iteration

layout = ["S...#",
          ".H...",
          "...H.",
          "#...G"]
for slip in (0.0, 0.3, 2 / 3):
    world = GridWorld(layout, slip=slip)
    result = value_iteration(world, gamma=0.9)
    arrows = {"up": "↑", "right": "→", "down": "↓", "left": "←"}
    print(f"slip {slip:.2f}: {result.sweeps} sweeps, V*(S) = {result.V[world.start]:.3f}")
    for i, row in enumerate(layout):
        line = ""
        for j, c in enumerate(row):
            s = world.cells.index((i, j)) if c != "#" else None
            line += c if c in "#GH" else arrows[ACTIONS[result.policy[s]]]
        print("  " + line)
