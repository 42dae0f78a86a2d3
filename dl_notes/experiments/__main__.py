"""Command line: ``python -m dl_notes.experiments list | run NAME... | run --all | figures``."""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import UnknownExperiment, ensure, get, names, summary
from ._figures import render
from ._plotting import LANGS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dl_notes.experiments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the experiments")
    run = commands.add_parser("run", help="run experiments (served from the cache when fresh)")
    run.add_argument("names", nargs="*", metavar="NAME")
    run.add_argument("--all", action="store_true", help="run every experiment")
    run.add_argument("--force", action="store_true", help="ignore the cache and run again")
    run.add_argument("--tiny", action="store_true", help="use the TINY configuration (for checks)")
    run.add_argument("--jobs", type=int, default=1, help="experiments run in parallel (default 1)")
    run.add_argument("--figures", type=Path, metavar="DIR", help="also draw the figures into DIR/<lang>/")
    return parser


def _ensure(name: str, force: bool, tiny: bool):
    return ensure(name, force=force, tiny=tiny)


def run_many(selected: list[str], force: bool = False, tiny: bool = False, jobs: int = 1, figures: Path | None = None, out=sys.stderr):
    """Run ``selected`` experiments with a progress bar; return their outcomes in order."""
    from tqdm import tqdm

    start = time.perf_counter()
    bar = dict(desc="experiments", unit="exp", total=len(selected), file=out, leave=False)
    if jobs == 1:
        outcomes = [ensure(name, force=force, tiny=tiny) for name in tqdm(selected, **bar)]
    else:
        with ProcessPoolExecutor(jobs) as pool:
            results = pool.map(_ensure, selected, [force] * len(selected), [tiny] * len(selected))
            outcomes = list(tqdm(results, **bar))
    for outcome in outcomes:
        if figures is not None:
            for lang in LANGS:
                render(get(outcome.name), outcome.name, outcome.result, lang, figures)
        seconds = outcome.result.meta["seconds"]
        status = f"ran in {seconds:.2f} s" if outcome.ran else f"cached (ran in {seconds:.2f} s when computed)"
        print(f"{outcome.name}: {status}" + ("" if outcome.reason in ("cached", "not cached") else f" [{outcome.reason}]"), file=out)
    ran = sum(o.ran for o in outcomes)
    print(f"experiments: {ran} run, {len(outcomes) - ran} from cache, {time.perf_counter() - start:.2f} s", file=out)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "list":
        for name in names():
            print(f"{name:28} {summary(get(name))}")
        return 0
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, got {args.jobs}")
    if args.all == bool(args.names):
        parser.error("give experiment names or --all (not both); see `list` for the names")
    selected = names() if args.all else args.names
    try:
        for name in selected:
            get(name)
    except UnknownExperiment as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    run_many(selected, force=args.force, tiny=args.tiny, jobs=args.jobs, figures=args.figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
