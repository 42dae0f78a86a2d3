r"""Measured experiments behind the site's figures and numbers.

Every public module of this package is one experiment and follows one contract:

- ``TITLE = {"ja": ..., "en": ...}``: a short title per language;
- ``Config``: a frozen dataclass of JSON-able fields, with a ``seed``; ``DEFAULT`` (the site's
  configuration) and ``TINY`` (runs in well under a second, for tests);
- ``run(config) -> Result``: pure, seeded, no I/O and no plotting;
- ``FIGURES = {"<name>": plot, ...}``: functions ``(result, lang) -> Figure`` with labels in
  ``lang``; a name ending in ``.png`` is saved as PNG, any other as SVG.

Results go through a content-keyed cache (``dl_notes.experiments._cache``), so asking twice
runs once. From the shell::

    python -m dl_notes.experiments list
    python -m dl_notes.experiments run optimizer_trajectories
    python -m dl_notes.experiments run --all --force

Examples
--------
>>> from dl_notes.experiments import load
>>> result = load("optimizer_trajectories", tiny=True)
>>> sorted(result.values["final_distance"])
['adagrad', 'adam', 'momentum', 'rmsprop', 'sgd']
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ._cache import Cache, CorruptEntry, cache_key, key_inputs
from ._plotting import show
from ._registry import UnknownExperiment, get, names, summary
from ._result import Result

__all__ = ["Result", "UnknownExperiment", "names", "get", "summary", "load", "Outcome", "ensure", "show"]


class Outcome:
    """What `ensure` did: the result, whether it ran, and why."""

    def __init__(self, name: str, result: Result, ran: bool, reason: str) -> None:
        self.name, self.result, self.ran, self.reason = name, result, ran, reason

    def __repr__(self) -> str:
        return f"Outcome({self.name!r}, ran={self.ran}, reason={self.reason!r})"


def ensure(
    name: str,
    config: Any = None,
    *,
    tiny: bool = False,
    force: bool = False,
    cache_dir: str | Path | None = None,
) -> Outcome:
    """Return the result of experiment ``name``, from the cache when it is fresh.

    ``config`` defaults to the module's ``DEFAULT`` (``TINY`` with ``tiny=True``). A corrupt
    cache entry is reported in ``Outcome.reason``, discarded and recomputed.
    """
    module = get(name)
    if config is None:
        config = module.TINY if tiny else module.DEFAULT
    if not isinstance(config, module.Config):
        raise TypeError(f"config for {name!r} must be a {module.__name__}.Config, got {type(config).__name__}")
    cache = Cache(cache_dir)
    key = cache_key(key_inputs(name, module, config))
    reason = "forced" if force else "not cached"
    if not force:
        try:
            cached = cache.load(name, key)
        except CorruptEntry as exc:
            cache.discard(name, key)
            reason = f"corrupt cache entry ({exc}); recomputed"
        else:
            if cached is not None:
                return Outcome(name, cached, ran=False, reason="cached")
    start = time.perf_counter()
    with _one_blas_thread():
        result = module.run(config)
    if not isinstance(result, Result):
        raise TypeError(f"{module.__name__}.run must return a Result, got {type(result).__name__}")
    result.meta = {
        "experiment": name,
        "key": key,
        "seed": getattr(config, "seed", None),
        "seconds": round(time.perf_counter() - start, 3),
        "command": f"python -m dl_notes.experiments run {name}",
        "config": "tiny" if config == module.TINY and tiny else "default" if config == module.DEFAULT else "custom",
    }
    if cache_key(key_inputs(name, module, config)) != key:
        # A source changed while it ran: the result may come from the old code, so it must not be
        # stored under either key. It is returned, and the next run computes it again.
        return Outcome(name, result, ran=True, reason="sources changed while it ran; not cached")
    cache.store(name, key, result)
    return Outcome(name, result, ran=True, reason=reason)


def _one_blas_thread():
    """Experiments train small networks (matrices of a few hundred rows): a second BLAS thread
    gains nothing there, and when the other core is busy OpenBLAS's threads wait on each other,
    measured here at 100x slower per product. One thread per experiment keeps run times steady
    (and two experiments can share two cores)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an optional speed-up, not a requirement of the library
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def load(name: str, config: Any = None, **kwargs: Any) -> Result:
    """The result of experiment ``name`` (see `ensure` for the arguments)."""
    return ensure(name, config, **kwargs).result
