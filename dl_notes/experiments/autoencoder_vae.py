r"""An autoencoder and a VAE on MNIST: reconstructions, the 2-D latent space, and decoded samples.

Three models train on the same minibatches with Adam: an `Autoencoder` with a 16-number code,
the same autoencoder with a 2-number code, and a `VAE` with a 2-D latent variable. The first
shows how well a bottleneck keeps an image; the last two, drawn side by side, show what the
KL term does to the codes: without it the codes spread wherever the encoder puts them, with
it the means gather around the origin, on the scale of the prior $\mathcal N(0, I)$, so that
decoding a grid over the prior (at its quantiles $\Phi^{-1}$) gives digits everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

from dl_notes import datasets
from dl_notes.autoencoder import VAE, Autoencoder, bernoulli_nll, gaussian_kl
from dl_notes.optim import Adam

from ._plotting import check_lang, note, panels, texts
from ._result import Result
from ._toolkit import describe, mnist

TITLE = {"ja": "オートエンコーダと VAE（MNIST）", "en": "An autoencoder and a VAE on MNIST"}


@dataclass(frozen=True)
class Config:
    """Data, model sizes and training of the three models; ``grid`` decoded codes per side."""

    source: str = datasets.SUBSET
    n_train: int | None = None
    n_test: int | None = None
    hidden: int = 128
    code: int = 16
    ae_epochs: int = 10
    vae_epochs: int = 25
    batch_size: int = 100
    lr: float = 0.002
    grid: int = 15
    n_show: int = 10
    seed: int = 0


DEFAULT = Config(source=datasets.mnist_source())
TINY = Config(source=datasets.SUBSET, n_train=200, n_test=100, hidden=16, ae_epochs=2, vae_epochs=2,
              batch_size=50, grid=3, n_show=4)


def probit_grid(n: int) -> np.ndarray:
    r"""$n$ points in the prior's scale: the standard normal quantiles $\Phi^{-1}\bigl(\frac{i + 1/2}{n}\bigr)$.

    Evenly spaced probabilities, so that each point stands for the same share of the prior.

    >>> probit_grid(3).round(3)
    array([-0.967,  0.   ,  0.967])
    """
    return np.array([NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)])


def _train(net, x: np.ndarray, epochs: int, config: Config, rng: np.random.Generator, vae: bool) -> dict:
    """Adam on shuffled minibatches; per epoch, the training means of the loss (and of its two terms)."""
    optimizer = Adam(lr=config.lr)
    curves = {"loss": [], "reconstruction": [], "kl": []}
    for _ in range(epochs):
        sums = np.zeros(3)
        batches = 0
        order = rng.permutation(len(x))
        for start in range(0, len(x), config.batch_size):
            xb = x[order[start:start + config.batch_size]]
            grads = net.gradient(xb, rng=rng) if vae else net.gradient(xb)
            optimizer.update(net.params, grads)
            sums += (net.last_loss, net.last_reconstruction, net.last_kl) if vae else (net.last_loss, 0, 0)
            batches += 1
        for key, total in zip(curves, sums / batches):
            curves[key].append(float(total))
    return curves


def run(config: Config) -> Result:
    (x, _), (x_test, t_test) = mnist(config.source, n_train=config.n_train, n_test=config.n_test)
    rng = np.random.default_rng(config.seed)
    ae = Autoencoder(hidden_size=config.hidden, latent_size=config.code, seed=config.seed)
    ae2 = Autoencoder(hidden_size=config.hidden, latent_size=2, seed=config.seed)
    vae = VAE(hidden_size=config.hidden, latent_size=2, seed=config.seed)
    ae_curves = _train(ae, x, config.ae_epochs, config, np.random.default_rng(config.seed + 1), vae=False)
    ae2_curves = _train(ae2, x, config.vae_epochs, config, np.random.default_rng(config.seed + 2), vae=False)
    vae_curves = _train(vae, x, config.vae_epochs, config, np.random.default_rng(config.seed + 2), vae=True)

    # The test set, once: the VAE's terms with one fixed draw of the noise.
    mu, log_var = vae.encode(x_test)
    eps = rng.standard_normal(mu.shape).astype(mu.dtype)
    vae_nll = bernoulli_nll(vae.decoder.forward(mu + np.exp(0.5 * log_var) * eps), x_test)
    mean_image = np.clip(x.mean(axis=0, dtype=np.float64), 1e-6, 1 - 1e-6)
    baseline = bernoulli_nll(np.broadcast_to(np.log(mean_image / (1 - mean_image)), x_test.shape), x_test)
    codes2 = ae2.encode(x_test)
    q = probit_grid(config.grid)
    zs = np.stack(np.meshgrid(q, q[::-1]), axis=-1).reshape(-1, 2)  # row-major, z2 decreasing downwards
    show = np.array([np.flatnonzero(t_test == d)[0] for d in range(config.n_show)])

    values = {
        "description": describe(config.source),
        "config": asdict(config),
        "n_train": int(len(x)),
        "n_test": int(len(x_test)),
        "ae": {"train_loss": ae_curves["loss"], "test_loss": ae.loss(x_test)},
        "ae2": {"train_loss": ae2_curves["loss"], "test_loss": ae2.loss(x_test),
                "code_std": [float(s) for s in codes2.std(axis=0)],
                "code_mean": [float(m) for m in codes2.mean(axis=0)]},
        "vae": {"train_loss": vae_curves["loss"], "train_reconstruction": vae_curves["reconstruction"],
                "train_kl": vae_curves["kl"], "test_reconstruction": float(vae_nll.mean()),
                "test_kl": float(gaussian_kl(mu, log_var).mean()),
                "mu_mean": [float(m) for m in mu.mean(axis=0)], "mu_std": [float(s) for s in mu.std(axis=0)],
                "sigma_mean": [float(s) for s in np.exp(0.5 * log_var).mean(axis=0)]},
        "mean_image_loss": float(baseline.mean()),
        "pixels": int(x.shape[1]),
        "grid_points": [float(v) for v in q],
    }
    values["vae"]["test_loss"] = values["vae"]["test_reconstruction"] + values["vae"]["test_kl"]
    arrays = {
        "originals": x_test[show],
        "ae_reconstructions": ae.reconstruct(x_test[show]),
        "vae_reconstructions": vae.reconstruct(x_test[show]),
        "mu": mu, "codes2": codes2, "labels": t_test,
        "grid_images": vae.decode(zs.astype(vae.dtype)),  # (grid * grid, 784)
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"epoch": "エポック", "loss": "損失（1 枚あたり、nats）", "ae": "オートエンコーダ（コード {k} 次元）",
        "mean_image": "平均画像", "reconstruction": "再構成誤差", "kl": "KL ダイバージェンス",
        "original": "元の画像", "vae": "VAE（潜在変数 2 次元）", "ae2": "オートエンコーダ（コード 2 次元）",
        "digit": "数字", "code": "コード", "test_after": "テストデータ（学習後）"},
    en={"epoch": "epoch", "loss": "loss (per image, nats)", "ae": "autoencoder ({k}-number code)",
        "mean_image": "mean image", "reconstruction": "reconstruction", "kl": "KL divergence",
        "original": "original", "vae": "VAE (2-D latent variable)", "ae2": "autoencoder (2-number code)",
        "digit": "digit", "code": "code", "test_after": "test data (after training)"},
)


def plot_ae_loss(result: Result, lang: str):
    """Training loss of the autoencoder per epoch, its test loss after training, and the mean image's."""
    text, v = TEXT[check_lang(lang)], result.values
    name = text["ae"].format(k=v["config"]["code"])
    epochs = np.arange(1, len(v["ae"]["train_loss"]) + 1)
    with panels(lang, size=(6.0, 3.4)) as (figure, axes):
        ax = axes[0, 0]
        ax.plot(epochs, v["ae"]["train_loss"], marker="o", label=note(name, text["train"], lang))
        ax.axhline(v["ae"]["test_loss"], color="C0", linestyle="--", label=note(name, text["test_after"], lang))
        ax.axhline(v["mean_image_loss"], color="C7", linestyle=":", label=note(text["mean_image"], text["test"], lang))
        ax.set(xlabel=text["epoch"], ylabel=text["loss"], ylim=(0, None), xticks=epochs)
        ax.legend(fontsize="small")
    return figure


def _mosaic(images: np.ndarray, rows: int, cols: int, gap: int = 2) -> np.ndarray:
    """Images (rows * cols, 784) in [0, 1] as one array, ink dark on white, with white gaps."""
    side = 28 + gap
    mosaic = np.ones((rows * side - gap, cols * side - gap))
    for k, image in enumerate(images):
        r, c = divmod(k, cols)
        mosaic[r * side:r * side + 28, c * side:c * side + 28] = 1 - image.reshape(28, 28)
    return mosaic


def plot_reconstructions(result: Result, lang: str):
    """Test digits (top row) and their reconstructions by the autoencoder and by the VAE."""
    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    rows = [("original", a["originals"]), ("ae", a["ae_reconstructions"]), ("vae", a["vae_reconstructions"])]
    n = len(a["originals"])
    with panels(lang, size=(0.45 * n + 2.4, 1.7)) as (figure, axes):
        ax = axes[0, 0]
        ax.imshow(_mosaic(np.concatenate([images for _, images in rows]), len(rows), n), cmap="gray",
                  vmin=0, vmax=1, interpolation="nearest")
        ax.set_yticks([14 + 30 * r for r in range(len(rows))],
                      [text[key].format(k=v["config"]["code"]) for key, _ in rows], fontsize="small")
        ax.set_xticks([])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
    return figure


def plot_vae_loss(result: Result, lang: str):
    """The VAE's two loss terms per epoch (training means), each in its own panel."""
    text, v = TEXT[check_lang(lang)], result.values["vae"]
    epochs = np.arange(1, len(v["train_loss"]) + 1)
    with panels(lang, 2, size=(3.6, 3.2)) as (figure, axes):
        for ax, key, color in zip(axes[0], ("reconstruction", "kl"), ("C0", "C1")):
            ax.plot(epochs, v[f"train_{key}"], color=color, marker=".", label=text["train"])
            ax.axhline(v[f"test_{key}"], color=color, linestyle="--", label=text["test_after"])
            ax.set(title=text[key], xlabel=text["epoch"], ylim=(0, None))
            ax.legend(fontsize="small")
        axes[0, 0].set_ylabel(text["loss"])
    return figure


def plot_latent(result: Result, lang: str):
    """The test images' 2-D codes: the plain autoencoder's and the VAE's means, coloured by digit."""
    import matplotlib.pyplot as plt

    text, a = TEXT[check_lang(lang)], result.arrays
    cmap = plt.get_cmap("tab10")
    with panels(lang, 2, size=(3.9, 3.9)) as (figure, axes):
        for ax, key, title in zip(axes[0], ("codes2", "mu"), ("ae2", "vae")):
            points = a[key]
            ax.scatter(points[:, 0], points[:, 1], c=a["labels"], cmap=cmap, vmin=-0.5, vmax=9.5, s=4,
                       alpha=0.7, linewidths=0)
            ax.set(title=text[title], xlabel=f"{text['code']} 1" if key == "codes2" else "μ₁",
                   ylabel=f"{text['code']} 2" if key == "codes2" else "μ₂")
        # The prior's central 95% in each coordinate, where the grid of decoded samples lies.
        axes[0, 1].add_patch(plt.Rectangle((-1.96, -1.96), 3.92, 3.92, fill=False, linestyle="--", color="0.4"))
        bar = figure.colorbar(plt.cm.ScalarMappable(norm=plt.Normalize(-0.5, 9.5), cmap=cmap), ax=axes[0],
                              ticks=range(10), shrink=0.85)
        bar.set_label(text["digit"])
    return figure


def plot_grid(result: Result, lang: str):
    """Images decoded from a grid of codes at the prior's quantiles, z1 across and z2 downwards."""
    text, v = TEXT[check_lang(lang)], result.values
    q = np.array(v["grid_points"])
    n = len(q)
    with panels(lang, size=(0.32 * n + 1.4, 0.32 * n + 1.0)) as (figure, axes):
        ax = axes[0, 0]
        ax.imshow(_mosaic(result.arrays["grid_images"], n, n), cmap="gray", vmin=0, vmax=1,
                  interpolation="nearest")
        ticks = [0, n // 2, n - 1]
        ax.set_xticks([14 + 30 * i for i in ticks], [f"{q[i]:.2f}" for i in ticks])
        ax.set_yticks([14 + 30 * i for i in ticks], [f"{q[::-1][i]:.2f}" for i in ticks])
        ax.set(xlabel="z₁", ylabel="z₂")
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
    return figure


FIGURES = {"ae_loss": plot_ae_loss, "reconstructions.png": plot_reconstructions, "vae_loss": plot_vae_loss,
           "latent.png": plot_latent, "grid.png": plot_grid}
