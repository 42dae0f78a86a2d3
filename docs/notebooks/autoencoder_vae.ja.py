# %% [markdown]
# # オートエンコーダと VAE
#
# [オートエンコーダと VAE](../autoencoder_vae.md) のページの実測を、このノートブックで再現します。MNIST でコード 16 次元のオートエンコーダ、コード 2 次元のオートエンコーダ、潜在変数 2 次元の VAE を学習させ、再構成、2 次元の潜在空間、事前分布の格子からの生成を見ます。
#
# 結果は `dl_notes.experiments` のキャッシュから読み込まれます。`dl_notes` のコードが変わっていなければ実験は再実行されません。

# %%
from dl_notes.experiments import ensure, show
from dl_notes.experiments.autoencoder_vae import plot_ae_loss, plot_grid, plot_latent, plot_reconstructions, plot_vae_loss

outcome = ensure("autoencoder_vae")
result = outcome.result
print("キャッシュから読み込み" if not outcome.ran else "実行しました", f"（{result.meta['seconds']:.2f} 秒の計算）")

# %% [markdown]
# ## オートエンコーダの損失と再構成

# %%
v = result.values
print(f"オートエンコーダ（コード {v['config']['code']} 次元）：テストデータの損失 {v['ae']['test_loss']:.1f} nats、平均画像 {v['mean_image_loss']:.1f} nats")
show(plot_ae_loss(result, "ja"))
show(plot_reconstructions(result, "ja"))

# %% [markdown]
# ## VAE の損失の 2 つの項

# %%
print(f"VAE：再構成誤差 {v['vae']['test_reconstruction']:.1f} nats、KL {v['vae']['test_kl']:.2f} nats")
print(f"コード 2 次元のオートエンコーダ：再構成誤差 {v['ae2']['test_loss']:.1f} nats")
show(plot_vae_loss(result, "ja"))

# %% [markdown]
# ## 2 次元の潜在空間と事前分布の格子

# %%
print("コードの標準偏差：オートエンコーダ", [round(s, 2) for s in v["ae2"]["code_std"]], "、VAE の μ", [round(s, 2) for s in v["vae"]["mu_std"]])
show(plot_latent(result, "ja"))
show(plot_grid(result, "ja"))

# %% [markdown]
# ## 自分で試す
#
# 学習を長くする（`vae_epochs`）、隠れ層を小さくする（`hidden`）、格子を細かくする（`grid`）などを試してください。エポックを増やすと、VAE の再構成誤差と潜在空間の広がりはどう変わるでしょうか。

# %%
from dataclasses import replace

from dl_notes.experiments import load
from dl_notes.experiments.autoencoder_vae import DEFAULT

config = replace(DEFAULT, ae_epochs=1, vae_epochs=3, hidden=64, grid=7)
mine = load("autoencoder_vae", config)
print(f"VAE：再構成誤差 {mine.values['vae']['test_reconstruction']:.1f} nats、KL {mine.values['vae']['test_kl']:.2f} nats")
show(plot_grid(mine, "ja"))
