r"""Model parallelism: what crosses between two stages of a network, against what data parallelism sends.

Two networks of the Performance page, `SimpleConvNet` (conv 30@5×5, pool 2, 100) and
`MultiLayerNet` 784-[100]×5-10, in float32, are cut into two stages of consecutive layers
(`dl_notes.parallel.split_layers`). `dl_notes.parallel.model_parallel_gradient` runs one
training step's forward and backward stage by stage on a batch of random images and records the
bytes that cross the boundary (the activation forward, its gradient backward); the gradient must
be exactly that of ``net.gradient``. Data parallelism sends instead, per worker and step, the
parameters to the worker and its gradient back (`dl_notes.parallel.gradient_bytes` each way),
whatever the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dl_notes.nets import MultiLayerNet, SimpleConvNet
from dl_notes.parallel import gradient_bytes, model_parallel_gradient, split_layers

from ._plotting import check_lang, style, texts
from ._result import Result

TITLE = {"ja": "モデル並列とデータ並列の通信量", "en": "Traffic of model and data parallelism"}

NETS = ("cnn", "mlp")


@dataclass(frozen=True)
class Config:
    """Batch sizes, the number of stages, and the networks' sizes."""

    batches: tuple[int, ...] = (1, 10, 100, 1000)
    stages: int = 2
    filter_num: int = 30
    hidden_size: int = 100
    mlp_hidden: tuple[int, ...] = (100, 100, 100, 100, 100)
    seed: int = 0


DEFAULT = Config()
TINY = Config(batches=(1, 4), filter_num=3, hidden_size=8, mlp_hidden=(8, 8, 8))


def _nets(config: Config) -> dict:
    conv = {"filter_num": config.filter_num, "filter_size": 5, "pad": 0, "stride": 1}
    return {"cnn": SimpleConvNet((1, 28, 28), conv, hidden_size=config.hidden_size, seed=config.seed),
            "mlp": MultiLayerNet(784, list(config.mlp_hidden), 10, seed=config.seed)}


def run(config: Config) -> Result:
    rng = np.random.default_rng(config.seed)
    values = {"batches": list(config.batches), "stages": config.stages, "nets": list(NETS)}
    arrays = {}
    for name, net in _nets(config).items():
        stages = split_layers(net, config.stages)
        traffic, difference = [], 0.0
        for B in config.batches:
            x = rng.random((B, 1, 28, 28), dtype=np.float32)
            x = x if name == "cnn" else x.reshape(B, -1)               # (B, 784) for the MLP
            t = rng.integers(0, 10, B)
            grads, crossings = model_parallel_gradient(net, x, t, stages)
            grads = {key: g.copy() for key, g in grads.items()}
            expected = net.gradient(x, t)
            difference = max(difference, *(float(np.abs(grads[k] - expected[k]).max()) for k in expected))
            traffic.append(sum(c["forward_bytes"] + c["backward_bytes"] for c in crossings))
        arrays[f"{name}/model"] = np.array(traffic)
        values[name] = {
            "stages": stages,
            "boundary_shape": crossings[0]["shape"][1:],                    # per sample
            "bytes_per_sample": crossings[0]["forward_bytes"] // config.batches[-1],
            "model_bytes": dict(zip(map(str, config.batches), traffic)),
            "parameter_bytes": gradient_bytes(net),
            "data_bytes": 2 * gradient_bytes(net),                          # parameters out, gradient back
            "parameters": int(sum(p.size for p in net.params.values())),
            "max_difference": difference,
        }
        # the batch at which the two are equal: (activation + its gradient)·B = parameters + gradient
        values[name]["break_even_batch"] = values[name]["parameter_bytes"] / values[name]["bytes_per_sample"]
    return Result(arrays=arrays, values=values)


TEXT = texts(
    ja={"batch": "バッチサイズ（対数目盛）", "bytes": "通信量（バイト、対数目盛）",
        "model": "{net}：モデル並列（境界 1 つ）", "data": "{net}：データ並列（ワーカ 1 つ）",
        "cnn": "SimpleConvNet", "mlp": "MultiLayerNet"},
    en={"batch": "batch size (log scale)", "bytes": "bytes sent (log scale)",
        "model": "{net}: model parallel (one boundary)", "data": "{net}: data parallel (one worker)",
        "cnn": "SimpleConvNet", "mlp": "MultiLayerNet"},
)


def plot(result: Result, lang: str):
    """Bytes per step against the batch size: model parallelism grows with the batch, data parallelism does not."""
    import matplotlib.pyplot as plt

    text, v, a = TEXT[check_lang(lang)], result.values, result.arrays
    batches = np.array(v["batches"])
    with style(lang):
        figure, ax = plt.subplots(figsize=(6.4, 3.4), layout="constrained")
        for i, name in enumerate(v["nets"]):
            net = text[name]
            ax.plot(batches, a[f"{name}/model"], "o-", color=f"C{i}", label=text["model"].format(net=net))
            ax.plot(batches, np.full(len(batches), v[name]["data_bytes"]), "--", color=f"C{i}",
                    label=text["data"].format(net=net))
        ax.set(xscale="log", yscale="log", xlabel=text["batch"], ylabel=text["bytes"])
        ax.legend(fontsize="small", loc="lower right")
    return figure


FIGURES = {"traffic": plot}
