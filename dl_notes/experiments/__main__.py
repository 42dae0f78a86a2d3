"""Command line: ``python -m dl_notes.experiments list | run NAME... | run --all [--jobs N] [--figures DIR]``.

Everything a run needs is checked before any work starts (the optional packages, the data
source, the figures folder), and a problem is reported with its fix, never as a traceback
after minutes of computing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from . import LANGS, UnknownExperiment, get, names, run_many, summary

EXTRA = "pip install -e '.[experiments]'  (or: make experiments, which installs everything)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dl_notes.experiments", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the experiments")
    run = commands.add_parser("run", help="run experiments (served from the cache when fresh)")
    run.add_argument("names", nargs="*", metavar="NAME")
    run.add_argument("--all", action="store_true", help="run every experiment")
    run.add_argument("--force", action="store_true", help="ignore the cache and run again")
    run.add_argument("--tiny", action="store_true", help="use the TINY configuration (for checks)")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                     help="experiments run in parallel worker processes (default: one per CPU)")
    run.add_argument("--figures", type=Path, metavar="DIR", help="also draw the figures into DIR/<lang>/")
    return parser


def problems(figures: Path | None, needs: tuple[str, ...]) -> list[str]:
    """What stops a run before it starts, each with its fix (empty when all is well)."""
    found = [f"the package {package!r} is missing; install the experiments extra: {EXTRA}"
             for package in needs if importlib.util.find_spec(package) is None]
    if figures is not None:
        try:
            figures.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=figures).close()
        except OSError as exc:
            found.append(f"--figures {figures}: cannot write there ({exc.strerror or exc}); choose a folder you can write to")
    return found


def _experiments_importable() -> str | None:
    """The error that importing the experiments raises (e.g. a bad DL_NOTES_MNIST), if any."""
    try:
        for name in names():
            get(name)
    except (ValueError, ImportError, OSError) as exc:
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if error := _experiments_importable():
        parser.exit(2, f"{parser.prog}: error: {error}\n")
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
    needs = ("tqdm", "threadpoolctl") + (("matplotlib", "matplotlib_fontja") if args.figures else ())
    if found := problems(args.figures, needs):
        parser.exit(2, "".join(f"{parser.prog}: error: {problem}\n" for problem in found))
    run_many(selected, force=args.force, tiny=args.tiny, jobs=args.jobs, figures=args.figures, langs=LANGS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
