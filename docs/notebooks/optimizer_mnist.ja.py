# %% [markdown]
# # MNIST での最適化手法と学習率
#
# [最適化手法](../optimizers.md) のページの MNIST の 2 つの図を、このノートブックで再現します。
#
# 1. 5 つの最適化手法（ドロップアウトなし・あり）のテスト正解率の推移
# 2. SGD の学習率を変えたときの訓練損失と、発散した実行
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import optimizer_mnist

outcome = ensure("optimizer_mnist")
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
m = outcome.result

# %% [markdown]
# ## 1. 5 つの最適化手法

# %%
for case in m.values["order"]:
    print(f"{case:>22}: テスト正解率 {m.values['final_test_acc'][case]:.3f}")
show(optimizer_mnist.plot(m, "ja"))

# %% [markdown]
# ## 2. 学習率を変える
#
# × の付いた実行は、損失が有限の値でなくなった（発散した）ところで止まっています。

# %%
for lr in m.values["sweep_lrs"]:
    at = m.values["sweep_diverged_at"][lr]
    state = f"{at} イテレーション目で発散" if at is not None else f"テスト正解率 {m.values['sweep_final_test_acc'][lr]:.3f}"
    print(f"学習率 {lr:>6}: {state}")
show(optimizer_mnist.plot_sweep(m, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 講義の解答例のように、手法ごとに学習率を変えるとどうなるでしょうか。ここでは学習率 0.1 で 5 つの手法を 300 イテレーションだけ学習させます（数秒かかります）。

# %%
from dataclasses import replace

config = replace(optimizer_mnist.DEFAULT, lr=0.1, iterations=300, dropout=(0.0,), sweep_lrs=(0.1,),
                 sweep_iterations=20)
mine = load("optimizer_mnist", config)
for case in mine.values["order"]:
    print(f"{case:>10}: テスト正解率 {mine.values['final_test_acc'][case]:.3f}")
show(optimizer_mnist.plot(mine, "ja"))
