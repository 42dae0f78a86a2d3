# %% [markdown]
# # 勾配消失・爆発と勾配クリッピング
#
# [勾配消失・爆発と勾配クリッピング](../rnn_gradients.md) のページの測定を、このノートブックで再現します。時間をさかのぼる勾配の大きさを RNN・LSTM・GRU で比べ、クリッピングの有無で RNN の学習を比べます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.gradient_clipping import plot_curves
from dl_notes.experiments.gradient_flow import plot_cells, plot_scales

flow = ensure("gradient_flow").result
clipping = ensure("gradient_clipping").result

# %% [markdown]
# ## RNN・LSTM・GRU の勾配

# %%
for key in flow.values["cell_order"]:
    entry = flow.values["cells"][key]
    print(f"{entry['label']['ja']:>24}: 1 ステップあたり {entry['per_step']:.3f} 倍")
show(plot_cells(flow, "ja"))

# %% [markdown]
# ## $W_h$ の大きさと活性化関数：上限 $\gamma \lVert W_h \rVert_2$ との比較

# %%
for key in flow.values["scale_order"]:
    entry = flow.values["scales"][key]
    print(f"{entry['label']['ja']:>22}: 上限 {entry['bound']:.3g}、実測 {entry['per_step']:.3f}")
show(plot_scales(flow, "ja"))

# %% [markdown]
# ## クリッピングの有無で学習を比べる

# %%
for name in ("plain", "clipped"):
    s = clipping.values["summary"][name]
    print(f"{name}: {clipping.values['n_seeds']} 回中 {s['diverged']} 回発散、"
          f"閾値を超えたステップ {100 * s['above_threshold']:.1f}%")
show(plot_curves(clipping, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 学習率や閾値を変えられます。たとえば閾値を 10 にすると、クリッピングが働くのは勾配がかなり大きくなってからになります。発散を防げるかどうかを確かめてみましょう。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.gradient_clipping import DEFAULT

mine = load("gradient_clipping", replace(DEFAULT, max_norm=10.0, seeds=3))
for name in ("plain", "clipped"):
    print(name, mine.values["summary"][name])
show(plot_curves(mine, "ja"))
