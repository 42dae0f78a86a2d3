"""MkDocs plugin ``dl_notes/math``: serve MathJax from the site itself.

The files come from the PyPI package ``django-static-mathjax`` (MathJax 3.2.2, import name
``mathjax``), installed by ``make``; nothing third-party is committed and no CDN is used.
``docs/javascripts/mathjax-config.js`` configures it; ``mkdocs.yml`` lists both scripts.
"""

from __future__ import annotations

from pathlib import Path

import mathjax
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
# The components docs/javascripts/mathjax-config.js loads, the web fonts of the CHTML output,
# and the TeX extensions that input/tex loads on demand (autoload).
PATTERNS = [
    "startup.js", "core.js", "input/tex.js", "output/chtml.js", "output/chtml/fonts/tex.js", "a11y/assistive-mml.js",
    "output/chtml/fonts/woff-v2/*.woff", "input/tex/extensions/*.js",
]
TARGET = "assets/mathjax"


@event_priority(-300)  # after mkdocs-static-i18n, which would otherwise copy them per language
def on_files(files, config):
    if not ES5.is_dir():
        raise FileNotFoundError(f"MathJax files not found at {ES5}: is django-static-mathjax installed?")
    for pattern in PATTERNS:
        for path in sorted(ES5.glob(pattern)):
            uri = f"{TARGET}/{path.relative_to(ES5).as_posix()}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


class Plugin(BasePlugin):
    """MathJax's files, copied from the installed package into the site."""

    on_files = staticmethod(on_files)
