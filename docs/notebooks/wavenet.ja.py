# %% [markdown]
# # WaveNet
#
# [WaveNet](../wavenet.md) のページの図と数を、このノートブックで再現します。膨張因果的畳み込みを重ねたスタックで、最後の出力がどの入力につながっているかを逆伝播で測り、受容野が深さとともにどう広がるかを、膨張なしのスタックと比べます。最後に、パラメータ数が同じ 2 つのスタックを、長い文脈が必要な系列の予測で学習させます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.wavenet_receptive_field import plot_growth, plot_stack

outcome = ensure("wavenet_receptive_field")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 因果的畳み込みは未来を見ない

# %%
import numpy as np

from dl_notes.wavenet import CausalConv1D

conv = CausalConv1D(np.array([[[10.0, 1.0]]]), np.zeros(1), dilation=2)   # y[t] = 10 x[t-2] + x[t]
x = np.arange(1.0, 9.0).reshape(1, 1, 8)
y = conv.forward(x)
x[..., 5:] = 0.0                                                            # 時刻 5 以降を書き換える
print(y[0, 0])
print(conv.forward(x)[0, 0])                                                # 時刻 0〜4 は同じ

# %% [markdown]
# ## 受容野：膨張ありと膨張なし

# %%
v = result.values
print(f"膨張率 {v['config']['figure_dilations']}：受容野 {v['figure']['dilated']}、膨張なし：{v['figure']['plain']}")
show(plot_stack(result, "ja"))

# %% [markdown]
# ## 深さとパラメータあたりの受容野

# %%
d = v["deepest"]
print(f"{d['depth']} 層、パラメータ {d['parameters']:,} 個：受容野 {d['dilated']:,}（膨張あり）、{d['plain']}（膨張なし）")
print(f"膨張なしで同じ受容野に必要な層の数：{d['layers_to_match']:,}")
show(plot_growth(result, "ja"))

# %% [markdown]
# ## 受容野が広いと何が予測できるか
#
# 同じパラメータ数の膨張あり・なしのスタックに、周期的なパターンの次の値を予測させます。

# %%
from dl_notes.experiments.wavenet_sequence import plot_training

seq = ensure("wavenet_sequence").result
for stack in ("dilated", "plain"):
    s = seq.values[stack]
    print(f"{stack}：受容野 {s['field']}、パラメータ {s['parameters']} 個、テストの平均二乗誤差 {s['test_mse']:.3f}")
show(plot_training(seq, "ja"))

# %% [markdown]
# ## 自分で試す
#
# カーネルサイズ（`kernel_size`）や描くスタックの深さ（`figure_layers`）を変えてみてください。膨張率を自分で選んで `receptive_field` と `influence` を比べると、膨張率が速く増えすぎたときに受容野の中にすき間ができることも確かめられます。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.wavenet_receptive_field import DEFAULT
from dl_notes.wavenet import causal_stack, influence, receptive_field

mine = load("wavenet_receptive_field", replace(DEFAULT, kernel_size=3, figure_layers=3))
show(plot_stack(mine, "ja"))
dilations = [1, 4, 16]
levels = influence(causal_stack(3, dilations), 60)
print("式の受容野：", receptive_field(3, dilations), "、実際に読まれる入力の数：", int(levels[0].sum()))
