# %% [markdown]
# # 損失関数と勾配
#
# [損失関数と勾配](../losses_gradients.md) のページの図を、このノートブックで再現します。
# 1 つの重みに対する正解率と損失、数値微分の誤差と刻み幅 $h$ の関係、勾配の場、学習率を変えた勾配降下法です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが
# 変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments import gradient_basics, loss_vs_accuracy

accuracy_run = ensure("loss_vs_accuracy").result
basics_run = ensure("gradient_basics").result

# %% [markdown]
# ## 正解率と損失：重みを 1 つ動かすと

# %%
v = accuracy_run.values
print(f"動かした重み：{v['weight_name']}（学習後の値 {v['w0']:.3f}）")
print(f"正解率の微分：{v['d_accuracy']}、損失の微分：{v['d_loss']:.4f}")
show(loss_vs_accuracy.plot(accuracy_run, "ja"))

# %% [markdown]
# ## 数値微分の誤差と刻み幅 h

# %%
b = basics_run.values
for method in ("forward", "central"):
    print(f"{method}：最良の h = {b['best_h'][method]:.1e}、そのときの誤差 {b['best_error'][method]:.1e}")
show(gradient_basics.plot_diff_error(basics_run, "ja"))

# %% [markdown]
# ## 勾配の場と勾配降下法

# %%
show(gradient_basics.plot_field(basics_run, "ja"))
show(gradient_basics.plot_descent(basics_run, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 学習率を変えて勾配降下法を実行してみましょう。たとえば 0.5 なら 1 回で最小値に着き、
# 1.0 なら $x$ は符号を変えながら同じ大きさのまま振動します。

# %%
import numpy as np

from dl_notes import gradient_descent

for lr in (0.5, 0.9, 1.0):
    x = gradient_descent(gradient_basics.sphere, np.array([-3.0, 4.0]), lr=lr, step_num=20)
    print(f"学習率 {lr}：20 ステップ後の x = {x.round(6)}")
