r"""AlphaGo Zero's recipe on tic-tac-toe: a small policy-value network trained by self-play with MCTS; diagrams of AlphaGo Lee and AlphaGo Zero.

`dl_notes.self_play.train` trains a `dl_notes.policy_value.PolicyValueNet` (one residual block)
from nothing but the rules. At checkpoints through training, the network's MCTS (the number of
simulations of self-play, the most visited move) plays a random player and the perfect player
(`dl_notes.tictactoe.perfect_player`), as X and as O; the network alone is measured on all 4,520
unfinished positions: the share where its most probable move has the best value. After training, the trained network's MCTS plays
the perfect player and the random player for each number of simulations.

The figures ``alphago_lee`` and ``alphago_zero`` draw the two systems' pipelines (no measurement
in them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.mcts import mcts_player
from dl_notes.optim import Adam
from dl_notes.policy_value import PolicyValueNet
from dl_notes.self_play import train
from dl_notes.tictactoe import match, move_values, perfect_player, planes, random_player, reachable_positions, winner

from ._plotting import PALETTE, check_lang, panels, style, texts
from ._result import Result

TITLE = {"ja": "三目並べでの自己対戦による学習、AlphaGo と AlphaGo Zero の構成",
         "en": "Self-play training on tic-tac-toe; the AlphaGo and AlphaGo Zero pipelines"}

OPPONENTS = ("random", "perfect")
SIDES = ("first", "second")


@dataclass(frozen=True)
class Config:
    """The network, the self-play schedule, the search, and the evaluation games."""

    hidden_size: int = 32
    n_blocks: int = 1
    weight_decay: float = 1e-4
    lr: float = 0.01
    iterations: int = 40
    games_per_iteration: int = 10
    steps_per_iteration: int = 100
    batch_size: int = 128
    n_simulations: int = 50
    c_puct: float = 1.5
    explore_moves: int = 2
    dirichlet_alpha: float = 1.0
    eval_every: int = 5
    n_games: int = 20
    simulations: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64)
    seed: int = 0


DEFAULT = Config()
TINY = Config(hidden_size=8, iterations=2, games_per_iteration=2, steps_per_iteration=3, batch_size=16,
              n_simulations=4, eval_every=1, n_games=1, simulations=(1, 4))


def all_positions() -> dict[str, np.ndarray]:
    """The 4,520 unfinished positions: inputs, legal moves and best moves (bool, (n, 9))."""
    boards = [b for b in reachable_positions() if winner(b) is None]
    best = []
    for board in boards:
        values = move_values(board)
        best.append(values == np.nanmax(values))
    return {"x": np.stack([planes(b) for b in boards]), "legal": np.stack([b == 0 for b in boards]),
            "best": np.array(best)}


def games(player, config: Config, key: list[int]) -> dict[str, list[float]]:
    """Win, draw and loss shares of ``player`` against each opponent, as X and as O."""
    out = {}
    for o, opponent in enumerate(OPPONENTS):
        other = random_player if opponent == "random" else perfect_player
        for s, side in enumerate(SIDES):
            outcome = match(player, other, config.n_games, first=side == "first", rng=np.random.default_rng(key + [o, s]))
            out[f"{opponent}/{side}"] = [outcome["win"], outcome["draw"], outcome["loss"]]
    return out


def run(config: Config) -> Result:
    if config.eval_every < 1 or config.iterations % config.eval_every:
        raise ValueError(f"iterations must be a multiple of eval_every >= 1, got iterations={config.iterations}, "
                         f"eval_every={config.eval_every}")
    positions = all_positions()
    net = PolicyValueNet(hidden_size=config.hidden_size, n_blocks=config.n_blocks, weight_decay=config.weight_decay,
                         seed=config.seed)
    checkpoints: list[int] = []
    table: dict[str, list[list[float]]] = {f"{o}/{s}": [] for o in OPPONENTS for s in SIDES}
    optimal = []

    def measure(iteration: int, net: PolicyValueNet) -> None:
        if iteration % config.eval_every:
            return
        checkpoints.append(iteration)
        p, _ = net.predict(positions["x"], positions["legal"])
        optimal.append(float(positions["best"][np.arange(len(p)), p.argmax(axis=1)].mean()))
        player = mcts_player(net.evaluate, config.n_simulations, config.c_puct)
        for key, row in games(player, config, [config.seed, 1, iteration]).items():
            table[key].append(row)

    losses = train(net, Adam(lr=config.lr), iterations=config.iterations, games_per_iteration=config.games_per_iteration,
                   steps_per_iteration=config.steps_per_iteration, batch_size=config.batch_size,
                   n_simulations=config.n_simulations, c_puct=config.c_puct, explore_moves=config.explore_moves,
                   dirichlet_alpha=config.dirichlet_alpha, rng=np.random.default_rng([config.seed, 0]), callback=measure)
    sweep: dict[str, list[list[float]]] = {f"{o}/{s}": [] for o in OPPONENTS for s in SIDES}
    for i, n in enumerate(config.simulations):
        for key, row in games(mcts_player(net.evaluate, n, config.c_puct), config, [config.seed, 2, i]).items():
            sweep[key].append(row)
    arrays = {"checkpoints": np.array(checkpoints), "losses": np.array(losses), "optimal": np.array(optimal),
              "simulations": np.array(config.simulations)}
    arrays.update({f"train/{k}": np.array(rows) for k, rows in table.items()})  # (checkpoints, 3): win, draw, loss
    arrays.update({f"sweep/{k}": np.array(rows) for k, rows in sweep.items()})  # (levels, 3)
    final = {k: dict(zip(("win", "draw", "loss"), rows[-1])) for k, rows in table.items()}
    start = {k: dict(zip(("win", "draw", "loss"), rows[0])) for k, rows in table.items()}
    values = {
        "config": {"hidden_size": config.hidden_size, "n_blocks": config.n_blocks, "weight_decay": config.weight_decay,
                   "lr": config.lr, "iterations": config.iterations, "games_per_iteration": config.games_per_iteration,
                   "steps_per_iteration": config.steps_per_iteration, "batch_size": config.batch_size,
                   "n_simulations": config.n_simulations, "c_puct": config.c_puct, "explore_moves": config.explore_moves,
                   "dirichlet_alpha": config.dirichlet_alpha, "eval_every": config.eval_every, "n_games": config.n_games,
                   "simulations": list(config.simulations)},
        "games": config.iterations * config.games_per_iteration,
        "parameters": int(sum(p.size for p in net.params.values())),
        "positions": len(positions["best"]),
        "final": final, "start": start,
        "optimal": {"start": optimal[0], "final": optimal[-1]},
        "loss": {"first": float(losses[0]), "last": float(losses[-1])},
        "sweep": {f"{k}/loss": [row[2] for row in rows] for k, rows in sweep.items()},
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"iterations": "自己対戦の反復（1 回 = {g} 局 + 勾配 {s} ステップ）", "share": "対局の割合",
        "random": "ランダムなプレイヤとの対局", "perfect": "完全なプレイヤとの対局",
        "win_first": "勝ち（先手）", "win_second": "勝ち（後手）", "loss_first": "負け（先手）", "loss_second": "負け（後手）",
        "optimal": "方策の最大の手が最善手である局面の割合",
        "network": "ネットワークだけ（全 {n} 局面）", "simulations": "1 手あたりのシミュレーション回数（対数目盛）",
        "lee_title": "AlphaGo（Silver ら、2016）", "zero_title": "AlphaGo Zero（Silver ら、2017）",
        "human": "人間の棋譜", "sl": "SL 方策ネットワーク $p_\\sigma$\n13 層、19×19 の softmax",
        "rollout": "ロールアウト方策 $p_\\pi$\n線形の softmax、1 手 2 µs", "rl": "RL 方策ネットワーク $p_\\rho$\n過去の自分との自己対戦",
        "value": "価値ネットワーク $v_\\theta$\ntanh、[-1, 1]", "selfplay": "$p_\\rho$ の自己対戦\n（1 局から 1 局面）",
        "mcts_lee": "MCTS（PUCT）\n事前確率：$p_\\sigma$\n葉の評価：$v_\\theta$ とロールアウト $p_\\pi$",
        "order": "学習の順序：① 教師あり（$p_\\sigma$、$p_\\pi$）→ ② 強化学習（$p_\\rho$）→ ③ 回帰（$v_\\theta$）",
        "init": "初期値", "games": "局面と勝敗 z",
        "input_lee": "入力：19×19×48 の特徴（石、呼吸点、シチョウなど）",
        "net": "1 つのネットワーク $f_\\theta(s) = (\\mathbf{p}, v)$\n残差ブロック 19 個または 39 個",
        "policy_head": "方策ヘッド $\\mathbf{p}$\n盤上の点とパスの softmax", "value_head": "価値ヘッド $v$\ntanh、[-1, 1]",
        "mcts_zero": "MCTS（PUCT）\nロールアウトなし\n葉の評価は $v$ だけ", "games_zero": "自己対戦の棋譜\n$(s, \\boldsymbol{\\pi}, z)$",
        "train_zero": "学習\n$(z - v)^2 - \\boldsymbol{\\pi}^\\top \\log \\mathbf{p} + c\\|\\theta\\|^2$",
        "input_zero": "入力：石の配置だけ（19×19×17）。人間の棋譜は使わない"},
    en={"iterations": "self-play iterations (each: {g} games + {s} gradient steps)", "share": "share of games",
        "random": "against the random player", "perfect": "against the perfect player",
        "win_first": "win (first)", "win_second": "win (second)", "loss_first": "loss (first)", "loss_second": "loss (second)",
        "optimal": "positions where the policy's top move is best",
        "network": "network alone (all {n} positions)", "simulations": "simulations per move (log scale)",
        "lee_title": "AlphaGo (Silver et al., 2016)", "zero_title": "AlphaGo Zero (Silver et al., 2017)",
        "human": "human games", "sl": "SL policy network $p_\\sigma$\n13 layers, softmax over 19×19",
        "rollout": "rollout policy $p_\\pi$\nlinear softmax, 2 µs a move", "rl": "RL policy network $p_\\rho$\nself-play against past selves",
        "value": "value network $v_\\theta$\ntanh, [-1, 1]", "selfplay": "self-play of $p_\\rho$\n(one position per game)",
        "mcts_lee": "MCTS (PUCT)\npriors: $p_\\sigma$\nleaf evaluation: $v_\\theta$ and rollouts of $p_\\pi$",
        "order": "training order: 1 supervised ($p_\\sigma$, $p_\\pi$) → 2 reinforcement ($p_\\rho$) → 3 regression ($v_\\theta$)",
        "init": "initialises", "games": "positions and results z",
        "input_lee": "input: 19×19×48 features (stones, liberties, ladders, ...)",
        "net": "one network $f_\\theta(s) = (\\mathbf{p}, v)$\n19 or 39 residual blocks",
        "policy_head": "policy head $\\mathbf{p}$\nsoftmax over points and pass", "value_head": "value head $v$\ntanh, [-1, 1]",
        "mcts_zero": "MCTS (PUCT)\nno rollouts\nleaves evaluated by $v$ only", "games_zero": "self-play games\n$(s, \\boldsymbol{\\pi}, z)$",
        "train_zero": "training\n$(z - v)^2 - \\boldsymbol{\\pi}^\\top \\log \\mathbf{p} + c\\|\\theta\\|^2$",
        "input_zero": "input: the stones only (19×19×17); no human games"},
)


def _curves(ax, x, tables, prefix: str, opponent: str, text: dict) -> None:
    for s, side in enumerate(SIDES):
        table = tables[f"{prefix}/{opponent}/{side}"]
        style_ = "-" if s == 0 else "--"
        ax.plot(x, table[:, 0], marker="o", linestyle=style_, color=PALETTE[2], label=text[f"win_{side}"])
        ax.plot(x, table[:, 2], marker="s", linestyle=style_, color=PALETTE[3], label=text[f"loss_{side}"])
    ax.set(title=text[opponent], ylim=(-0.03, 1.03))


def plot_training(result: Result, lang: str):
    """Wins and losses of the network's MCTS at the checkpoints, and the network alone on every position."""
    text = TEXT[check_lang(lang)]
    a, c = result.arrays, result.values["config"]
    x = a["checkpoints"]
    with panels(lang, 3, size=(4.0, 3.3)) as (figure, axes):
        for ax, opponent in zip(axes[0], OPPONENTS):
            _curves(ax, x, a, "train", opponent, text)
        # One label under the three panels: written under each, the long labels ran into each other.
        figure.supxlabel(text["iterations"].format(g=c["games_per_iteration"], s=c["steps_per_iteration"]),
                         fontsize="medium")
        axes[0, 0].set_ylabel(text["share"])
        axes[0, 0].legend(fontsize="x-small")
        ax = axes[0, 2]
        ax.plot(x, a["optimal"], marker="o", color=PALETTE[0], label=text["optimal"])
        ax.set(title=text["network"].format(n=f"{result.values['positions']:,}"), ylim=(0, 1.03))
        ax.set_ylabel(text["optimal"])
    return figure


def plot_simulations(result: Result, lang: str):
    """Wins and losses of the trained network's MCTS against the number of simulations per move."""
    text = TEXT[check_lang(lang)]
    sims = result.arrays["simulations"]
    with panels(lang, 2, size=(4.6, 3.4), sharey=True) as (figure, axes):
        for ax, opponent in zip(axes[0], OPPONENTS):
            _curves(ax, sims, result.arrays, "sweep", opponent, text)
            ax.set(xscale="log", xlabel=text["simulations"])
            ax.set_xticks(sims, [str(int(n)) for n in sims])
        axes[0, 0].set_ylabel(text["share"])
        axes[0, 0].legend(fontsize="small")
    return figure


def _box(ax, x, y, label, color, width=2.4, height=0.9):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=color + "2a", edgecolor=color, linewidth=1.4))
    ax.text(x, y, label, ha="center", va="center", fontsize=8.5)


def _arrow(ax, start, end, label="", color="#444444"):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.3,
                                                      "shrinkA": 2, "shrinkB": 2})
    if label:
        ax.text((start[0] + end[0]) / 2 + 0.08, (start[1] + end[1]) / 2, label, fontsize=7.5, color=color,
                ha="left", va="center")


def plot_alphago_lee(result: Result, lang: str):
    """AlphaGo Lee's four parts, their training order, and how MCTS uses them."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    data, sl, rl, value, search = "#777777", PALETTE[0], PALETTE[1], PALETTE[3], PALETTE[2]
    with style(lang):
        figure, ax = plt.subplots(figsize=(9.0, 5.0), layout="constrained")
        _box(ax, 1.6, 4.3, text["human"], data)
        _box(ax, 4.6, 4.9, text["sl"], sl, width=2.8)
        _box(ax, 4.6, 3.5, text["rollout"], sl, width=2.8)
        _box(ax, 7.9, 4.9, text["rl"], rl, width=2.9)
        _box(ax, 7.9, 3.3, text["selfplay"], rl, width=2.6)
        _box(ax, 7.9, 1.8, text["value"], value, width=2.6)
        _box(ax, 3.4, 1.5, text["mcts_lee"], search, width=4.0, height=1.2)
        _arrow(ax, (2.8, 4.5), (3.2, 4.8))
        _arrow(ax, (2.8, 4.1), (3.2, 3.6))
        _arrow(ax, (6.0, 4.9), (6.45, 4.9))
        ax.text(6.22, 5.5, text["init"], fontsize=7.5, ha="center", va="center")
        _arrow(ax, (7.9, 4.45), (7.9, 3.75))
        _arrow(ax, (7.9, 2.85), (7.9, 2.25), text["games"])
        _arrow(ax, (4.6, 4.45), (4.2, 2.1), color=sl)
        _arrow(ax, (4.6, 3.05), (4.0, 2.1), color=sl)
        _arrow(ax, (6.6, 1.7), (5.4, 1.6), color=value)
        ax.text(0.3, 0.35, text["order"], fontsize=8.5, ha="left", va="center")
        ax.text(0.3, 5.6, text["input_lee"], fontsize=8.5, ha="left", va="center", color="#555555")
        ax.set(xlim=(0.2, 9.5), ylim=(0.1, 5.85), title=text["lee_title"])
        ax.axis("off")
    return figure


def plot_alphago_zero(result: Result, lang: str):
    """AlphaGo Zero: one two-headed residual network, MCTS without rollouts, the self-play loop."""
    import matplotlib.pyplot as plt

    text = TEXT[check_lang(lang)]
    net, head, search, data = PALETTE[0], PALETTE[4], PALETTE[2], "#777777"
    with style(lang):
        figure, ax = plt.subplots(figsize=(9.0, 4.4), layout="constrained")
        _box(ax, 2.2, 3.4, text["net"], net, width=3.4, height=1.0)
        _box(ax, 1.2, 1.8, text["policy_head"], head, width=2.2)
        _box(ax, 3.5, 1.8, text["value_head"], head, width=1.9)
        _box(ax, 6.5, 3.4, text["mcts_zero"], search, width=2.4, height=1.1)
        _box(ax, 8.2, 1.5, text["games_zero"], data, width=2.0)
        _box(ax, 5.4, 0.7, text["train_zero"], net, width=3.6, height=0.9)
        _arrow(ax, (1.7, 2.9), (1.3, 2.25))
        _arrow(ax, (2.7, 2.9), (3.3, 2.25))
        _arrow(ax, (4.45, 1.9), (5.3, 2.95), color=head)
        _arrow(ax, (7.3, 2.85), (8.0, 1.95), color=search)
        _arrow(ax, (7.5, 1.05), (7.2, 0.8), color=data)
        _arrow(ax, (3.6, 0.8), (2.2, 2.85), color=net)
        ax.text(0.3, 4.35, text["input_zero"], fontsize=8.5, ha="left", va="center", color="#555555")
        ax.set(xlim=(0.0, 9.4), ylim=(0.1, 4.6), title=text["zero_title"])
        ax.axis("off")
    return figure


FIGURES = {"training": plot_training, "simulations": plot_simulations, "alphago_lee": plot_alphago_lee,
           "alphago_zero": plot_alphago_zero}
