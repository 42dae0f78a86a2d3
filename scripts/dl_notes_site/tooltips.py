"""MkDocs plugin ``dl_notes/tooltips``: the first use of a glossary term on a page shows its definition.

A reader meets 勾配消失 on the LSTM page, taught three chapters earlier. The first time a page's
prose uses a term of ``docs/glossary.yml`` (its name or a synonym, in the page's language), the
word becomes ``<abbr class="dl-term" title="definition" tabindex="0">``: Material's improved
tooltips (``content.tooltips``) show the title on hover and, because the element can take focus,
on a tap on a phone. Later uses stay plain, so a page is not underlined throughout.

Only prose counts: not code, math, links, headings, quiz titles, captions' provenance lines.
Where names overlap, the longest wins (ハイパーパラメータ, not its パラメータ). English names match
whole words, with a plural ``s``; Japanese ones match inside text, which has no spaces. A term
too general for a definition to help everywhere (状態, state: the reinforcement-learning sense on
an RNN page would mislead) is marked ``tooltip: false`` in the glossary.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from mkdocs.plugins import BasePlugin, event_priority

from dl_notes_site.glossary import Term, terms

# Elements whose text is not prose, by tag, and by class on any element.
SKIP_TAGS = frozenset({"a", "abbr", "code", "pre", "kbd", "samp", "script", "style", "svg", "math", "button",
                       "summary", "h1", "h2", "h3", "h4", "h5", "h6", "textarea", "select", "label", "nav"})
SKIP_CLASSES = frozenset({"arithmatex", "admonition-title", "dl-provenance", "headerlink", "md-source-file"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*?)(/?)>|<!--.*?-->", re.S)
CLASS = re.compile(r'\bclass="([^"]*)"')
# Pages that list terms or are not prose: the glossary itself, the generated lists, the API reference.
SKIP_PAGES = ("glossary", "index", "quiz_bank", "course_map")


@lru_cache(maxsize=4)
def matcher(lang: str, entries: tuple[Term, ...] | None = None) -> tuple[re.Pattern, dict[str, Term]]:
    """One regex for every tooltip name of ``lang`` (longest first), and the term of each name (lower case)."""
    entries = terms() if entries is None else entries
    shown = [(name, term) for term in entries if term.definition.get(lang) and term.tooltip for name in term.names(lang)]
    names = {name.lower(): term for name, term in shown}
    ordered = sorted({name for name, _ in shown}, key=len, reverse=True)

    def pattern(name: str) -> str:
        text = re.escape(name)
        if not name.isascii():
            return text
        # A whole word (Latin letters also appear in Japanese pages: LSTM, IoU). A lower-case name
        # also matches capitalised and in the plural; a proper name (Go, ReLU) only as written.
        if name == name.lower():
            return rf"(?<![\w-])(?i:{text})(?:e?s)?(?![\w-])"
        return rf"(?<![\w-]){text}(?![\w-])"

    return re.compile("|".join(map(pattern, ordered)) or r"(?!)"), names  # (?!) matches nothing


def term_of(match: str, names: dict[str, Term]) -> Term:
    """The term a matched word names (an English plural is its singular's)."""
    word = match.lower()
    return names.get(word) or names.get(word[:-1]) or names[word[:-2]]


def with_tooltips(page_html: str, lang: str, entries: tuple[Term, ...] | None = None) -> str:
    """The page with the first prose use of each glossary term wrapped in a tooltip.

    >>> from dl_notes_site.glossary import parse
    >>> entries = tuple(parse([
    ...     {"ja": "パラメータ", "en": "parameter", "definition": {"ja": "学習で決める値です。", "en": "A learnt value."}},
    ...     {"ja": "ハイパーパラメータ", "en": "hyperparameter", "definition": {"ja": "人が決める値です。", "en": "A value set by hand."}}]))
    >>> with_tooltips("<p>ハイパーパラメータとパラメータ、<code>パラメータ</code>、パラメータ</p>", "ja", entries)
    '<p><abbr class="dl-term" title="人が決める値です。" tabindex="0">ハイパーパラメータ</abbr>と<abbr class="dl-term" title="学習で決める値です。" tabindex="0">パラメータ</abbr>、<code>パラメータ</code>、パラメータ</p>'
    >>> with_tooltips('<h2>Parameters</h2><p><span class="arithmatex">parameter</span> The Parameters, parameter</p>', "en", entries)
    '<h2>Parameters</h2><p><span class="arithmatex">parameter</span> The <abbr class="dl-term" title="A learnt value." tabindex="0">Parameters</abbr>, parameter</p>'
    >>> with_tooltips("<p>hyperparameters-like parameterised</p>", "en", entries)
    '<p>hyperparameters-like parameterised</p>'
    >>> go = tuple(parse([{"ja": "囲碁", "en": "Go", "definition": {"ja": "盤上の遊戯です。", "en": "A board game."}}]))
    >>> with_tooltips("<p>It goes to GO, then Go.</p>", "en", go)
    '<p>It goes to GO, then <abbr class="dl-term" title="A board game." tabindex="0">Go</abbr>.</p>'
    """
    pattern, names = matcher(lang, entries)
    seen: set[str] = set()
    stack: list[bool] = []  # per open element: is it (or an ancestor) not prose?
    out: list[str] = []

    def wrap(match: re.Match) -> str:
        term = term_of(match.group(0), names)
        if term.ja in seen:
            return match.group(0)
        seen.add(term.ja)
        title = html.escape(term.definition[lang], quote=True)
        return f'<abbr class="dl-term" title="{title}" tabindex="0">{match.group(0)}</abbr>'

    position = 0
    for tag in TAG.finditer(page_html):
        text = page_html[position:tag.start()]
        out.append(pattern.sub(wrap, text) if text and not (stack and stack[-1]) else text)
        out.append(tag.group(0))
        position = tag.end()
        closing, name, attributes, self_closing = tag.group(1), (tag.group(2) or "").lower(), tag.group(3), tag.group(4)
        if not name or name in VOID or self_closing:
            continue
        if closing:
            if stack:
                stack.pop()
            continue
        classes = set(CLASS.search(attributes).group(1).split()) if CLASS.search(attributes or "") else set()
        stack.append(bool(stack and stack[-1]) or name in SKIP_TAGS or bool(classes & SKIP_CLASSES))
    text = page_html[position:]
    out.append(pattern.sub(wrap, text) if text and not (stack and stack[-1]) else text)
    return "".join(out)


def tooltip_page(src_uri: str) -> bool:
    """Whether a page's prose gets tooltips: the chapters, not the lists, the API reference or notebooks.

    >>> [tooltip_page(p) for p in ("lstm.ja.md", "glossary.en.md", "index.ja.md", "api/lstm.ja.md", "notebooks/lstm.ja.ipynb")]
    [True, False, False, False, False]
    """
    return "/" not in src_uri and src_uri.split(".")[0] not in SKIP_PAGES and src_uri.endswith(".md")


@event_priority(-50)  # after the notebooks and i18n fixes have settled the page's HTML
def on_page_content(html_text, page, config, files):
    if not tooltip_page(page.file.src_uri):
        return html_text
    return with_tooltips(html_text, config["theme"]["language"])


class Plugin(BasePlugin):
    """Definitions of glossary terms on their first use in a page's prose."""

    on_page_content = staticmethod(on_page_content)
