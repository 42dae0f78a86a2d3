r"""Why the Transformer divides its scores by √d_k: the softmax saturates without it.

For each width $d_k$, random queries and keys with independent unit-variance entries are
drawn ($T$ keys per query). Measured per width: the variance of $q^\top k$ (it grows as
$d_k$), and for the softmax of the scores with and without the division by $\sqrt{d_k}$ the
mean largest weight, the mean entropy (in nats; $\log T$ is uniform, 0 is one-hot) and the
mean size of the softmax's Jacobian $\lVert \mathrm{diag}(a) - a a^\top \rVert_F$ (the factor
through which any gradient reaches the scores; near 0 when the softmax is saturated).

The course's case: $d_k = 32$ per head with $d_{model} = 128$, divided by $\sqrt{d_{model}}$
instead of $\sqrt{d_k}$: the scores then have variance $d_k/d_{model} = 1/4$ and the weights are
flatter than intended.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.multihead import scaled_dot_product_attention

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "√d_k で割る理由：ソフトマックスの飽和", "en": "Why divide by √d_k: softmax saturation"}


@dataclass(frozen=True)
class Config:
    """The widths, the number of keys per query and of queries drawn per width."""

    widths: tuple[int, ...] = (4, 16, 64, 256, 1024)
    n_keys: int = 16
    n_queries: int = 2000
    course_d_k: int = 32
    course_d_model: int = 128
    seed: int = 0


DEFAULT = Config()
TINY = Config(widths=(4, 64), n_queries=50)


def jacobian_size(weights: np.ndarray) -> np.ndarray:
    r"""$\lVert \mathrm{diag}(a) - a a^\top \rVert_F$ for each row $a$ of ``weights``, without forming the matrix.

    $$
    \lVert \mathrm{diag}(a) - a a^\top \rVert_F^2 = \sum_i a_i^2 - 2 \sum_i a_i^3 + \Bigl(\sum_i a_i^2\Bigr)^2
    $$

    >>> jacobian_size(np.array([[1.0, 0.0], [0.5, 0.5]]))    # one-hot: 0; uniform over two: 1/2
    array([0. , 0.5])
    """
    s2, s3 = np.sum(weights**2, axis=-1), np.sum(weights**3, axis=-1)
    return np.sqrt(np.maximum(s2 - 2 * s3 + s2**2, 0))


def softmax_stats(weights: np.ndarray) -> dict[str, float]:
    """Mean largest weight, mean entropy (nats) and mean Jacobian size of the rows of ``weights``."""
    entropy = -np.sum(np.where(weights > 0, weights * np.log(np.where(weights > 0, weights, 1)), 0), axis=-1)
    return {"max_weight": float(weights.max(axis=-1).mean()), "entropy": float(entropy.mean()),
            "jacobian": float(jacobian_size(weights).mean())}


def attention_weights(rng: np.random.Generator, config: Config, d_k: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The weights (n_queries, 1, T) of random unit-variance queries and keys at one scale, and the raw scores."""
    q = rng.standard_normal((config.n_queries, 1, d_k))
    k = rng.standard_normal((config.n_queries, config.n_keys, d_k))
    v = np.zeros((config.n_queries, config.n_keys, 1))
    _, weights = scaled_dot_product_attention(q, k, v, scale=scale)
    return weights[:, 0], (q @ k.transpose(0, 2, 1))[:, 0]


def run(config: Config) -> Result:
    if not config.widths or min(config.widths) < 1:
        raise ValueError(f"widths must be positive integers, got {config.widths}")
    values: dict = {"config": {"widths": list(config.widths), "n_keys": config.n_keys, "n_queries": config.n_queries},
                    "variance": {}, "scaled": {}, "unscaled": {}}
    arrays: dict[str, np.ndarray] = {}
    for d_k in config.widths:
        for case, scale in (("scaled", np.sqrt(d_k)), ("unscaled", 1.0)):
            weights, scores = attention_weights(np.random.default_rng([config.seed, d_k]), config, d_k, scale)
            values[case][str(d_k)] = softmax_stats(weights)
        values["variance"][str(d_k)] = float(scores.var())
    for case in ("scaled", "unscaled"):
        for stat in ("max_weight", "entropy", "jacobian"):
            arrays[f"{case}/{stat}"] = np.array([values[case][str(d)][stat] for d in config.widths])
    arrays["variance"] = np.array([values["variance"][str(d)] for d in config.widths])
    d_k, d_model = config.course_d_k, config.course_d_model
    course = {}
    for case, scale in (("d_k", np.sqrt(d_k)), ("d_model", np.sqrt(d_model)), ("none", 1.0)):
        weights, scores = attention_weights(np.random.default_rng([config.seed, d_k]), config, d_k, scale)
        course[case] = {**softmax_stats(weights), "score_variance": float((scores / scale).var())}
    values["course"] = {"d_k": d_k, "d_model": d_model, "sqrt_d_k": float(np.sqrt(d_k)),
                        "sqrt_d_model": float(np.sqrt(d_model)), **course}
    widest, narrowest = str(max(config.widths)), str(min(config.widths))
    values.update({
        "uniform_entropy": float(np.log(config.n_keys)),
        "uniform_weight": 1 / config.n_keys,
        "widest": int(widest), "narrowest": int(narrowest),
        "variance_over_d_k": {d: values["variance"][d] / int(d) for d in values["variance"]},
        "unscaled_max_weight_widest": values["unscaled"][widest]["max_weight"],
        "scaled_max_weight_widest": values["scaled"][widest]["max_weight"],
        "unscaled_jacobian_widest": values["unscaled"][widest]["jacobian"],
        "scaled_jacobian_widest": values["scaled"][widest]["jacobian"],
        "jacobian_ratio_widest": values["scaled"][widest]["jacobian"] / values["unscaled"][widest]["jacobian"],
        "scaled_spread": float(np.ptp(arrays["scaled/max_weight"])),
    })
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"width": "$d_k$（対数目盛）", "max": "最大の重み（平均）", "jac": "ヤコビアンの大きさ（平均）",
        "scaled": r"$\sqrt{d_k}$ で割る", "unscaled": "割らない", "uniform": "一様（$1/T$）"},
    en={"width": "$d_k$ (log scale)", "max": "largest weight (mean)", "jac": "Jacobian size (mean)",
        "scaled": r"divided by $\sqrt{d_k}$", "unscaled": "not divided", "uniform": "uniform ($1/T$)"},
)


def plot_saturation(result: Result, lang: str):
    """The mean largest weight and the mean Jacobian size against d_k, with and without the scaling."""
    text = TEXT[check_lang(lang)]
    widths = result.values["config"]["widths"]
    with panels(lang, 2, size=(3.6, 3.0)) as (figure, axes):
        for ax, stat, label in zip(axes[0], ("max_weight", "jacobian"), ("max", "jac")):
            for i, case in enumerate(("scaled", "unscaled")):
                ax.plot(widths, result.arrays[f"{case}/{stat}"], "o-", color=f"C{i}", label=text[case])
            ax.set(xscale="log", xlabel=text["width"], ylabel=text[label], xticks=widths, xticklabels=widths)
            ax.minorticks_off()
        axes[0, 0].axhline(result.values["uniform_weight"], color="0.5", linestyle=":", label=text["uniform"])
        axes[0, 0].set_ylim(0, 1.02)
        axes[0, 0].legend(fontsize="small")
    return figure


FIGURES = {"saturation": plot_saturation}
