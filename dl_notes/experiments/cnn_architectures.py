r"""LeNet-5 and AlexNet layer by layer: output shapes and parameter counts from `dl_notes.architectures`.

Nothing is trained: the tables of the AlexNet page are `dl_notes.architectures.summarize` of
the two specifications, plus the parameters of the first fully connected layer after the last
feature maps when they are flattened or reduced by global average/max pooling, and what the
paper's 224×224 input does to the first layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from dl_notes import architectures as arch

from ._plotting import check_lang, panels
from ._result import Result

TITLE = {"ja": "LeNet と AlexNet の層ごとのサイズとパラメータ数", "en": "LeNet and AlexNet layer by layer"}


@dataclass(frozen=True)
class Config:
    """Which networks to summarise (names of specs in dl_notes.architectures) and the head comparison."""

    networks: tuple[str, ...] = ("LENET5", "ALEXNET")
    head_units: int = 4096
    seed: int = 0


DEFAULT = Config()
TINY = Config(networks=("LENET5",), head_units=84)


def run(config: Config) -> Result:
    nets, totals, last_maps = {}, {}, {}
    for name in config.networks:
        rows = arch.summarize(getattr(arch, f"{name}_INPUT"), getattr(arch, name))
        key = name.lower()
        nets[key], totals[key] = rows, arch.total_parameters(rows)
        last_maps[key] = next(r["shape"] for r in reversed(rows) if len(r["shape"]) == 3)
        fc = [r["params"] for r in rows if r["kind"] == "fc"]
        conv = [r["params"] for r in rows if r["kind"] == "conv"]
        totals[f"{key}_fc_share"] = sum(fc) / totals[key]
        totals[f"{key}_conv"] = sum(conv)
        totals[f"{key}_fc"] = sum(fc)
    last = last_maps[next(iter(last_maps))] if "alexnet" not in last_maps else last_maps["alexnet"]
    heads = {head: arch.head_parameters(last, config.head_units, head) for head in ("flatten", "gap", "gmp")}
    values = {"networks": list(nets), "layers": nets, "totals": totals, "last_maps": last_maps,
              "head": {"maps": last, "units": config.head_units, "params": heads,
                       "ratio": heads["flatten"] / heads["gap"]}}
    if "alexnet" in nets:
        try:
            arch.summarize((3, 224, 224), arch.ALEXNET)
        except ValueError as error:
            values["alexnet_224_error"] = str(error)
        ungrouped = [(kind, {k: v for k, v in options.items() if k != "groups"}) for kind, options in arch.ALEXNET]
        values["totals"]["alexnet_one_gpu"] = arch.total_parameters(arch.summarize(arch.ALEXNET_INPUT, ungrouped))
    return Result(values=values)


TEXT = {"ja": {"x": "パラメータ数（対数目盛）", "conv": "畳み込み層", "fc": "全結合層"},
        "en": {"x": "parameters (log scale)", "conv": "convolution", "fc": "fully connected"}}


def plot(result: Result, lang: str):
    """Parameters of each layer that has any, per network, coloured by kind."""
    from matplotlib.patches import Patch

    text, v = TEXT[check_lang(lang)], result.values
    with panels(lang, len(v["networks"]), size=(3.3, 3.0)) as (figure, axes):
        for ax, net in zip(axes[0], v["networks"]):
            rows = [r for r in v["layers"][net] if r["params"]]
            ax.barh(range(len(rows)), [r["params"] for r in rows],
                    color=["C0" if r["kind"] == "conv" else "C1" for r in rows])
            ax.set_yticks(range(len(rows)), [r["name"] for r in rows], fontsize="small")
            ax.invert_yaxis()
            ax.set_xscale("log")
            ax.set_xlabel(text["x"])
            ax.set_title({"lenet5": "LeNet-5", "alexnet": "AlexNet"}.get(net, net), fontsize="medium")
        axes[0, -1].legend(handles=[Patch(color="C0", label=text["conv"]), Patch(color="C1", label=text["fc"])],
                           fontsize="small", loc="lower right")
    return figure


FIGURES = {"params": plot}
