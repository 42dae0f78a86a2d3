r"""Measured experiments behind the site's figures and numbers.

Every public module of this package is one experiment and follows one contract:

- ``TITLE = {"ja": ..., "en": ...}``: a short title per language;
- ``Config``: a frozen dataclass of JSON-able fields, with a ``seed``; ``DEFAULT`` (the site's
  configuration) and ``TINY`` (runs in well under a second, for tests);
- ``run(config) -> Result``: pure, seeded, no I/O and no plotting;
- ``FIGURES = {"<name>": plot, ...}``: functions ``(result, lang) -> Figure`` with labels in
  ``lang``; a name ending in ``.png`` is saved as PNG, any other as SVG.

Results go through a content-keyed cache (``dl_notes.experiments._cache``), so asking twice
runs once. This module is the pipeline's one public API: the CLI and the site's MkDocs plugins
(``dl_notes_site``) use only the names in ``__all__``. From the shell::

    python -m dl_notes.experiments list
    python -m dl_notes.experiments run optimizer_trajectories
    python -m dl_notes.experiments run --all --force --jobs 2

Examples
--------
>>> from dl_notes.experiments import load
>>> result = load("optimizer_trajectories", tiny=True)
>>> sorted(result.values["final_distance"])
['adagrad', 'adam', 'momentum', 'nesterov', 'rmsprop', 'sgd']
"""

from __future__ import annotations

from ._cache import cache_root, fingerprint
from ._figures import figure_filename, figure_paths, prune
from ._plotting import LANGS, show
from ._registry import ContractError, UnknownExperiment, get, names, summary
from ._result import Result
from ._run import Outcome, ensure, load, run_many

__all__ = [
    "LANGS", "Result", "Outcome", "UnknownExperiment", "ContractError",
    "names", "get", "summary", "ensure", "load", "run_many",
    "figure_filename", "figure_paths", "prune", "cache_root", "fingerprint", "show",
]
