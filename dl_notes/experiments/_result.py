"""The value an experiment's ``run`` returns, and how it is stored in the cache."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Result:
    """What an experiment measured: named arrays plus JSON-able values for the pages.

    ``arrays`` feed the figures; ``values`` (numbers, strings, nested dicts and lists of them)
    are what pages quote as ``{{ results.<experiment>.<key> }}``. ``meta`` is filled by the
    runner (seed, seconds, cache key), never by ``run``.

    Examples
    --------
    >>> r = Result(arrays={"x": np.arange(3.0)}, values={"best": 0.5})
    >>> r.values["best"], r.arrays["x"].shape
    (0.5, (3,))
    """

    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, array in self.arrays.items():
            if not isinstance(array, np.ndarray):
                raise TypeError(f"Result.arrays[{name!r}] must be a numpy array, got {type(array).__name__}")
        _check_json_able(self.values, "Result.values")


def _check_json_able(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} keys must be str, got {key!r}")
            _check_json_able(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_json_able(item, f"{where}[{i}]")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} = {value} is not finite; store None or a string instead")
    elif not (value is None or isinstance(value, (bool, int, str))):
        raise TypeError(
            f"{where} must hold only numbers, strings, lists and dicts, got {type(value).__name__}; "
            "convert NumPy scalars with float() or int()"
        )


def dumps_values(values: dict[str, Any]) -> str:
    """JSON text of ``values``, stable across runs (sorted keys)."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False, indent=1)
