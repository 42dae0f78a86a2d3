r"""What the receptive field buys: a dilated and an undilated causal stack with the same parameters,
trained to predict the next value of sequences that repeat a random pattern.

Each sequence repeats its own random pattern of ``period`` values plus noise
(`dl_notes.sequences.repeating_patterns`), so the next value is told by the value ``period`` steps
back and by nothing nearer. Two stacks of `dl_notes.wavenet.CausalConv1D` layers, identical but for
the dilations (WaveNet's 1, 2, 4, ... against every dilation 1), followed by a 1×1 convolution to
one output, are trained with Adam on fresh batches to predict $x_{t+1}$ from $x_{\le t}$. The
stacks are linear (no activation): copying a value from the past needs none. The loss counts only
the steps where the dilated stack's receptive field is full, the same steps for both stacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.optim import Adam
from dl_notes.sequences import repeating_patterns
from dl_notes.wavenet import CausalConv1D, receptive_field, wavenet_dilations

from ._plotting import PALETTE, check_lang, panels, texts
from ._result import Result

TITLE = {"ja": "受容野が広いと何が予測できるか：同じパラメータ数の膨張あり・なしの因果的畳み込み",
         "en": "What the receptive field buys: dilated and undilated causal stacks with the same parameters"}

STACKS = ("dilated", "plain")


@dataclass(frozen=True)
class Config:
    """The task (period, noise, length), the stacks (layers, channels, kernel size) and the training."""

    period: int = 12
    noise: float = 0.1
    length: int = 48
    layers: int = 4
    channels: int = 8
    kernel_size: int = 2
    steps: int = 300
    batch_size: int = 16
    lr: float = 0.01
    n_test: int = 256
    record_every: int = 10
    seed: int = 0


DEFAULT = Config()
TINY = Config(steps=40, n_test=32, record_every=10)


def build(config: Config, dilations: list[int], rng: np.random.Generator) -> list[CausalConv1D]:
    """``len(dilations)`` causal convolutions of ``channels`` channels (1 in), then a 1×1 one to 1 output."""
    C, K = config.channels, config.kernel_size
    layers, c_in = [], 1
    for d in dilations:
        W = rng.standard_normal((C, c_in, K)) / np.sqrt(c_in * K)       # variance kept through a linear stack
        layers.append(CausalConv1D(W, np.zeros(C), dilation=d))
        c_in = C
    layers.append(CausalConv1D(rng.standard_normal((1, C, 1)) / np.sqrt(C), np.zeros(1)))
    return layers


def predict(layers: list[CausalConv1D], xs: np.ndarray) -> np.ndarray:
    """The prediction of $x_{t+1}$ at every step $t$: shape (N, T)."""
    h = xs[:, None, :]                                                  # (N, 1, T)
    for layer in layers:
        h = layer.forward(h)
    return h[:, 0, :]


def mse(layers: list[CausalConv1D], xs: np.ndarray, start: int) -> tuple[float, np.ndarray]:
    """Mean squared error of predicting ``xs[:, t+1]`` at steps ``t >= start``, and dL/dprediction."""
    y = predict(layers, xs)
    error = np.zeros_like(y)
    error[:, start:-1] = y[:, start:-1] - xs[:, start + 1:]
    count = error[:, start:-1].size
    return float((error ** 2).sum() / count), 2 * error / count


def train(config: Config, stack: str, rng: np.random.Generator) -> tuple[list[CausalConv1D], np.ndarray]:
    """Train one stack with Adam on fresh batches; the loss every ``record_every`` steps."""
    dilations = wavenet_dilations(config.layers) if stack == "dilated" else [1] * config.layers
    layers = build(config, dilations, rng)
    params = {f"{name}{i}": getattr(layer, name) for i, layer in enumerate(layers, 1) for name in ("W", "b")}
    optimizer = Adam(lr=config.lr)
    start = receptive_field(config.kernel_size, wavenet_dilations(config.layers)) - 1
    curve = []
    for step in range(config.steps):
        xs = repeating_patterns(config.batch_size, config.length, config.period, config.noise, rng=rng).astype(np.float64)
        loss, dout = mse(layers, xs, start)
        dout = dout[:, None, :]                                         # (N, 1, T)
        for layer in reversed(layers):
            dout = layer.backward(dout)
        grads = {f"{name}{i}": getattr(layer, "d" + name) for i, layer in enumerate(layers, 1) for name in ("W", "b")}
        optimizer.update(params, grads)
        if not np.isfinite(loss):
            raise FloatingPointError(f"wavenet_sequence: the {stack} stack diverged at step {step}; lower lr")
        if step % config.record_every == 0:
            curve.append(loss)
    return layers, np.array(curve)


def run(config: Config) -> Result:
    K, L, P = config.kernel_size, config.layers, config.period
    R = receptive_field(K, wavenet_dilations(L))
    if R < P + 1 or config.length < R + 2:
        raise ValueError(f"the dilated stack must see period + 1 = {P + 1} steps (it sees {R}) and length must be "
                         f">= {R + 2}; got {config}")
    test = repeating_patterns(config.n_test, config.length, P, config.noise,
                              rng=np.random.default_rng([config.seed, 1])).astype(np.float64)
    arrays: dict[str, np.ndarray] = {}
    values: dict = {}
    for i, stack in enumerate(STACKS):
        layers, curve = train(config, stack, np.random.default_rng([config.seed, 2, i]))
        arrays[f"{stack}/curve"] = curve
        field = receptive_field(K, wavenet_dilations(L) if stack == "dilated" else [1] * L)
        values[stack] = {"test_mse": mse(layers, test, R - 1)[0], "field": field,
                         "parameters": int(sum(layer.W.size + layer.b.size for layer in layers))}
    arrays["steps"] = np.arange(0, config.steps, config.record_every)
    values["config"] = {"period": P, "noise": config.noise, "length": config.length, "layers": L,
                        "channels": config.channels, "kernel_size": K, "steps": config.steps,
                        "batch_size": config.batch_size, "lr": config.lr, "n_test": config.n_test}
    values["baselines"] = {"zero": 1 + config.noise ** 2, "copy_back": 2 * config.noise ** 2}
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"dilated": "膨張あり（受容野 {r}）", "plain": "膨張なし（受容野 {r}）", "step": "ステップ",
        "mse": "平均二乗誤差（訓練バッチ、対数目盛）", "zero": "0 を予測（{v}）", "copy_back": "周期前の値を写す（{v}）",
        "title": "周期 {p} の系列の次の値の予測（パラメータ {n} 個ずつ）"},
    en={"dilated": "dilated (receptive field {r})", "plain": "undilated (receptive field {r})", "step": "step",
        "mse": "mean squared error (training batch, log scale)", "zero": "predict 0 ({v})",
        "copy_back": "copy one period back ({v})", "title": "predicting the next value, period {p} ({n} parameters each)"},
)


def plot_training(result: Result, lang: str):
    """Training loss of both stacks, with the errors of predicting 0 and of copying one period back."""
    text = TEXT[check_lang(lang)]
    v = result.values
    steps = result.arrays["steps"]
    with panels(lang, size=(6.6, 3.6)) as (figure, axes):
        ax = axes[0, 0]
        for i, stack in enumerate(STACKS):
            ax.plot(steps, result.arrays[f"{stack}/curve"], color=PALETTE[3 if i == 0 else 0],
                    label=text[stack].format(r=v[stack]["field"]))
        for key, style in (("zero", ":"), ("copy_back", "--")):
            ax.axhline(v["baselines"][key], color="#777777", linestyle=style, lw=1,
                       label=text[key].format(v=f"{v['baselines'][key]:.2f}"))
        ax.set(yscale="log", xlabel=text["step"], ylabel=text["mse"],
               title=text["title"].format(p=v["config"]["period"], n=v["dilated"]["parameters"]))
        ax.legend(fontsize="small")
    return figure


FIGURES = {"training": plot_training}
