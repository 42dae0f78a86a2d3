"""Running experiments: one through the cache (`ensure`), or many in worker processes (`run_many`)."""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dl_notes.parallel import one_blas_thread

from . import _cache
from ._cache import Cache, CorruptEntry, key_inputs
from ._figures import render, stale
from ._plotting import LANGS
from ._registry import get
from ._result import Result


@dataclass
class Outcome:
    """What `ensure` did: the result, whether it ran, and why; ``drawn`` lists the figures that
    `run_many` drew anew."""

    name: str
    result: Result
    ran: bool
    reason: str
    drawn: list[str] = field(default_factory=list)

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
    module, config, key = _keyed(name, config, tiny)
    cache = Cache(cache_dir)
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
    with one_blas_thread():
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
    if _cache.cache_key(key_inputs(name, module, config)) != key:
        # A source changed while it ran: the result may come from the old code, so it must not be
        # stored under either key. It is returned, and the next run computes it again.
        return Outcome(name, result, ran=True, reason="sources changed while it ran; not cached")
    cache.store(name, key, result)
    return Outcome(name, result, ran=True, reason=reason)


def _keyed(name: str, config: Any, tiny: bool) -> tuple[Any, Any, str]:
    """The module of experiment ``name``, the config to run (``DEFAULT`` or ``TINY`` for None), its cache key."""
    module = get(name)
    if config is None:
        config = module.TINY if tiny else module.DEFAULT
    if not isinstance(config, module.Config):
        raise TypeError(f"config for {name!r} must be a {module.__name__}.Config, got {type(config).__name__}")
    return module, config, _cache.cache_key(key_inputs(name, module, config))


def load(name: str, config: Any = None, **kwargs: Any) -> Result:
    """The result of experiment ``name`` (see `ensure` for the arguments)."""
    return ensure(name, config, **kwargs).result


def _ensure_and_draw(name: str, force: bool, tiny: bool, figures: Path | None, langs: tuple[str, ...]) -> Outcome:
    """One experiment, as a worker runs it: the result through the cache, then its stale figures."""
    outcome = ensure(name, force=force, tiny=tiny)
    if figures is not None:
        for lang in langs:
            outcome.drawn += render(get(name), name, outcome.result, lang, figures)
    return outcome


def run_many(
    selected: list[str],
    *,
    force: bool = False,
    tiny: bool = False,
    jobs: int = 1,
    figures: Path | None = None,
    langs: tuple[str, ...] = LANGS,
    out: TextIO | None = sys.stderr,
) -> list[Outcome]:
    """Run ``selected`` experiments (and draw their figures into ``figures/<lang>/`` if given).

    With ``jobs > 1`` they run in that many worker processes, each with one BLAS thread; the
    results and figures are the same bytes as one by one. Progress and a summary, with the
    slowest experiments, go to ``out`` (None: silent). Returns the outcomes in ``selected`` order.
    """
    start = time.perf_counter()
    done = {} if force else {name: o for name in selected if (o := _done_already(name, tiny, figures, langs))}
    # Longest first (by the last recorded run time), so that no worker is left with a long
    # experiment at the end while the others wait.
    todo = sorted((name for name in selected if name not in done), key=lambda n: -Cache().last_seconds(n))
    args = [(name, force, tiny, figures, langs) for name in todo]
    jobs = max(1, min(jobs, len(args)))
    if jobs == 1:
        fresh = [_ensure_and_draw(*a) for a in _progress(args, len(args), out)]
    else:
        # spawn, not fork: a forked child of a threaded process (mkdocs serve) can deadlock, and
        # a spawned one imports the current sources, never the ones the parent imported.
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            fresh = list(_progress(pool.map(_ensure_and_draw, *zip(*args)), len(args), out))
    done.update((o.name, o) for o in fresh)
    outcomes = [done[name] for name in selected]
    if out is not None:
        _report(outcomes, time.perf_counter() - start, out)
    return outcomes


def _done_already(name: str, tiny: bool, figures: Path | None, langs: tuple[str, ...]) -> Outcome | None:
    """The outcome of ``name`` if its result is cached and its figures are drawn, else None (the
    work, or the report of a damaged entry, is left to the worker)."""
    module, _, key = _keyed(name, None, tiny)
    try:
        result = Cache().load(name, key)
    except CorruptEntry:
        return None
    if result is None or (figures is not None and any(stale(module, name, result, lang, figures) for lang in langs)):
        return None
    return Outcome(name, result, ran=False, reason="cached")


def _progress(items, total: int, out: TextIO | None):
    if out is None:
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    return tqdm(items, desc="experiments", unit="exp", total=total, file=out, leave=False)


def _report(outcomes: list[Outcome], seconds: float, out: TextIO) -> None:
    for outcome in outcomes:
        took = outcome.result.meta["seconds"]
        status = f"ran in {took:.2f} s" if outcome.ran else f"cached (ran in {took:.2f} s when computed)"
        note = "" if outcome.reason in ("cached", "not cached") else f" [{outcome.reason}]"
        drawn = f", {len(outcome.drawn)} figures drawn" if outcome.drawn else ""
        print(f"{outcome.name}: {status}{drawn}{note}", file=out)
    ran = [o for o in outcomes if o.ran]
    print(f"experiments: {len(ran)} run, {len(outcomes) - len(ran)} from cache, {seconds:.2f} s", file=out)
    if ran:
        slowest = sorted(ran, key=lambda o: -o.result.meta["seconds"])[:5]
        print("slowest experiments: " + ", ".join(f"{o.name} {o.result.meta['seconds']:.1f} s" for o in slowest), file=out)
