# %% [markdown]
# # im2col と col2im
#
# [im2col と col2im](../im2col.md) のページの確認と計算時間の比較を、このノートブックで再現します。
#
# 計算時間はキャッシュされた値（サイトをビルドしたマシンでの測定）です。最後のセルで、自分の環境で測り直せます。

# %%
import numpy as np

from dl_notes.conv import col2im, im2col
from dl_notes.experiments import conv_geometry, ensure, im2col_speed, load, show

for name in ("conv_geometry", "im2col_speed"):
    outcome = ensure(name)
    print(f"{name}: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
          f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## im2col の並べ方

# %%
x = np.arange(16).reshape(1, 1, 4, 4)
for pad in (0, 1):
    col = im2col(x, 2, 2, stride=1, pad=pad)
    print(f"pad={pad}: col.shape = {col.shape}")
    print(col[:5])
show(conv_geometry.plot_layout(load("conv_geometry"), "ja"))

# %% [markdown]
# ## col2im と重なりの回数

# %%
counts = col2im(im2col(np.ones((1, 1, 4, 4)), 2, 2), (1, 1, 4, 4), 2, 2)
print(counts[0, 0])
show(conv_geometry.plot_overlap(load("conv_geometry"), "ja"))

# %% [markdown]
# ## 計算時間

# %%
s = load("im2col_speed")
for m in s.values["methods"]:
    print(f"{m:>15}: {1000 * s.values['seconds'][m]:8.2f} ms（ループの {s.values['speedup_vs_naive'][m]:.1f} 倍の速さ）")
print("測定したマシン:", s.values["machine"])
show(im2col_speed.plot(s, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 大きさを変えて、自分の環境で測り直します（数秒かかります）。`force=True` でキャッシュを使わずに測ります。

# %%
from dataclasses import replace

mine = load("im2col_speed", replace(im2col_speed.DEFAULT, N=4, H=20, repeats=3), force=True)
for m in mine.values["methods"]:
    print(f"{m:>15}: {1000 * mine.values['seconds'][m]:8.2f} ms")
