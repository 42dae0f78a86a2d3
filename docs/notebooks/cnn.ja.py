# %% [markdown]
# # 畳み込みニューラルネットワーク
#
# [畳み込みニューラルネットワーク](../cnn.md) のページの表と図を、このノートブックで再現します。
# 出力サイズの表、パディング・ストライド・チャネル・プーリングの図です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import conv_geometry, ensure, load, show

outcome = ensure("conv_geometry")
print(f"conv_geometry: {'キャッシュから読み込み' if not outcome.ran else '実行しました'}"
      f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")
g = load("conv_geometry")

# %% [markdown]
# ## 出力サイズの表
#
# 「↓」は割り切れずに切り捨てた値で、括弧内はどの窓も届かない入力の最後の行の数です（0 なら届かないのはパディングだけです）。

# %%
print("F S P | " + " ".join(f"H={H:>4}" for H in g.values["inputs"]))
for row in g.values["grid"]:
    cells = []
    for H in g.values["inputs"]:
        c = row["sizes"][str(H)]
        cells.append(f"{c['output']}" if c["exact"] else f"{c['output']}↓({c['dropped']})")
    print(f"{row['F']} {row['S']} {row['P']} | " + " ".join(cell.rjust(6) for cell in cells))

# %% [markdown]
# ## 図

# %%
show(conv_geometry.plot_padding(g, "ja"))

# %%
show(conv_geometry.plot_stride(g, "ja"))

# %%
show(conv_geometry.plot_channels(g, "ja"))

# %%
show(conv_geometry.plot_pooling(g, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 入力サイズやフィルタの大きさを変えて、出力サイズを計算してみましょう。割り切れない設定は切り捨てます。`strict=True` を付けるとエラーになり、メッセージがどの値に変えればよいかを教えてくれます。

# %%
from dl_notes.conv import conv_output_size

for H, F, S, P in [(6, 2, 1, 1), (32, 5, 1, 2), (227, 11, 4, 0), (28, 3, 2, 1)]:
    print(f"H={H}, F={F}, S={S}, P={P}: {conv_output_size(H, F, S, P)}")
    try:
        conv_output_size(H, F, S, P, strict=True)
    except ValueError as error:
        print(f"    strict=True: {error}")
