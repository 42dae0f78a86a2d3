r"""The course's 8-bit binary addition (Day 3, ``3_1_simple_RNN``): its loop, its exercise variants, and dl_notes' way.

The course trains a sigmoid RNN without biases (2 inputs, 16 hidden units, 1 sigmoid output,
weights drawn with standard deviation 1) on one random pair $a, b \in [0, 128)$ per
iteration, with plain SGD (learning rate 0.1) for 10,000 iterations, and prints every 100th
example. Its backward pass differs from the true gradient in one place: the output's
derivative is taken as $\sigma(y)(1 - \sigma(y))$ of the output $y$ itself, although
$y = \sigma(v)$ already, so the right factor is $y(1 - y)$. Here:

- `course_train` re-implements that loop in this project's own words, with the course's
  update rule (``derivative='course'``) or the corrected one (``'fixed'``). Every variant of
  the [try] exercises is an independent chain of per-example SGD steps, so the variants run
  side by side as one batched computation: the weights of K variants are stacked (K, ...)
  and every product is a batched ``matmul`` (hidden layers narrower than the widest are
  padded with units whose weights are zero and stay zero). Within one iteration, the input
  products, outputs, output deltas and weight gradients of all 8 steps are single products;
  only the two recurrences ($z_t$ forward, $\delta_t$ backward) run step by step.
  A variant whose loss stops being finite is recorded as diverged at that iteration and
  frozen, so no NaN reaches a table or a figure.
- every trained variant is then scored on all $128 \times 128$ pairs: the fraction whose
  8 output bits, rounded, spell $a + b$.
- ``ours``: `dl_notes.recurrent_nets.RecurrentNet` with a sigmoid `dl_notes.rnn.TimeRNN`,
  biases, a softmax output per bit, Adam and mini-batches, scored on the same 16,384 pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.sequences import binary_addition, from_bits, to_bits

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "講義の 2 進数の足し算（3_1）とその変形", "en": "The course's binary addition (3_1) and its variants"}

# (key, hidden units, weight init: a standard deviation or 'xavier'/'he', learning rate, activation,
#  output derivative 'course'/'fixed', seed offset)
COURSE = ("course", 16, 1.0, 0.1, "sigmoid", "course", 0)
VARIANTS = (
    COURSE,
    ("course/seed1", 16, 1.0, 0.1, "sigmoid", "course", 1),
    ("course/seed2", 16, 1.0, 0.1, "sigmoid", "course", 2),
    ("fixed", 16, 1.0, 0.1, "sigmoid", "fixed", 0),
    ("fixed/seed1", 16, 1.0, 0.1, "sigmoid", "fixed", 1),
    ("fixed/seed2", 16, 1.0, 0.1, "sigmoid", "fixed", 2),
    ("std0.1", 16, 0.1, 0.1, "sigmoid", "course", 0),
    ("std0.5", 16, 0.5, 0.1, "sigmoid", "course", 0),
    ("std3", 16, 3.0, 0.1, "sigmoid", "course", 0),
    ("lr0.01", 16, 1.0, 0.01, "sigmoid", "course", 0),
    ("lr0.5", 16, 1.0, 0.5, "sigmoid", "course", 0),
    ("hidden8", 8, 1.0, 0.1, "sigmoid", "course", 0),
    ("hidden64", 64, 1.0, 0.1, "sigmoid", "course", 0),
    ("xavier", 16, "xavier", 0.1, "sigmoid", "course", 0),
    ("he", 16, "he", 0.1, "sigmoid", "course", 0),
    ("relu", 16, 1.0, 0.1, "relu", "course", 0),
    ("tanh", 16, 1.0, 0.1, "tanh", "course", 0),
    ("xavier+tanh", 16, "xavier", 0.1, "tanh", "course", 0),
    ("he+relu", 16, "he", 0.1, "relu", "course", 0),
)
# Variants that share everything with the course but the seed: averaged, not listed in the table.
TABLE = tuple(v[0] for v in VARIANTS if "/seed" not in v[0])
# What each variant changes, as the page's table names it.
LABELS = {
    "course": {"ja": "講義の既定値", "en": "the course's defaults"},
    "fixed": {"ja": "出力の微分を y(1 − y) に修正", "en": "output derivative corrected to y(1 − y)"},
    "std0.1": {"ja": "weight_init_std = 0.1", "en": "weight_init_std = 0.1"},
    "std0.5": {"ja": "weight_init_std = 0.5", "en": "weight_init_std = 0.5"},
    "std3": {"ja": "weight_init_std = 3", "en": "weight_init_std = 3"},
    "lr0.01": {"ja": "learning_rate = 0.01", "en": "learning_rate = 0.01"},
    "lr0.5": {"ja": "learning_rate = 0.5", "en": "learning_rate = 0.5"},
    "hidden8": {"ja": "hidden_layer_size = 8", "en": "hidden_layer_size = 8"},
    "hidden64": {"ja": "hidden_layer_size = 64", "en": "hidden_layer_size = 64"},
    "xavier": {"ja": "Xavier の初期値", "en": "Xavier initialisation"},
    "he": {"ja": "He の初期値", "en": "He initialisation"},
    "relu": {"ja": "ReLU", "en": "ReLU"},
    "tanh": {"ja": "tanh", "en": "tanh"},
    "xavier+tanh": {"ja": "Xavier の初期値 + tanh", "en": "Xavier + tanh"},
    "he+relu": {"ja": "He の初期値 + ReLU", "en": "He + ReLU"},
}


@dataclass(frozen=True)
class Config:
    """The variants, the course's loop settings, the prints shown, and dl_notes' training."""

    variants: tuple[tuple, ...] = VARIANTS
    iterations: int = 10000
    plot_interval: int = 100
    binary_dim: int = 8
    shown_prints: tuple[int, ...] = (0, 1, 2, -2, -1)  # which printed blocks of the course run the page shows
    ours_iterations: int = 300
    ours_batch: int = 100
    ours_lr: float = 0.05
    seed: int = 0


DEFAULT = Config()
TINY = Config(variants=(COURSE, ("fixed", 16, 1.0, 0.1, "sigmoid", "fixed", 0), ("tanh", 8, 1.0, 0.1, "tanh", "course", 0),
                        ("relu", 16, 1.0, 0.1, "relu", "course", 0)),
              iterations=300, plot_interval=20, shown_prints=(0, -1), ours_iterations=20)


def initial_weights(hidden: int, init, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""``W_in`` (2, H), ``W`` (H, H), ``W_out`` (H, 1), drawn in the course's order (W_in, W_out, W).

    ``init`` is a standard deviation (the course's ``weight_init_std``), ``'xavier'``
    ($1/\sqrt{n_\text{in}}$) or ``'he'`` ($\sqrt{2/n_\text{in}}$), $n_\text{in}$ being the rows.

    >>> W_in, W, W_out = initial_weights(4, "he", np.random.default_rng(0))
    >>> W_in.shape, W.shape, W_out.shape
    ((2, 4), (4, 4), (4, 1))
    """
    def scale(n_in):
        return {"xavier": 1 / np.sqrt(n_in), "he": np.sqrt(2 / n_in)}.get(init, init)

    W_in = scale(2) * rng.standard_normal((2, hidden))
    W_out = scale(hidden) * rng.standard_normal((hidden, 1))
    W = scale(hidden) * rng.standard_normal((hidden, hidden))
    return W_in, W, W_out


def _activate(u: np.ndarray, groups) -> np.ndarray:
    z = np.empty_like(u)
    for rows, name in groups:
        if name == "sigmoid":
            z[rows] = 1 / (1 + np.exp(-u[rows]))
        elif name == "tanh":
            z[rows] = np.tanh(u[rows])
        else:
            z[rows] = np.maximum(u[rows], 0)
    return z


def _slope(u: np.ndarray, z: np.ndarray, groups) -> np.ndarray:
    """f'(u): the course's d_sigmoid(u), d_tanh(u) = 1/cosh²(u) and d_relu(u), written with z = f(u) where exact."""
    d = np.empty_like(u)
    for rows, name in groups:
        if name == "sigmoid":
            d[rows] = z[rows] * (1 - z[rows])
        elif name == "tanh":
            d[rows] = 1 - z[rows] ** 2
        else:
            d[rows] = u[rows] > 0
    return d


def course_train(variants, iterations: int, plot_interval: int = 100, binary_dim: int = 8, seed: int = 0):
    """Run the course's per-example SGD loop for every variant; see the module docstring.

    Variants of one hidden width run as one batch. Returns, per variant in the given order,
    the trained weights (W_in, W, W_out), the printed losses (prints,), the printed examples
    (a, b, predicted bits MSB first per print) and the iteration at which it diverged (or None).
    """
    out = [None] * len(variants)
    for width in sorted({v[1] for v in variants}):
        ks = [k for k, v in enumerate(variants) if v[1] == width]
        for k, run in zip(ks, _train_batch([variants[k] for k in ks], iterations, plot_interval, binary_dim, seed)):
            out[k] = run
    return out


def _train_batch(variants, iterations: int, plot_interval: int, binary_dim: int, seed: int) -> list[dict]:
    K = len(variants)
    order = sorted(range(K), key=lambda k: variants[k][4])  # group the activations into contiguous rows
    variants = [variants[k] for k in order]
    H = max(v[1] for v in variants)
    T = binary_dim
    half = 2 ** (binary_dim - 1)
    W_in, W, W_out = np.zeros((K, 2, H)), np.zeros((K, H, H)), np.zeros((K, H, 1))
    a, b = np.zeros((K, iterations), int), np.zeros((K, iterations), int)
    for k, (_, hidden, init, *_, offset) in enumerate(variants):
        rng = np.random.default_rng(seed + offset)
        W_in[k, :, :hidden], W[k, :hidden, :hidden], W_out[k, :hidden] = initial_weights(hidden, init, rng)
        a[k], b[k] = rng.integers(0, half, (2, iterations))
    lr = np.array([v[3] for v in variants])[:, None, None]
    course_derivative = np.array([v[5] == "course" for v in variants])[:, None, None]
    groups = [(slice(min(ks), max(ks) + 1), name) for name in ("relu", "sigmoid", "tanh")
              if (ks := [k for k, v in enumerate(variants) if v[4] == name])]
    x_bits = np.stack([to_bits(a, T), to_bits(b, T)], axis=-1).astype(float)  # (K, iterations, T, 2)
    d_bits = to_bits(a + b, T).astype(float)[..., None]  # (K, iterations, T, 1)
    n_prints = -(-iterations // plot_interval)
    losses = np.full((K, n_prints), np.nan)
    printed_bits = np.zeros((K, n_prints, T), int)
    diverged = [None] * K
    alive = np.ones((K, 1, 1))
    z = np.zeros((K, T + 1, H))
    with np.errstate(all="ignore"):
        for i in range(iterations):
            x, d = x_bits[:, i], d_bits[:, i]
            ax = x @ W_in  # (K, T, H): the input's share of u at every step
            u = np.empty((K, T, H))
            for t in range(T):
                u[:, t] = ax[:, t] + (z[:, t, None] @ W)[:, 0]
                z[:, t + 1] = _activate(u[:, t], groups)
            y = 1 / (1 + np.exp(-(z[:, 1:] @ W_out)))  # (K, T, 1)
            sig_y = 1 / (1 + np.exp(-y))
            delta_out = (y - d) * np.where(course_derivative, sig_y * (1 - sig_y), y * (1 - y))
            slope = _slope(u, z[:, 1:], groups)
            into_hidden = delta_out @ W_out.transpose(0, 2, 1)  # (K, T, H)
            delta = np.empty((K, T, H))
            carry = np.zeros((K, 1, H))
            for t in reversed(range(T)):
                carry = (carry @ W.transpose(0, 2, 1) + into_hidden[:, t, None]) * slope[:, t, None]
                delta[:, t] = carry[:, 0]
            grad_out = z[:, 1:].transpose(0, 2, 1) @ delta_out
            grad_W = z[:, :-1].transpose(0, 2, 1) @ delta
            grad_in = x.transpose(0, 2, 1) @ delta
            loss = 0.5 * ((d - y) ** 2).sum(axis=(1, 2))
            if i % plot_interval == 0:
                losses[:, i // plot_interval] = loss
                printed_bits[:, i // plot_interval] = np.round(y[:, ::-1, 0])
            W_in -= lr * grad_in * alive
            W -= lr * grad_W * alive
            W_out -= lr * grad_out * alive
            bad = ~(np.isfinite(loss) & np.isfinite(W).all(axis=(1, 2)) & np.isfinite(W_out).all(axis=(1, 2)))
            for k in np.flatnonzero(bad & (alive[:, 0, 0] > 0)):
                diverged[k] = i
                alive[k] = 0
                W_in[k], W[k], W_out[k] = 0, 0, 0
    runs = [None] * K
    for k, original in enumerate(order):
        h = variants[k][1]
        if diverged[k] is not None:
            losses[k, np.arange(n_prints) * plot_interval >= diverged[k]] = np.nan
        runs[original] = {"weights": (W_in[k, :, :h], W[k, :h, :h], W_out[k, :h]), "losses": losses[k],
                          "a": a[k, ::plot_interval], "b": b[k, ::plot_interval], "bits": printed_bits[k],
                          "diverged_at": diverged[k]}
    return runs


def course_predict(weights, activation: str, xs: np.ndarray) -> np.ndarray:
    """The output bits (N, T) of one trained course network for inputs (N, T, 2), rounded."""
    W_in, W, W_out = weights
    z = np.zeros((len(xs), W.shape[0]))
    groups = [(slice(None), activation)]
    ys = []
    for t in range(xs.shape[1]):
        z = _activate(xs[:, t] @ W_in + z @ W, groups)
        ys.append(1 / (1 + np.exp(-(z @ W_out[:, 0]))))
    return np.round(np.stack(ys, axis=1)).astype(int)


def all_pairs(binary_dim: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs (M, T, 2), target bits (M, T) and sums of every pair a, b in [0, 2^(T-1))."""
    half = 2 ** (binary_dim - 1)
    a, b = np.divmod(np.arange(half * half), half)
    xs = np.stack([to_bits(a, binary_dim), to_bits(b, binary_dim)], axis=-1).astype(float)
    return xs, to_bits(a + b, binary_dim), a + b


def printed_block(iteration: int, loss: float, a: int, b: int, bits: np.ndarray, binary_dim: int = 8) -> str:
    """One block of the course's print-out (``iters:``, ``Loss:``, ``Pred:``, ``True:``, ``a + b = out``).

    >>> print(printed_block(100, 0.5, 3, 4, np.array([0, 0, 0, 0, 0, 1, 1, 1])))
    iters:100
    Loss:0.5
    Pred:[0 0 0 0 0 1 1 1]
    True:[0 0 0 0 0 1 1 1]
    3 + 4 = 7
    ------------
    """
    true = to_bits(np.array(a + b), binary_dim)[::-1]
    out = int(from_bits(bits[::-1]))
    return (f"iters:{iteration}\nLoss:{loss}\nPred:{np.array2string(np.asarray(bits))}\nTrue:{np.array2string(true)}\n"
            f"{a} + {b} = {out}\n------------")


def train_ours(config: Config) -> tuple[RecurrentNet, list[float]]:
    """dl_notes' way: RecurrentNet(2, 16, 2, activation='sigmoid') with biases, softmax per bit, Adam, mini-batches."""
    rng = np.random.default_rng(config.seed)
    net = RecurrentNet(2, 16, 2, activation="sigmoid", rng=rng)
    optimizer = Adam(lr=config.ours_lr)
    losses = []
    for _ in range(config.ours_iterations):
        xs, ts, _, _ = binary_addition(config.ours_batch, binary_dim=config.binary_dim, rng=rng)
        optimizer.update(net.params, net.gradient(xs, ts))
        losses.append(net.last_loss)
    return net, losses


def run(config: Config) -> Result:
    runs = course_train(config.variants, config.iterations, config.plot_interval, config.binary_dim, config.seed)
    xs, ts, sums = all_pairs(config.binary_dim)
    keys = [v[0] for v in config.variants]
    table = {}
    for (key, hidden, init, lr, activation, derivative, _), run_ in zip(config.variants, runs):
        diverged = run_["diverged_at"]
        bits = None if diverged is not None else course_predict(run_["weights"], activation, xs)
        table[key] = {
            "hidden": hidden, "init": init, "lr": lr, "activation": activation, "derivative": derivative,
            "diverged_at": diverged,
            "last10_loss": None if diverged is not None else float(run_["losses"][-10:].mean()),
            "first10_loss": None if diverged is not None else float(run_["losses"][:10].mean()),
            "sum_accuracy": 0.0 if bits is None else float(np.mean(from_bits(bits) == sums)),
            "bit_accuracy": 0.0 if bits is None else float(np.mean(bits == ts)),
        }
    course = runs[keys.index("course")]
    n = len(course["losses"])
    shown = sorted({s % n for s in config.shown_prints})
    blocks = [printed_block(j * config.plot_interval, float(course["losses"][j]), int(course["a"][j]),
                            int(course["b"][j]), course["bits"][j], config.binary_dim) for j in shown]
    correct = from_bits(course["bits"][:, ::-1]) == course["a"] + course["b"]
    net, ours_losses = train_ours(config)
    ours_bits = net.predict(xs.astype(np.float32)).argmax(axis=-1)
    same_seed = [key for key in keys if key.startswith("course")]
    fixed_seeds = [key for key in keys if key.startswith("fixed")]
    values = {
        "order": [key for key in TABLE if key in keys],
        "labels": {key: LABELS[key] for key in keys if key in LABELS},
        "variants": table,
        "iterations": config.iterations,
        "plot_interval": config.plot_interval,
        "prints": blocks,
        "last_prints_correct": int(correct[-20:].sum()),
        "last_prints_counted": int(min(20, len(correct))),
        "first_correct_print": int(np.argmax(correct) * config.plot_interval) if correct.any() else None,
        "pairs": int(len(xs)),
        "course_seeds": {key: table[key]["last10_loss"] for key in same_seed},
        "fixed_seeds": {key: table[key]["last10_loss"] for key in fixed_seeds},
        "course_seed_mean": float(np.mean([table[key]["last10_loss"] for key in same_seed])),
        "fixed_seed_mean": float(np.mean([table[key]["last10_loss"] for key in fixed_seeds])) if fixed_seeds else None,
        "ours": {"iterations": config.ours_iterations, "batch": config.ours_batch, "lr": config.ours_lr,
                 "examples": config.ours_iterations * config.ours_batch,
                 "sum_accuracy": float(np.mean(from_bits(ours_bits) == sums)),
                 "bit_accuracy": float(np.mean(ours_bits == ts)), "final_loss": float(np.mean(ours_losses[-10:]))},
    }
    arrays = {f"loss/{key}": run_["losses"] for key, run_ in zip(keys, runs)}
    arrays["ours_losses"] = np.asarray(ours_losses)
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"loss": "損失（8 ビットの和）", "course": "講義のコード（シグモイド関数の微分を出力に適用）",
        "fixed": "微分を y(1 − y) に直したもの", "seed": "乱数の種 {s}"},
    en={"loss": "loss (sum over the 8 bits)", "course": "the course's code (sigmoid derivative applied to the output)",
        "fixed": "derivative corrected to y(1 − y)", "seed": "seed {s}"},
)


def plot_loss(result: Result, lang: str):
    """The printed loss every plot_interval iterations: the course's code and the corrected derivative."""
    text = TEXT[check_lang(lang)]
    v = result.values
    keys = [key for key in v["variants"] if key in ("course", "fixed")]
    every = v["plot_interval"]
    with panels(lang, len(keys), size=(4.6, 3.2), sharey=True) as (figure, axes):
        for ax, key in zip(axes[0], keys):
            loss = result.arrays[f"loss/{key}"]
            ax.plot(np.arange(len(loss)) * every, loss, lw=1)
            ax.set_title(text[key], fontsize="medium")
            ax.set_xlabel(text["iteration"])
        axes[0, 0].set_ylabel(text["loss"])
    return figure


FIGURES = {"loss": plot_loss}
