"""The site pipeline: MkDocs plugins that build DL Notes from ``dl_notes``.

Installed with the project (``pip install -e '.[site]'``, which ``make`` does), registered as
MkDocs plugins by entry points in ``pyproject.toml`` and listed in ``mkdocs.yml``:

- ``dl_notes/experiments`` (`experiments`): results, figures and numbers for the pages, through
  the public API of ``dl_notes.experiments`` only;
- ``dl_notes/notebooks`` (`notebooks`): the jupytext notebooks executed (cached) and published;
- ``dl_notes/math`` (`math_assets`): MathJax served from the installed package;
- ``dl_notes/i18n_fixes`` (`i18n_fixes`), ``dl_notes/search`` (`search`),
  ``dl_notes/japanese_text`` (`japanese_text`): repairs for bilingual pages and Japanese search;
- ``dl_notes/notebook_links`` (`notebook_links`): each chapter links its notebooks, each notebook its chapter;
- ``dl_notes/quiz_bank`` (`quiz_bank`): an id on every question, and all of them on one page for practice;
- ``dl_notes/tooltips`` (`tooltips`): a glossary term's definition on its first use in a page;
- ``dl_notes/translations`` (`translations`): each section of a page compared with its twin's
  record in ``docs/data/translations.yml``; a notice to readers where a translation lags;
- ``dl_notes/offline`` (`offline`): the site and each language's notebooks as downloadable
  archives, the site's made to work from ``file://``, search included.

mkdocs-macros loads `macros` (``fmt``, ``figure``, the benchmark tables, the course map's tables
from `course_map`) and mkdocstrings loads
`griffe_results` (measurements in the API reference) by module name. Nothing here is loaded by
file path, and nothing edits ``sys.path``.
"""
