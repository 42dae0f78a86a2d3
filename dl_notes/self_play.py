r"""Self-play training, AlphaGo Zero's loop: search with the network, learn from the games, repeat.

One iteration plays games of the network against itself, each move chosen by `dl_notes.mcts.MCTS`
with the network as evaluator (Dirichlet noise at the root, the first moves drawn in proportion to
the visits). Every position becomes a training example $(s, \boldsymbol{\pi}, z)$: the stones, the
search's visit distribution, and the game's final result for the player who was to move. The
network then takes gradient steps on `dl_notes.policy_value.policy_value_loss` over a buffer of
recent examples, augmented by the 8 symmetries of the board:

$$
l = (z - v)^2 - \boldsymbol{\pi}^\top \log \boldsymbol{p} + c \lVert \theta \rVert^2
$$

The search improves on the network's raw policy, and the network learns to predict that
improvement: a policy-iteration step on every move. No human game and no rollout is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._checks import count, generator, nonnegative, positive
from .mcts import MCTS, visit_policy
from .policy_value import PolicyValueNet
from .tictactoe import SYMMETRIES, new_board, planes, play, winner

__all__ = ["Examples", "self_play_game", "augment", "train"]


class Examples(NamedTuple):
    """Training positions: inputs ``x`` (n, 2, 3, 3), legal moves (n, 9), visit distributions ``pi`` (n, 9), results ``z`` (n,).

    Examples
    --------
    >>> Examples._fields
    ('x', 'legal', 'pi', 'z')
    """

    x: np.ndarray
    legal: np.ndarray
    pi: np.ndarray
    z: np.ndarray


def self_play_game(net: PolicyValueNet, rng: np.random.Generator, n_simulations: int = 25, c_puct: float = 1.5,
                   explore_moves: int = 2, dirichlet_alpha: float = 1.0, noise_fraction: float = 0.25) -> Examples:
    r"""One game of ``net`` against itself; every position with its visit distribution and the final result.

    The first ``explore_moves`` moves are drawn from $\boldsymbol{\pi}$ with temperature 1,
    the later ones are the most visited move; $z = \pm 1$ or 0 from the point of view of the
    player to move in each position.

    Examples
    --------
    >>> game = self_play_game(PolicyValueNet(hidden_size=8, seed=0), np.random.default_rng(0), n_simulations=8)
    >>> game.x.shape[1:], bool(np.allclose(game.pi.sum(axis=1), 1)), set(game.z.tolist()) <= {-1.0, 0.0, 1.0}
    ((2, 3, 3), True, True)
    """
    board, positions = new_board(), []
    while winner(board) is None:
        search = MCTS(net.evaluate, n_simulations, c_puct, dirichlet_alpha=dirichlet_alpha,
                      noise_fraction=noise_fraction, rng=rng)
        counts = search.search(board)
        pi = visit_policy(counts, temperature=1.0 if len(positions) < explore_moves else 0.0)
        positions.append((board, visit_policy(counts)))
        board = play(board, int(rng.choice(9, p=pi)))
    result = winner(board)
    movers = np.array([1 if int(b.sum()) == 0 else -1 for b, _ in positions])
    return Examples(x=np.stack([planes(b) for b, _ in positions]), legal=np.stack([b == 0 for b, _ in positions]),
                    pi=np.stack([pi for _, pi in positions]), z=(result * movers).astype(np.float64))


def augment(examples: Examples) -> Examples:
    """The examples under all 8 symmetries of the board (8 times as many; the results unchanged).

    Examples
    --------
    >>> one = Examples(planes(play(new_board(), 0))[None], np.array([[False] + [True] * 8]),
    ...                np.array([[0.0, 1.0] + [0.0] * 7]), np.array([1.0]))
    >>> more = augment(one)
    >>> len(more.z), sorted({int(np.argmax(pi)) for pi in more.pi})      # square 1 maps onto 1, 3, 5, 7
    (8, [1, 3, 5, 7])
    """
    n = len(examples.z)
    flat = examples.x.reshape(n, 2, 9)
    x = np.concatenate([flat[:, :, perm].reshape(n, 2, 3, 3) for perm in SYMMETRIES])
    legal = np.concatenate([examples.legal[:, perm] for perm in SYMMETRIES])
    pi = np.concatenate([examples.pi[:, perm] for perm in SYMMETRIES])
    return Examples(x, legal, pi, np.tile(examples.z, len(SYMMETRIES)))


def train(net: PolicyValueNet, optimizer, *, iterations: int, games_per_iteration: int, steps_per_iteration: int,
          batch_size: int = 64, buffer_games: int = 200, n_simulations: int = 25, c_puct: float = 1.5,
          explore_moves: int = 2, dirichlet_alpha: float = 1.0, rng: np.random.Generator | None = None,
          seed: int | None = None, callback: Callable[[int, PolicyValueNet], None] | None = None) -> list[float]:
    """Self-play training: per iteration, play games, then take gradient steps on the newest examples.

    Parameters
    ----------
    net : PolicyValueNet
        Trained in place.
    optimizer
        A `dl_notes.optim` optimizer (``update(params, grads)``).
    iterations, games_per_iteration, steps_per_iteration : int
        The schedule: games then gradient steps, ``iterations`` times.
    batch_size : int, default 64
        Positions per gradient step, drawn from the buffer after augmentation.
    buffer_games : int, default 200
        Only the examples of the newest ``buffer_games`` games are kept (older ones came from a
        weaker network).
    n_simulations, c_puct, explore_moves, dirichlet_alpha
        The search in self-play (`self_play_game`).
    rng, seed
        Randomness of the games and of the mini-batches (give one).
    callback : callable, optional
        ``callback(iteration, net)`` before the first iteration (0) and after each one.

    Returns
    -------
    list of float
        The mean loss of each iteration's gradient steps.

    See Also
    --------
    self_play_game : one game and its examples (page: AlphaGo, ``alphago.md``).

    Examples
    --------
    >>> from dl_notes.optim import Adam
    >>> net = PolicyValueNet(hidden_size=8, seed=0)
    >>> losses = train(net, Adam(lr=0.01), iterations=2, games_per_iteration=2, steps_per_iteration=3,
    ...                n_simulations=4, seed=0)
    >>> len(losses), all(loss > 0 for loss in losses)
    (2, True)
    """
    iterations, steps = count("iterations", iterations), count("steps_per_iteration", steps_per_iteration)
    games, batch_size = count("games_per_iteration", games_per_iteration), count("batch_size", batch_size)
    buffer_games = count("buffer_games", buffer_games)
    positive("c_puct", c_puct), nonnegative("explore_moves", explore_moves)
    rng = generator(rng, seed)
    buffer: list[Examples] = []
    losses = []
    if callback is not None:
        callback(0, net)
    for iteration in range(1, iterations + 1):
        for _ in range(games):
            buffer.append(augment(self_play_game(net, rng, n_simulations, c_puct, explore_moves, dirichlet_alpha)))
        buffer = buffer[-buffer_games:]
        data = Examples(*(np.concatenate(parts) for parts in zip(*buffer)))
        total = 0.0
        for _ in range(steps):
            batch = rng.integers(len(data.z), size=batch_size)
            grads = net.gradient(data.x[batch], data.legal[batch], data.pi[batch], data.z[batch])
            optimizer.update(net.params, grads)
            total += net.loss(data.x[batch], data.legal[batch], data.pi[batch], data.z[batch])
        losses.append(total / steps)
        if callback is not None:
            callback(iteration, net)
    return losses
