"""Find the experiment modules: every public module of this package is one experiment."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from types import ModuleType

import dl_notes.experiments as _package

from ._plotting import LANGS

REQUIRED = ("TITLE", "Config", "DEFAULT", "TINY", "run", "FIGURES")


class ContractError(TypeError):
    """An experiment module that does not follow the contract of ``dl_notes/experiments/__init__.py``."""


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
    check_contract(module)
    return module


def check_contract(module: ModuleType) -> None:
    """Raise `ContractError` naming what ``module`` lacks to be an experiment.

    >>> check_contract(ModuleType("dl_notes.experiments.empty"))
    Traceback (most recent call last):
    ...
    dl_notes.experiments._registry.ContractError: experiment dl_notes.experiments.empty lacks TITLE, Config, DEFAULT, TINY, run, FIGURES (see dl_notes/experiments/__init__.py)
    """
    where = f"experiment {module.__name__}"
    missing = [attr for attr in REQUIRED if not hasattr(module, attr)]
    if missing:
        raise ContractError(f"{where} lacks {', '.join(missing)} (see dl_notes/experiments/__init__.py)")
    if not isinstance(module.TITLE, dict) or set(module.TITLE) != set(LANGS):
        raise ContractError(f"{where}: TITLE must be a dict with one title per language {LANGS}, got {module.TITLE!r}")
    config = module.Config
    if not (dataclasses.is_dataclass(config) and config.__dataclass_params__.frozen):
        raise ContractError(f"{where}: Config must be a frozen dataclass (@dataclass(frozen=True))")
    if "seed" not in {f.name for f in dataclasses.fields(config)}:
        raise ContractError(f"{where}: Config needs a `seed` field (experiments are seeded)")
    for attr in ("DEFAULT", "TINY"):
        if not isinstance(getattr(module, attr), config):
            raise ContractError(f"{where}: {attr} must be a Config, got {type(getattr(module, attr)).__name__}")
    if not callable(module.run):
        raise ContractError(f"{where}: run must be a function run(config) -> Result")
    figures = module.FIGURES
    if not isinstance(figures, dict) or not figures or not all(callable(plot) for plot in figures.values()):
        raise ContractError(f"{where}: FIGURES must be a non-empty dict {{name: plot(result, lang)}}")


def summary(module: ModuleType) -> str:
    """First line of the module docstring."""
    return (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
