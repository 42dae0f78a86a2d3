"""MkDocs plugin ``dl_notes/i18n_fixes``: four fixes for mkdocs-static-i18n, each for a known upstream limitation.

1. Notebooks: i18n treats only Markdown as pages, so a ``.ipynb`` is copied as a raw file and no
   ``/en/`` page is made (ultrabug/mkdocs-static-i18n#198). Wrapping
   ``File.is_documentation_page`` at import time makes notebooks pages for i18n too.
2. API reference titles: mkdocstrings reads the theme language once, so ``/en/`` pages would show
   Japanese section titles ("引数："). Set its locale per language build; also publish the
   language as ``DL_NOTES_SITE_LANG`` for the griffe extension that enriches docstrings.
3. Console 404s: Material fetches ``sitemap.xml`` relative to every
   ``<link rel="alternate" hreflang>``; i18n writes those per page, so every page asked for
   ``<page>/sitemap.xml``. The links are removed from the pages (``/sitemap.xml`` keeps hreflang,
   and the header language switcher is unaffected).
4. The language switcher of the home pages links to absolute paths under ``site_url``
   (``/dl-notes/en/``), which break wherever the site is served from another base (a local
   server, a fork's Pages). Every switcher link is made relative to its page.
"""

from __future__ import annotations

import os
import re
from fnmatch import fnmatch
from urllib.parse import urlsplit

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File

NOTEBOOKS = "notebooks/*.ipynb"

_is_documentation_page = File.is_documentation_page


def _is_page_or_notebook(self: File) -> bool:
    return _is_documentation_page(self) or fnmatch(self.src_uri, NOTEBOOKS)


File.is_documentation_page = _is_page_or_notebook


@event_priority(-200)  # after i18n has set the language of this build
def on_files(files, config):
    language = config.plugins["i18n"].current_language
    config.plugins["mkdocstrings"].handlers._locale = language
    os.environ["DL_NOTES_SITE_LANG"] = language
    return files


ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">\s*')


SWITCHER_LINK = re.compile(r'(<a href=")(/[^"]*)(" hreflang=")')


def relative_to_page(target: str, page_url: str) -> str:
    """The site path ``target`` as a link from the page at ``page_url`` (both relative to the site root).

    >>> relative_to_page("en/", ""), relative_to_page("", "en/"), relative_to_page("en/api/optim/", "api/optim/")
    ('en/', '../', '../../en/api/optim/')
    """
    up = "../" * page_url.count("/")
    return (up + target) or "./"


@event_priority(-200)
def on_post_page(output, page, config):
    base = urlsplit(config.site_url or "/").path.rstrip("/") + "/"

    def relative(match: re.Match) -> str:
        target = match.group(2)
        if target.startswith(base):
            target = relative_to_page(target[len(base):], page.url)
        return match.group(1) + target + match.group(3)

    return SWITCHER_LINK.sub(relative, ALTERNATE_LINK.sub("", output))


class Plugin(BasePlugin):
    """Four repairs of mkdocs-static-i18n (see the module docstring)."""

    on_files = staticmethod(on_files)
    on_post_page = staticmethod(on_post_page)
