"""Shared look of the experiment figures: fonts per language, colours, deterministic output.

The library never imports matplotlib; only the ``plot`` functions of experiments do, through
`figure`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

LANGS = ("ja", "en")

# Settings read when a figure is saved (not when it is drawn), so _figures.py applies them again.
SAVE_RC = {
    "svg.hashsalt": "dl-notes",  # stable element ids, so identical figures are identical bytes
    "svg.fonttype": "path",  # text as paths: no font needed in the browser
}

# One colour per optimizer/method so the same thing looks the same on every page.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a site language, else raise ``ValueError``.

    >>> check_lang("ja")
    'ja'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


@contextmanager
def style(lang: str) -> Iterator[None]:
    """Matplotlib settings for one figure in ``lang``: a Japanese font for ``ja``, fixed SVG ids.

    Text objects take their font when they are created, so create the whole figure inside.
    """
    import matplotlib

    import matplotlib.pyplot as plt

    check_lang(lang)
    family = ["DejaVu Sans"]
    if lang == "ja":
        import matplotlib_fontja  # noqa: F401  (registers IPAexGothic with matplotlib)

        family = ["IPAexGothic", "DejaVu Sans"]
    rc = {
        **SAVE_RC,
        "font.family": family,
        "axes.unicode_minus": False,  # IPAexGothic has no U+2212 minus sign
        "figure.dpi": 100,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    }
    with plt.rc_context(rc):
        yield


def show(figure) -> None:
    """Display ``figure`` in a notebook and close it.

    Notebooks call this instead of relying on the inline backend's automatic display, which
    showed only the first figure of a notebook whose figures are drawn inside `style`.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(figure)
    plt.close(figure)
