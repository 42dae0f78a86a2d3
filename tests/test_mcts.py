"""Monte Carlo tree search with PUCT (dl_notes.mcts): the formula, the search finds the winning and
blocking moves, backup signs, noise and reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from dl_notes.mcts import MCTS, Node, mcts_player, puct_scores, rollout_evaluator, visit_policy
from dl_notes.tictactoe import match, move_values, new_board, perfect_player, solve


def oracle(board):
    """Uniform priors and the solver's exact value: the search must then follow perfect play."""
    legal = np.asarray(board) == 0
    return legal / legal.sum(), float(solve(board))


def test_puct_score_by_hand():
    Q, P, N = np.array([0.5, 0.0, -0.2]), np.array([0.2, 0.5, 0.3]), np.array([3, 1, 0])
    expected = [0.5 + 1.5 * 0.2 * 2 / 4, 0.0 + 1.5 * 0.5 * 2 / 2, -0.2 + 1.5 * 0.3 * 2 / 1]
    np.testing.assert_allclose(puct_scores(Q, P, N, 1.5), expected)


def test_the_exploration_bonus_shrinks_with_the_moves_visits_and_grows_with_the_parents():
    P = np.array([0.5, 0.5])
    bonus = [puct_scores(np.zeros(2), P, np.array([n, 16]), 1.0)[0] for n in (0, 1, 3, 15)]
    assert bonus == sorted(bonus, reverse=True)
    assert puct_scores(np.zeros(2), P, np.array([0, 100]), 1.0)[0] > puct_scores(np.zeros(2), P, np.array([0, 4]), 1.0)[0]


def test_puct_scores_errors():
    with pytest.raises(ValueError, match="c_puct must be"):
        puct_scores([0.0], [1.0], [0], 0)
    with pytest.raises(ValueError, match="one shape, got \\(2,\\), \\(1,\\) and \\(1,\\)"):
        puct_scores([0.0, 0.0], [1.0], [0], 1.0)


def test_visit_policy_temperatures():
    counts = np.array([0, 1, 3, 4])
    np.testing.assert_allclose(visit_policy(counts, 1), counts / 8)
    np.testing.assert_allclose(visit_policy(counts, 0.5), counts ** 2 / 26)
    np.testing.assert_allclose(visit_policy(counts, 0), [0, 0, 0, 1])
    with pytest.raises(ValueError, match="must contain a visit"):
        visit_policy(np.zeros(3))


WINS = [  # (board, the winning squares): the player to move can win at once
    ([1, 1, 0, -1, -1, 0, 0, 0, 0], {2}),
    ([-1, 1, 1, 0, -1, 1, 0, 0, 0], {8}),            # O to move: the diagonal (X also threatens at 8)
    ([1, -1, 0, 0, 1, -1, 0, 0, 0], {8}),
    ([1, 0, 0, -1, 1, 0, -1, 0, 0], {8}),
]
BLOCKS = [  # (board, the only move that does not lose)
    ([1, 0, 0, -1, -1, 0, 1, 0, 0], 5),               # X must block the middle row
    ([1, -1, 0, 0, -1, 0, 0, 0, 1], 7),               # X must block the middle column
    ([1, 1, 0, 0, -1, 0, 0, 0, 0], 2),                # O must block the top row
]


@pytest.mark.parametrize("board, wins", WINS)
def test_many_simulations_find_the_winning_move(board, wins):
    counts = MCTS(rollout_evaluator(seed=0), n_simulations=400, seed=0).search(board)
    assert int(counts.argmax()) in wins


@pytest.mark.parametrize("board, block", BLOCKS)
def test_many_simulations_find_the_blocking_move(board, block):
    values = move_values(board)
    assert np.nanmax(np.delete(values, block)) < values[block]   # the position is what the test says
    counts = MCTS(rollout_evaluator(seed=1), n_simulations=600, seed=1).search(board)
    assert int(counts.argmax()) == block


def test_with_exact_values_the_search_prefers_optimal_moves():
    board = np.array([1, 0, 0, 0, -1, 0, 0, 0, 0])
    counts = MCTS(oracle, n_simulations=300, seed=0).search(board)
    values = move_values(board)
    assert values[counts.argmax()] == np.nanmax(values)


def test_backup_flips_the_sign_each_ply():
    search = MCTS(oracle, n_simulations=200, seed=0)
    search.search([1, 0, 0, 0, -1, 0, 0, 0, 0])
    root = search.root

    def check(node):
        # Every visit through move a backed up minus the value the child's player saw:
        # the child's own evaluation once, then every value backed up through the child.
        for move, child in node.children.items():
            if child.terminal is not None:
                assert node.W[move] == pytest.approx(-child.terminal * node.N[move])
            elif node.N[move]:
                assert node.W[move] == pytest.approx(-(child.value + child.W.sum()))
                assert node.N[move] == 1 + child.N.sum()
                check(child)

    check(root)
    search = MCTS(oracle, n_simulations=20, seed=0)
    search.search([1, 1, 0, -1, -1, 0, 0, 0, 0])       # X wins at 2
    assert search.root.Q[2] == 1.0 and search.root.children[2].terminal == -1.0   # -1 for O, to move after the win


def test_visits_add_up_and_illegal_moves_are_never_visited():
    board = [1, -1, 1, 0, -1, 0, 0, 0, 0]
    counts = MCTS(rollout_evaluator(seed=2), n_simulations=77, seed=2).search(board)
    assert counts.sum() == 77 and (counts[[0, 1, 2, 4]] == 0).all()


def test_the_search_is_reproducible_with_a_seed():
    def run(seed):
        return MCTS(rollout_evaluator(seed=seed), n_simulations=60, dirichlet_alpha=0.5, seed=seed).search(new_board())
    np.testing.assert_array_equal(run(3), run(3))


def test_dirichlet_noise_keeps_a_distribution_over_the_legal_moves():
    search = MCTS(oracle, n_simulations=1, dirichlet_alpha=0.3, noise_fraction=0.25, seed=4)
    search.search([1, -1, 0, 0, 0, 0, 0, 0, 0])
    P = search.root.P
    assert P.sum() == pytest.approx(1) and P[0] == P[1] == 0
    assert not np.allclose(P[2:], 1 / 7)
    assert P.min(where=P > 0, initial=1) >= 0.75 / 7 - 1e-12


def test_one_simulation_plays_the_largest_prior():
    def evaluator(board):
        P = np.zeros(9)
        P[7] = 0.9
        P[3] = 0.1
        return P, 0.0
    assert MCTS(evaluator, n_simulations=1, seed=0).search(new_board()).tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 0]


def test_node_statistics():
    node = Node(np.array([1, -1, 0, 0, 0, 0, 0, 0, 0], dtype=np.int8))
    assert node.mover == 1 and node.terminal is None and node.legal.sum() == 7
    assert node.child(4).board[4] == 1 and node.child(4) is node.child(4)


def test_bad_arguments():
    with pytest.raises(TypeError, match="evaluator must be a callable"):
        MCTS(None)
    with pytest.raises(ValueError, match="n_simulations must be an integer >= 1, got 0"):
        MCTS(oracle, n_simulations=0)
    with pytest.raises(ValueError, match="the game is already over"):
        MCTS(oracle).search([1, 1, 1, -1, -1, 0, 0, 0, 0])


def test_rollout_mcts_holds_the_draw_as_first_player():
    player = mcts_player(rollout_evaluator(seed=5), n_simulations=200)
    assert match(player, perfect_player, 6, first=True, seed=5)["loss"] == 0
