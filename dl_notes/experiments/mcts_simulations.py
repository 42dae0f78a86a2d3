r"""Pure MCTS on tic-tac-toe (uniform priors, random rollouts): strength against the number of simulations; one real search tree.

`dl_notes.mcts.MCTS` with `dl_notes.mcts.rollout_evaluator` (no learning at all) plays, for each
number of simulations per move, games against a random player and against the perfect player
(`dl_notes.tictactoe.perfect_player`), as X and as O; and it is asked for a move in known
positions drawn from the 4,520 unfinished ones: positions where the player to move can win at once,
and positions where the opponent threatens to win and the only good move is to block. A move is
right when the solver gives it the position's best value.

The figure ``tree`` draws the statistics of one search from one position (no measurement over
games): the root's moves with their visits, mean values and priors, and the path of the last
simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.mcts import MCTS, mcts_player, rollout_evaluator
from dl_notes.tictactoe import (match, move_values, perfect_player, random_player, reachable_positions,
                                winner, winning_squares)

from ._plotting import PALETTE, check_lang, panels, style, texts
from ._result import Result

TITLE = {"ja": "純粋な MCTS の強さとシミュレーション回数、探索木の 1 例",
         "en": "Pure MCTS: strength against the number of simulations; one search tree"}

OPPONENTS = ("random", "perfect")
SIDES = ("first", "second")
KINDS = ("win", "block")
EXAMPLE = (1, -1, 0, 0, 1, 0, 0, 0, -1)  # X to move; 3 and 6 each make two threats at once


@dataclass(frozen=True)
class Config:
    """Simulations per move to try, games per opponent and side, puzzles per kind, the search."""

    simulations: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128)
    n_games: int = 20
    n_puzzles: int = 60
    c_puct: float = 1.5
    tree_simulations: int = 30
    seed: int = 0


DEFAULT = Config()
TINY = Config(simulations=(1, 8), n_games=2, n_puzzles=4, tree_simulations=6)


def puzzles(n: int, rng: np.random.Generator) -> dict[str, list[np.ndarray]]:
    """``n`` positions of each kind: the player to move can win at once (``win``), or must block the
    opponent's only threat, every other move being worse (``block``)."""
    found: dict[str, list[np.ndarray]] = {kind: [] for kind in KINDS}
    for board in reachable_positions():
        if winner(board) is not None:
            continue
        mover = 1 if int(board.sum()) == 0 else -1
        if len(winning_squares(board, mover)):
            found["win"].append(board)
            continue
        threats = winning_squares(board, -mover)
        if len(threats) == 1:
            values = move_values(board)
            others = np.delete(values, threats)
            others = others[~np.isnan(others)]
            if len(others) and others.max() < values[threats[0]]:
                found["block"].append(board)
    return {kind: [boards[i] for i in sorted(rng.choice(len(boards), size=min(n, len(boards)), replace=False))]
            for kind, boards in found.items()}


def right_share(boards: list[np.ndarray], player, rng: np.random.Generator) -> float:
    """The share of ``boards`` where ``player`` picks a move of the best value."""
    right = 0
    for board in boards:
        values = move_values(board)
        right += values[player(board, rng)] == np.nanmax(values)
    return right / len(boards)


def example_tree(config: Config) -> dict:
    """One search from `EXAMPLE`: the root's statistics and the moves of the last simulation."""
    search = MCTS(rollout_evaluator(rng=np.random.default_rng([config.seed, 9])), config.tree_simulations - 1,
                  config.c_puct, rng=np.random.default_rng([config.seed, 10]))
    search.search(np.array(EXAMPLE))
    root = search.root
    before = {"N": root.N.tolist(), "Q": root.Q.tolist()}
    path = search.simulate(root)  # the last simulation, recorded so the figure can show its steps
    leaf = path[-1][0].child(path[-1][1])
    return {"board": list(EXAMPLE), "P": root.P.tolist(), "N": root.N.tolist(), "Q": root.Q.tolist(),
            "N_before": before["N"], "Q_before": before["Q"], "path": [int(m) for _, m in path],
            "leaf_value": None if leaf.value is None else float(leaf.value),
            "leaf_terminal": leaf.terminal, "values": [None if np.isnan(v) else float(v) for v in move_values(EXAMPLE)]}


def run(config: Config) -> Result:
    if config.n_games < 1 or config.n_puzzles < 1 or not config.simulations:
        raise ValueError(f"n_games and n_puzzles must be >= 1 and simulations non-empty, got {config}")
    boards = puzzles(config.n_puzzles, np.random.default_rng([config.seed, 1]))
    arrays: dict[str, np.ndarray] = {"simulations": np.array(config.simulations)}
    for o, opponent in enumerate(OPPONENTS):
        other = random_player if opponent == "random" else perfect_player
        for s, side in enumerate(SIDES):
            rows = []
            for i, n in enumerate(config.simulations):
                rng = np.random.default_rng([config.seed, 2, o, s, i])
                player = mcts_player(rollout_evaluator(rng=rng), n, config.c_puct)
                outcome = match(player, other, config.n_games, first=side == "first", rng=rng)
                rows.append([outcome["win"], outcome["draw"], outcome["loss"]])
            arrays[f"{opponent}/{side}"] = np.array(rows)  # (levels, 3): win, draw, loss
    for k, kind in enumerate(KINDS):
        shares = []
        for i, n in enumerate(config.simulations):
            rng = np.random.default_rng([config.seed, 3, k, i])
            shares.append(right_share(boards[kind], mcts_player(rollout_evaluator(rng=rng), n, config.c_puct), rng))
        arrays[f"puzzle/{kind}"] = np.array(shares)
    last = -1
    values = {
        "config": {"simulations": list(config.simulations), "n_games": config.n_games, "n_puzzles": config.n_puzzles,
                   "c_puct": config.c_puct, "tree_simulations": config.tree_simulations},
        "puzzles": {kind: len(b) for kind, b in boards.items()},
        "most": {"simulations": config.simulations[last],
                 "loss_perfect": {side: float(arrays[f"perfect/{side}"][last, 2]) for side in SIDES},
                 "win_random": {side: float(arrays[f"random/{side}"][last, 0]) for side in SIDES},
                 "puzzle": {kind: float(arrays[f"puzzle/{kind}"][last]) for kind in KINDS}},
        "fewest": {"simulations": config.simulations[0],
                   "loss_perfect": {side: float(arrays[f"perfect/{side}"][0, 2]) for side in SIDES},
                   "puzzle": {kind: float(arrays[f"puzzle/{kind}"][0]) for kind in KINDS}},
        "tree": example_tree(config),
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"simulations": "1 手あたりのシミュレーション回数（対数目盛）", "share": "対局の割合",
        "random": "ランダムなプレイヤとの対局", "perfect": "完全なプレイヤとの対局",
        "win_first": "勝ち（先手）", "win_second": "勝ち（後手）", "loss_first": "負け（先手）", "loss_second": "負け（後手）",
        "puzzle_title": "既知の局面で正しい手を選んだ割合", "right": "正しい手の割合",
        "win": "すぐ勝てる局面", "block": "相手の勝ちを防ぐ局面",
        "root": "ルート（X の手番）", "selection": "① 選択：PUCT が最大の手", "expansion": "② 展開：葉の事前確率",
        "evaluation": "③ 評価：v = {v}", "backup": "④ バックアップ：N + 1、W ± v", "terminal": "③ 評価：終局 v = {v}",
        "tree_title": "{n} 回のシミュレーションのあとのルートの統計", "path": "経路"},
    en={"simulations": "simulations per move (log scale)", "share": "share of games",
        "random": "against the random player", "perfect": "against the perfect player",
        "win_first": "win (first)", "win_second": "win (second)", "loss_first": "loss (first)", "loss_second": "loss (second)",
        "puzzle_title": "right moves in known positions", "right": "share of right moves",
        "win": "can win at once", "block": "must block a threat",
        "root": "root (X to move)", "selection": "1 selection: highest PUCT", "expansion": "2 expansion: the leaf's priors",
        "evaluation": "3 evaluation: v = {v}", "backup": "4 backup: N + 1, W ± v", "terminal": "3 evaluation: game over, v = {v}",
        "tree_title": "the root's statistics after {n} simulations", "path": "path"},
)


def plot_strength(result: Result, lang: str):
    """Wins and losses against the random and the perfect player, as X and as O, per number of simulations."""
    text = TEXT[check_lang(lang)]
    sims = result.arrays["simulations"]
    with panels(lang, 2, size=(4.6, 3.4), sharey=True) as (figure, axes):
        for ax, opponent in zip(axes[0], OPPONENTS):
            for s, side in enumerate(SIDES):
                table = result.arrays[f"{opponent}/{side}"]
                ax.plot(sims, table[:, 0], marker="o", color=PALETTE[2], alpha=1 - 0.4 * s, linestyle="-" if s == 0 else "--",
                        label=text[f"win_{side}"])
                ax.plot(sims, table[:, 2], marker="s", color=PALETTE[3], alpha=1 - 0.4 * s, linestyle="-" if s == 0 else "--",
                        label=text[f"loss_{side}"])
            ax.set(xscale="log", title=text[opponent], xlabel=text["simulations"], ylim=(-0.03, 1.03))
            ax.set_xticks(sims, [str(int(n)) for n in sims])
        axes[0, 0].set_ylabel(text["share"])
        axes[0, 0].legend(fontsize="small")
    return figure


def plot_puzzles(result: Result, lang: str):
    """The share of right moves in positions to win at once and positions to block, per number of simulations."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    sims = result.arrays["simulations"]
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
        for k, kind in enumerate(KINDS):
            ax.plot(sims, result.arrays[f"puzzle/{kind}"], "o-", color=PALETTE[k], label=text[kind])
        ax.set(xscale="log", xlabel=text["simulations"], ylabel=text["right"], ylim=(0, 1.03), title=text["puzzle_title"])
        ax.set_xticks(sims, [str(int(n)) for n in sims])
        ax.legend(fontsize="small")
    return figure


def _mini_board(ax, x: float, y: float, board, size: float, new: int | None = None) -> None:
    """A 3 × 3 board centred at (x, y), X and O drawn as text, the stone ``new`` highlighted."""
    from matplotlib.patches import Rectangle

    cell = size / 3
    for i, stone in enumerate(board):
        r, c = divmod(i, 3)
        cx, cy = x - size / 2 + (c + 0.5) * cell, y + size / 2 - (r + 0.5) * cell
        ax.add_patch(Rectangle((cx - cell / 2, cy - cell / 2), cell, cell, facecolor="#ffe08a" if i == new else "white",
                               edgecolor="#888888", linewidth=0.7))
        if stone:
            ax.text(cx, cy, "X" if stone == 1 else "O", ha="center", va="center", fontsize=7,
                    color=PALETTE[0] if stone == 1 else PALETTE[3])


def plot_tree(result: Result, lang: str):
    """The root and its moves after one search: visits N, mean values Q, priors P; the last simulation's path."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    t = result.values["tree"]
    board = np.array(t["board"])
    moves = np.flatnonzero(board == 0)
    path = t["path"]
    with style(lang):
        figure, ax = plt.subplots(figsize=(8.6, 4.6), layout="constrained")
        _mini_board(ax, 4.5, 4.2, board, 1.0)
        ax.text(5.15, 4.2, text["root"], ha="left", va="center", fontsize=9)
        for j, move in enumerate(moves):
            x = 0.9 + 1.8 * j
            child = board.copy()
            child[move] = 1
            on_path = move == path[0]
            ax.annotate("", xy=(x, 2.75), xytext=(4.5, 3.65),
                        arrowprops={"arrowstyle": "-|>", "lw": 2.2 if on_path else 0.8,
                                    "color": PALETTE[1] if on_path else "#999999"})
            _mini_board(ax, x, 2.25, child, 0.9, new=int(move))
            ax.text(x, 1.5, f"N = {t['N_before'][move]:.0f}\nQ = {t['Q_before'][move]:+.2f}\nP = {t['P'][move]:.2f}",
                    ha="center", va="top", fontsize=8.5)
        x = 0.9 + 1.8 * int(np.flatnonzero(moves == path[0])[0])
        ax.text(x + 0.55, 3.25, text["selection"], fontsize=8.5, color=PALETTE[1], ha="left")
        # The rest of the last simulation's path, one board per move, down to its leaf.
        walk, start = board.copy(), (x, 0.35)
        walk[path[0]] = 1
        for depth, move in enumerate(path[1:], start=1):
            walk[move] = 1 if int(walk.sum()) == 0 else -1
            at = (x - 1.5 * depth, -0.45)
            ax.annotate("", xy=(at[0] + 0.4, at[1] + 0.1), xytext=start,
                        arrowprops={"arrowstyle": "-|>", "lw": 1.6, "color": PALETTE[1]})
            _mini_board(ax, at[0], at[1], walk.copy(), 0.7, new=int(move))
            start = (at[0] - 0.1, at[1] + 0.2)
        if t["leaf_terminal"] is not None:
            step = text["terminal"].format(v=f"{t['leaf_terminal']:+.0f}")
        else:
            step = text["expansion"] + "\n" + text["evaluation"].format(v=f"{t['leaf_value']:+.0f}")
        route = " → ".join(str(m) for m in path)
        ax.text(8.9, -0.2, f"{text['path']}: {route}\n" + step + "\n" + text["backup"],
                ha="right", va="center", fontsize=8.5, color=PALETTE[1])
        ax.set(xlim=(0, 9), ylim=(-1.3, 4.9), aspect="equal",
               title=text["tree_title"].format(n=int(sum(t["N_before"]))))
        ax.axis("off")
    return figure


FIGURES = {"strength": plot_strength, "puzzles": plot_puzzles, "tree": plot_tree}
