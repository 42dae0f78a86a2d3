"""dl_notes.gridworld (the page "Reinforcement learning"): the transition and reward tables, slipping,
walls and terminal states, sampling that follows the tables, and bad maps."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.gridworld import ACTIONS, LAYOUT, SMALL_LAYOUT, GridWorld

UP, RIGHT, DOWN, LEFT = range(4)


@pytest.mark.parametrize("slip", [0.0, 0.2, 2 / 3])
@pytest.mark.parametrize("layout", [LAYOUT, SMALL_LAYOUT])
def test_tables_are_distributions_and_terminals_absorb(layout, slip):
    world = GridWorld(layout, slip=slip)
    np.testing.assert_allclose(world.P.sum(axis=2), 1.0)
    assert (world.P >= 0).all()
    for s in np.flatnonzero(world.terminal):
        assert (world.P[s, :, s] == 1).all() and (world.R[s] == 0).all()
    assert world.n_states == sum(len(row) - row.count("#") for row in layout)


def test_walls_and_edges_keep_the_agent_in_place():
    world = GridWorld(["S#G"])      # two states: S and G; the wall is not a state
    assert world.n_states == 2 and world.cells == [(0, 0), (0, 2)]
    for a in range(4):
        assert world.P[0, a, 0] == 1.0 and world.R[0, a] == 0.0


def test_slip_sends_half_of_it_to_each_perpendicular_direction():
    world = GridWorld(["...", ".S.", "..G"], slip=0.4)
    index = {cell: s for s, cell in enumerate(world.cells)}
    row = world.P[world.start, UP]
    assert row[index[(0, 1)]] == pytest.approx(0.6)
    assert row[index[(1, 0)]] == pytest.approx(0.2) and row[index[(1, 2)]] == pytest.approx(0.2)


def test_rewards_are_earned_on_entering():
    world = GridWorld(["HSG"], goal_reward=2.0, hole_reward=-3.0, step_reward=-0.1)
    assert world.R[world.start, RIGHT] == 2.0 and world.R[world.start, LEFT] == -3.0
    assert world.R[world.start, UP] == -0.1           # bumping into the edge is a step too


def test_step_samples_the_table():
    world, rng = GridWorld(slip=0.3), np.random.default_rng(0)
    counts = np.zeros(world.n_states)
    for _ in range(20000):
        world.state = 6                 # (1, 2): right of it is the hole
        counts[world.step(RIGHT, rng)[0]] += 1
    np.testing.assert_allclose(counts / 20000, world.P[6, RIGHT], atol=0.015)


def test_episodes_end_on_terminal_states_and_the_same_seed_repeats_them():
    def walk(seed):
        world, rng = GridWorld(slip=0.2), np.random.default_rng(seed)
        world.reset(rng)
        path, done = [], False
        while not done:
            s, r, done = world.step(int(rng.integers(4)), rng)
            path.append((s, r))
        return path, world
    path, world = walk(3)
    assert world.terminal[path[-1][0]] and not any(world.terminal[s] for s, _ in path[:-1])
    assert path == walk(3)[0]
    with pytest.raises(ValueError, match="is terminal; call reset"):
        world.step(0, np.random.default_rng(0))


def test_grid_puts_values_on_the_map():
    world = GridWorld(["S#G"])
    grid = world.grid([1.0, 2.0])
    assert grid[0, 0] == 1.0 and np.isnan(grid[0, 1]) and grid[0, 2] == 2.0
    assert [world.kind(s) for s in range(2)] == ["S", "G"] and ACTIONS[RIGHT] == "right"


@pytest.mark.parametrize("layout, kwargs, match", [
    (["S.", "G"], {}, "one length"),
    (["S.X"], {}, r"unknown characters \['X'\]"),
    (["..G"], {}, "exactly one S and at least one G, got 0 S and 1 G"),
    (["S.G"], {"slip": 1.0}, r"slip must be in \[0, 1\), got 1.0"),
])
def test_bad_maps(layout, kwargs, match):
    with pytest.raises(ValueError, match=match):
        GridWorld(layout, **kwargs)


def test_bad_actions():
    world = GridWorld()
    with pytest.raises(ValueError, match="action must be in 0..3, got 4"):
        world.step(4, np.random.default_rng(0))
    with pytest.raises(TypeError, match="sequence of strings"):
        GridWorld([1, 2])
