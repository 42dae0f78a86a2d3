"""The site pipeline: MkDocs plugins that build DL Notes from ``dl_notes``.

Installed with the project (``pip install -e '.[site]'``, which ``make`` does), registered as
MkDocs plugins by entry points in ``pyproject.toml`` and listed in ``mkdocs.yml``:

- ``dl_notes/experiments`` (`experiments`): results, figures and numbers for the pages, through
  the public API of ``dl_notes.experiments`` only;
- ``dl_notes/notebooks`` (`notebooks`): the jupytext notebooks executed (cached) and published;
- ``dl_notes/math`` (`math_assets`): MathJax served from the installed package;
- ``dl_notes/i18n_fixes`` (`i18n_fixes`), ``dl_notes/search`` (`search`),
  ``dl_notes/japanese_text`` (`japanese_text`): repairs for bilingual pages and Japanese search;
- ``dl_notes/quiz_bank`` (`quiz_bank`): an id on every question, and all of them on one page for practice.

mkdocs-macros loads `macros` (``fmt``, ``figure``, the benchmark tables) and mkdocstrings loads
`griffe_results` (measurements in the API reference) by module name. Nothing here is loaded by
file path, and nothing edits ``sys.path``.
"""
