r"""A grid world: a small finite Markov decision process with explicit tables, and an environment to act in.

The map is a list of strings, one per row: ``S`` the start, ``G`` the goal, ``H`` a hole, ``#``
a wall, ``.`` a free cell. Every cell that is not a wall is a state (numbered row by row); the
goal and the holes are **terminal states**: an episode ends on entering one. An action moves one
cell up, right, down or left; a move into a wall or off the map leaves the agent where it is.
With probability ``slip`` the move goes to one of the two perpendicular directions instead
(half of ``slip`` each), as on a frozen lake. The reward is earned on entering a cell:
``goal_reward`` for the goal, ``hole_reward`` for a hole, ``step_reward`` for any other cell.

The same world serves both sides of the page: dynamic programming reads the tables
$P(s' \mid s, a)$ and $R(s, a) = \sum_{s'} P(s' \mid s, a)\, r(s')$; learning only calls
`GridWorld.reset` and `GridWorld.step`, which sample from those tables.

See Also
--------
dl_notes.rl : value iteration and Q-learning on this world (page: Reinforcement learning, ``reinforcement_learning.md``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTIONS", "LAYOUT", "SMALL_LAYOUT", "GridWorld"]

ACTIONS = ("up", "right", "down", "left")
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))   # (row, column) step of each action

#: The page's default map: 5 × 5, two walls, two holes.
LAYOUT = (
    "S....",
    ".#.H.",
    "...#.",
    ".H...",
    "....G",
)

#: A 3 × 3 map for policy gradients, small enough to compute every gradient exactly.
SMALL_LAYOUT = (
    "S..",
    ".H.",
    "..G",
)


class GridWorld:
    r"""A grid world as a finite MDP (tables ``P``, ``R``) and as an environment (``reset``, ``step``).

    $$
    P(s' \mid s, a) = (1 - \text{slip})\,[s' = f(s, a)]
    + \tfrac{\text{slip}}{2}\,[s' = f(s, a_{\perp 1})] + \tfrac{\text{slip}}{2}\,[s' = f(s, a_{\perp 2})],
    \qquad R(s, a) = \sum_{s'} P(s' \mid s, a)\, r(s')
    $$

    where $f(s, a)$ is the cell one move away (or $s$ itself at a wall or the edge) and $r(s')$
    the reward for entering $s'$. Terminal states are absorbing with no reward.

    Parameters
    ----------
    layout : sequence of str, default `LAYOUT`
        The map, one string per row, all of one length, with one ``S`` and at least one ``G``.
    slip : float, default 0.0
        Probability in $[0, 1)$ that a move goes to a perpendicular direction instead.
    goal_reward, hole_reward, step_reward : float, default 1.0, -1.0, 0.0
        Rewards for entering the goal, a hole, any other cell.

    Attributes
    ----------
    n_states, n_actions : int
        Number of states (non-wall cells) and of actions (4).
    P : ndarray, shape (n_states, n_actions, n_states)
        Transition probabilities; each ``P[s, a]`` sums to 1.
    R : ndarray, shape (n_states, n_actions)
        Expected reward of taking ``a`` in ``s``.
    terminal : ndarray of bool, shape (n_states,)
        The goal and the holes.
    start : int
        The start state.
    cells : list of (int, int)
        The (row, column) of each state.

    Raises
    ------
    ValueError
        If the map is ragged, has an unknown character, not exactly one ``S`` or no ``G``, or if
        ``slip`` is outside $[0, 1)$.

    See Also
    --------
    dl_notes.rl.value_iteration : reads the tables (page: Reinforcement learning, ``reinforcement_learning.md``).
    dl_notes.rl.q_learning : only calls reset and step.

    Examples
    --------
    >>> world = GridWorld(["S.G"])
    >>> world.n_states, world.terminal.tolist()
    (3, [False, False, True])
    >>> world.P[1, ACTIONS.index("right")].tolist(), float(world.R[1, ACTIONS.index("right")])
    ([0.0, 0.0, 1.0], 1.0)
    >>> rng = np.random.default_rng(0)
    >>> world.reset(rng), world.step(1, rng), world.step(1, rng)
    (0, (1, 0.0, False), (2, 1.0, True))
    >>> GridWorld(["S.G"], slip=0.5).P[1, ACTIONS.index("right")].tolist()   # up and down hit the edge
    [0.0, 0.5, 0.5]
    """

    def __init__(self, layout=LAYOUT, slip: float = 0.0, goal_reward: float = 1.0, hole_reward: float = -1.0,
                 step_reward: float = 0.0) -> None:
        self.layout = tuple(layout)
        if not self.layout or any(not isinstance(row, str) for row in self.layout):
            raise TypeError(f"GridWorld: layout must be a non-empty sequence of strings, got {layout!r}")
        width = len(self.layout[0])
        if width == 0 or any(len(row) != width for row in self.layout):
            raise ValueError(f"GridWorld: every row of layout must have one length, got {[len(r) for r in self.layout]}")
        unknown = sorted(set("".join(self.layout)) - set("SGH#."))
        if unknown:
            raise ValueError(f"GridWorld: layout has unknown characters {unknown}; use S, G, H, # and .")
        text = "".join(self.layout)
        if text.count("S") != 1 or text.count("G") < 1:
            raise ValueError(f"GridWorld: layout needs exactly one S and at least one G, got {text.count('S')} S "
                             f"and {text.count('G')} G")
        if not 0.0 <= float(slip) < 1.0:
            raise ValueError(f"GridWorld: slip must be in [0, 1), got {slip!r}")
        self.slip = float(slip)
        self.rewards = {"goal": float(goal_reward), "hole": float(hole_reward), "step": float(step_reward)}
        self.cells = [(i, j) for i, row in enumerate(self.layout) for j, c in enumerate(row) if c != "#"]
        index = {cell: s for s, cell in enumerate(self.cells)}
        self.n_states, self.n_actions = len(self.cells), len(ACTIONS)
        kinds = [self.layout[i][j] for i, j in self.cells]
        self.terminal = np.array([k in "GH" for k in kinds])
        self.start = kinds.index("S")
        entry = np.array([self.rewards["goal"] if k == "G" else self.rewards["hole"] if k == "H"
                          else self.rewards["step"] for k in kinds])   # r(s'), earned on entering s'

        def target(s: int, a: int) -> int:
            i, j = self.cells[s][0] + MOVES[a][0], self.cells[s][1] + MOVES[a][1]
            return index.get((i, j), s)   # a wall or the edge: stay

        self.P = np.zeros((self.n_states, self.n_actions, self.n_states))
        for s in range(self.n_states):
            if self.terminal[s]:
                self.P[s, :, s] = 1.0     # absorbing; R stays 0
                continue
            for a in range(self.n_actions):
                self.P[s, a, target(s, a)] += 1.0 - self.slip
                for side in ((a + 1) % 4, (a + 3) % 4):   # the two perpendicular directions
                    self.P[s, a, target(s, side)] += self.slip / 2
        self.R = np.where(self.terminal[:, None], 0.0, self.P @ entry)
        self._entry = entry
        self._cumulative = np.cumsum(self.P, axis=2)
        self.state = self.start

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the map."""
        return len(self.layout), len(self.layout[0])

    def kind(self, s: int) -> str:
        """The map character of state ``s`` (``S``, ``G``, ``H`` or ``.``)."""
        i, j = self.cells[s]
        return self.layout[i][j]

    def reset(self, rng: np.random.Generator | None = None) -> int:
        """Start an episode: the agent is put on the start state, which is returned (``rng`` is unused)."""
        self.state = self.start
        return self.state

    def step(self, action: int, rng: np.random.Generator) -> tuple[int, float, bool]:
        """Take ``action`` from the current state: the next state drawn from ``P``, its reward, and whether it is terminal."""
        if not 0 <= int(action) < self.n_actions:
            raise ValueError(f"GridWorld.step: action must be in 0..{self.n_actions - 1}, got {action!r}")
        if self.terminal[self.state]:
            raise ValueError(f"GridWorld.step: state {self.state} is terminal; call reset() first")
        u = rng.random()
        nxt = int(np.searchsorted(self._cumulative[self.state, int(action)], u, side="right"))
        nxt = min(nxt, self.n_states - 1)   # rounding of the cumulative sum can leave it a hair under 1
        self.state = nxt
        return nxt, float(self._entry[nxt]), bool(self.terminal[nxt])

    def grid(self, values) -> np.ndarray:
        """Put one value per state onto the map: a (rows, columns) float array, NaN on the walls."""
        values = np.asarray(values, dtype=float)
        if values.shape != (self.n_states,):
            raise ValueError(f"GridWorld.grid: values must have shape ({self.n_states},), got {values.shape}")
        out = np.full(self.shape, np.nan)
        for s, (i, j) in enumerate(self.cells):
            out[i, j] = values[s]
        return out
