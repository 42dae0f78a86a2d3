# %% [markdown]
# # 軽量化
#
# [軽量化](../compression.md) のページの実験を、このノートブックで再現します。
# MNIST で学習させた全結合ネットワークと SimpleConvNet を量子化・プルーニングし、小さな生徒モデルを蒸留で学習させた結果です（枚数とイテレーション数は下に表示します）。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません（再実行にかかる時間は、下に表示する計算時間と同じくらいです）。

# %%
from dl_notes.experiments import compression_mnist, ensure, float_formats, load, show

for name in ("float_formats", "compression_mnist"):
    outcome = ensure(name)
    print(f"{name}: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
          f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
f = load("float_formats")
r = load("compression_mnist")
print(f"訓練 {r.values['n_train']:,} 枚・テスト {r.values['n_test']:,} 枚")

# %% [markdown]
# ## 浮動小数点数の形式

# %%
for name, x in f.values["formats"].items():
    print(f"{name:>8}: 符号部 {x['sign']}、指数部 {x['exponent']:>2}、仮数部 {x['significand']:>2}、"
          f"1024^3 個で {x['memory_gib']:g} GiB")
show(float_formats.plot_error(f, "ja"))

# %% [markdown]
# ## 量子化

# %%
for key in r.values["nets"]:
    acc = r.values["quant"][key]["acc"]
    print(key, {k: round(v, 4) for k, v in acc.items()})
show(compression_mnist.plot_bits(r, "ja"))

# %% [markdown]
# ## 蒸留とプルーニング

# %%
print("単独:", r.values["alone"]["acc"])
for T, d in r.values["distilled"].items():
    print(f"T = {T}:", d["acc"])
show(compression_mnist.plot_pruning(r, "ja"))
show(compression_mnist.plot_tradeoff(r, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 学習したネットワークを自分で量子化・プルーニングします。小さなネットワークを短く学習させるので、数秒で終わります。

# %%
from dl_notes.datasets import load_mnist
from dl_notes.nets import MultiLayerNet
from dl_notes.pruning import apply_masks, magnitude_masks
from dl_notes.quantization import quantize_network
from dl_notes.train import Trainer

(x, t), (x_test, t_test) = load_mnist()
net = MultiLayerNet(784, [100], 10, seed=0)
Trainer(net, x, t, x_test, t_test, mini_batch_size=100, optimizer="Adam", optimizer_param={"lr": 0.001},
        iterations=500, eval_every=500, verbose=False, seed=0).train()
print("float32:", net.accuracy(x_test, t_test))
for bits in (8, 4, 3, 2):                          # ビット数を変えてみます
    print(f"{bits} ビット:", quantize_network(net, bits).accuracy(x_test, t_test))
apply_masks(net.params, magnitude_masks(net.params, 0.9))   # 重みの 90% を 0 にします
print("スパース率 0.9:", net.accuracy(x_test, t_test))
