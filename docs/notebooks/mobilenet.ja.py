# %% [markdown]
# # MobileNet
#
# [MobileNet](../mobilenet.md) のページの実験を、このノートブックで再現します。
# 標準の畳み込みと深さ方向分離可能畳み込みの計算量を、`dl_notes` のレイヤが数えた積和演算で比べた結果と、
# 小さな MobileNet と SimpleConvNet を MNIST で学習させた結果です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.mobilenet_mnist import plot_accuracy
from dl_notes.experiments.separable_costs import plot_ratio

for name in ("separable_costs", "mobilenet_mnist"):
    outcome = ensure(name)
    print(f"{name}: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
          f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
costs, mnist = ensure("separable_costs").result, ensure("mobilenet_mnist").result

# %% [markdown]
# ## 計算量の比

# %%
q = costs.values["quiz"]
print(f"H = W = {q['H']}、C = {q['C']}、M = {q['M']}、K = {q['K']}")
for part in ("standard", "depthwise", "pointwise", "separable"):
    print(f"{part:>10}: {q[part]:>10,} 回")
print(f"比 {q['ratio']:.4f}（式 1/M + 1/K² = {q['ratio_formula']:.4f}）")
show(plot_ratio(costs, "ja"))

# %% [markdown]
# ## 小さな MobileNet と SimpleConvNet

# %%
v = mnist.values
for name in v["nets"]:
    print(f"{name:>9}: パラメータ {v['params'][name]:>7,}、積和演算 {v['mult_adds'][name]:>9,.0f}、"
          f"1 ステップ {v['ms_per_step'][name]:.1f} ms、テスト正解率 {v['final'][name]['test']:.3f}")
print("MobileNet の時間の内訳:", {kind: round(share, 3) for kind, share in v["time_share"]["mobilenet"].items()})
show(plot_accuracy(mnist, "ja"))

# %% [markdown]
# ## 自分で試す
#
# チャネル数を変えると、パラメータ、積和演算、時間、正解率はどう変わるでしょうか。たとえば各ブロックの
# チャネル数を 2 倍にして、短い学習で比べます（数秒かかります）。計算量の比は、下のように関数でも計算できます。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments import mobilenet_mnist
from dl_notes.mobilenet import separable_cost_ratio

print([round(separable_cost_ratio(M, 3), 3) for M in (16, 64, 256, 1024)])
config = replace(mobilenet_mnist.DEFAULT, stem_channels=16, blocks=((32, 1), (64, 2), (128, 1)), iterations=50,
                 eval_every=25)
mine = load("mobilenet_mnist", config)
for name in mine.values["nets"]:
    print(f"{name:>9}: パラメータ {mine.values['params'][name]:>7,}、"
          f"1 ステップ {mine.values['ms_per_step'][name]:.1f} ms、テスト正解率 {mine.values['final'][name]['test']:.3f}")
