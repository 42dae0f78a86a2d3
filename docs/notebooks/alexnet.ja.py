# %% [markdown]
# # AlexNet とその後の CNN
#
# [AlexNet とその後の CNN](../alexnet.md) のページの表を、このノートブックで再現します。
# 層ごとの出力サイズとパラメータ数は `dl_notes.architectures.summarize` が計算します。

# %%
from dl_notes import architectures as arch
from dl_notes.experiments import cnn_architectures, load, show

a = load("cnn_architectures")
for net in a.values["networks"]:
    print(net)
    for row in a.values["layers"][net]:
        print(f"  {row['name']:>9} {row['kind']:>8} {'×'.join(map(str, row['shape'])):>12} {row['params']:>12,}")
    print(f"  合計 {a.values['totals'][net]:,}")
show(cnn_architectures.plot(a, "ja"))

# %% [markdown]
# ## 平坦化とグローバル平均プーリング

# %%
for head in ("flatten", "gap", "gmp"):
    print(f"{head:>8}: {arch.head_parameters((256, 6, 6), 4096, head):,}")

# %% [markdown]
# ## 自分で試す
#
# 層を指定して、出力サイズとパラメータ数を計算します。たとえば講義の演習 2_7 の DoubleConvNet です。

# %%
double_conv = [
    ("conv", {"filters": 10, "size": 7, "pad": 1}), ("pool", {"size": 2}),
    ("conv", {"filters": 20, "size": 3, "pad": 1}), ("pool", {"size": 2}),
    ("fc", {"units": 100}), ("fc", {"units": 10}),
]
for row in arch.summarize((1, 28, 28), double_conv):
    print(f"{row['name']:>8} {'×'.join(map(str, row['shape'])):>10} {row['params']:>8,}")
