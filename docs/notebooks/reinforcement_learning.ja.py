# %% [markdown]
# # 強化学習
#
# [強化学習](../reinforcement_learning.md)のページの実測を、このノートブックで再現します。5 × 5 のグリッドワールドで価値反復法と Q 学習を動かし、3 × 3 の迷路で REINFORCE の勾配の推定値を正確な勾配と比べます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.gridworld_values import plot_convergence, plot_values
from dl_notes.experiments.policy_gradient import plot_estimator, plot_learning
from dl_notes.experiments.q_learning import plot_curves, plot_grid, plot_policy

outcomes = {name: ensure(name) for name in ("gridworld_values", "q_learning", "policy_gradient")}
for name, outcome in outcomes.items():
    print(name, "キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 価値反復法：滑らない世界と滑る世界

# %%
values = outcomes["gridworld_values"].result
for k, case in values.values["by_slip"].items():
    print(f"滑る確率 {case['slip']}：スイープ {case['sweeps']} 回、V*(S) = {case['V_start']:.4f}、"
          f"シミュレーションの平均 {case['mc_mean']:.4f}（標準誤差 {case['mc_stderr']:.4f}）")
show(plot_values(values, "ja"))
show(plot_convergence(values, "ja"))

# %% [markdown]
# ## Q 学習

# %%
q = outcomes["q_learning"].result
print(f"最適な行動を選ぶ状態の割合（シードごと）：{q.values['agreement']}")
show(plot_curves(q, "ja"))
show(plot_policy(q, "ja"))
show(plot_grid(q, "ja"))

# %% [markdown]
# ## REINFORCE の推定値と正確な勾配

# %%
pg = outcomes["policy_gradient"].result
for name, case in pg.values["estimator"].items():
    print(f"{name:>8}：1 エピソードの推定値の分散 {case['variance']:.3f}")
show(plot_estimator(pg, "ja"))
show(plot_learning(pg, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 迷路を書き換えて価値反復法を動かしてください。`S` がスタート、`G` がゴール、`H` が穴、`#` が壁です。滑る確率 `slip` を 0 から 2/3（FrozenLake と同じ）まで上げると、最適方策の矢印はどこで変わるでしょうか。穴に入ったときの報酬 `hole_reward` や、1 歩ごとの報酬 `step_reward` を変えても試せます。

# %%
import numpy as np

from dl_notes.gridworld import ACTIONS, GridWorld
from dl_notes.rl import value_iteration

layout = ["S...#",
          ".H...",
          "...H.",
          "#...G"]
for slip in (0.0, 0.3, 2 / 3):
    world = GridWorld(layout, slip=slip)
    result = value_iteration(world, gamma=0.9)
    arrows = {"up": "↑", "right": "→", "down": "↓", "left": "←"}
    print(f"滑る確率 {slip:.2f}：スイープ {result.sweeps} 回、V*(S) = {result.V[world.start]:.3f}")
    for i, row in enumerate(layout):
        line = ""
        for j, c in enumerate(row):
            s = world.cells.index((i, j)) if c != "#" else None
            line += c if c in "#GH" else arrows[ACTIONS[result.policy[s]]]
        print("  " + line)
