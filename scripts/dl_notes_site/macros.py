"""mkdocs-macros module: the functions pages call to show results.

- ``{{ fmt(x) }}``: a measured number with 3 significant digits (``fmt(x, 2)`` for 2), with
  thousands separators and ``× 10⁻⁷`` for powers of ten (``fmt(x, tex=True)`` inside math);
- ``{{ figure("experiment", "figure", alt="...", caption="...") }}``: a build-time figure in the
  page's language, with its caption and a provenance line (experiment, seed, run time, the
  command that reproduces it);
- ``{{ bench_tables() }}``: the speed tables of ``scripts/bench.py``, drawn from its recorded
  output ``docs/data/bench.json`` (also available as ``bench``), in the page's language;
- ``{{ course_outline() }}``: every part of the course and its pages, with their descriptions,
  drawn from ``nav`` (see ``navigation.py``), in the page's language;
- ``{{ glossary_entries() }}``: every term of ``docs/glossary.yml`` with its definition and the
  section that teaches it, by part and chapter (see ``glossary.py``), in the page's language;
- ``{{ course_map("notebooks", 3) }}``: a table of the course map (the course's sections, a
  book's chapters or the exercise notebooks of one day or book) linked to the sections here that
  cover them, from ``docs/data/course_map.yml`` (see ``course_map.py``), in the page's language.

The values themselves arrive as ``results`` and ``runs`` through ``config.extra`` (see the
``dl_notes/experiments`` plugin).
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

from dl_notes.experiments import figure_filename
from dl_notes_site import course_map as course_map_data
from dl_notes_site import glossary, navigation
from dl_notes_site.bench_tables import markdown_tables

ROOT = Path(__file__).resolve().parents[2]
BENCH_RESULTS = ROOT / "docs" / "data" / "bench.json"

PROVENANCE = {
    "ja": "実験 <code>{name}</code> · シード {seed} · 実行時間 {seconds:.2f} 秒 · 再現：<code>{command}</code>",
    "en": "Experiment <code>{name}</code> · seed {seed} · ran in {seconds:.2f} s · reproduce: <code>{command}</code>",
}


def fmt(value: float, digits: int = 3, tex: bool = False) -> str:
    r"""A measured number for prose, rounded to ``digits`` significant digits, in the site's style.

    Thousands separators from 1,000 on; below 10⁻⁴ and from 10⁶ on, a power of ten written as a
    reader writes it (``8.16 × 10⁻⁷``), never e-notation (docs/style.yml). ``tex=True`` gives the
    same number for inside ``$...$``: ``1{,}230`` (a bare comma would be spaced as punctuation)
    and ``8.16 \times 10^{-7}``.

    >>> fmt(0.012345), fmt(12.3456), fmt(1234.5), fmt(2.0), fmt(3e-7), fmt(-8.157e-7), fmt(2.5e6, 2)
    ('0.0123', '12.3', '1,230', '2.00', '3.00 × 10⁻⁷', '-8.16 × 10⁻⁷', '2.5 × 10⁶')
    >>> fmt(1234.5, tex=True), fmt(3e-7, tex=True)
    ('1{,}230', '3.00 \\times 10^{-7}')
    >>> fmt("0.5")
    Traceback (most recent call last):
    ...
    TypeError: fmt expects a number, got '0.5'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"fmt expects a number, got {value!r}")
    if value == 0 or not math.isfinite(value):
        return str(value)
    exponent = math.floor(math.log10(abs(value)))
    if -4 <= exponent < 6:
        decimals = digits - 1 - exponent
        text = f"{round(value, decimals):,.{max(decimals, 0)}f}"
        return text.replace(",", "{,}") if tex else text
    mantissa, power = f"{value:.{digits - 1}e}".split("e")
    if tex:
        return f"{mantissa} \\times 10^{{{int(power)}}}"
    return f"{mantissa} × 10{str(int(power)).translate(SUPERSCRIPTS)}"


def count(n: float) -> str:
    """A count for prose (images, iterations, parameters) with thousands separators.

    >>> count(60000), count(8000.0), count(7)
    ('60,000', '8,000', '7')
    >>> count(0.5)
    Traceback (most recent call last):
    ...
    TypeError: count expects a whole number, got 0.5
    """
    if isinstance(n, bool) or not isinstance(n, (int, float)) or not float(n).is_integer():
        raise TypeError(f"count expects a whole number, got {n!r}")
    return f"{int(n):,}"


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def define_env(env):
    def language() -> str:
        return env.conf["theme"]["language"]

    env.macro(fmt)
    env.macro(count)
    env.variables["bench"] = json.loads(BENCH_RESULTS.read_text())

    @env.macro
    def bench_tables() -> str:
        """The recorded benchmark's tables (times, ratios against targets) in the page's language."""
        return markdown_tables(env.variables["bench"], language())

    def outline() -> list[navigation.Part]:
        """The parts of the course and their pages, titled in the page's language."""
        i18n = env.conf.plugins["i18n"]
        translations = None if i18n.current_language == i18n.default_language else (
            i18n.current_language_config.nav_translations or {})
        return navigation.course_outline(env.conf["nav"], translations, language(), Path(env.conf["docs_dir"]))

    @env.macro
    def course_outline(heading_level: int = 3) -> str:
        """The course's parts and pages as Markdown tables, linked from (and leaving out) this page."""
        parts = outline()
        page_src = getattr(env.page.file, "norm_src_uri", env.page.file.src_uri)
        return navigation.outline_markdown(parts, language(), page_src, heading_level)

    @env.macro
    def glossary_entries() -> str:
        """Every glossary term with its definition and teaching section, by part and chapter, in the page's language."""
        return glossary.glossary_markdown(outline(), language(), Path(env.conf["docs_dir"]))

    @env.macro
    def course_map(kind: str, group: int) -> str:
        """The course map's table of ``kind`` ('course', 'book', 'notebooks') for one day or book."""
        page_src = getattr(env.page.file, "norm_src_uri", env.page.file.src_uri)
        return course_map_data.wrapped(course_map_data.table(course_map_data.rows(), kind, group, language(), page_src))

    @env.macro
    def figure(experiment: str, name: str, alt: str, caption: str) -> str:
        """A generated figure with caption and provenance, for the current language."""
        runs = env.variables["runs"]
        if experiment not in runs:
            raise KeyError(f"figure(): unknown experiment {experiment!r}; known: {', '.join(runs)}")
        drawn = env.variables["figures"][experiment]
        if figure_filename(experiment, name) not in drawn:
            # A file left in docs/assets/generated by older code would pass here and fail on a fresh clone.
            raise KeyError(f"figure(): experiment {experiment!r} draws no figure {name!r}; its figures: "
                           + ", ".join(f.removeprefix(experiment + "-").removesuffix(".svg") for f in drawn))
        if not alt.strip() or not caption.strip():
            raise ValueError(f"figure({experiment!r}, {name!r}) needs a non-empty alt and caption")
        lang = language()
        meta = runs[experiment]
        src = f"/assets/generated/{lang}/{figure_filename(experiment, name)}"
        provenance = PROVENANCE[lang].format(name=experiment, **{k: meta[k] for k in ("seed", "seconds", "command")})
        caption_html = f'{html.escape(caption)}<br><small class="dl-provenance">{provenance}</small>'
        return figure_html(src, alt, caption_html)


def figure_html(src: str, alt: str, caption_html: str = "") -> str:
    """The ``<figure>`` of a generated image (``src`` from the site root), marked wide if it is.

    Also used by ``griffe_results.py`` for the figures of the API reference.
    """
    wide = display_width(ROOT / "docs" / src.lstrip("/")) > WIDE
    caption = f"  <figcaption>{caption_html}</figcaption>\n" if caption_html else ""
    return (f'<figure class="dl-figure{" dl-figure--wide" if wide else ""}" markdown="span">\n'
            f"  ![{html.escape(alt)}]({src}){{ loading=lazy }}\n{caption}</figure>\n")


# Figures wider than this (CSS pixels) are multi-panel: on a phone they keep a readable size and
# scroll sideways, like wide tables, instead of shrinking to the screen (stylesheets/extra.css).
WIDE = 800


def display_width(path: Path) -> float:
    """The width in CSS pixels a browser gives an SVG (from its ``pt`` width) or a PNG (its pixels).

    >>> import tempfile, struct
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     svg, png = Path(tmp) / "a.svg", Path(tmp) / "a.png"
    ...     _ = svg.write_text('<svg xmlns:xlink="x" width="460.8pt" height="345.6pt">')
    ...     _ = png.write_bytes(b"\\x89PNG\\r\\n\\x1a\\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 704, 528))
    ...     display_width(svg), display_width(png)
    (614.4, 704)
    """
    head = path.read_bytes()[:4096]
    if path.suffix == ".png":
        return int.from_bytes(head[16:20], "big")                      # IHDR width
    match = re.search(rb'<svg[^>]*?\swidth="([0-9.]+)pt"', head)
    if not match:
        raise ValueError(f"{path}: no width in pt on the <svg> element")
    return round(float(match.group(1)) * 4 / 3, 1)                     # 72 pt = 96 px
