"""The glossary (``docs/glossary.yml``) as data for the site: terms, names, definitions, where each is taught.

One entry per term::

    - ja: 重み減衰
      en: weight decay
      taught: regularization.md#weight-decay     # the page and section (shared anchor) that teach it
      synonyms: [荷重減衰]                        # other Japanese names a student meets (optional)
      en_synonyms: [L2 regularisation]            # other English names (optional)
      avoid: [体重減衰]                           # spellings no page may use (optional)
      tooltip: false                              # no definition on first use (too general a word; optional)
      definition:
        ja: 損失に重みの二乗和を加えて、重みを小さく保つ正則化です。
        en: A regulariser that adds the squared weights to the loss to keep them small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from dl_notes_site.sections import sections, slug

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.yml"
LANGS = ("ja", "en")


@dataclass(frozen=True)
class Term:
    ja: str
    en: str
    taught: str | None
    synonyms: tuple[str, ...]
    en_synonyms: tuple[str, ...]
    avoid: tuple[str, ...]
    definition: dict = field(default_factory=dict, hash=False, compare=False)  # {"ja": ..., "en": ...}
    tooltip: bool = True  # False: too general a word for its definition to help on every page

    def name(self, lang: str) -> str:
        """The term as a page in ``lang`` writes it."""
        return self.ja if lang == "ja" else self.en

    def names(self, lang: str) -> tuple[str, ...]:
        """The term and its synonyms in ``lang``."""
        return (self.ja, *self.synonyms) if lang == "ja" else (self.en, *self.en_synonyms)

    @property
    def page(self) -> str | None:
        """The source page that teaches the term, without its language suffix: ``regularization.md``."""
        return self.taught.split("#", 1)[0] if self.taught else None

    @property
    def anchor(self) -> str | None:
        return self.taught.split("#", 1)[1] if self.taught and "#" in self.taught else None


def parse(entries: list[dict]) -> list[Term]:
    """Terms from the entries of the YAML file.

    >>> [t.names("en") for t in parse([{"ja": "勾配", "en": "gradient", "en_synonyms": ["grad"]}])]
    [('gradient', 'grad')]
    """
    return [Term(ja=e["ja"], en=e["en"], taught=e.get("taught"), synonyms=tuple(e.get("synonyms", [])),
                 en_synonyms=tuple(e.get("en_synonyms", [])), avoid=tuple(e.get("avoid", [])),
                 definition=dict(e.get("definition") or {}), tooltip=e.get("tooltip", True)) for e in entries]


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """Every term of ``docs/glossary.yml``, in the file's order."""
    return tuple(parse(yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))))


LABELS = {
    "ja": {"synonyms": "別名", "en_synonyms": "英語の別名", "avoid": "使わない表記", "taught": "学ぶ節", "other": "その他"},
    "en": {"synonyms": "other Japanese names", "en_synonyms": "other names", "avoid": "Japanese spellings not used",
           "taught": "taught in", "other": "Other pages"},
}


def entry_anchor(term: Term) -> str:
    """The glossary page's anchor of a term, the same in both languages: ``term-weight-decay``.

    >>> entry_anchor(parse([{"ja": "重み減衰", "en": "weight decay"}])[0])
    'term-weight-decay'
    """
    return "term-" + slug(term.en)


def entry_markdown(term: Term, lang: str, section_title: str | None) -> str:
    """One term of the glossary page: its names, its definition and the link to where it is taught.

    >>> term = parse([{"ja": "重み減衰", "en": "weight decay", "taught": "reg.md#wd", "synonyms": ["荷重減衰"],
    ...                "definition": {"ja": "重みを小さく保つ正則化です。", "en": "Keeps weights small."}}])[0]
    >>> print(entry_markdown(term, "ja", "重み減衰"))
    **重み減衰**（weight decay） {: #term-weight-decay }
    : 重みを小さく保つ正則化です。<br><small>別名：荷重減衰 · 学ぶ節：[重み減衰](reg.md#wd)</small>
    <BLANKLINE>
    """
    labels = LABELS[lang]
    other = term.en if lang == "ja" else term.ja
    head = f"**{term.name(lang)}**（{other}）" if lang == "ja" else f"**{term.en}** ({term.ja})"
    notes = [f"{labels[key]}{'：' if lang == 'ja' else ': '}{('、' if lang == 'ja' else ', ').join(values)}"
             for key, values in (("synonyms", term.synonyms), ("en_synonyms", term.en_synonyms), ("avoid", term.avoid))
             if values]
    if term.taught and section_title:
        notes.append(f"{labels['taught']}{'：' if lang == 'ja' else ': '}[{section_title}]({term.taught})")
    meta = f"<br><small>{' · '.join(notes)}</small>" if notes else ""
    return f"{head} {{: #{entry_anchor(term)} }}\n: {term.definition.get(lang, '')}{meta}\n"


def section_titles(docs_dir: Path, page: str, lang: str) -> dict[str, str]:
    """The section titles of a page's source in ``lang``, by anchor."""
    path = Path(docs_dir) / page.replace(".md", f".{lang}.md")
    return {s.anchor: s.title for s in sections(path.read_text(encoding="utf-8"))} if path.is_file() else {}


def glossary_markdown(parts, lang: str, docs_dir: Path, entries: tuple[Term, ...] | None = None) -> str:
    """Every term, grouped by the part and the chapter that teach it, in the course's order.

    ``parts`` are `navigation.course_outline`'s, in ``lang``; a term taught on no chapter of the
    outline goes last, under "その他" / "Other pages".
    """
    entries = terms() if entries is None else entries
    by_page: dict[str, list[Term]] = {}
    for term in entries:
        by_page.setdefault(term.page or "", []).append(term)
    blocks, shown = [], set()
    for number, part in enumerate(parts, 1):
        chapters = [page for page in part.pages() if page.src in by_page]
        if not chapters:
            continue
        blocks.append(f"## {part.title} {{: #part-{number} }}\n")
        for page in chapters:
            titles = section_titles(docs_dir, page.src, lang)
            blocks.append(f"### [{page.title}]({page.src}) {{: #{page.src.removesuffix('.md')} }}\n")
            sort_key = (lambda t: t.ja) if lang == "ja" else (lambda t: t.en.lower())
            blocks += [entry_markdown(term, lang, titles.get(term.anchor)) for term in sorted(by_page[page.src], key=sort_key)]
            shown.add(page.src)
    rest = [term for page, found in by_page.items() if page not in shown for term in found]
    if rest:
        blocks.append(f"## {LABELS[lang]['other']} {{: #other }}\n")
        blocks += [entry_markdown(term, lang, section_titles(docs_dir, term.page, lang).get(term.anchor) if term.page else None)
                   for term in rest]
    return "\n".join(blocks)
