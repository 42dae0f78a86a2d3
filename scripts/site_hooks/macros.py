"""mkdocs-macros module: the functions pages call to show results.

- ``{{ fmt(x) }}``: a measured number with 3 significant digits (``fmt(x, 2)`` for 2);
- ``{{ figure("experiment", "figure", alt="...", caption="...") }}``: a build-time figure in the
  page's language, with its caption and a provenance line (experiment, seed, run time, the
  command that reproduces it);
- ``{{ bench_tables() }}``: the speed tables of ``scripts/bench.py``, drawn from its recorded
  output ``docs/data/bench.json`` (also available as ``bench``), in the page's language;
- ``{{ course_outline() }}``: every part of the course and its pages, with their descriptions,
  drawn from ``nav`` (see ``navigation.py``), in the page's language.

The values themselves arrive as ``results`` and ``runs`` through ``config.extra`` (see
``experiments.py``).
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
import sys
from pathlib import Path

from dl_notes.experiments._figures import figure_filename

ROOT = Path(__file__).resolve().parents[2]
BENCH_RESULTS = ROOT / "docs" / "data" / "bench.json"

PROVENANCE = {
    "ja": "実験 <code>{name}</code> · シード {seed} · 実行時間 {seconds:.2f} 秒 · 再現: <code>{command}</code>",
    "en": "Experiment <code>{name}</code> · seed {seed} · ran in {seconds:.2f} s · reproduce: <code>{command}</code>",
}


def fmt(value: float, digits: int = 3) -> str:
    """A measured number for prose, rounded to ``digits`` significant digits.

    >>> fmt(0.012345), fmt(12.3456), fmt(1234.5), fmt(2.0), fmt(3e-7)
    ('0.0123', '12.3', '1230', '2.00', '3.00e-07')
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"fmt expects a number, got {value!r}")
    if value == 0 or not math.isfinite(value):
        return str(value)
    exponent = math.floor(math.log10(abs(value)))
    if not -4 <= exponent < 6:
        return f"{value:.{digits - 1}e}"
    decimals = digits - 1 - exponent
    return f"{round(value, decimals):.{max(decimals, 0)}f}"


def define_env(env):
    def language() -> str:
        return env.conf["theme"]["language"]

    env.macro(fmt)
    bench = _load_by_path(ROOT / "scripts" / "bench.py", "dl_notes_bench")
    navigation = _load_by_path(Path(__file__).with_name("navigation.py"), "dl_notes_site_navigation")
    env.variables["bench"] = json.loads(BENCH_RESULTS.read_text())

    @env.macro
    def bench_tables() -> str:
        """The recorded benchmark's tables (times, ratios against targets) in the page's language."""
        return bench.markdown_tables(env.variables["bench"], language())

    @env.macro
    def course_outline(heading_level: int = 3) -> str:
        """The course's parts and pages as Markdown tables, linked from (and leaving out) this page."""
        i18n = env.conf.plugins["i18n"]
        translations = None if i18n.current_language == i18n.default_language else (
            i18n.current_language_config.nav_translations or {})
        parts = navigation.course_outline(env.conf["nav"], translations, language(), Path(env.conf["docs_dir"]))
        page_src = getattr(env.page.file, "norm_src_uri", env.page.file.src_uri)
        return navigation.outline_markdown(parts, language(), page_src, heading_level)

    @env.macro
    def figure(experiment: str, name: str, alt: str, caption: str) -> str:
        """A generated figure with caption and provenance, for the current language."""
        runs = env.variables["runs"]
        if experiment not in runs:
            raise KeyError(f"figure(): unknown experiment {experiment!r}; known: {', '.join(runs)}")
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


def _load_by_path(path: Path, name: str):
    """A script as a module, by path (neither scripts/ nor the hooks' folder is a package or on
    sys.path): scripts/bench.py for its table renderer, navigation.py for the course outline."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
