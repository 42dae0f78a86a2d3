"""Find the experiment modules: every public module of this package is one experiment."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import dl_notes.experiments as _package

REQUIRED = ("TITLE", "Config", "DEFAULT", "TINY", "run", "FIGURES")


class UnknownExperiment(KeyError):
    """Raised for a name that is not an experiment; the message lists the known ones."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]


def names() -> list[str]:
    """Names of all experiments, sorted.

    >>> "optimizer_trajectories" in names()
    True
    """
    return sorted(m.name for m in pkgutil.iter_modules(_package.__path__) if not m.name.startswith("_"))


def get(name: str) -> ModuleType:
    """The experiment module called ``name``, checked against the experiment contract."""
    known = names()
    if name not in known:
        raise UnknownExperiment(f"unknown experiment {name!r}; known experiments: {', '.join(known)}")
    module = importlib.import_module(f"{_package.__name__}.{name}")
    missing = [attr for attr in REQUIRED if not hasattr(module, attr)]
    if missing:
        raise TypeError(f"experiment module {module.__name__} lacks {', '.join(missing)} (see dl_notes/experiments/__init__.py)")
    return module


def summary(module: ModuleType) -> str:
    """First line of the module docstring."""
    return (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
