"""The tic-tac-toe game and its perfect-play solver (dl_notes.tictactoe)."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.tictactoe import (LINES, SYMMETRIES, legal_moves, match, move_values, new_board, perfect_player, planes,
                                play, play_game, random_player, reachable_positions, solve, to_move, winner,
                                winning_squares)


@pytest.fixture(scope="module")
def positions():
    return reachable_positions()


def test_the_game_has_5478_positions_of_which_4520_are_unfinished(positions):
    assert len(positions) == 5478
    assert len({p.tobytes() for p in positions}) == 5478
    assert sum(winner(p) is None for p in positions) == 4520


def test_perfect_play_draws_and_the_first_moves_are_worth_a_draw():
    assert solve(new_board()) == 0
    assert np.nanmax(move_values(new_board())) == 0
    assert (move_values(new_board()) == 0).all()  # every first move holds the draw


@pytest.mark.parametrize("board, value", [
    ([1, 1, 0, -1, -1, 0, 0, 0, 0], 1),          # X completes the top row
    ([1, 1, 0, -1, 0, 0, -1, 0, 0], 1),          # X wins at 2, whatever O threatens
    ([1, 0, 0, 0, -1, 0, 0, 0, 1], 0),            # O to move, holds with an edge
    ([1, 0, 0, 0, 0, 0, -1, -1, 1], 1),           # X to move wins on the diagonal at 4
    ([1, 1, -1, -1, -1, 1, 1, 0, 0], 0),
])
def test_solver_values_of_known_positions(board, value):
    assert solve(board) == value


def test_negamax_is_consistent_on_every_position(positions):
    for board in positions[::7]:
        result = winner(board)
        if result is not None:
            assert solve(board) == result * to_move(board)
        else:
            assert solve(board) == np.nanmax(move_values(board))


def test_symmetries_are_the_eight_transformations_that_keep_the_lines(positions):
    assert len({tuple(p) for p in SYMMETRIES}) == 8
    lines = {frozenset(line) for line in LINES.tolist()}
    for perm in SYMMETRIES:
        assert sorted(perm) == list(range(9))
        assert {frozenset(perm[line].tolist()) for line in LINES} == lines
    for board in positions[::50]:
        for perm in SYMMETRIES:
            assert winner(board[perm]) == winner(board) and solve(board[perm]) == solve(board)


def test_planes_are_from_the_point_of_view_of_the_player_to_move():
    board = play(play(play(new_board(), 0), 4), 8)   # X, O, X: O to move
    x = planes(board)
    assert x.shape == (2, 3, 3) and x.dtype == np.float32
    assert x[0].ravel().tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 0]   # O's own stone
    assert x[1].ravel().tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 1]


def test_play_returns_a_new_board_and_alternates():
    board = new_board()
    after = play(board, 0)
    assert board.tolist() == [0] * 9 and after[0] == 1
    assert play(after, 1)[1] == -1 and to_move(play(after, 1)) == 1


def test_no_moves_once_the_game_is_won():
    won = np.array([1, 1, 1, -1, -1, 0, 0, 0, 0])
    assert legal_moves(won).size == 0
    with pytest.raises(ValueError, match="move 5 is not legal here; legal moves are \\[\\]"):
        play(won, 5)


def test_winning_squares():
    board = [1, 0, 1, -1, -1, 0, 0, 0, 0]
    assert winning_squares(board, 1).tolist() == [1]
    assert winning_squares(board, -1).tolist() == [5]
    with pytest.raises(ValueError, match="player must be 1 \\(X\\) or -1 \\(O\\), got 2"):
        winning_squares(board, 2)


@pytest.mark.parametrize("board, message", [
    (np.zeros(8), r"board must have 9 squares \(shape \(9,\)\), got shape \(8,\)"),
    ([2, 0, 0, 0, 0, 0, 0, 0, 0], "board squares must be 1 \\(X\\), -1 \\(O\\) or 0"),
    ([1, 1, 0, 0, 0, 0, 0, 0, 0], "as many X as O or one more .* got 2 X and 0 O"),
    ([-1, 0, 0, 0, 0, 0, 0, 0, 0], "got 0 X and 1 O"),
])
def test_bad_boards_are_refused(board, message):
    with pytest.raises(ValueError, match=message):
        solve(board)


@pytest.mark.parametrize("move", [9, -1, 2.0, True, "4"])
def test_bad_moves_are_refused(move):
    with pytest.raises(ValueError, match="is not legal here"):
        play(new_board(), move)


def test_perfect_player_never_loses_and_draws_itself():
    assert match(perfect_player, random_player, 30, first=True, seed=1)["loss"] == 0
    assert match(perfect_player, random_player, 30, first=False, seed=2)["loss"] == 0
    assert all(play_game(perfect_player, perfect_player, np.random.default_rng(s)) == 0 for s in range(5))


def test_match_is_seeded_and_its_shares_add_up():
    a = match(random_player, random_player, 40, first=True, seed=3)
    assert a == match(random_player, random_player, 40, first=True, seed=3)
    assert a["win"] + a["draw"] + a["loss"] == pytest.approx(1)
    with pytest.raises(ValueError, match="n_games must be an integer >= 1, got 0"):
        match(random_player, random_player, 0, first=True, seed=0)
