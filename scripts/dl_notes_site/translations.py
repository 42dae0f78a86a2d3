"""MkDocs plugin ``dl_notes/translations``: translations that cannot drift, and a notice where one has.

Every page exists twice, ``docs/<page>.ja.md`` and ``docs/<page>.en.md``. When someone corrects a
formula or adds a paragraph on one side and forgets the other, nothing else notices: both pages
still build, with the same headings, and one of them is now wrong. So the two are compared
section by section (the shared anchors of `sections`, plus ``(lead)``, the text before the first
heading) against a record of each section's Japanese and English text as they were when last
known to say the same thing.

The record is one file beside the pages, ``docs/data/translations.yml``, one line per section::

    lstm.md:
      (lead): {ja: "1f0c…", en: "9a3e…"}
      quiz: {ja: "77b2…", en: "c401…"}

One file rather than a hash in each page's front matter: the pages stay free of bookkeeping a
writer would have to step around (and a page cannot hold the hash of its own text), a reviewer sees
in one diff which translations were signed off, and, one line per section, two branches conflict
only when they record the same or adjacent sections, where a conflict is a real question.

Compared with the record, a section whose Japanese text changed while its English one did not
has a stale English twin, and vice versa; a section added or removed on one side counts as a
change of that side. Both sides changed (or a section new on both): nothing can tell whether they
agree, so the check fails until someone who has read both runs
``python -m dl_notes_site.translations record <page>``. What does not count (`normalise`):
trailing spaces, indentation of prose, how paragraphs are wrapped, blank lines. A changed
number, formula or code line counts. Covered: every ``docs/**/<page>.{ja,en}.md`` pair (chapters
and the API reference's prose) and the notebooks' jupytext sources (markdown and code cells,
sections by position since their headings have no anchors). The Japanese docstrings
(``docs/api/ja/*.yml``) already carry a hash of the English docstring they translate
(`api_japanese`), checked by ``tests/test_api_japanese.py``.

The check (``python -m dl_notes_site.translations check``, and ``tests/test_translations.py``)
fails on drift; the build does not. Until it is fixed, the stale page shows readers a notice in
their language at the stale section, with a link to the same section of the other language.

- :func:`normalise`, :func:`digest`, :func:`page_sections`, :func:`compare`: the logic (pure);
- :func:`dump_record`, :func:`load_record`, :func:`source_pairs`, :func:`drift`: files;
- :func:`notices`: the notices inserted into a page's HTML (pure); ``Plugin``: the glue.
"""

from __future__ import annotations

import hashlib
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.utils import get_relative_url

from dl_notes_site.sections import FENCE, sections

DOCS = Path(__file__).resolve().parents[2] / "docs"
RECORD = "data/translations.yml"   # relative to docs/
LANGS = ("ja", "en")
LEAD = "(lead)"
COMMAND = "python -m dl_notes_site.translations"

log = get_plugin_logger(__name__)

# --- what counts as a change -------------------------------------------------------------------

CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
SPACE_AT_CJK = re.compile(rf"(?<=[{CJK}]) | (?=[{CJK}])")


def normalise(text: str) -> str:
    """The text of a section with what a translation does not depend on taken out.

    Prose: paragraphs as one line each, whitespace runs as one space, no space next to a Japanese
    character (a Japanese line break joins without one), blank lines and indentation ignored.
    Code blocks keep their lines (relative to the fence's indentation) without trailing spaces.

    >>> normalise("Some  text\\n  wrapped  \\n\\n\\nhere\\n")
    'Some text wrapped\\nhere'
    >>> normalise("勾配は\\n消えます。$W$ の\\n") == normalise("勾配は消えます。$W$の")
    True
    >>> normalise("    ```python\\n    if x:\\n        y = 1   \\n    ```\\n")
    '```python\\nif x:\\n    y = 1\\n```'
    >>> normalise("lr = 0.01\\n") == normalise("lr = 0.1\\n"), normalise("$a+b$") == normalise("$a-b$")
    (False, False)
    """
    out: list[str] = []
    paragraph: list[str] = []
    fence, indent = None, 0

    def flush():
        if paragraph:
            out.append(SPACE_AT_CJK.sub("", re.sub(r"\s+", " ", " ".join(paragraph)).strip()))
            paragraph.clear()

    for line in text.splitlines():
        if fence is not None:
            code = line[indent:] if not line[:indent].strip() else line.lstrip()
            match = FENCE.match(code)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) and not code.strip(fence[0]).strip():
                while out and not out[-1]:
                    out.pop()
                out.append(code.strip())
                fence = None
            elif code.strip() or (out and out[-1]):   # runs of blank lines count as one
                out.append(code.rstrip())
            continue
        stripped = line.strip()
        if (match := FENCE.match(stripped)):
            flush()
            fence, indent = match.group(1), len(line) - len(line.lstrip())
            out.append(stripped)
        elif stripped:
            paragraph.append(stripped)
        else:
            flush()
    flush()
    return "\n".join(out)


def digest(text: str) -> str:
    """A short hash of a section's normalised text (12 hex digits: a record, not a signature).

    >>> digest("a  b\\n") == digest("a b"), len(digest("x"))
    (True, 12)
    """
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:12]


# --- the sections of a page --------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """A section of a source as the record keys it: its anchor, ``(lead)`` or ``(n)`` (the n-th heading)."""

    key: str
    title: str
    text: str


def notebook_markdown(source: str) -> str:
    """A jupytext percent notebook as Markdown: markdown cells unprefixed, code cells fenced.

    >>> print(notebook_markdown("# %% [markdown]\\n# # T\\n#\\n# Hi\\n\\n# %%\\nx = 1\\n"))
    # T
    <BLANKLINE>
    Hi
    <BLANKLINE>
    ```python
    x = 1
    <BLANKLINE>
    ```
    """
    out, kind = [], None
    for line in source.splitlines():
        if line.startswith("# %%"):
            if kind == "code":
                out.append("```")
            kind = "markdown" if "[markdown]" in line else "code"
            if kind == "code":
                out.append("```python")
        elif kind == "markdown":
            out.append(re.sub(r"^# ?", "", line))
        else:
            out.append(line)
    if kind == "code":
        out.append("```")
    return "\n".join(out) + "\n"


def page_sections(source: str, notebook: bool = False) -> list[Part]:
    """The lead and the sections of a page, keyed by anchor (or by position where a heading has none).

    >>> page = "---\\ndescription: d\\n---\\n# T\\n\\nIntro\\n\\n## A {: #a }\\nx\\n### B\\ny\\n"
    >>> [(p.key, p.title) for p in page_sections(page)]
    [('(lead)', ''), ('a', 'A'), ('(2)', 'B')]
    >>> page_sections(page)[0].text
    '---\\ndescription: d\\n---\\n# T\\n\\nIntro\\n\\n'
    """
    if notebook:
        source = notebook_markdown(source)
    found = sections(source)
    lead = "".join(source.splitlines(keepends=True)[:found[0].line]) if found else source
    return [Part(LEAD, "", lead)] + [Part(s.anchor or f"({n})", s.title, s.text)
                                     for n, s in enumerate(found, start=1)]


# --- comparing with the record -----------------------------------------------------------------

@dataclass(frozen=True)
class Drift:
    """A section whose two languages may no longer say the same thing.

    ``stale`` is the language that lags (its twin changed and it did not), or None when both
    changed (or the page is new or gone): then only a person can tell, and the record must be
    renewed. ``since`` is the recorded hash of the side that changed, to find the record's commit.
    """

    page: str                # 'lstm.md', 'api/lstm.md', 'notebooks/lstm.py'
    key: str
    title: str
    stale: str | None
    present: tuple[str, ...]   # the languages that have the section now
    since: str | None = None

    def source(self, lang: str) -> str:
        """``docs/lstm.ja.md`` for ``lang='ja'``."""
        stem, ext = self.page.rsplit(".", 1)
        return f"docs/{stem}.{lang}.{ext}"

    @property
    def name(self) -> str:
        stem = self.page.rsplit(".", 1)[0]
        return stem.removesuffix(".py")

    def message(self) -> str:
        """What failed, where, and the commands that fix it and show what changed.

        >>> print(Drift("lstm.md", "quiz", "Quiz", "en", ("ja", "en"), "0123456789ab").message())
        docs/lstm.en.md, section "Quiz" (#quiz): the Japanese section changed since it was last translated, the English one did not.
          see what changed: git diff $(git log -1 --format=%h -S0123456789ab -- docs/data/translations.yml) -- docs/lstm.ja.md
          update docs/lstm.en.md, then record the finished translation: python -m dl_notes_site.translations record lstm
        """
        lead = self.key == LEAD
        where = ("the lead (the text before the first heading)" if lead else f'section "{self.title}" '
                 + (f"(heading {self.key[1:-1]})" if self.key.startswith("(") else f"(#{self.key})"))
        part = "lead" if lead else "section"
        record = f"{COMMAND} record {self.name}"
        if self.stale is None:
            what = ("both languages changed since the record (or the section is new or gone on both sides): "
                    "nothing can tell whether they agree")
            return (f"{self.source('ja')} and {self.source('en')}, {where}: {what}.\n"
                    f"  once both say the same thing, record it: {record}")
        fresh = "en" if self.stale == "ja" else "ja"
        names = {"ja": "Japanese", "en": "English"}
        if fresh not in self.present:
            change = f"was removed from the {names[fresh]} page"
        elif self.since is None:
            change = f"was added to the {names[fresh]} page"
        else:
            change = "changed since it was last translated"
        lines = [f"{self.source(self.stale)}, {where}: the {names[fresh]} {part} {change}, "
                 f"the {names[self.stale]} one did not."]
        if self.since:
            lines.append(f"  see what changed: git diff $(git log -1 --format=%h -S{self.since} -- docs/{RECORD}) "
                         f"-- {self.source(fresh)}")
        lines.append(f"  update {self.source(self.stale)}, then record the finished translation: {record}")
        return "\n".join(lines)


Hashes = dict[str, dict[str, str]]   # {key: {"ja": hash, "en": hash}}, a side absent if the section is


def page_hashes(ja: list[Part], en: list[Part]) -> Hashes:
    """``{key: {lang: hash}}`` for the sections of both sides, in the Japanese page's order."""
    hashes: Hashes = {}
    for lang, parts in (("ja", ja), ("en", en)):
        for part in parts:
            hashes.setdefault(part.key, {})[lang] = digest(part.text)
    return hashes


def compare(page: str, current: Hashes, recorded: Hashes | None,
            titles: dict[str, dict[str, str]] | None = None) -> list[Drift]:
    """The sections of ``page`` whose languages may have drifted apart since the record.

    A side changed when its hash differs from the recorded one (a section added or removed
    changes it too); the side that did not change is stale. ``titles`` (``{lang: {key: title}}``)
    names each section in the stale page's language where it has the section, else in English.

    >>> rec = {"(lead)": {"ja": "j0", "en": "e0"}, "a": {"ja": "j1", "en": "e1"}}
    >>> compare("p.md", rec, rec)
    []
    >>> [(d.key, d.stale, d.since) for d in compare("p.md", {**rec, "a": {"ja": "j2", "en": "e1"}}, rec)]
    [('a', 'en', 'j1')]
    >>> [(d.key, d.stale) for d in compare("p.md", {**rec, "a": {"ja": "j2", "en": "e2"}}, rec)]
    [('a', None)]
    >>> [(d.key, d.stale, d.present) for d in compare("p.md", {**rec, "b": {"en": "e3"}}, rec)]
    [('b', 'ja', ('en',))]
    >>> [(d.key, d.stale) for d in compare("p.md", rec, None)]
    [('(lead)', None)]
    """
    titles = titles or {}

    def title(key: str, first: str | None) -> str:
        for lang in (first, "en", "ja"):
            if key in titles.get(lang, {}):
                return titles[lang][key]
        return key

    if recorded is None:
        return [Drift(page, LEAD, "", None, tuple(LANGS))]
    drifts = []
    for key in [*current, *(k for k in recorded if k not in current)]:
        now, then = current.get(key, {}), recorded.get(key, {})
        changed = [lang for lang in LANGS if now.get(lang) != then.get(lang)]
        if not changed:
            continue
        stale = None if len(changed) == 2 else ("en" if changed == ["ja"] else "ja")
        since = then.get(changed[0]) if stale else None
        drifts.append(Drift(page, key, title(key, stale), stale, tuple(lang for lang in LANGS if lang in now), since))
    return drifts


# --- the files ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """A page's two sources: ``name`` is its language-free path under docs/ ('lstm.md', 'notebooks/lstm.py')."""

    name: str
    ja: Path
    en: Path

    @property
    def notebook(self) -> bool:
        return self.name.endswith(".py")

    def parts(self) -> tuple[list[Part], list[Part]]:
        """Each side's sections (none for a missing file)."""
        return tuple(page_sections(p.read_text(encoding="utf-8"), self.notebook) if p.is_file() else []
                     for p in (self.ja, self.en))


def source_pairs(docs: Path = DOCS) -> list[Pair]:
    """Every page with a Japanese or an English source: ``docs/**/*.md`` pages and notebooks."""
    docs = Path(docs)
    names = set()
    for lang in LANGS:
        for path in [*docs.rglob(f"*.{lang}.md"), *(docs / "notebooks").glob(f"*.{lang}.py")]:
            names.add(path.relative_to(docs).as_posix().replace(f".{lang}.", "."))
    pairs = []
    for name in sorted(names):
        stem, ext = name.rsplit(".", 1)
        pairs.append(Pair(name, docs / f"{stem}.ja.{ext}", docs / f"{stem}.en.{ext}"))
    return pairs


HEADER = f"""\
# The translation record (scripts/dl_notes_site/translations.py). For each page and section (its
# shared anchor; (lead) is the text before the first heading, (n) the n-th heading where it has no
# anchor, as in notebooks), the hash of its Japanese and its English text when the two were last
# known to say the same thing. Not edited by hand: once a translation is finished,
# `{COMMAND} record <page>` writes it; `{COMMAND} check` and
# tests/test_translations.py compare it with the pages.
"""


def _scalar(value: str) -> str:
    """A YAML scalar: plain where YAML reads it back unchanged, else quoted.

    >>> _scalar("quiz"), _scalar("(lead)"), _scalar("no"), _scalar("12")
    ('quiz', '(lead)', "'no'", "'12'")
    """
    plain = yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    return plain.removesuffix("\n...").removesuffix(" ...").strip()


def dump_record(record: dict[str, Hashes]) -> str:
    """The record as YAML, one line per section (hashes quoted: 12 digits would read as a number).

    >>> print(dump_record({"lstm.md": {"(lead)": {"ja": "0a", "en": "1b"}}}).removeprefix(HEADER))
    lstm.md:
      (lead): {ja: "0a", en: "1b"}
    <BLANKLINE>
    >>> load_record(dump_record({"a.md": {"no": {"ja": "12", "en": "1e5"}}}))
    {'a.md': {'no': {'ja': '12', 'en': '1e5'}}}
    """
    lines = [HEADER.rstrip("\n")]
    for page in sorted(record):
        lines.append(f"{_scalar(page)}:")
        for key, sides in record[page].items():
            values = ", ".join(f'{lang}: "{sides[lang]}"' for lang in LANGS if lang in sides)
            lines.append(f"  {_scalar(key)}: {{{values}}}")
    return "\n".join(lines) + "\n"


class RecordError(ValueError):
    """The record file cannot be read as a record."""


def load_record(text: str) -> dict[str, Hashes]:
    """The record read back; a file that is not one (a merge conflict, a hand edit) raises RecordError.

    >>> load_record("a.md:\\n  x: [1]\\n")
    Traceback (most recent call last):
    ...
    dl_notes_site.translations.RecordError: docs/data/translations.yml: a.md#x is not {ja: hash, en: hash}; rewrite the record with `python -m dl_notes_site.translations record --all` once the translations agree
    """
    fix = f"rewrite the record with `{COMMAND} record --all` once the translations agree"
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}   # libyaml: 10x faster
    except yaml.YAMLError as error:
        raise RecordError(f"docs/{RECORD} is not valid YAML ({error}); {fix}") from None
    if not isinstance(data, dict):
        raise RecordError(f"docs/{RECORD} is not a mapping of pages; {fix}")
    for page, hashes in data.items():
        if not isinstance(hashes, dict):
            raise RecordError(f"docs/{RECORD}: {page} is not a mapping of sections; {fix}")
        for key, sides in hashes.items():
            if not (isinstance(sides, dict) and set(sides) <= set(LANGS)
                    and all(isinstance(v, str) for v in sides.values())):
                raise RecordError(f"docs/{RECORD}: {page}#{key} is not {{ja: hash, en: hash}}; {fix}")
    return data


def read_record(docs: Path = DOCS) -> dict[str, Hashes]:
    path = Path(docs) / RECORD
    return load_record(path.read_text(encoding="utf-8")) if path.is_file() else {}


def drift(docs: Path = DOCS, record: dict[str, Hashes] | None = None) -> list[Drift]:
    """Every drifted section of the site (sources under ``docs``, compared with its record)."""
    record = read_record(docs) if record is None else record
    drifts, names = [], set()
    for pair in source_pairs(docs):
        names.add(pair.name)
        ja, en = pair.parts()
        titles = {"ja": {p.key: p.title for p in ja}, "en": {p.key: p.title for p in en}}
        drifts += compare(pair.name, page_hashes(ja, en), record.get(pair.name), titles)
    drifts += [Drift(name, LEAD, "", None, ()) for name in sorted(set(record) - names)]
    return drifts


def record_pages(pages: list[str], docs: Path = DOCS) -> list[str]:
    """Record the current text of ``pages`` (``lstm``, ``api/lstm``, ``notebooks/lstm``, or a
    source path; ``--all`` for every page) as in step; returns the pages recorded."""
    docs = Path(docs)
    pairs = {pair.name: pair for pair in source_pairs(docs)}
    path = docs / RECORD
    record = read_record(docs) if path.is_file() else {}
    wanted = set(pairs) | set(record) if pages == ["--all"] else {_page_name(p, pairs, record) for p in pages}
    for name in sorted(wanted):
        if name in pairs:
            record[name] = page_hashes(*pairs[name].parts())
        else:
            record.pop(name, None)   # the page is gone
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_record(record), encoding="utf-8")
    return sorted(wanted)


def _page_name(arg: str, pairs: dict, record: dict) -> str:
    """'lstm' / 'docs/lstm.ja.md' / 'api/lstm' / 'notebooks/lstm' -> the record's page name."""
    name = arg.removeprefix("docs/")
    name = re.sub(r"\.(ja|en)\.(md|py)$", r".\2", name)
    for candidate in (name, f"{name}.md", f"{name}.py"):
        if candidate in pairs or candidate in record:
            return candidate
    raise SystemExit(f"translations: no page {arg!r} (pages are named like lstm, api/lstm, notebooks/lstm)")


# --- the notice --------------------------------------------------------------------------------

TEXT = {
    "ja": {"title": "翻訳の更新待ち", "twin": "英語版",
           "section": "この節は英語版の更新に翻訳が追いついていない可能性があります。最新の内容は{link}をご覧ください。",
           "page": "このページの次の部分は、英語版の更新に翻訳が追いついていない可能性があります：{links}。"
                   "最新の内容は{link}をご覧ください。",
           "lead": "導入部", "sep": "、"},
    "en": {"title": "Translation update pending", "twin": "the Japanese page",
           "section": "This section may lag behind the Japanese version, which was updated since it was "
                      "translated: see {link}.",
           "page": "These parts of this page may lag behind the Japanese version, which was updated since they "
                   "were translated: {links}. See {link}.",
           "lead": "the introduction", "sep": ", "},
}


@dataclass(frozen=True)
class Stale:
    """A section of this page that lags: shown at its heading (``anchor``) or listed at the top."""

    key: str
    title: str
    here: bool      # the section has a heading with this anchor on this page
    there: bool     # ... and on the twin page (link to it)
    title_lang: str = ""   # the language of ``title`` when it is not the page's (a section only the twin has)


def stale_sections(drifts: list[Drift], notebook: bool = False) -> dict[str, list[Stale]]:
    """``{lang: [Stale]}``: the sections each language shows a notice for.

    >>> d = [Drift("p.md", "a", "A", "en", ("ja", "en"), "x"), Drift("p.md", "b", "B", None, ("ja", "en"))]
    >>> stale_sections(d)
    {'en': [Stale(key='a', title='A', here=True, there=True, title_lang='')]}
    """
    found: dict[str, list[Stale]] = {}
    for d in drifts:
        if d.stale is None:
            continue
        fresh = "en" if d.stale == "ja" else "ja"
        anchored = d.key != LEAD and not notebook and not d.key.startswith("(")
        found.setdefault(d.stale, []).append(
            Stale(d.key, d.title, anchored and d.stale in d.present, anchored and fresh in d.present,
                  "" if d.stale in d.present else fresh))
    return found


def notice_html(lang: str, twin_url: str, stale: list[Stale], at_section: bool) -> str:
    """The admonition shown to readers of ``lang``; ``twin_url`` is the other language's page.

    >>> print(notice_html("ja", "../en/lstm/", [Stale("quiz", "Quiz", True, True)], True))
    <div class="admonition warning dl-translation-notice" data-search-exclude>
    <p class="admonition-title">翻訳の更新待ち</p>
    <p>この節は英語版の更新に翻訳が追いついていない可能性があります。最新の内容は<a href="../en/lstm/#quiz" hreflang="en">英語版</a>をご覧ください。</p>
    </div>
    >>> print(notice_html("en", "../../lstm/", [Stale("(lead)", "", False, False), Stale("b", "節", False, True, "ja")], False))
    <div class="admonition warning dl-translation-notice" data-search-exclude>
    <p class="admonition-title">Translation update pending</p>
    <p>These parts of this page may lag behind the Japanese version, which was updated since they were translated: <a href="../../lstm/" hreflang="ja">the introduction</a>, <a href="../../lstm/#b" hreflang="ja" lang="ja">節</a>. See <a href="../../lstm/" hreflang="ja">the Japanese page</a>.</p>
    </div>
    """
    text, twin = TEXT[lang], "en" if lang == "ja" else "ja"

    def link(label: str, anchor: str | None = None, label_lang: str = "") -> str:
        href = twin_url + (f"#{anchor}" if anchor else "")
        lang_attr = f' lang="{label_lang}"' if label_lang and label_lang != lang else ""
        return f'<a href="{html.escape(href)}" hreflang="{twin}"{lang_attr}>{html.escape(label)}</a>'

    if at_section:
        (one,) = stale
        body = text["section"].format(link=link(text["twin"], one.key if one.there else None))
    else:
        links = text["sep"].join(link(text["lead"] if s.key == LEAD else s.title, s.key if s.there else None,
                                      s.title_lang) for s in stale)
        body = text["page"].format(links=links, link=link(text["twin"]))
    return (f'<div class="admonition warning dl-translation-notice" data-search-exclude>\n'
            f'<p class="admonition-title">{text["title"]}</p>\n<p>{body}</p>\n</div>')


def notices(page_html: str, lang: str, twin_url: str, stale: list[Stale]) -> str:
    """``page_html`` with a notice after the heading of each stale section, and one after the
    ``<h1>`` listing the rest (the lead, sections without a heading here, notebook sections).

    >>> page = '<h1>T</h1><p>x</p><h2 id="a">A<a class="headerlink" href="#a">¶</a></h2><p>y</p>'
    >>> out = notices(page, "en", "../../p/", [Stale("a", "A", True, True)])
    >>> out.index("</h2>") < out.index("dl-translation-notice") < out.index("<p>y</p>")
    True
    >>> notices(page, "en", "../../p/", []) == page
    True
    """
    top = []
    for s in stale:
        match = None
        if s.here:
            match = re.search(rf'<h([2-6])\b[^>]*\bid="{re.escape(s.key)}"[^>]*>.*?</h\1>', page_html, re.S)
        if match:
            at = match.end()
            page_html = f"{page_html[:at]}\n{notice_html(lang, twin_url, [s], True)}\n{page_html[at:]}"
        else:
            top.append(s)
    if top:
        h1 = re.search(r"</h1>", page_html)
        at = h1.end() if h1 else 0
        page_html = f"{page_html[:at]}\n{notice_html(lang, twin_url, top, False)}\n{page_html[at:]}"
    return page_html


def twin_url(url: str, lang: str) -> str:
    """The other language's URL of the page at ``url`` (Japanese at the root, English under en/).

    >>> twin_url("lstm/", "ja"), twin_url("en/lstm/", "en"), twin_url("", "ja")
    ('en/lstm/', 'lstm/', 'en/')
    """
    return f"en/{url}" if lang == "ja" else url.removeprefix("en/")


# --- MkDocs glue -------------------------------------------------------------------------------

class Plugin(BasePlugin):
    """Finds the drifted sections once per language build and shows their notices."""

    def on_pre_build(self, config):
        try:
            found = drift(Path(config.docs_dir))
        except RecordError as error:
            from mkdocs.exceptions import PluginError

            raise PluginError(str(error)) from None
        self._stale: dict[str, dict[str, list[Stale]]] = {}
        for name in {d.page for d in found}:
            self._stale[name] = stale_sections([d for d in found if d.page == name], name.endswith(".py"))
        if found:
            log.info(f"translations: {len(found)} section(s) of {len(self._stale)} page(s) drifted apart; "
                     f"stale pages show readers a notice. Details: {COMMAND} check")

    def on_page_content(self, page_html, page, config, files):
        lang = config.plugins["i18n"].current_language
        src = getattr(page.file, "norm_src_uri", page.file.src_uri)
        name = re.sub(r"\.ipynb$", ".py", src)
        stale = getattr(self, "_stale", {}).get(name, {}).get(lang)
        if not stale:
            return page_html
        return notices(page_html, lang, get_relative_url(twin_url(page.url, lang), page.url), stale)


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        found = drift()
        for d in found:
            print(d.message())
        if not found:
            print("every translation is in step with the record")
            return 0
        pages = sorted({d.name for d in found})
        print(f"{len(found)} section(s) of {len(pages)} page(s) drifted. Once each pair says the same thing:\n"
              f"  {COMMAND} record {' '.join(pages)}")
        return 1
    if argv[:1] == ["record"] and argv[1:]:
        for name in record_pages(argv[1:]):
            print(f"recorded: {name}")
        return 0
    print(f"usage: {COMMAND} check\n       {COMMAND} record <page>... | --all   "
          "(page: lstm, api/lstm, notebooks/lstm)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
