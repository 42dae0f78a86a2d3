r"""Monte Carlo tree search with PUCT, the search of AlphaGo and AlphaGo Zero, on tic-tac-toe.

Each **simulation** walks from the root to a leaf and updates the statistics on its way back.
Its selection step follows, at every expanded node, the move of the highest PUCT score

$$
a = \operatorname*{argmax}_a \left( Q(s,a) + c_{\text{puct}}\, P(s,a)\,
\frac{\sqrt{\sum_b N(s,b)}}{1 + N(s,a)} \right), \qquad Q(s,a) = \frac{W(s,a)}{N(s,a)}
$$

($Q = 0$ for a move not tried yet). The four steps:

1. **selection**: follow the highest score from the root down to a node not expanded yet (a leaf);
2. **expansion**: the leaf's priors $P(s, \cdot)$ come from an evaluator;
3. **evaluation**: the same evaluator gives the leaf's value $v$ for the player to move there, from
   a value network (AlphaGo Zero) or from a playout to the end of the game (a rollout, as
   AlphaGo Lee mixes in and as pure MCTS uses alone); a finished game is scored exactly;
4. **backup**: every edge on the path gets $N \leftarrow N + 1$ and $W \leftarrow W + v$, with
   $v$ negated at each ply, because a good position for one player is a bad one for the other.

The move to play comes from the root's visit counts (`visit_policy`). An **evaluator** is any
callable ``evaluator(board) -> (priors, value)``: `rollout_evaluator` (uniform priors, random
playouts) or a trained network's ``PolicyValueNet.evaluate``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import count, generator, nonnegative, positive
from .tictactoe import as_board, winner

__all__ = ["puct_scores", "visit_policy", "Node", "MCTS", "rollout_evaluator", "mcts_player"]

Evaluator = Callable[[np.ndarray], tuple[np.ndarray, float]]


def puct_scores(Q: np.ndarray, P: np.ndarray, N: np.ndarray, c_puct: float) -> np.ndarray:
    r"""The PUCT score of every move: the mean value plus an exploration bonus led by the prior.

    $$
    U(s,a) = Q(s,a) + c_{\text{puct}}\, P(s,a)\, \frac{\sqrt{\sum_b N(s,b)}}{1 + N(s,a)}
    $$

    The bonus shrinks as a move is visited ($1 + N(s,a)$ grows) and grows slowly for the others
    as the parent is visited ($\sqrt{\sum_b N}$), so every move with a prior is tried eventually,
    while the visits go to the moves whose value $Q$ is high.

    Parameters
    ----------
    Q, P, N : ndarray, shape (moves,)
        Mean values, priors and visit counts of the moves.
    c_puct : float
        Weight of exploration (> 0).

    Returns
    -------
    ndarray, shape (moves,)

    See Also
    --------
    MCTS : the search that selects with it (page: AlphaGo, ``alphago.md``).

    Examples
    --------
    >>> Q, P, N = np.array([0.5, 0.0, 0.0]), np.array([0.2, 0.6, 0.2]), np.array([3, 1, 0])
    >>> puct_scores(Q, P, N, c_puct=1.0).round(3).tolist()      # sqrt(4) = 2
    [0.6, 0.6, 0.4]
    """
    c_puct = positive("c_puct", c_puct)
    Q, P, N = (np.asarray(a, dtype=np.float64) for a in (Q, P, N))
    if not Q.shape == P.shape == N.shape:
        raise ValueError(f"puct_scores: Q, P and N must have one shape, got {Q.shape}, {P.shape} and {N.shape}")
    return Q + c_puct * P * np.sqrt(N.sum()) / (1 + N)


def visit_policy(counts: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    r"""The search's move distribution from the root's visit counts, $\pi(a) \propto N(a)^{1/\tau}$.

    $\tau = 1$ plays in proportion to the visits (self-play's first moves, for variety);
    $\tau \to 0$ plays the most visited move (ties shared equally), as in evaluation games.

    Examples
    --------
    >>> visit_policy(np.array([0, 6, 2, 2])).tolist()
    [0.0, 0.6, 0.2, 0.2]
    >>> visit_policy(np.array([0, 6, 2, 6]), temperature=0).tolist()
    [0.0, 0.5, 0.0, 0.5]
    """
    temperature = nonnegative("temperature", temperature)
    counts = np.asarray(counts, dtype=np.float64)
    if counts.sum() <= 0:
        raise ValueError(f"visit_policy: counts must contain a visit, got {counts.tolist()}")
    if temperature == 0:
        best = counts == counts.max()
        return best / best.sum()
    # Divided by the largest count first so that a small temperature cannot overflow.
    weights = counts if temperature == 1 else (counts / counts.max()) ** (1 / temperature)
    return weights / weights.sum()


class Node:
    """One position of the search tree and the statistics of its moves.

    Attributes
    ----------
    board : ndarray, shape (9,)
    P, N, W : ndarray, shape (9,)
        Priors, visit counts and total values of the moves, from the point of view of the player
        to move at this node.
    children : dict of int to Node
    terminal : float or None
        The exact value for the player to move if the game is over here, else None.

    Examples
    --------
    >>> node = Node(np.array([1, 1, 0, -1, -1, 0, 0, 0, 0], dtype=np.int8))
    >>> node.mover, node.terminal, node.child(2).terminal       # X to move; after 2, O has lost
    (1, None, -1.0)
    """

    __slots__ = ("board", "mover", "legal", "P", "N", "W", "children", "terminal", "value")

    def __init__(self, board: np.ndarray) -> None:
        self.board = board
        self.mover = 1 if int(board.sum()) == 0 else -1
        result = winner(board)
        self.terminal = None if result is None else float(result * self.mover)
        self.legal = board == 0
        self.P: np.ndarray | None = None
        self.N = np.zeros(9)
        self.W = np.zeros(9)
        self.children: dict[int, Node] = {}
        self.value: float | None = None  # the evaluator's value when the node was expanded

    @property
    def Q(self) -> np.ndarray:
        """Mean values $W / N$ (0 for a move not visited)."""
        return np.divide(self.W, self.N, out=np.zeros(9), where=self.N > 0)

    def child(self, move: int) -> "Node":
        if move not in self.children:
            board = self.board.copy()
            board[move] = self.mover
            self.children[move] = Node(board)
        return self.children[move]


class MCTS:
    r"""Monte Carlo tree search with PUCT selection, as in AlphaGo (Silver et al., 2016) and AlphaGo Zero (Silver et al., 2017).

    Parameters
    ----------
    evaluator : callable
        ``evaluator(board) -> (priors, value)``: priors over the 9 squares and a value in
        $[-1, 1]$ for the player to move.
    n_simulations : int, default 100
        Simulations per search (each adds one visit at the root).
    c_puct : float, default 1.5
        Weight of the exploration term of `puct_scores`.
    dirichlet_alpha : float or None, default None
        With a value, the root's priors are mixed with Dirichlet noise,
        $P \leftarrow (1 - \varepsilon) P + \varepsilon\, \eta$, $\eta \sim \mathrm{Dir}(\alpha)$
        over the legal moves (AlphaGo Zero's self-play exploration).
    noise_fraction : float, default 0.25
        $\varepsilon$.
    rng, seed
        Randomness of the noise and of ties (give one).

    See Also
    --------
    puct_scores : the selection formula (page: AlphaGo, ``alphago.md``).

    Examples
    --------
    >>> search = MCTS(rollout_evaluator(seed=0), n_simulations=200, seed=0)
    >>> counts = search.search([1, 1, 0, -1, -1, 0, 0, 0, 0])     # X to move: square 2 wins
    >>> int(counts.argmax()), int(counts.sum())
    (2, 200)
    """

    def __init__(self, evaluator: Evaluator, n_simulations: int = 100, c_puct: float = 1.5,
                 dirichlet_alpha: float | None = None, noise_fraction: float = 0.25,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        if not callable(evaluator):
            raise TypeError(f"evaluator must be a callable board -> (priors, value), got {type(evaluator).__name__}")
        self.evaluator = evaluator
        self.n_simulations = count("n_simulations", n_simulations)
        self.c_puct = positive("c_puct", c_puct)
        self.dirichlet_alpha = None if dirichlet_alpha is None else positive("dirichlet_alpha", dirichlet_alpha)
        self.noise_fraction = nonnegative("noise_fraction", noise_fraction)
        self.rng = generator(rng, seed)
        self.root: Node | None = None

    def _expand(self, node: Node) -> float:
        """Give ``node`` its priors (legal moves only, renormalised); return its value."""
        priors, value = self.evaluator(node.board)
        P = np.where(node.legal, np.asarray(priors, dtype=np.float64), 0.0)
        total = P.sum()
        node.P = P / total if total > 0 else node.legal / node.legal.sum()
        node.value = float(value)
        return node.value

    def _select(self, node: Node) -> int:
        N = node.N
        # Q = W / N, and W = 0 wherever N = 0, so max(N, 1) gives Q = 0 for moves not visited.
        scores = node.W / np.maximum(N, 1) + self.c_puct * node.P * np.sqrt(N.sum()) / (1 + N)
        scores[~node.legal] = -np.inf
        best = np.flatnonzero(scores == scores.max())
        if len(best) > 1:  # before any visit all scores are 0: the larger prior, then chance, decides
            best = best[node.P[best] == node.P[best].max()]
        return int(best[0] if len(best) == 1 else self.rng.choice(best))

    def simulate(self, root: Node) -> list[tuple[Node, int]]:
        """One simulation from ``root`` (selection, expansion, evaluation, backup); the path it took."""
        node, path = root, []
        while node.P is not None and node.terminal is None:
            move = self._select(node)
            path.append((node, move))
            node = node.child(move)
        value = node.terminal if node.terminal is not None else self._expand(node)
        for parent, move in reversed(path):
            value = -value  # the parent's mover is the other player
            parent.N[move] += 1
            parent.W[move] += value
        return path

    def search(self, board: np.ndarray) -> np.ndarray:
        """Run ``n_simulations`` simulations from ``board``; the root's visit counts, shape (9,).

        The tree is kept in ``self.root`` (for inspection; a new search starts a new tree).
        """
        root = Node(as_board(board))
        if root.terminal is not None:
            raise ValueError(f"search: the game is already over on board {root.board.tolist()}")
        self._expand(root)
        if self.dirichlet_alpha is not None:
            legal = np.flatnonzero(root.legal)
            noise = np.zeros(9)
            noise[legal] = self.rng.dirichlet(np.full(len(legal), self.dirichlet_alpha))
            root.P = (1 - self.noise_fraction) * root.P + self.noise_fraction * noise
        for _ in range(self.n_simulations):
            self.simulate(root)
        self.root = root
        return root.N.copy()


def rollout_evaluator(rng: np.random.Generator | None = None, seed: int | None = None) -> Evaluator:
    r"""An evaluator without learning: uniform priors and the result of one random playout.

    The value is the result of playing uniformly random moves to the end of the game, from the
    point of view of the player to move: $+1$, $0$ or $-1$. Pure MCTS (before AlphaGo) used
    such rollouts alone; AlphaGo Lee mixed a fast learned rollout policy's result with the value
    network's output.

    Examples
    --------
    >>> evaluate = rollout_evaluator(seed=0)
    >>> priors, value = evaluate(np.array([1, 1, 0, -1, -1, 0, 0, 0, 0]))
    >>> priors.round(2).tolist(), value in (-1.0, 0.0, 1.0)
    ([0.0, 0.0, 0.2, 0.0, 0.0, 0.2, 0.2, 0.2, 0.2], True)
    """
    rng = generator(rng, seed)

    def evaluate(board: np.ndarray) -> tuple[np.ndarray, float]:
        b = np.array(board, dtype=np.int8)
        mover = 1 if int(b.sum()) == 0 else -1
        legal = b == 0
        priors = legal / max(legal.sum(), 1)
        player = mover
        while (result := winner(b)) is None:
            b[rng.choice(np.flatnonzero(b == 0))] = player
            player = -player
        return priors, float(result * mover)

    return evaluate


def mcts_player(evaluator: Evaluator, n_simulations: int, c_puct: float = 1.5) -> Callable[[np.ndarray, np.random.Generator], int]:
    """A player ``(board, rng) -> move`` that searches and plays the most visited move (ties at random).

    Examples
    --------
    >>> from dl_notes.tictactoe import match, perfect_player
    >>> player = mcts_player(rollout_evaluator(seed=1), n_simulations=100)
    >>> match(player, perfect_player, 4, first=True, seed=0)["loss"]
    0.0
    """
    n_simulations = count("n_simulations", n_simulations)

    def player(board: np.ndarray, rng: np.random.Generator) -> int:
        counts = MCTS(evaluator, n_simulations, c_puct, rng=rng).search(board)
        return int(rng.choice(np.flatnonzero(counts == counts.max())))

    return player
