r"""The course's sine prediction (Day 3, ``3_3_predict_sin``): its BPTT quirks, corrected, and dl_notes' RecurrentNet.

The task: $f = \sin$ at 500 points of $[0, 10\pi]$; a window of ``maxlen`` consecutive values
is the input sequence, the next value the target; 80% of the windows train, 20% test. The
course's network has 5 tanh hidden units, a linear output read at the last step, no biases,
weights drawn with standard deviation 0.01, and learns by per-example SGD (learning rate 0.1).
Its backward pass has three quirks:

1. the gradient of $W$ multiplies $\delta_t$ by the current state $z_t$ where the formula
   has the previous one, $z_{t-1}$;
2. the output's error $\delta^{out} W_{out}^\top$ is added to $\delta_t$ at every step,
   although the only output is at the last step;
3. $\tanh'(u)$ is $1/(\cosh^2 u + 10^{-4})$, not $1/\cosh^2 u$.

(Its $W_{out}$ gradient, from the last $z$ only, is right for an output at the last step.)
`course_train` runs that loop with the quirks (``quirks=True``) or with the true gradient,
side by side as one batched computation (stacked weights, one SGD step of each per example);
`course_gradient` is one example's gradient, compared with the exact one in the tests.
Then `dl_notes.recurrent_nets.RecurrentNet` (``output='last'``, ``loss='mse'``, with
biases, Adam on the whole training set) learns the same windows, with ``maxlen`` 2 and 5
(the course's [try]). Every model then generates 200 values from the first window, feeding
each prediction back as the next input, against the true continuation of the sine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.recurrent_nets import RecurrentNet
from dl_notes.sequences import sine_wave, sine_windows

from ._plotting import check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "講義の sin 波の予測（3_3）", "en": "The course's sine prediction (3_3)"}


@dataclass(frozen=True)
class Config:
    """The data, the course's loop (epochs of per-example SGD) and dl_notes' training."""

    maxlen: int = 2
    hidden: int = 5
    weight_init_std: float = 0.01
    course_lr: float = 0.1
    course_epochs: int = 100
    ours_maxlens: tuple[int, ...] = (2, 5)
    ours_iterations: int = 6000
    ours_lr: float = 0.005
    generate: int = 200
    test_fraction: float = 0.2
    seed: int = 0


DEFAULT = Config()
TINY = Config(course_epochs=2, ours_maxlens=(2,), ours_iterations=30, generate=20)


def split(n: int, test_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random train and test indices, the test share rounded up as scikit-learn's train_test_split does."""
    order = rng.permutation(n)
    n_test = int(np.ceil(n * test_fraction))
    return order[n_test:], order[:n_test]


def course_gradient(W_in, W, W_out, xs, d, quirks: bool):
    """One example's gradients (dW_in, dW, dW_out) and loss, as the course computes them or exactly.

    Weights are stacked over K models: W_in (K, 1, H), W (K, H, H), W_out (K, H, 1); xs (K, T),
    d (K,). ``quirks`` is a bool per model (K,).
    """
    K, T = xs.shape
    H = W.shape[1]
    q = np.asarray(quirks, bool)[:, None, None]
    z = np.zeros((K, 1, H))
    zs, us = [z], []
    for t in range(T):
        u = xs[:, t, None, None] * W_in + z @ W
        z = np.tanh(u)
        us.append(u)
        zs.append(z)
    y = (z @ W_out)[:, 0, 0]
    delta_out = (y - d)[:, None, None]  # the course's d_mean_squared_error for one value
    into_hidden = delta_out @ W_out.transpose(0, 2, 1)
    delta = np.zeros((K, 1, H))
    dW_in, dW = np.zeros_like(W_in), np.zeros_like(W)
    for t in reversed(range(T)):
        slope = np.where(q, 1 / (np.cosh(us[t]) ** 2 + 1e-4), 1 - zs[t + 1] ** 2)
        inject = into_hidden if t == T - 1 else np.where(q, into_hidden, 0.0)
        delta = (delta @ W.transpose(0, 2, 1) + inject) * slope
        z_prev = np.where(q, zs[t + 1], zs[t])
        dW += z_prev.transpose(0, 2, 1) @ delta
        dW_in += xs[:, t, None, None] * delta
    dW_out = zs[-1].transpose(0, 2, 1) @ delta_out
    return dW_in, dW, dW_out, 0.5 * (y - d) ** 2


def course_predict(W_in, W, W_out, xs) -> np.ndarray:
    """Predictions (K, N) of K stacked course models for windows xs (N, T)."""
    z = np.zeros((W.shape[0], xs.shape[0], W.shape[1]))
    for t in range(xs.shape[1]):
        z = np.tanh(xs[None, :, t, None] * W_in + z @ W)
    return (z @ W_out)[..., 0]


def course_train(config: Config, x_train: np.ndarray, d_train: np.ndarray, rng: np.random.Generator):
    """The course's per-example SGD, with its quirks (model 0) and with the exact gradient (model 1), same start."""
    H, s = config.hidden, config.weight_init_std
    W_in, W_out, W = s * rng.standard_normal((1, H)), s * rng.standard_normal((H, 1)), s * rng.standard_normal((H, H))
    W_in, W, W_out = (np.stack([w, w]) for w in (W_in, W, W_out))
    quirks = np.array([True, False])
    for _ in range(config.course_epochs):
        for x, d in zip(x_train, d_train):
            g_in, g, g_out, _ = course_gradient(W_in, W, W_out, np.stack([x, x]), np.array([d, d]), quirks)
            W_in -= config.course_lr * g_in
            W -= config.course_lr * g
            W_out -= config.course_lr * g_out
    return W_in, W, W_out


def generate(predict, first: np.ndarray, steps: int) -> np.ndarray:
    """Feed each prediction back: the window slides by one value per step. ``predict`` maps (1, T) to a number."""
    window = list(first)
    out = []
    for _ in range(steps):
        y = float(predict(np.array(window)[None]))
        out.append(y)
        window = window[1:] + [y]
    return np.array(out)


def train_ours(maxlen: int, config: Config, rng: np.random.Generator):
    xs, ts = sine_windows(maxlen)
    train, test = split(len(xs), config.test_fraction, rng)
    net = RecurrentNet(1, config.hidden, 1, output="last", loss="mse", dtype=np.float64, rng=rng)
    optimizer = Adam(lr=config.ours_lr)
    for _ in range(config.ours_iterations):
        optimizer.update(net.params, net.gradient(xs[train], ts[train]))
    return net, net.loss(xs[test], ts[test])


def describe(generated: np.ndarray, truth: np.ndarray, test_loss: float, maxlen: int) -> dict:
    """Test loss (MSE/2, one step ahead), and how the generated values compare with the true continuation."""
    finite = bool(np.isfinite(generated).all())
    return {"test_loss": test_loss, "maxlen": maxlen, "finite": finite,
            "max_error": float(np.abs(generated - truth).max()) if finite else None,
            "min": float(generated.min()) if finite else None, "max": float(generated.max()) if finite else None}


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    f = sine_wave()
    xs, ts = sine_windows(config.maxlen)
    train, test = split(len(xs), config.test_fraction, rng)
    x_train, d_train = xs[train, :, 0], ts[train, 0]
    weights = course_train(config, x_train, d_train, rng)
    truth = f[config.maxlen:config.maxlen + config.generate]
    arrays = {"truth": truth}
    models = {}
    preds = course_predict(*weights, xs[test, :, 0])
    for k, key in enumerate(("course", "corrected")):
        one = tuple(w[k:k + 1] for w in weights)
        gen = generate(lambda window: course_predict(*one, window)[0, 0], f[:config.maxlen], config.generate)
        arrays[key] = gen
        models[key] = describe(gen, truth, float(np.mean(0.5 * (preds[k] - ts[test, 0]) ** 2)), config.maxlen)
    for maxlen in config.ours_maxlens:
        net, test_loss = train_ours(maxlen, config, np.random.default_rng(config.seed))
        gen = generate(lambda window: net.predict(window[..., None])[0, 0], f[:maxlen], config.generate)
        key = f"ours{maxlen}"
        arrays[key] = gen
        arrays[f"truth{maxlen}"] = f[maxlen:maxlen + config.generate]
        models[key] = describe(gen, arrays[f"truth{maxlen}"], float(test_loss), maxlen)
    # How far one example's course gradient is from the exact one, at the trained corrected weights.
    one = tuple(w[1:2].repeat(2, axis=0) for w in weights)
    g_quirky = course_gradient(*one, np.stack([x_train[0]] * 2), np.array([d_train[0]] * 2), np.array([True, False]))
    rel = {name: float(np.abs(g[0] - g[1]).max() / max(np.abs(g[1]).max(), 1e-30))
           for name, g in zip(("W_in", "W", "W_out"), g_quirky[:3])}
    values = {
        "order": list(models), "models": models, "course_epochs": config.course_epochs,
        "course_updates": config.course_epochs * len(train), "train": int(len(train)), "test": int(len(test)),
        "windows": int(len(xs)), "hidden": config.hidden, "course_lr": config.course_lr,
        "weight_init_std": config.weight_init_std, "ours_iterations": config.ours_iterations, "ours_lr": config.ours_lr,
        "generate": config.generate, "maxlen": config.maxlen, "quirk_gradient_error": rel,
    }
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"course": "講義のコード（{e} エポック）", "corrected": "勾配を直したもの（{e} エポック）",
        "ours": "dl_notes の RecurrentNet（maxlen {m}）", "true": "sin（正解）", "generated": "生成した値",
        "step": "生成したステップ", "value": "値"},
    en={"course": "the course's code ({e} epochs)", "corrected": "gradient corrected ({e} epochs)",
        "ours": "dl_notes' RecurrentNet (maxlen {m})", "true": "sin (truth)", "generated": "generated",
        "step": "generated step", "value": "value"},
)


def plot_generated(result: Result, lang: str):
    """Each model's 200 generated values against the sine they should continue."""
    text = TEXT[check_lang(lang)]
    v = result.values
    keys = v["order"]
    with panels(lang, len(keys), 2, size=(4.4, 2.6), sharey=True) as (figure, axes):
        for ax, key in zip(axes.flat, keys):
            m = v["models"][key]["maxlen"]
            truth = result.arrays[f"truth{m}" if key.startswith("ours") else "truth"]
            ax.plot(truth, color="#aaaaaa", ls=":", lw=2, label=text["true"])
            ax.plot(result.arrays[key], color="black", ls="--", lw=1, label=text["generated"])
            title = text["ours"].format(m=m) if key.startswith("ours") else text[key].format(e=v["course_epochs"])
            ax.set_title(title, fontsize="medium")
            ax.set_ylim(-1.5, 1.5)
        for ax in axes[-1]:
            ax.set_xlabel(text["step"])
        for ax in axes[:, 0]:
            ax.set_ylabel(text["value"])
        axes[0, 0].legend(loc="lower left", fontsize="small")
    return figure


FIGURES = {"generated": plot_generated}
