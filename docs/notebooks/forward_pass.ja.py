# %% [markdown]
# # ニューラルネットワークの順伝播
#
# [ニューラルネットワークの順伝播](../forward_pass.md) のページの計算を、このノートブックで再現します。活性化関数とその導関数の図、書籍の 3 層ネットワークの順伝播と各層の形、ソフトマックス関数のオーバーフロー、講義の演習 `1_1_forward_propagation` の 6 つのネットワークです。
#
# 図の結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
import numpy as np

from dl_notes.experiments import ensure, show
from dl_notes.experiments.forward_pass import plot_activations

outcome = ensure("forward_pass")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 活性化関数とその導関数

# %%
print("第 1 層の重みについての勾配の大きさ:", result.values["grad_norms"])
show(plot_activations(result, "ja"))

# %% [markdown]
# ## 書籍の 3 層ネットワーク
#
# 各層の $a^{(l)}$ と $z^{(l)}$、そして 1 つの入力と 3 つの入力のバッチでの形です。

# %%
from dl_notes.forward import forward, forward_trace, init_network, layer_shapes

network = init_network()
x = np.array([1.0, 0.5])
for l, (a, z) in enumerate(forward_trace(network, x), start=1):
    print(f"第 {l} 層: a = {a.round(4)}, z = {z.round(4)}")
for row in layer_shapes(network, np.zeros((3, 2))):
    print(row)

# %% [markdown]
# ## ソフトマックス関数のオーバーフロー

# %%
from dl_notes import softmax
from dl_notes.forward import naive_softmax

a = np.array([1010.0, 1000.0, 990.0])
print("定義どおり:", naive_softmax(a))
print("最大値を引く:", softmax(a))

# %% [markdown]
# ## 講義の演習 1_1_forward_propagation

# %%
from dl_notes.forward import course_networks

for name, net in course_networks().items():
    print(f"({name}) {'-'.join(map(str, net.sizes))}, {net.activation} / {net.output}: y = {net.forward().round(4)}")

# %% [markdown]
# ## 試してみよう
#
# 演習 (c) のネットワークで、隠れ層の活性化関数を ReLU からシグモイド関数やステップ関数に変え、出力を比べます。ノートブックの「試してみよう」のように、重みを乱数にしてもかまいません。

# %%
net = course_networks()["c"]
for activation in ("relu", "sigmoid", "step"):
    print(f"{activation:>8}: {forward(net.network, net.x, activation, 'identity').round(4)}")
rng = np.random.default_rng(0)
mine = {k: rng.random(v.shape) for k, v in net.network.items()}
print("乱数の重み:", forward(mine, net.x, "relu", "identity").round(4))
