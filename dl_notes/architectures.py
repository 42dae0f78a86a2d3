r"""Classic CNNs layer by layer: output shapes and parameter counts, computed, not typed.

A network is described as a list of layer specifications (``("conv", {...})``, ``("pool",
{...})``, ...); `summarize` walks it from the input shape, computing each output size with
`dl_notes.conv.conv_output_size` with ``strict=True`` (so a geometry that does not divide is an
error, where the layers would round it down: a table of a published network should not hide a
mismatch) and each parameter count from the formulas

$$
\#W_\text{conv} = FN \cdot \frac{C}{g} \cdot FH \cdot FW + FN, \qquad
\#W_\text{fc} = n_\text{in} \cdot n_\text{out} + n_\text{out}
$$

($g$ the number of groups: AlexNet split some layers between two GPUs). Pooling, ReLU, LRN,
dropout and flatten have no parameters.

`LENET5` and `ALEXNET` are the two networks of the page "AlexNet and later CNNs".
"""

from __future__ import annotations

from typing import Any, Sequence

from ._checks import count, one_of
from .conv import conv_output_size

__all__ = ["summarize", "total_parameters", "head_parameters", "LENET5", "ALEXNET"]

KINDS = ("conv", "pool", "lrn", "flatten", "fc", "gap", "gmp", "dropout")

#: LeNet-5 (LeCun et al., 1998) with two simplifications everyone makes today: every C3 map
#: sees all six S2 maps (the paper connects each to a subset), and subsampling has no weights
#: (the paper's has a trainable coefficient and bias per map).
LENET5: tuple[tuple[str, dict[str, Any]], ...] = (
    ("conv", {"name": "C1", "filters": 6, "size": 5}),
    ("pool", {"name": "S2", "size": 2, "stride": 2, "mode": "avg"}),
    ("conv", {"name": "C3", "filters": 16, "size": 5}),
    ("pool", {"name": "S4", "size": 2, "stride": 2, "mode": "avg"}),
    ("conv", {"name": "C5", "filters": 120, "size": 5}),
    ("flatten", {"name": "flatten"}),
    ("fc", {"name": "F6", "units": 84}),
    ("fc", {"name": "output", "units": 10}),
)
LENET5_INPUT = (1, 32, 32)

#: AlexNet (Krizhevsky, Sutskever & Hinton, 2012) as in the paper, including the two-GPU split
#: (``groups=2``: conv2, conv4 and conv5 see only the maps on their own GPU). Its input is
#: 227x227: the paper's "224x224" does not fit an 11x11 filter at stride 4.
ALEXNET: tuple[tuple[str, dict[str, Any]], ...] = (
    ("conv", {"name": "conv1", "filters": 96, "size": 11, "stride": 4}),
    ("lrn", {"name": "LRN1"}),
    ("pool", {"name": "pool1", "size": 3, "stride": 2}),
    ("conv", {"name": "conv2", "filters": 256, "size": 5, "pad": 2, "groups": 2}),
    ("lrn", {"name": "LRN2"}),
    ("pool", {"name": "pool2", "size": 3, "stride": 2}),
    ("conv", {"name": "conv3", "filters": 384, "size": 3, "pad": 1}),
    ("conv", {"name": "conv4", "filters": 384, "size": 3, "pad": 1, "groups": 2}),
    ("conv", {"name": "conv5", "filters": 256, "size": 3, "pad": 1, "groups": 2}),
    ("pool", {"name": "pool5", "size": 3, "stride": 2}),
    ("flatten", {"name": "flatten"}),
    ("fc", {"name": "fc6", "units": 4096}),
    ("dropout", {"name": "dropout6"}),
    ("fc", {"name": "fc7", "units": 4096}),
    ("dropout", {"name": "dropout7"}),
    ("fc", {"name": "fc8", "units": 1000}),
)
ALEXNET_INPUT = (3, 227, 227)


def summarize(input_shape: Sequence[int], spec: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    r"""Each layer's output shape and parameter count, from the input shape onwards.

    Convolution and pooling sizes follow
    $O = \frac{H + 2P - F}{S} + 1$ (`dl_notes.conv.conv_output_size`); a convolution with
    $FN$ filters of size $F \times F$ over $C$ channels in $g$ groups has
    $FN \cdot (C/g) \cdot F^2$ weights and $FN$ biases, a fully connected layer
    $n_\text{in} n_\text{out} + n_\text{out}$.

    Parameters
    ----------
    input_shape : (C, H, W)
    spec : sequence of (kind, options)
        ``kind`` is one of ``conv`` (``filters``, ``size``, ``stride=1``, ``pad=0``,
        ``groups=1``), ``pool`` (``size``, ``stride=size``, ``pad=0``, ``mode='max'``), ``lrn``,
        ``dropout``, ``flatten``, ``gap`` / ``gmp`` (global average / max pooling) or ``fc``
        (``units``); every options dict may carry a ``name``.

    Returns
    -------
    list of dict
        One row per layer, the input first: ``name``, ``kind``, ``shape`` (a list: (C, H, W)
        or (n,)), ``params`` (int), ``filter`` (e.g. ``"11x11/4"`` for conv and pool, else
        ``""``) and ``mode`` (``"max"`` or ``"avg"`` for pool, else ``""``).

    Raises
    ------
    ValueError
        For an unknown kind, a geometry that does not fit (the message of
        `conv_output_size`), channels not divisible by ``groups``, or a 1-D input to a
        layer that needs maps.

    Examples
    --------
    >>> rows = summarize((1, 28, 28), [("conv", {"filters": 30, "size": 5}),
    ...                                ("pool", {"size": 2}), ("flatten", {}), ("fc", {"units": 100})])
    >>> [(r["kind"], r["shape"], r["params"]) for r in rows]
    [('input', [1, 28, 28], 0), ('conv', [30, 24, 24], 780), ('pool', [30, 12, 12], 0), ('flatten', [4320], 0), ('fc', [100], 432100)]
    >>> summarize((3, 224, 224), ALEXNET)
    Traceback (most recent call last):
    ...
    ValueError: conv1: conv_output_size: (input_size + 2*pad - filter_size) = 213 is not divisible by stride = 4 (strict=True); use filter_size=12, or strict=False to round down to 54 windows
    """
    shape = [count(f"input_shape[{i}]", n) for i, n in enumerate(input_shape)]
    rows: list[dict[str, Any]] = [{"name": "input", "kind": "input", "shape": list(shape), "params": 0,
                                   "filter": "", "mode": ""}]
    for i, (kind, options) in enumerate(spec):
        kind = one_of("kind", kind, KINDS)
        name = options.get("name", f"{kind}{i + 1}")
        row: dict[str, Any] = {"name": name, "kind": kind, "params": 0, "filter": "", "mode": ""}
        if kind in ("conv", "pool", "lrn", "gap", "gmp") and len(shape) != 3:
            raise ValueError(f"{name}: a {kind} layer needs (C, H, W) maps, got shape {tuple(shape)}")
        try:
            if kind == "conv":
                C, H, W = shape
                FN, F = count("filters", options["filters"]), count("size", options["size"])
                S, P = options.get("stride", 1), options.get("pad", 0)
                g = count("groups", options.get("groups", 1))
                if C % g or FN % g:
                    raise ValueError(f"groups = {g} must divide the {C} input channels and the {FN} filters")
                shape = [FN, *(conv_output_size(n, F, S, P, strict=True) for n in (H, W))]
                row["params"] = FN * (C // g) * F * F + FN
                row["filter"] = f"{F}x{F}/{S}" + (f", pad {P}" if P else "")
            elif kind == "pool":
                C, H, W = shape
                F = count("size", options["size"])
                S, P = options.get("stride", F), options.get("pad", 0)
                shape = [C, *(conv_output_size(n, F, S, P, strict=True) for n in (H, W))]
                row["filter"] = f"{F}x{F}/{S}" + (f", pad {P}" if P else "")
                row["mode"] = options.get("mode", "max")
            elif kind in ("gap", "gmp"):
                shape = [shape[0]]
            elif kind == "flatten":
                n = 1
                for d in shape:
                    n *= d
                shape = [n]
            elif kind == "fc":
                units = count("units", options["units"])
                n_in = 1
                for d in shape:
                    n_in *= d
                row["params"] = n_in * units + units
                shape = [units]
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
        row["shape"] = list(shape)
        rows.append(row)
    return rows


def total_parameters(rows: Sequence[dict[str, Any]]) -> int:
    """The sum of the ``params`` of `summarize`'s rows.

    Examples
    --------
    >>> total_parameters(summarize(LENET5_INPUT, LENET5))
    61706
    """
    return sum(int(row["params"]) for row in rows)


def head_parameters(maps: Sequence[int], units: int, head: str = "flatten") -> int:
    r"""Parameters of the first fully connected layer after (C, H, W) maps, by how they are reduced.

    Flatten passes all $C \cdot H \cdot W$ values to the layer; global average or max pooling
    passes one per channel:

    $$
    \#W_\text{flatten} = C H W \cdot n + n, \qquad \#W_\text{global} = C \cdot n + n
    $$

    Parameters
    ----------
    maps : (C, H, W)
    units : int
        $n$, the width of the fully connected layer.
    head : {"flatten", "gap", "gmp"}, default "flatten"

    Returns
    -------
    int

    Examples
    --------
    >>> head_parameters((256, 6, 6), 4096), head_parameters((256, 6, 6), 4096, "gap")
    (37752832, 1052672)
    """
    head = one_of("head", head, ("flatten", "gap", "gmp"))
    return summarize(maps, [(head, {}), ("fc", {"units": units})])[-1]["params"]
