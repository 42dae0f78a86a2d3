r"""Tic-tac-toe: the board, its legal moves, the stones-only input planes, and a perfect-play solver.

A game small enough to solve exactly, so that a search or a network trained by self-play can be
checked against the truth. The board is a length-9 array of ``int8`` read row by row
(square $3r + c$), holding $+1$ for X (who moves first), $-1$ for O and $0$ for an empty
square; whose turn it is follows from the counts of stones. A position's **value** is the result
of perfect play from the point of view of the player to move: $+1$ a win, $0$ a draw, $-1$ a loss.
The solver computes it by negamax over the 5,478 positions that can arise in play, each once:

$$
V(s) = \begin{cases} r(s) & \text{if the game is over} \\
\max_{a} \bigl(-V(s \cdot a)\bigr) & \text{otherwise} \end{cases}
$$

where $s \cdot a$ is the position after move $a$ and $r(s)$ the result for the player to move.
A player is any callable ``player(board, rng) -> move``; `random_player` and `perfect_player`
are the two opponents of the AlphaGo page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from ._checks import count, generator

__all__ = ["LINES", "SYMMETRIES", "as_board", "new_board", "to_move", "winner", "legal_moves", "play", "planes",
           "winning_squares", "solve", "move_values", "reachable_positions", "random_player", "perfect_player", "play_game", "match"]

# The eight lines of three: rows, columns, diagonals.
LINES = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]])


def _symmetries() -> np.ndarray:
    grid = np.arange(9).reshape(3, 3)
    views = [np.rot90(grid, k) for k in range(4)]
    return np.array([v.ravel() for v in views + [np.fliplr(v) for v in views]])


# The 8 symmetries of the square as permutations: ``board[perm]`` is the transformed board, and a
# move distribution ``pi[perm]`` is transformed the same way (used to augment training data).
SYMMETRIES = _symmetries()

Player = Callable[[np.ndarray, np.random.Generator], int]


def as_board(board: object) -> np.ndarray:
    """``board`` as a checked int8 array of 9 squares (X is 1, O is -1, empty is 0).

    Raises
    ------
    ValueError
        If it does not have 9 squares, holds another value, or has a count of stones no game
        can reach (X moves first, so X has as many stones as O or one more).

    Examples
    --------
    >>> as_board([1, 0, 0, 0, -1, 0, 0, 0, 0]).dtype
    dtype('int8')
    >>> as_board([1, 1, 0, 0, 0, 0, 0, 0, 0])
    Traceback (most recent call last):
    ...
    ValueError: board must have as many X as O or one more (X moves first), got 2 X and 0 O
    """
    b = np.asarray(board)
    if b.shape != (9,):
        raise ValueError(f"board must have 9 squares (shape (9,)), got shape {b.shape}")
    # Every search step checks a board, so the common case (int8 already) avoids np.isin.
    if not set(b.tobytes() if b.dtype == np.int8 else b.tolist()) <= ({0, 1, 255} if b.dtype == np.int8 else {-1, 0, 1}):
        raise ValueError(f"board squares must be 1 (X), -1 (O) or 0 (empty), got {b.tolist()}")
    b = b.astype(np.int8, copy=False)
    if int(b.sum()) not in (0, 1):  # the count of X minus the count of O
        xs, os = int((b == 1).sum()), int((b == -1).sum())
        raise ValueError(f"board must have as many X as O or one more (X moves first), got {xs} X and {os} O")
    return b


def new_board() -> np.ndarray:
    """The empty board.

    Examples
    --------
    >>> new_board().tolist()
    [0, 0, 0, 0, 0, 0, 0, 0, 0]
    """
    return np.zeros(9, dtype=np.int8)


def to_move(board: np.ndarray) -> int:
    """The player to move: $+1$ (X) when the counts of stones are equal, else $-1$ (O).

    Examples
    --------
    >>> to_move(new_board()), to_move(play(new_board(), 4))
    (1, -1)
    """
    return 1 if int(as_board(board).sum()) == 0 else -1


def _winner(b: np.ndarray) -> int | None:
    lines = b[LINES].sum(axis=1)
    if (lines == 3).any():
        return 1
    if (lines == -3).any():
        return -1
    return 0 if (b != 0).all() else None


def winner(board: np.ndarray) -> int | None:
    """The result: $+1$ if X has three in a row, $-1$ if O has, $0$ for a full board (a draw), None while the game goes on.

    Examples
    --------
    >>> winner([1, 1, 1, -1, -1, 0, 0, 0, 0]), winner([1, 0, 0, 0, 0, 0, 0, 0, 0])
    (1, None)
    """
    return _winner(as_board(board))


def legal_moves(board: np.ndarray) -> np.ndarray:
    """The empty squares, or none once the game is over.

    Examples
    --------
    >>> legal_moves([1, -1, 1, 0, 0, 0, 0, 0, 0]).tolist()
    [3, 4, 5, 6, 7, 8]
    >>> legal_moves([1, 1, 1, -1, -1, 0, 0, 0, 0]).tolist()   # X has won
    []
    """
    b = as_board(board)
    if _winner(b) is not None:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(b == 0)


def play(board: np.ndarray, move: int) -> np.ndarray:
    """A new board with the player to move's stone on square ``move`` (the input is not changed).

    Raises
    ------
    ValueError
        If ``move`` is not a legal move (not a square 0-8, occupied, or the game is over).

    Examples
    --------
    >>> play(new_board(), 4).reshape(3, 3).tolist()
    [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    >>> play(play(new_board(), 4), 4)
    Traceback (most recent call last):
    ...
    ValueError: play: move 4 is not legal here; legal moves are [0, 1, 2, 3, 5, 6, 7, 8]
    """
    b = as_board(board)
    legal = legal_moves(b)
    if isinstance(move, bool) or not isinstance(move, (int, np.integer)) or int(move) not in legal:
        raise ValueError(f"play: move {move!r} is not legal here; legal moves are {legal.tolist()}")
    child = b.copy()
    child[int(move)] = 1 if int(b.sum()) == 0 else -1
    return child


def planes(board: np.ndarray) -> np.ndarray:
    r"""The network's input: the stones only, from the point of view of the player to move.

    Plane 0 marks the mover's stones, plane 1 the opponent's (as AlphaGo Zero's input marks
    "own" and "opponent" stones rather than black and white), so one network plays both sides.

    $$
    x_{0,i} = [\,b_i = m\,], \qquad x_{1,i} = [\,b_i = -m\,], \qquad m = \text{the player to move}
    $$

    Returns
    -------
    ndarray, shape (2, 3, 3), float32

    Examples
    --------
    >>> x = planes([1, 0, 0, 0, -1, 0, 0, 0, 0])       # X and O have played: X to move
    >>> x[0].ravel().tolist(), x[1].ravel().tolist()
    ([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    """
    b = as_board(board)
    mover = 1 if int(b.sum()) == 0 else -1
    return np.stack([b == mover, b == -mover]).astype(np.float32).reshape(2, 3, 3)


def winning_squares(board: np.ndarray, player: int) -> np.ndarray:
    """The empty squares where ``player`` (+1 or -1) would complete a line of three at once.

    The player to move wins there; for the other player they are the threats to block.

    Examples
    --------
    >>> winning_squares([1, 1, 0, -1, -1, 0, 0, 0, 0], 1).tolist(), winning_squares([1, 1, 0, -1, -1, 0, 0, 0, 0], -1).tolist()
    ([2], [5])
    """
    b = as_board(board)
    if player not in (1, -1):
        raise ValueError(f"player must be 1 (X) or -1 (O), got {player!r}")
    squares = set()
    for line in LINES:
        cells = b[line]
        if (cells == player).sum() == 2 and (cells == 0).sum() == 1:
            squares.add(int(line[cells == 0][0]))
    return np.array(sorted(squares), dtype=np.intp)


@lru_cache(maxsize=None)
def _value(key: bytes) -> int:
    """Negamax value of the position stored as ``key`` (its bytes), for the player to move."""
    b = np.frombuffer(key, dtype=np.int8)
    result = _winner(b)
    if result is not None:
        # The last move ended the game, so a winner is never the player to move.
        return result * (1 if int(b.sum()) == 0 else -1)
    mover = 1 if int(b.sum()) == 0 else -1
    best = -1
    for move in np.flatnonzero(b == 0):
        child = b.copy()
        child[move] = mover
        best = max(best, -_value(child.tobytes()))
        if best == 1:
            break
    return best


def solve(board: np.ndarray) -> int:
    r"""The value of a position under perfect play, for the player to move: $+1$, $0$ or $-1$.

    $$
    V(s) = \max_a \bigl(-V(s \cdot a)\bigr), \qquad V(s) = r(s) \ \text{at the end of the game}
    $$

    See Also
    --------
    move_values : the value of every move (page: AlphaGo, ``alphago.md``).

    Examples
    --------
    >>> solve(new_board())                       # tic-tac-toe is a draw
    0
    >>> solve([1, 1, 0, -1, -1, 0, 0, 0, 0])     # X to move completes the top row
    1
    """
    return _value(as_board(board).tobytes())


def move_values(board: np.ndarray) -> np.ndarray:
    r"""The value of every move for the player to move, $-V(s \cdot a)$; NaN for an illegal move.

    Returns
    -------
    ndarray, shape (9,), float64

    Examples
    --------
    >>> move_values([1, 1, 0, -1, -1, 0, 0, 0, 0]).tolist()     # 2 wins; 5 only blocks O (a draw)
    [nan, nan, 1.0, nan, nan, 0.0, -1.0, -1.0, -1.0]
    """
    b = as_board(board)
    values = np.full(9, np.nan)
    for move in legal_moves(b):
        values[move] = -solve(play(b, int(move)))
    return values


def reachable_positions() -> list[np.ndarray]:
    """Every position that can arise from the empty board (5,478, the end positions included).

    Examples
    --------
    >>> positions = reachable_positions()
    >>> len(positions), sum(winner(p) is None for p in positions)
    (5478, 4520)
    """
    seen = {new_board().tobytes()}
    frontier, found = [new_board()], [new_board()]
    while frontier:
        following = []
        for b in frontier:
            if _winner(b) is not None:
                continue
            for move in np.flatnonzero(b == 0):
                child = b.copy()
                child[move] = 1 if int(b.sum()) == 0 else -1
                if child.tobytes() not in seen:
                    seen.add(child.tobytes())
                    following.append(child)
        found += following
        frontier = following
    return found


def random_player(board: np.ndarray, rng: np.random.Generator) -> int:
    """A uniformly random legal move.

    Examples
    --------
    >>> random_player([1, -1, 1, -1, 1, -1, 0, 1, -1], np.random.default_rng(0))
    6
    """
    return int(rng.choice(legal_moves(board)))


def perfect_player(board: np.ndarray, rng: np.random.Generator) -> int:
    """A move of the highest value (`move_values`), chosen at random among equally good ones.

    It never loses, and it wins whenever the opponent's mistakes allow it.

    Examples
    --------
    >>> perfect_player([1, 1, 0, -1, -1, 0, 0, 0, 0], np.random.default_rng(0))
    2
    """
    values = move_values(board)
    best = np.flatnonzero(values == np.nanmax(values))
    return int(rng.choice(best))


def play_game(x_player: Player, o_player: Player, rng: np.random.Generator) -> int:
    """Play one game from the empty board; the result for X ($+1$ X wins, $0$ draw, $-1$ O wins).

    Examples
    --------
    >>> play_game(perfect_player, perfect_player, np.random.default_rng(0))
    0
    """
    board = new_board()
    while (result := winner(board)) is None:
        player = x_player if to_move(board) == 1 else o_player
        board = play(board, player(board, rng))
    return result


def match(player: Player, opponent: Player, n_games: int, *, first: bool, rng: np.random.Generator | None = None,
          seed: int | None = None) -> dict[str, float]:
    """Play ``n_games`` games and return the shares of wins, draws and losses of ``player``.

    Parameters
    ----------
    player, opponent : callable
        ``(board, rng) -> move``.
    n_games : int
        Number of games.
    first : bool
        True: ``player`` is X (moves first); False: ``player`` is O.
    rng, seed
        The randomness of both players (give one of them).

    Examples
    --------
    >>> match(perfect_player, random_player, 20, first=True, seed=0)["loss"]
    0.0
    """
    n_games = count("n_games", n_games)
    rng = generator(rng, seed)
    sign = 1 if first else -1
    results = np.array([sign * (play_game(player, opponent, rng) if first else play_game(opponent, player, rng))
                        for _ in range(n_games)])
    return {"win": float((results == 1).mean()), "draw": float((results == 0).mean()),
            "loss": float((results == -1).mean())}
