"""The experiments behind the page "AlphaGo": alphazero_tictactoe and mcts_simulations (TINY runs),
and the known positions the search is tested on."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.experiments import alphazero_tictactoe as zero
from dl_notes.experiments import mcts_simulations as pure
from dl_notes.tictactoe import move_values, winning_squares


@pytest.fixture(scope="module")
def zero_tiny():
    return zero.run(zero.TINY)


@pytest.fixture(scope="module")
def pure_tiny():
    return pure.run(pure.TINY)


def test_zero_tiny_measures_every_checkpoint_and_level(zero_tiny):
    a, v = zero_tiny.arrays, zero_tiny.values
    assert a["checkpoints"].tolist() == list(range(0, zero.TINY.iterations + 1, zero.TINY.eval_every))
    assert len(a["losses"]) == zero.TINY.iterations
    for prefix, n in (("train", len(a["checkpoints"])), ("sweep", len(zero.TINY.simulations))):
        for opponent in zero.OPPONENTS:
            for side in zero.SIDES:
                table = a[f"{prefix}/{opponent}/{side}"]
                assert table.shape == (n, 3)
                np.testing.assert_allclose(table.sum(axis=1), 1)
                if opponent == "perfect":
                    assert (table[:, 0] == 0).all()   # nobody beats perfect play
    assert v["positions"] == 4520 and 0 <= v["optimal"]["final"] <= 1
    assert v["games"] == zero.TINY.iterations * zero.TINY.games_per_iteration


def test_pure_tiny_measures_games_and_puzzles(pure_tiny):
    a, v = pure_tiny.arrays, pure_tiny.values
    for opponent in pure.OPPONENTS:
        for side in pure.SIDES:
            np.testing.assert_allclose(a[f"{opponent}/{side}"].sum(axis=1), 1)
    assert (a["perfect/first"][:, 0] == 0).all()
    for kind in pure.KINDS:
        assert a[f"puzzle/{kind}"].shape == (len(pure.TINY.simulations),)
    tree = v["tree"]
    assert sum(tree["N"]) == pure.TINY.tree_simulations and sum(tree["N_before"]) == pure.TINY.tree_simulations - 1
    assert tree["path"][0] in np.flatnonzero(np.array(tree["board"]) == 0)


def test_puzzles_are_what_they_say():
    boards = pure.puzzles(20, np.random.default_rng(0))
    for board in boards["win"]:
        mover = 1 if int(board.sum()) == 0 else -1
        assert len(winning_squares(board, mover)) and np.nanmax(move_values(board)) == 1
    for board in boards["block"]:
        mover = 1 if int(board.sum()) == 0 else -1
        threat = winning_squares(board, -mover)
        values = move_values(board)
        assert len(threat) == 1 and not len(winning_squares(board, mover))
        assert np.nanmax(np.delete(values, threat)) < values[threat[0]]


def test_bad_configs():
    with pytest.raises(ValueError, match="multiple of eval_every"):
        zero.run(zero.Config(iterations=3, eval_every=2))
    with pytest.raises(ValueError, match="n_games and n_puzzles must be >= 1"):
        pure.run(pure.Config(n_games=0))
