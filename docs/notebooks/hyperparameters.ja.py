# %% [markdown]
# # ハイパーパラメータの検証
#
# [ハイパーパラメータの検証](../hyperparameters.md) のページの実験を、このノートブックで再現します。
#
# 1. 訓練データ・検証データ・テストデータへの分割
# 2. 学習率と重み減衰の係数の、対数目盛でのランダムサーチ
# 3. 上位の試行の学習曲線と、テストデータでの一度だけの測定
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。

# %%
import numpy as np

from dl_notes.datasets import load_mnist, split_validation
from dl_notes.experiments import ensure, load, show
from dl_notes.experiments import hyperparameter_search

outcome = ensure("hyperparameter_search")
print(f"hyperparameter_search: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
      f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
r = load("hyperparameter_search")

# %% [markdown]
# ## 1. 訓練データ・検証データ・テストデータ

# %%
(x, t), (x_test, t_test) = load_mnist(source="subset")
(x_train, t_train), (x_val, t_val) = split_validation(x[:500], t[:500], validation_rate=0.2, seed=0)
print(f"訓練データ {len(x_train)} 枚、検証データ {len(x_val)} 枚、テストデータ {len(x_test)} 枚")
print("検証データのクラスごとの枚数：", np.bincount(t_val, minlength=10))

# %% [markdown]
# ## 2. ランダムサーチ

# %%
for rank, trial in enumerate(r.values["order"], start=1):
    print(f"{rank:>2} 位  学習率 {r.arrays['lr'][trial]:.2e}  重み減衰 {r.arrays['wd'][trial]:.2e}  "
          f"検証データの正解率 {r.arrays['val_acc'][trial, -1]:.2f}")
show(hyperparameter_search.plot(r, "ja"))

# %% [markdown]
# ## 3. 上位の試行と、一度だけのテストデータ

# %%
best = r.values["best"]
print(f"選んだ設定：学習率 {best['lr']:.2e}、重み減衰 {best['wd']:.2e}："
      f"検証データ {best['val_acc']:.3f}、テストデータ {best['test_acc']:.3f}")
show(hyperparameter_search.plot_best(r, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 本の次の手順は、学習率をよい範囲に絞ってもう一度探索することです。ここでは 0.002 から 0.02 の範囲で
# 6 回、各 30 エポック試します（数秒かかります）。

# %%
from dataclasses import replace

mine = load("hyperparameter_search", replace(hyperparameter_search.DEFAULT, trials=6, epochs=30,
                                              lr_range=(2e-3, 2e-2), top=3))
for trial in mine.values["order"]:
    print(f"学習率 {mine.arrays['lr'][trial]:.2e}  重み減衰 {mine.arrays['wd'][trial]:.2e}  "
          f"検証データの正解率 {mine.arrays['val_acc'][trial, -1]:.2f}")
show(hyperparameter_search.plot(mine, "ja"))
