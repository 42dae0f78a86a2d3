"""The glossary (``docs/glossary.yml``) as data for the site: terms, names, definitions, where each is taught.

One entry per term::

    - ja: 重み減衰
      en: weight decay
      taught: regularization.md#weight-decay     # the page and section (shared anchor) that teach it
      synonyms: [荷重減衰]                        # other Japanese names a student meets (optional)
      en_synonyms: [L2 regularisation]            # other English names (optional)
      avoid: [体重減衰]                           # spellings no page may use (optional)
      definition:
        ja: 損失に重みの二乗和を加えて、重みを小さく保つ正則化です。
        en: A regulariser that adds the squared weights to the loss to keep them small.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

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
    definition: dict

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
                 definition=dict(e.get("definition") or {})) for e in entries]


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """Every term of ``docs/glossary.yml``, in the file's order."""
    return tuple(parse(yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))))
