# %% [markdown]
# # 高速化
#
# [高速化](../speedup.md)のページの実測を、このノートブックで再現します。同期更新のデータ並列がバッチ K 倍の SGD と一致すること、非同期更新の古い勾配が学習を遅らせ壊すこと、モデル並列とデータ並列の通信量、2 つのワーカプロセスでの 1 ステップの時間です。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments import async_staleness, data_parallel, model_parallel, parallel_timing

results = {}
for name in ("data_parallel", "async_staleness", "model_parallel", "parallel_timing"):
    outcome = ensure(name)
    results[name] = outcome.result
    print(name, "キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{outcome.result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## 同期更新：K 個のワーカとバッチ K 倍の 1 ワーカ

# %%
print("パラメータの差の最大値：", results["data_parallel"].values["max_param_difference"])
show(data_parallel.plot(results["data_parallel"], "ja"))

# %% [markdown]
# ## 非同期更新：古い勾配

# %%
v = results["async_staleness"].values
print("目標の正解率に達したイテレーション：", v["reached"])
print("最後の正解率：", {tau: round(acc, 3) for tau, acc in v["final"].items()})
show(async_staleness.plot(results["async_staleness"], "ja"))

# %% [markdown]
# ## モデル並列とデータ並列の通信量

# %%
v = results["model_parallel"].values
for net in v["nets"]:
    print(net, "段：", v[net]["stages"], "等しくなるバッチサイズ：", round(v[net]["break_even_batch"]))
show(model_parallel.plot(results["model_parallel"], "ja"))

# %% [markdown]
# ## 1 ステップの時間：プロセス 1 つと 2 つ
#
# キャッシュの値は、サイトのビルド中にほかの実験と同時に計測したものです。下の「自分で試す」で、いまのマシンで測り直せます。

# %%
v = results["parallel_timing"].values
print("中央値（ミリ秒）：", {mode: round(ms, 1) for mode, ms in v["ms"].items()})
print(f"2 プロセスの速さ：{v['speedup']:.2f} 倍、ワーカの CPU 時間の比：{v['cpu_ratio']:.2f}")
show(parallel_timing.plot(results["parallel_timing"], "ja"))

# %% [markdown]
# ## 自分で試す
#
# 学習率を下げると、遅延の大きい学習は目標に届くようになるでしょうか。`lr` や `staleness` を変えてみてください。遅延をステップごとに 0 から τ の間で引く `StaleGradients(net, tau, random=True, seed=0)` も試せます。次のセルは数秒かかります。

# %%
from dataclasses import replace

from dl_notes.experiments import load

mine = load("async_staleness", replace(async_staleness.DEFAULT, lr=0.03, staleness=(0, 8, 32)))
print(mine.values["reached"], {tau: round(acc, 3) for tau, acc in mine.values["final"].items()})
show(async_staleness.plot(mine, "ja"))
