# %% [markdown]
# # AlphaGo
#
# [AlphaGo](../alphago.md) のページの実測を、このノートブックで再現します。三目並べで、方策・価値ネットワークを自己対戦と PUCT によるモンテカルロ木探索で学習させ、ランダムなプレイヤと完全なプレイヤとの対局で強さを測ります。ネットワークを使わない素朴な MCTS の強さも、シミュレーションの回数ごとに測ります。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.alphazero_tictactoe import plot_alphago_lee, plot_alphago_zero, plot_simulations, plot_training
from dl_notes.experiments.mcts_simulations import plot_puzzles, plot_strength, plot_tree

outcome = ensure("alphazero_tictactoe")
zero = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{zero.meta['seconds']:.2f} 秒の計算）")
outcome = ensure("mcts_simulations")
pure = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{pure.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## AlphaGo と AlphaGo Zero の構成

# %%
show(plot_alphago_lee(zero, "ja"))
show(plot_alphago_zero(zero, "ja"))

# %% [markdown]
# ## 1 回の探索：PUCT の式と探索木

# %%
import numpy as np

from dl_notes.mcts import MCTS, puct_scores, rollout_evaluator

print(puct_scores(np.array([0.5, 0.0, 0.0]), np.array([0.2, 0.6, 0.2]), np.array([3, 1, 0]), c_puct=1.0))
search = MCTS(rollout_evaluator(seed=0), n_simulations=200, seed=0)
counts = search.search([1, 1, 0, -1, -1, 0, 0, 0, 0])
print("訪問回数：", counts.astype(int).reshape(3, 3).tolist())
print("平均価値 Q：", search.root.Q.round(2).reshape(3, 3).tolist())
show(plot_tree(pure, "ja"))

# %% [markdown]
# ## 自己対戦による学習

# %%
v = zero.values
print(f"自己対戦 {v['games']:,} 局、パラメータ {v['parameters']:,} 個")
for key, shares in v["final"].items():
    print(f"{key:>15}: 勝ち {shares['win']:.0%}、引き分け {shares['draw']:.0%}、負け {shares['loss']:.0%}")
print(f"探索なしで最善手を選ぶ局面の割合：{v['optimal']['start']:.1%} → {v['optimal']['final']:.1%}")
show(plot_training(zero, "ja"))
show(plot_simulations(zero, "ja"))

# %% [markdown]
# ## ネットワークのない探索

# %%
print(pure.values["most"])
show(plot_strength(pure, "ja"))
show(plot_puzzles(pure, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 自己対戦の局数を減らす（`iterations`）、探索のシミュレーションを減らす（`n_simulations`）、残差ブロックをなくす（`n_blocks=0`）などを試してください。学習したネットワークは、完全なプレイヤに後手でも負けなくなるでしょうか。次のセルは数十秒かかります。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.alphazero_tictactoe import DEFAULT

config = replace(DEFAULT, iterations=10, n_simulations=25, simulations=(1, 8))
mine = load("alphazero_tictactoe", config)
print({key: shares["loss"] for key, shares in mine.values["final"].items()})
show(plot_training(mine, "ja"))
