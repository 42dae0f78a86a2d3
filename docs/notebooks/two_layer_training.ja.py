# %% [markdown]
# # 2 層ニューラルネットワークの学習
#
# このノートブックは、[2 層ニューラルネットワークの学習](../two_layer_training.md)のページの測定を再現します。
#
# 1. 書籍の TwoLayerNet（784-50-10）を MNIST で学習させたときの、エポックごとの正解率
# 2. エポック数をそろえたときの、学習率とバッチサイズの影響
# 3. 講義の演習 1_3（講義のままの逆伝播と、連鎖律どおりの逆伝播）
# 4. 講義の演習 1_4_1
#
# 結果は `dl_notes.experiments` のキャッシュから読み込みます。実験は `dl_notes` のコードが変わったときだけ実行し直されます。

# %%
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import two_layer_training

outcome = ensure("two_layer_training")
print("キャッシュから読み込みました" if not outcome.ran else "実行しました", f"（計算時間 {outcome.result.meta['seconds']:.2f} 秒）")
r = outcome.result

# %% [markdown]
# ## 1. 書籍のネットワークを MNIST で学習する

# %%
v = r.values
print(f"{v['epochs']} エポック後：訓練データの正解率 {v['final_train_acc']:.3f}、テストデータの正解率 {v['final_test_acc']:.3f}")
show(two_layer_training.plot_curves(r, "ja"))

# %% [markdown]
# ## 2. バッチサイズと学習率 lr

# %%
for key, acc in v["grid_test_acc"].items():
    print(f"学習率 / バッチサイズ {key:>9}：テストデータの正解率 {acc:.3f}")
show(two_layer_training.plot_grid(r, "ja"))

# %% [markdown]
# ## 3. 講義の演習 1_3

# %%
for derivative, loss in v["sgd_final_loss_median"].items():
    print(f"{derivative:>17}：最後のステップの二乗誤差（シードの中央値） {loss:.2e}")
show(two_layer_training.plot_course_sgd(r, "ja"))

# %% [markdown]
# ## 4. 講義の演習 1_4_1

# %%
print(f"{v['course_iterations']} イテレーション後のテストデータの正解率：{v['course_final_test_acc']:.3f}")
show(two_layer_training.plot_course_mnist(r, "ja"))

# %% [markdown]
# ## 試してみよう
#
# 別の組み合わせ（学習率 0.05 と 0.5、バッチサイズ 20 と 200、3 エポック）で試します（数秒かかります）。ほかの測定は短くしています。

# %%
from dataclasses import replace

config = replace(two_layer_training.DEFAULT, epochs=1, grid_lrs=(0.05, 0.5), grid_batches=(20, 200), grid_epochs=3,
                 sgd_seeds=2, course_iterations=100)
mine = load("two_layer_training", config)
for key, acc in mine.values["grid_test_acc"].items():
    print(f"学習率 / バッチサイズ {key:>9}：テストデータの正解率 {acc:.3f}")
show(two_layer_training.plot_grid(mine, "ja"))
