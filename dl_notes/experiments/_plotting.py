"""Shared look and words of the experiment figures: fonts per language, colours, panel grids,
labels used by several experiments, deterministic output.

The library never imports matplotlib; only the ``plot`` functions of experiments do, inside
`style` (or `panels`, which enters it). This module imports nothing from the library either, so
an experiment that needs only figures does not depend on the data or training code.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

LANGS = ("ja", "en")

# Settings read when a figure is saved (not when it is drawn), so _figures.py applies them again.
SAVE_RC = {
    "svg.hashsalt": "dl-notes",  # stable element ids, so identical figures are identical bytes
    "svg.fonttype": "path",  # text as paths: no font needed in the browser
}

# One colour per optimizer/method so the same thing looks the same on every page.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


# Names of activations and initialisations as every figure and table shows them, per language:
# the glossary's terms in Japanese (シグモイド関数, 正規分布, 標準偏差), full-width brackets there.
ACT_NAMES = {
    "ja": {"sigmoid": "シグモイド関数", "relu": "ReLU", "tanh": "tanh"},
    "en": {"sigmoid": "sigmoid", "relu": "ReLU", "tanh": "tanh"},
}
INIT_NAMES = {
    "ja": {"std0.01": "正規分布（標準偏差 0.01）", "xavier": "Xavier", "he": "He"},
    "en": {"std0.01": "Gaussian (std 0.01)", "xavier": "Xavier", "he": "He"},
}
STD = {"ja": "標準偏差 {s}", "en": "std {s}"}


def std_label(s: Any, lang: str) -> str:
    """``std 0.1`` in English, ``標準偏差 0.1`` in Japanese: a standard deviation as labels write it.

    >>> std_label(0.1, "en"), std_label("0.01", "ja")
    ('std 0.1', '標準偏差 0.01')
    """
    return STD[check_lang(lang)].format(s=s)


# Axis and legend words that several experiments share; `texts` adds an experiment's own.
LABELS = {
    "ja": {"iteration": "イテレーション", "acc": "正解率", "test_acc": "テストデータの正解率",
           "train": "訓練データ", "test": "テストデータ", "val": "検証データ",
           "lr_axis": "学習率（対数目盛）", "dropout": "ドロップアウト {r:g}"},
    "en": {"iteration": "iteration", "acc": "accuracy", "test_acc": "test accuracy",
           "train": "training data", "test": "test data", "val": "validation data",
           "lr_axis": "learning rate (log scale)", "dropout": "dropout {r:g}"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a site language, else raise ``ValueError``.

    >>> check_lang("ja")
    'ja'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def texts(ja: dict[str, str], en: dict[str, str]) -> dict[str, dict[str, str]]:
    """An experiment's figure texts per language: the shared `LABELS` and its own (which win).

    Both languages must name the same keys, so that no label exists in one language only.

    Parameters
    ----------
    ja, en : dict of str to str
        The experiment's own texts in Japanese and in English.

    Returns
    -------
    dict
        ``{"ja": {...}, "en": {...}}``, each with every key of `LABELS` as well.

    Raises
    ------
    ValueError
        If ``ja`` and ``en`` do not have the same keys.

    Examples
    --------
    >>> text = texts(ja={"x": "入力"}, en={"x": "input"})
    >>> text["en"]["x"], text["ja"]["iteration"]
    ('input', 'イテレーション')
    >>> texts(ja={"x": "入力"}, en={})
    Traceback (most recent call last):
    ...
    ValueError: texts: ja and en must have the same keys; only in ja: ['x'], only in en: []
    """
    if set(ja) != set(en):
        raise ValueError(f"texts: ja and en must have the same keys; only in ja: {sorted(set(ja) - set(en))}, "
                         f"only in en: {sorted(set(en) - set(ja))}")
    return {"ja": {**LABELS["ja"], **ja}, "en": {**LABELS["en"], **en}}


def note(label: str, remark: str, lang: str) -> str:
    """``label (remark)``, with the full-width parentheses Japanese text uses.

    >>> note("Adam", "test data", "en"), note("Adam", "テストデータ", "ja")
    ('Adam (test data)', 'Adam（テストデータ）')
    """
    return f"{label}（{remark}）" if check_lang(lang) == "ja" else f"{label} ({remark})"


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


@contextmanager
def panels(lang: str, count: int = 1, cols: int | None = None, *, size: tuple[float, float],
           **subplots: Any) -> Iterator[tuple[Any, Any]]:
    """A figure of ``count`` panels in rows of ``cols``, drawn in `style` ``(lang)``.

    Yields ``(figure, axes)``; ``axes`` is always 2-D (rows, cols), and the panels after the
    first ``count`` are hidden. Draw the whole figure inside the ``with`` block: text takes its
    font when it is created.

    Parameters
    ----------
    lang : str
        ``'ja'`` or ``'en'``.
    count : int, default 1
        How many panels are used.
    cols : int or None, default None
        Panels per row; None puts all ``count`` in one row.
    size : (float, float)
        Width and height of one panel, in inches.
    **subplots
        Passed on to ``matplotlib.pyplot.subplots`` (``sharex``, ``sharey``, ...).

    Raises
    ------
    ValueError
        If ``count`` or ``cols`` is not a positive integer.

    Examples
    --------
    >>> with panels("en", 5, 2, size=(2.0, 1.5), sharey=True) as (figure, axes):
    ...     figure.get_size_inches().tolist(), axes.shape, axes[2, 1].get_visible()
    ([4.0, 4.5], (3, 2), False)
    >>> import matplotlib.pyplot as plt; plt.close(figure)
    """
    import matplotlib.pyplot as plt

    cols = count if cols is None else cols
    for name, value in (("count", count), ("cols", cols)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"panels: {name} must be a positive integer, got {value!r}")
    rows = -(-count // cols)
    with style(lang):
        figure, axes = plt.subplots(rows, cols, figsize=(size[0] * cols, size[1] * rows), layout="constrained",
                                    squeeze=False, **subplots)
        for ax in axes.flat[count:]:
            ax.set_visible(False)
        try:
            yield figure, axes
        except BaseException:
            plt.close(figure)
            raise


def label_edges(axes, xlabel: str, ylabel: str) -> None:
    """Put ``xlabel`` under the bottom row of ``axes`` (2-D) and ``ylabel`` left of its first column.

    >>> with panels("en", 4, 2, size=(2.0, 1.5)) as (figure, axes):
    ...     label_edges(axes, "x", "y")
    ...     [ax.get_xlabel() + ax.get_ylabel() or "-" for ax in axes.flat]
    ['y', '-', 'xy', 'x']
    >>> import matplotlib.pyplot as plt; plt.close(figure)
    """
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)


def show(figure) -> None:
    """Display ``figure`` in a notebook and close it.

    Notebooks call this instead of relying on the inline backend's automatic display, which
    showed only the first figure of a notebook whose figures are drawn inside `style`.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(figure)
    plt.close(figure)


# Arrow (dx, dy) per grid-world action, in the order of dl_notes.gridworld.ACTIONS (up, right,
# down, left), for an image whose row 0 is drawn at the top.
GRID_ARROWS = ((0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0))


def grid_policy(ax, layout, values, actions, *, vmin: float, vmax: float, marks: dict[str, str],
                highlight=None, cmap: str = "viridis"):
    """Draw a grid world: ``values`` as colours, an arrow per ``actions`` cell, the map's letters.

    ``layout`` is the map (strings; ``#`` walls are drawn grey), ``values`` a (rows, columns) float
    array (NaN on walls), ``actions`` a (rows, columns) int array of action indices (-1: no arrow),
    ``marks`` the label drawn on ``S``, ``G`` and ``H`` cells, ``highlight`` an optional (rows,
    columns) bool array of cells to outline in red. Returns the image (for a colour bar).

    >>> import numpy as np, matplotlib.pyplot as plt
    >>> with panels("en", size=(2.0, 2.0)) as (figure, axes):
    ...     image = grid_policy(axes[0, 0], ["S.G"], np.array([[0.8, 0.9, 0.0]]), np.array([[1, 1, -1]]),
    ...                         vmin=0, vmax=1, marks={"S": "S", "G": "G", "H": "H"})
    ...     len(axes[0, 0].patches) + len(axes[0, 0].texts)
    4
    >>> plt.close(figure)
    """
    import numpy as np
    from matplotlib.patches import FancyArrow, Rectangle

    rows, cols = len(layout), len(layout[0])
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax)
    for i in range(rows):
        for j in range(cols):
            kind = layout[i][j]
            if kind == "#":
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color="#888888"))
                continue
            arrow = actions[i, j] >= 0
            if kind in marks:   # centred on a terminal cell, in the corner of one with an arrow
                ax.text(j - 0.3 * arrow, i + 0.3 * arrow, marks[kind], ha="center", va="center", fontsize="small",
                        color="white", bbox={"boxstyle": "round,pad=0.15", "fc": "black", "alpha": 0.6, "lw": 0})
            if arrow:
                dx, dy = GRID_ARROWS[actions[i, j]]
                ax.add_patch(FancyArrow(j - 0.22 * dx, i + 0.1 - 0.22 * dy, 0.44 * dx, 0.44 * dy, width=0.06,
                                        head_width=0.22, head_length=0.16, length_includes_head=True, color="white",
                                        ec="black", lw=0.6))
            if highlight is not None and highlight[i, j]:
                ax.add_patch(Rectangle((j - 0.47, i - 0.47), 0.94, 0.94, fill=False, ec="#d62728", lw=2.2))
    ax.set_xticks([])
    ax.set_yticks([])
    return image
