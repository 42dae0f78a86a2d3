"""MkDocs plugin ``dl_notes/search``: a search index per language, with Japanese text segmented into words.

1. Segmentation.
Material's search keeps Japanese text as long runs (Japanese has no spaces), so a query such as
``勾配`` would not match a page that only says ``勾配消失``. Material solves this for Chinese by
segmenting with jieba and joining the words with zero-width spaces (U+200B), which its
separator then splits on. This hook does the same for Japanese with Janome (a pure-Python
morphological analyser with the IPA dictionary): ``勾配消失`` is indexed as ``勾配␣消失``. The
browser shows the text unchanged (U+200B is invisible) and the query side segments Han runs
against the indexed words (Material's ``segment``).

Material segments only the Han runs of a query and then splits it on the separator, so a query
that mixes scripts stayed one term: バッチ正規化 was searched as ``バッチ正規*`` and 重み減衰 as
``重み減衰*``, prefixes of no indexed word (the index has バッチ, 正規, 化, 重み, 減衰). The
separator therefore also cuts, with zero-width lookarounds, where the script changes inside a
Japanese run (kana→kanji, katakana↔the rest), but not kanji→hiragana, so okurigana stay on their
word (重み). The same separator splits the indexed text, where Janome has already cut there.

2. One index per language. mkdocs-static-i18n merges the entries of every language into one
index at the site root, so an English reader searching "gradient" got the Japanese pages too
(their text has the English terms in parentheses). The merged index is split: Japanese entries
stay in ``/search/search_index.json``, English ones go to ``/en/search/search_index.json`` with
locations relative to ``/en/``, and each English page's ``__config`` base points at ``/en/``,
where Material fetches the index and resolves result links.

3. Teaching pages first. The glossary lists every term and every synonym (荷重減衰, ガウス分布),
the API reference names every method (Nesterov), and the home page's outline every chapter: they
match the words a student types as well as the page that teaches them, and their short
sections often outscore it. Their index entries get a lower boost (`REFERENCE_BOOSTS`), so
the teaching page comes first and they follow.

4. The last character of a kanji query. Material cuts a kanji run of the query into words it
finds in the index (``segment`` in its search worker), but its loop never tries a word that
ends at the end of the query: 回帰 became 回 (a word of the index, as in 1 回), so ラッソ回帰
found every page that counts something. ``patch_worker`` lets that loop reach the end; the
build fails if the worker no longer has the loop (a Material update), so the patch is checked
again rather than lost.

5. The index loads when the reader opens search. Material fetches the whole index on every page
load (585 KB compressed for the Japanese pages by issue 19, a third of a page's weight budget and
growing with every chapter), though most visits never search. ``defer_index`` makes the bundle
fetch it on the first focus, tap or hover of the search box instead (or at once when the URL
carries a ``?q=`` query). Material's query field emits its current value when the worker becomes
ready, so what a reader typed while the index arrived is searched. From ``file://`` (the offline
copy, ``offline.py``) it loads at once when asked: there Material itself asks only once search is
open, after the event that opened it, and waiting for another one left search initialising. As
with 4., the build fails if the bundle no longer has the code this patches.

6. Synonyms and the other language. Each glossary term's section that teaches it carries the
term's synonyms and its name in the other language as index tags (`with_glossary_tags`), so
荷重減衰 finds the section on 重み減衰, and 勾配クリッピング finds it on the English site. Tags
weigh less than Material gives them (`TAG_BOOST`), so they help a search without taking it over.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from dl_notes_site.glossary import terms

ZWSP = "\u200b"
# Runs of Japanese script: kanji (incl. 々〆ヶ), hiragana, katakana and the long-vowel mark.
JAPANESE = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶー]+")


@lru_cache(maxsize=1)
def _tokenizer():
    from janome.tokenizer import Tokenizer

    return Tokenizer(wakati=True)


KATAKANA_WORD = re.compile(r"[\u30a0-\u30ff]+")


@lru_cache(maxsize=65536)
def segment_run(run: str) -> str:
    """Japanese words of ``run`` joined by U+200B; a katakana compound stays one word.

    Janome cuts ビームサーチ into ビーム and サーチ, but a query keeps a katakana run whole (the
    worker segments only kanji), so the page that teaches ビームサーチ was not found by its name.

    >>> segment_run("勾配消失").split("\u200b")
    ['勾配', '消失']
    >>> segment_run("ビームサーチを使う").split("\u200b")
    ['ビームサーチ', 'を', '使う']
    """
    words: list[str] = []
    for word in _tokenizer().tokenize(run):
        if words and KATAKANA_WORD.fullmatch(word) and KATAKANA_WORD.fullmatch(words[-1]):
            words[-1] += word
        else:
            words.append(word)
    return ZWSP.join(words)


def segment(text: str) -> str:
    """``text`` with every Japanese run segmented into words and fenced by U+200B; idempotent."""
    text = text.replace(ZWSP, "")
    segmented = JAPANESE.sub(lambda m: ZWSP + segment_run(m.group(0)) + ZWSP, text)
    return re.sub(f"{ZWSP}+", ZWSP, segmented).strip(ZWSP)


# Zero-width cuts where the script changes inside a Japanese word run (see 1. above): before
# kanji after kana, before katakana after kanji or hiragana, before hiragana after katakana.
# Lookbehind needs Safari 16.4+; Material's highlighter drops lookaround-only alternatives.
KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005"
HIRAGANA = r"\u3041-\u309f"
KATAKANA = r"\u30a0-\u30ff"
SCRIPT_CHANGES = "|".join([
    f"(?<=[{HIRAGANA}{KATAKANA}])(?=[{KANJI}])",
    f"(?<=[{KANJI}{HIRAGANA}])(?=[{KATAKANA}])",
    f"(?<=[{KATAKANA}])(?=[{HIRAGANA}])",
])


def with_zwsp_separator(separator: str) -> str:
    r"""Add U+200B to the search separator's character class, and the cuts at script changes.

    >>> with_zwsp_separator(r"[\s\-]+") == r"[\s\u200b\-]+|" + SCRIPT_CHANGES
    True
    >>> re.split(with_zwsp_separator(r"[\s\-]+"), "バッチ正規化 重み減衰 ミニバッチを使う")
    ['バッチ', '正規化', '重み', '減衰', 'ミニバッチ', 'を', '使う']
    """
    if "\\u200b" in separator:
        return separator
    if not separator.startswith("["):
        raise ValueError(f"search separator {separator!r} does not start with a character class")
    return "[\\s\\u200b" + separator[1:].replace("\\s", "", 1) + "|" + SCRIPT_CHANGES


def other_languages(config) -> list[str]:
    """The languages published under ``/<lang>/`` (all but the default one)."""
    return [lang.locale for lang in config.plugins["i18n"].config.languages if not lang.default and lang.build]


def split_by_language(docs: list[dict], languages: list[str]) -> dict[str, list[dict]]:
    """Index entries per language folder ('' for the default language), locations made relative to it.

    >>> split_by_language([{"location": "a/"}, {"location": "en/a/#x"}], ["en"])
    {'': [{'location': 'a/'}], 'en': [{'location': 'a/#x'}]}
    """
    parts: dict[str, list[dict]] = {"": [], **{lang: [] for lang in languages}}
    for doc in docs:
        lang = next((lang for lang in languages if doc["location"].startswith(f"{lang}/")), "")
        parts[lang].append({**doc, "location": doc["location"].removeprefix(f"{lang}/")} if lang else doc)
    return parts


# Pages that list terms rather than teach them, by site path (without the language folder), and
# the boost of their index entries; a page's own `search: boost:` front matter wins.
REFERENCE_BOOSTS = {"glossary/": 0.2, "api/": 0.5, "": 0.5}


def reference_boost(location: str) -> float | None:
    """The boost of a reference page's index entry (the home page, the glossary, the API reference), else None.

    >>> [reference_boost(x) for x in ("glossary/", "api/optim/#dl_notes.optim.Nesterov", "#api-reference", "optimizers/#momentum")]
    [0.2, 0.5, 0.5, None]
    """
    page = location.split("#", 1)[0]
    return next((boost for prefix, boost in REFERENCE_BOOSTS.items() if page.startswith(prefix) and (prefix or not page)), None)


def with_reference_boosts(docs: list[dict]) -> list[dict]:
    """``docs`` with the reference pages' entries boosted down, unless a page sets its own boost.

    >>> with_reference_boosts([{"location": "glossary/"}, {"location": "regularization/"}, {"location": "api/x/", "boost": 2}])
    [{'location': 'glossary/', 'boost': 0.2}, {'location': 'regularization/'}, {'location': 'api/x/', 'boost': 2}]
    """
    return [doc if "boost" in doc or (boost := reference_boost(doc["location"])) is None else {**doc, "boost": boost}
            for doc in docs]


# The query segmentation loop of Material's search worker (minified): `for (j = i + 1; j < q.length; j++)
# if (q.slice(i, j) in index) ...` never tries the word that ends at the end of the query.
SEGMENT_LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1(<=?)(\w+)\.length;\1\+\+\)\4\.slice\(\2,\1\)in ")


def patch_segment_loop(source: str) -> str:
    """The search worker's source with the query segmentation reaching the end of the query; idempotent.

    >>> patch_segment_loop("x;for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s);")
    'x;for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e&&(n[s]=o-s);'
    >>> patch_segment_loop(_) == _
    True
    >>> patch_segment_loop("no loop here")
    Traceback (most recent call last):
    ...
    ValueError: the search worker has 0 query segmentation loops, expected 1: Material changed; check dl_notes_site/search.py (4.)
    """
    loops = SEGMENT_LOOP.findall(source)
    if len(loops) != 1:
        raise ValueError(f"the search worker has {len(loops)} query segmentation loops, expected 1: Material changed; "
                         "check dl_notes_site/search.py (4.)")
    return SEGMENT_LOOP.sub(lambda m: m.group(0).replace(f"{m.group(1)}{m.group(3)}", f"{m.group(1)}<=", 1), source)


def patch_worker(site_dir: Path) -> None:
    """Apply `patch_segment_loop` to the built search worker."""
    workers = sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise ValueError(f"expected one search worker in the built site, found {[w.name for w in workers]}")
    source = workers[0].read_text(encoding="utf-8")
    patched = patch_segment_loop(source)
    if patched != source:
        workers[0].write_text(patched, encoding="utf-8")


# Where Material's bundle (minified) starts loading the index: `I=document.forms.namedItem("search")?load():EMPTY,`,
# and the Observable class its XMLHttpRequest helper returns: `return new Observable(r=>{let o=new XMLHttpRequest`.
INDEX_AT_LOAD = re.compile(r'([\w$]+)=document\.forms\.namedItem\("search"\)\?([\w$]+)\(\):([\w$]+),')
OBSERVABLE = re.compile(r'return new ([\w$]+)\([\w$]+=>\{let [\w$]+=new XMLHttpRequest')
LAZY_MARK = "/*dl_notes: index on demand*/"
# What opens search: the query field (focus, also from Material's keyboard shortcuts), the header
# button's toggle (a tap on a phone), or the pointer over the search box (a head start).
LAZY_INDEX = (LAZY_MARK + "new {observable}(s=>{{let d=!1,f=e=>{{e.target instanceof Element&&"
              "e.target.closest('.md-search,[data-md-toggle=search]')&&go()}},"
              "on=a=>['focusin','change','pointerover'].forEach(t=>a(t,f,!0)),"
              "go=()=>{{d||(d=!0,on(removeEventListener),{load}().subscribe(s))}};"
              "location.protocol==='file:'||/[?&]q=/.test(location.search)?go():on(addEventListener)}})")


def defer_index(source: str) -> str:
    """Material's bundle with the search index fetched when search is opened, not on page load; idempotent.

    >>> bundle = ('function to(e,t){return new F(r=>{let o=new XMLHttpRequest;});}'
    ...           'var Or=Te(),zi=document.forms.namedItem("search")?ks():tt,fo=new T;')
    >>> lazy = defer_index(bundle)
    >>> lazy.split("zi=")[1].startswith('document.forms.namedItem("search")?' + LAZY_MARK + "new F(s=>")
    True
    >>> "ks().subscribe(s)" in lazy and lazy.endswith(":tt,fo=new T;") and defer_index(lazy) == lazy
    True
    >>> defer_index("var x=1;")
    Traceback (most recent call last):
    ...
    ValueError: the bundle loads the search index in 0 places, expected 1: Material changed; check dl_notes_site/search.py (5.)
    """
    if LAZY_MARK in source:
        return source
    places, observables = INDEX_AT_LOAD.findall(source), set(OBSERVABLE.findall(source))
    if len(places) != 1 or len(observables) != 1:
        raise ValueError(f"the bundle loads the search index in {len(places)} places, expected 1: Material changed; "
                         "check dl_notes_site/search.py (5.)")
    lazy = LAZY_INDEX.format(observable=observables.pop(), load=places[0][1])
    return INDEX_AT_LOAD.sub(lambda m: f'{m.group(1)}=document.forms.namedItem("search")?{lazy}:{m.group(3)},', source)


def patch_bundle(site_dir: Path) -> None:
    """Apply `defer_index` to the built bundle."""
    bundles = sorted((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise ValueError(f"expected one bundle in the built site, found {[b.name for b in bundles]}")
    source = bundles[0].read_text(encoding="utf-8")
    patched = defer_index(source)
    if patched != source:
        bundles[0].write_text(patched, encoding="utf-8")


def check_unique_anchors(docs: list[dict]) -> None:
    """Fail the build when two index entries share a section's location.

    Material's search worker threw on every query that reached such a pair (two headings of a
    notebook with the anchor ``#transformer``), so search found nothing, with no error at build
    time. A page's own entry may repeat (the notebooks have two); sections may not.

    >>> check_unique_anchors([{"location": "a/"}, {"location": "a/"}, {"location": "a/#x"}])
    >>> check_unique_anchors([{"location": "a/#x"}, {"location": "a/#x"}])
    Traceback (most recent call last):
    ...
    ValueError: search index: the section locations ['a/#x'] appear more than once; give the headings different anchors
    """
    seen: set[str] = set()
    repeated = sorted({loc for doc in docs if "#" in (loc := doc["location"]) and (loc in seen or seen.add(loc))})
    if repeated:
        raise ValueError(f"search index: the section locations {repeated} appear more than once; "
                         "give the headings different anchors")


# Material weighs a match in the tags a million times one in the text (tags are meant to be chosen
# by hand). The glossary tags every term's other names: at that weight, "gate" in the tag "logic
# gate" put the perceptron above the LSTM's gates for "forget gate". A tag now weighs what a title
# does; at a hundred, the English words of the API reference outranked the Japanese teaching
# section for "gradient clipping" (tests/test_browser_glossary.py has both cases).
TAG_BOOST = 1000.0


def page_location(src: str) -> str:
    """A page's location in the index from its source path: ``lstm.md`` → ``lstm/``, ``index.md`` → ``''``.

    >>> page_location("lstm.md"), page_location("index.md"), page_location("api/optim.md")
    ('lstm/', '', 'api/optim/')
    """
    stem = src.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def with_glossary_tags(docs: list[dict], lang: str, entries=None) -> list[dict]:
    """``docs`` with each glossary term's other names as tags of the section that teaches it.

    A student searches 荷重減衰 (the course's word), or on the English site 勾配クリッピング: the
    teaching section carries the term's synonyms and its name in the other language as tags, which
    Material's search weighs above titles, so that section comes first.

    >>> from dl_notes_site.glossary import parse
    >>> entries = parse([{"ja": "重み減衰", "en": "weight decay", "taught": "reg.md#wd", "synonyms": ["荷重減衰"]}])
    >>> with_glossary_tags([{"location": "reg/"}, {"location": "reg/#wd"}], "en", entries)
    [{'location': 'reg/'}, {'location': 'reg/#wd', 'tags': ['重み\u200b減衰', '荷重\u200b減衰']}]
    >>> with_glossary_tags([{"location": "reg/#wd"}], "ja", entries)[0]["tags"]
    ['荷重\u200b減衰', 'weight decay']
    """
    tags: dict[str, list[str]] = {}
    for term in terms() if entries is None else entries:
        if not term.taught:
            continue
        other = "en" if lang == "ja" else "ja"
        names = [name for name in term.names(lang)[1:] + term.names(other) if name]
        location = page_location(term.page) + (f"#{term.anchor}" if term.anchor else "")
        tags.setdefault(location, []).extend(segment(name) for name in names)
    return [{**doc, "tags": list(dict.fromkeys(doc.get("tags", []) + tags[doc["location"]]))}
            if doc["location"] in tags else doc for doc in docs]


@event_priority(-100)  # after i18n has built every language and written the merged index
def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():  # the inner builds of the other languages write no index
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    check_unique_anchors(index["docs"])
    index["config"]["separator"] = with_zwsp_separator(index["config"]["separator"])
    index["config"].setdefault("fields", {})["tags"] = {"boost": TAG_BOOST}
    for doc in index["docs"]:
        for field in ("title", "text"):
            if doc.get(field):
                doc[field] = segment(doc[field])
    patch_worker(Path(config.site_dir))
    patch_bundle(Path(config.site_dir))
    for folder, docs in split_by_language(index["docs"], other_languages(config)).items():
        docs = with_glossary_tags(with_reference_boosts(docs), folder or "ja")
        target = Path(config.site_dir) / folder / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        # The browser builds the index with the tokenizers of config.lang; the Japanese one
        # (TinySegmenter) cuts English words differently in different contexts, so that
        # "stratified" in a query missed "stratified sampling" in the text. Other languages'
        # indexes use their own pipeline only.
        settings = index["config"] if not folder else {**index["config"], "lang": [folder]}
        target.write_text(json.dumps({"config": settings, "docs": docs}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


BASE = re.compile(r'("base": ")([^"]*)(")')


@event_priority(-200)
def on_post_page(output, page, config):
    lang = next((lang for lang in other_languages(config) if page.url.startswith(f"{lang}/")), None)
    if lang is None:
        return output
    depth = page.url.count("/") - 1  # folders below /<lang>/
    return BASE.sub(lambda m: m.group(1) + ("/".join([".."] * depth) or ".") + m.group(3), output, count=1)


class Plugin(BasePlugin):
    """Japanese segmentation in the search index, and one index per language."""

    on_post_build = staticmethod(on_post_build)
    on_post_page = staticmethod(on_post_page)
