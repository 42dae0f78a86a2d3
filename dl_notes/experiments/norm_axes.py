r"""Batch, layer and instance normalisation: which values each one standardises together.

For a batch of feature maps $x$ of shape (N, C, H, W), each method computes a mean and a
variance over a group of values and standardises the group:

- batch normalisation (`dl_notes.layers.BatchNormalization`): one group per channel, over (N, H, W);
- layer normalisation (`dl_notes.layers.LayerNorm` with ``gamma`` of shape (C, H, W)): one group per
  sample, over (C, H, W);
- instance normalisation (`dl_notes.normalization.InstanceNorm`, ``gamma`` of shape (C,) as in
  Ulyanov et al. and PyTorch's ``InstanceNorm2d``): one group per sample and channel, over (H, W).

The experiment normalises a random batch with each, checks that every group comes out with mean
0 and standard deviation 1, and measures how much a sample's output changes when the *other*
samples of the batch are replaced: only batch normalisation depends on them. It also checks that
instance normalisation is batch normalisation applied to one sample at a time, and that
`LayerNorm` with ``gamma`` of shape (H, W) (a per-pixel scale instead of a per-channel one)
standardises the same groups. Finally it measures how far the book's batch normalisation of images
(reshaped to (N, C·H·W): one mean and variance per pixel, over N) lands from the per-channel one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.normalization import BatchNormalization, InstanceNorm, LayerNorm

from ._plotting import check_lang, panels
from ._result import Result

TITLE = {"ja": "正規化の軸", "en": "Normalisation axes"}

METHODS = ("batch", "layer", "instance")


@dataclass(frozen=True)
class Config:
    """The shape (N, C, H, W) of the random batch, and its seed."""

    shape: tuple[int, int, int, int] = (8, 3, 4, 4)
    seed: int = 0


DEFAULT = Config()
TINY = Config(shape=(3, 2, 2, 2))


def normalizer(method: str, shape: tuple[int, int, int, int]):
    """A function ``x -> normalised x`` (training mode, $\\gamma = 1$, $\\beta = 0$) built from dl_notes layers.

    >>> x = np.arange(16.0).reshape(2, 2, 2, 2)
    >>> normalizer("instance", x.shape)(x)[0, 0].round(3)
    array([[-1.342, -0.447],
           [ 0.447,  1.342]])
    """
    N, C, H, W = shape
    if method == "batch":
        layer = BatchNormalization(np.ones(C), np.zeros(C), eps=1e-5)  # LayerNorm's (and PyTorch's) epsilon
        return lambda x: layer.forward(x, train_flg=True)
    if method == "layer":
        return LayerNorm(np.ones((C, H, W)), np.zeros((C, H, W))).forward
    if method == "instance":
        return InstanceNorm(np.ones(C), np.zeros(C)).forward
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


AXES = {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)}


def run(config: Config) -> Result:
    N, C, H, W = config.shape
    rng = np.random.default_rng(config.seed)
    # Features with different offsets and scales per sample and channel, as real feature maps have.
    x = rng.standard_normal(config.shape) * rng.uniform(0.5, 3, (N, C, 1, 1)) + rng.uniform(-2, 2, (N, C, 1, 1))
    others = x.copy()
    others[1:] = rng.standard_normal((N - 1, C, H, W)) * 5 + 3  # the same sample 0 in another batch
    group_size, max_mean, max_std_error, batch_dependence = {}, {}, {}, {}
    for method in METHODS:
        y = normalizer(method, config.shape)(x)
        axes = AXES[method]
        group_size[method] = int(np.prod([config.shape[a] for a in axes]))
        max_mean[method] = float(np.abs(y.mean(axis=axes)).max())
        max_std_error[method] = float(np.abs(y.std(axis=axes) - 1).max())
        y_other = normalizer(method, config.shape)(others)
        batch_dependence[method] = float(np.abs(y[0] - y_other[0]).max())
    # Instance normalisation = batch normalisation of each sample on its own (N = 1).
    per_sample = np.concatenate([normalizer("batch", (1, C, H, W))(x[n:n + 1]) for n in range(N)])
    # LayerNorm over the trailing (H, W): the same groups, with a scale per pixel instead of per channel.
    per_pixel_scale = LayerNorm(np.ones((H, W)), np.zeros((H, W))).forward(x)
    # The book's BatchNormalization on images: (N, C, H, W) -> (N, C*H*W), statistics per pixel over N.
    book = BatchNormalization(np.ones(C * H * W), np.zeros(C * H * W), eps=1e-5).forward(x.reshape(N, -1))
    values = {
        "shape": list(config.shape),
        "methods": list(METHODS),
        "group_size": group_size,
        "groups": {"batch": C, "layer": N, "instance": N * C},
        "max_abs_mean": max_mean,
        "max_std_error": max_std_error,
        "batch_dependence": batch_dependence,
        "instance_vs_per_sample_batch": float(np.abs(per_sample - normalizer("instance", config.shape)(x)).max()),
        "instance_vs_layernorm_hw": float(np.abs(per_pixel_scale - normalizer("instance", config.shape)(x)).max()),
        "gamma_size": {"batch": C, "layer": C * H * W, "instance": C, "instance_per_pixel": H * W,
                       "book_batch": C * H * W},
        "book_batch_groups": C * H * W,
        "book_batch_group_size": N,
        "book_vs_channel_batch": float(np.abs(book.reshape(x.shape) - normalizer("batch", config.shape)(x)).max()),
    }
    return Result(arrays={"x": x}, values=values)


TEXT = {
    "ja": {"batch": "バッチ正規化", "layer": "層正規化", "instance": "インスタンス正規化",
           "N": "N（サンプル）", "C": "C（チャネル）", "HW": "H, W（位置）",
           "group": "1 グループ {n} 個の値"},
    "en": {"batch": "batch norm", "layer": "layer norm", "instance": "instance norm",
           "N": "N (samples)", "C": "C (channels)", "HW": "H, W (positions)",
           "group": "{n} values per group"},
}

# Oblique projection of (n, hw, c): n to the right, hw up, c into the page.
DEPTH = np.array([0.55, 0.4])


def _project(n: float, hw: float, c: float) -> tuple[float, float]:
    return n + DEPTH[0] * c, hw + DEPTH[1] * c


def _faces(n0, n1, h0, h1, c0, c1):
    """The front, top and right faces of the box [n0, n1] × [h0, h1] × [c0, c1], as 2-D polygons."""
    p = _project
    front = [p(n0, h0, c0), p(n1, h0, c0), p(n1, h1, c0), p(n0, h1, c0)]
    top = [p(n0, h1, c0), p(n1, h1, c0), p(n1, h1, c1), p(n0, h1, c1)]
    right = [p(n1, h0, c0), p(n1, h0, c1), p(n1, h1, c1), p(n1, h1, c0)]
    return front, top, right


def _draw_block(ax, sizes, block, colour):
    """The whole (N, C, HW) block as a grid of cells, with the sub-block ``block`` shaded."""
    from matplotlib.patches import Polygon

    N, C, S = sizes
    front, top, right = _faces(0, N, 0, S, 0, C)
    for face in (front, top, right):
        ax.add_patch(Polygon(face, closed=True, facecolor="white", edgecolor="#333333", linewidth=0.9))
    (n0, n1), (c0, c1) = block
    shaded = _faces(n0, n1, 0, S, c0, c1)
    visible = (c0 == 0, True, n1 == N)  # the front face shows if the block starts at the front, ...
    for face, show, shade in zip(shaded, visible, (1.0, 0.8, 0.6)):
        if show:
            ax.add_patch(Polygon(face, closed=True, facecolor=colour, alpha=shade, edgecolor="#333333", linewidth=0.9))
    grid = {"color": "#333333", "linewidth": 0.35}
    for n in range(1, N):  # cell lines on the front and top faces
        ax.plot(*zip(_project(n, 0, 0), _project(n, S, 0), _project(n, S, C)), **grid)
    for c in range(1, C):  # on the top and right faces
        ax.plot(*zip(_project(0, S, c), _project(N, S, c), _project(N, 0, c)), **grid)


def plot(result: Result, lang: str):
    """Three blocks (N × C × HW), each with one normalisation group shaded."""
    text = TEXT[check_lang(lang)]
    v = result.values
    N, C, H, W = v["shape"]
    sizes = (N, C, 5.0)  # the H·W positions are drawn as one axis of fixed height
    blocks = {"batch": ((0, N), (0, 1)), "layer": ((0, 1), (0, C)), "instance": ((0, 1), (0, 1))}
    with panels(lang, 3, size=(3.0, 3.2)) as (figure, axes):
        for i, (ax, method) in enumerate(zip(axes[0], METHODS)):
            _draw_block(ax, sizes, blocks[method], f"C{i}")
            ax.set_title(f"{text[method]}\n{text['group'].format(n=v['group_size'][method])}", fontsize="large")
            ax.annotate("", xy=(N, -0.45), xytext=(0, -0.45), arrowprops={"arrowstyle": "->", "color": "#555555"})
            ax.text(N / 2, -0.6, text["N"], ha="center", va="top")
            ax.annotate("", xy=(-0.35, sizes[2]), xytext=(-0.35, 0), arrowprops={"arrowstyle": "->", "color": "#555555"})
            ax.text(-0.5, sizes[2] / 2, text["HW"].replace(" (", "\n(").replace("（", "\n（"), ha="right",
                    va="center")
            end = _project(N, 0, C)
            ax.annotate("", xy=(end[0] + 0.25, end[1]), xytext=(N + 0.25, 0),
                        arrowprops={"arrowstyle": "->", "color": "#555555"})
            ax.text(end[0] + 0.35, end[1] / 2, text["C"].replace(" (", "\n(").replace("（", "\n（"), ha="left",
                    va="center")
            ax.set_xlim(-2.6, N + DEPTH[0] * C + 2.6)
            ax.set_ylim(-1.6, sizes[2] + DEPTH[1] * C + 0.2)
            ax.set_aspect("equal")
            ax.axis("off")
    return figure


FIGURES = {"axes": plot}
