"""The Japanese API reference: docs/api/ja/<module>.yml and the griffe extension that uses it.

The translation files are checked against the docstrings they translate (every public object has
an entry, every entry names one, the keys match, and `source` says the English has not changed
since); the extension is checked on parsed docstrings and on the built pages (the tests that take
the session `site` fixture build the site once, see tests/conftest.py; they are named
``test_built_*``, so ``-k "not built"`` runs the rest in seconds).
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import sys
from pathlib import Path

import griffe
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "docs" / "api" / "ja"
from dl_notes_site import api_japanese as ja  # noqa: E402

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Every public module of the package (dl_notes/<m>.py; not _private ones, not the experiments).
MODULES = sorted(p.stem for p in (ROOT / "dl_notes").glob("*.py") if not p.stem.startswith("_"))


def dump(sections: list) -> str:
    """Parsed docstring sections as JSON, to compare them by value."""
    return json.dumps(sections, cls=griffe.JSONEncoder, sort_keys=True)


def objects(module: str) -> dict:
    return ja.public_objects(importlib.import_module(f"dl_notes.{module}"))


def translation_file(module: str) -> Path:
    return TRANSLATIONS / f"{module}.yml"


def entries(module: str) -> dict:
    return yaml.safe_load(translation_file(module).read_text(encoding="utf-8")) or {}


def all_entries() -> list[tuple[str, str]]:
    """(module, dotted path) of every entry of every translation file there is."""
    return [(m, path) for m in MODULES if translation_file(m).is_file() for path in entries(m)]


# --- the translation files against the docstrings ------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_every_public_object_has_a_japanese_entry(module):
    file = translation_file(module).relative_to(ROOT)
    if not translation_file(module).is_file():
        pytest.fail(f"{file} is missing: the Japanese site shows dl_notes.{module} in English. "
                    f"Translate its {len(objects(module))} public objects (format: scripts/dl_notes_site/api_japanese.py).")
    missing = [path for path in objects(module) if path not in entries(module)]
    assert missing == [], f"{file} has no Japanese for {missing}"


def why_no_entry(path: str, module: str) -> str:
    """Why ``path`` is not an entry of ``docs/api/ja/<module>.yml`` (it is not one of its public objects)."""
    owner, _, name = path.rpartition(".")
    value = getattr(sys.modules.get(owner) or importlib.import_module("dl_notes"), name, None) if owner.startswith("dl_notes") else None
    canonical = f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    if value is not None and canonical != path:
        return f"an alias of {canonical}: its entry is that one"
    if value is not None and owner != f"dl_notes.{module}":
        return f"belongs in docs/api/ja/{owner.rpartition('.')[2]}.yml"
    return f"not a public object of dl_notes.{module} with a docstring (renamed or removed?)"


@pytest.mark.parametrize("module", [m for m in MODULES if translation_file(m).is_file()])
def test_every_entry_names_a_public_object(module):
    public = objects(module)
    wrong = {path: why_no_entry(path, module) for path in entries(module) if path not in public}
    assert wrong == {}


@pytest.mark.parametrize(("module", "path"), all_entries(), ids=[p for _, p in all_entries()])
def test_entry_translates_the_current_english(module, path):
    doc = ja.docstring_of(objects(module)[path]) if path in objects(module) else pytest.skip(f"{path} is no object")
    message = ja.staleness(path, doc, entries(module)[path], str(translation_file(module).relative_to(ROOT)))
    assert message is None, message


@pytest.mark.parametrize(("module", "path"), all_entries(), ids=[p for _, p in all_entries()])
def test_entry_keys_match_the_docstring(module, path):
    doc = ja.docstring_of(objects(module)[path]) if path in objects(module) else pytest.skip(f"{path} is no object")
    assert ja.translate_sections(ja.parse_docstring(doc), entries(module)[path], path).problems == []


@pytest.mark.parametrize("module", [m for m in MODULES if translation_file(m).is_file()])
def test_japanese_uses_the_glossary_spellings(module):
    glossary = yaml.safe_load((ROOT / "docs" / "glossary.yml").read_text(encoding="utf-8"))
    text = translation_file(module).read_text(encoding="utf-8")
    found = {term["ja"]: bad for term in glossary for bad in term.get("avoid", []) if bad in text}
    assert found == {}, f"{translation_file(module).name}: write the glossary's spelling, not the one on the right"


# --- the checkers themselves, on synthetic docstrings --------------------------------------------

DOC = '''Sum of two numbers.

$$
s = a + b
$$

Parameters
----------
a : int
    The first.
b : int
    The second.

Returns
-------
int
    The sum.

Raises
------
TypeError
    If a number is not one.

See Also
--------
mean : the sum divided by two.
prod

Notes
-----
Exact for integers.

Examples
--------
>>> add(1, 2)
3
'''

ENTRY = {
    "source": ja.source_hash(DOC),
    "text": "二つの数の和です。\n\n$$\ns = a + b\n$$\n",
    "parameters": {"a": "一つ目です。", "b": "二つ目です。"},
    "returns": ["和です。"],
    "raises": ["数でないときに送出します。"],
    "see_also": {"mean": "和を 2 で割ったものです。"},
    "sections": {"Notes": "整数では厳密です。"},
}


def test_staleness_check_names_the_object_and_the_fix():
    assert ja.staleness("pkg.add", DOC, ENTRY, "docs/api/ja/pkg.yml") is None
    changed = DOC.replace("The second.", "The second, not zero.")
    message = ja.staleness("pkg.add", changed, ENTRY, "docs/api/ja/pkg.yml")
    assert message is not None
    assert "pkg.add" in message and "docs/api/ja/pkg.yml" in message
    assert f"source: \"{ja.source_hash(changed)}\"" in message and "Update the Japanese" in message


def test_a_complete_entry_has_no_problem():
    assert ja.translate_sections(ja.parse_docstring(DOC), ENTRY, "pkg.add").problems == []


@pytest.mark.parametrize(("change", "expected"), [
    (lambda e: e["parameters"].update(c="三つ目です。"), "['c']"),                  # a parameter the docstring lacks
    (lambda e: e["parameters"].pop("b"), "parameters['b']"),                        # a parameter left out
    (lambda e: e["returns"].append("余分です。"), "returns has 2 items"),
    (lambda e: e.pop("raises"), "raises[0]"),
    (lambda e: e["see_also"].update(prod="積です。"), "see_also['prod']"),          # prod has no description
    (lambda e: e["sections"].update(Warnings="注意です。"), "['Warnings']"),
    (lambda e: e.pop("text"), "no Japanese for text"),
    (lambda e: e.update(summary="和です。"), "unknown key 'summary'"),
], ids=["extra-parameter", "missing-parameter", "extra-return", "missing-raise", "see-also-without-text",
        "extra-section", "missing-text", "unknown-key"])
def test_key_check_catches_a_mismatch(change, expected):
    entry = copy.deepcopy(ENTRY)
    change(entry)
    problems = ja.translate_sections(ja.parse_docstring(DOC), entry, "pkg.add").problems
    assert any(expected in p and p.startswith("pkg.add: ") for p in problems), problems


def test_translation_is_japanese_and_keeps_the_examples():
    sections = ja.parse_docstring(DOC)
    before = dump(sections)
    out = ja.translate_sections(sections, ENTRY, "pkg.add").sections
    kinds = {s.kind.value: s for s in out if s.kind.value != "admonition"}
    admonitions = {s.title: s.value.contents for s in out if s.kind.value == "admonition"}
    assert kinds["text"].value == ENTRY["text"].rstrip("\n")
    assert [p.description for p in kinds["parameters"].value] == ["一つ目です。", "二つ目です。"]
    assert [p.annotation for p in kinds["parameters"].value] == ["int", "int"]  # types stay
    assert [r.description for r in kinds["returns"].value] == ["和です。"]
    assert [r.description for r in kinds["raises"].value] == ["数でないときに送出します。"]
    assert admonitions == {"関連項目": "mean：和を 2 で割ったものです。\nprod", "注記": "整数では厳密です。"}  # 「：」 of Japanese prose
    assert kinds["examples"] is next(s for s in sections if s.kind.value == "examples")
    assert [s.kind.value for s in out] == [s.kind.value for s in sections]  # same sections, same order
    assert dump(sections) == before  # the English sections are not changed


def test_named_items_of_other_sections_are_translated_by_name():
    doc = "A layer.\n\nAttributes\n----------\ndW : ndarray\n    The weight's gradient.\nx : ndarray\n    The input."
    entry = {"text": "レイヤです。", "sections": {"Attributes": {"dW": "重みの勾配です。", "x": "入力です。"}}}
    out = ja.translate_sections(ja.parse_docstring(doc), entry, "pkg.Layer")
    assert out.problems == []
    assert [(a.name, a.description) for a in out.sections[1].value] == [("dW", "重みの勾配です。"), ("x", "入力です。")]
    entry["sections"]["Attributes"]["db"] = "バイアスの勾配です。"
    assert "pkg.Layer: sections['Attributes'] names ['db'], which the docstring does not have" in \
        ja.translate_sections(ja.parse_docstring(doc), entry, "pkg.Layer").problems


@pytest.mark.parametrize(("text", "items"), [
    ("Momentum : damps.", [("Momentum", "damps.")]),
    ("im2col, col2im, conv2d_naive", [("im2col, col2im, conv2d_naive", "")]),
    ("Adam\n    adapts the step\n    per weight.", [("Adam", "adapts the step per weight.")]),
    ("xavier_normal, he_normal : keep $a : b$.", [("xavier_normal, he_normal", "keep $a : b$.")]),
])
def test_see_also_items_round_trip(text, items):
    assert ja.parse_see_also(text) == items
    assert ja.parse_see_also(ja.render_see_also(items)) == items


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A folder holding only a translation of dl_notes.optim.SGD, and a loader of dl_notes with the extension."""
    folder = tmp_path_factory.mktemp("ja")
    folder.joinpath("optim.yml").write_text(yaml.safe_dump({"dl_notes.optim.SGD": entries("optim")["dl_notes.optim.SGD"]},
                                                           allow_unicode=True), encoding="utf-8")

    def load():
        extensions = griffe.load_extensions(ja.JapaneseExtension(translations=str(folder)))
        return griffe.load("dl_notes", search_paths=[str(ROOT)], extensions=extensions, docstring_parser="numpy")
    return load


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_extension_translates_only_the_japanese_build(loaded, monkeypatch, lang):
    monkeypatch.setenv("DL_NOTES_SITE_LANG", lang)
    sgd = loaded()["optim.SGD"]
    text = sgd.docstring.parsed[0].value
    assert bool(JAPANESE.search(text)) == (lang == "ja"), text
    if lang == "en":
        assert dump(sgd.docstring.parsed) == dump(sgd.docstring.parse("numpy"))
    assert any(s.kind.value == "examples" for s in sgd.docstring.parsed)


# --- the built pages ------------------------------------------------------------------------------


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def labels(html: str) -> set[str]:
    """The section titles and table headers of the rendered docstrings."""
    found = [next(g for g in groups if g) for groups in
             re.findall(r'<span class="doc-section-title">([^<]*)</span>|<th>([^<]*)</th>|<summary>([^<]*)</summary>', html)]
    found += re.findall(r'<p class="doc doc-class-bases">\s*([^<\s]*)', html)
    return {label.strip().rstrip(":：") for label in found}


@pytest.mark.parametrize(("path", "expected"), [
    ("api/optim/", {"引数", "名前", "型", "説明", "既定値", "基底クラス", "関連項目", "例"}),
    ("api/init/", {"戻り値", "例外", "関連項目"}),
])
def test_built_japanese_page_has_japanese_labels(site, path, expected):
    found = labels(page(site, path))
    assert expected <= found, f"/{path}: missing {expected - found}; the page has {sorted(found)}"
    assert not found & {"タイプ", "デスクリプション", "デフォルト", "発生", "See Also", "Bases", "Parameters"}, sorted(found)


@pytest.mark.parametrize(("path", "expected"), [
    ("en/api/optim/", {"Parameters", "Name", "Type", "Description", "Default", "Bases", "See Also", "Examples"}),
    ("en/api/init/", {"Returns", "Raises"}),
])
def test_built_english_page_keeps_english_labels_and_text(site, path, expected):
    html = page(site, path)
    found = labels(html)
    assert expected <= found, f"/{path}: missing {expected - found}; the page has {sorted(found)}"
    contents = "".join(re.findall(r'<div class="doc doc-contents[^"]*">(.*?)</div>', html, re.S))
    assert contents and not JAPANESE.search(contents), JAPANESE.search(contents)


def test_built_japanese_page_shows_the_translations(site):
    html = page(site, "api/optim/")
    for path, entry in entries("optim").items():
        first = entry["text"].split("\n\n")[0].replace("\n", "")  # lines are joined on the page
        first = re.sub(r"`+([^`]+)`+", r"<code>\1</code>", first)
        assert first.split("<code>")[0] in html, f"{path}: {first!r} is not on /api/optim/"
    assert "Stochastic gradient descent" not in html and "確率的勾配降下法（SGD）です。" in html


def test_built_examples_are_the_same_in_both_languages(site):
    prompts = [page(site, p).count('<span class="gp">&gt;&gt;&gt; </span>') for p in ("api/optim/", "en/api/optim/")]
    assert prompts[0] == prompts[1] > 0


@pytest.mark.parametrize("lang", ["", "en/"])
def test_built_measured_box_stays_last(site, lang):
    """griffe_results.py appends its box after the (translated) docstring: it must be the last section."""
    html = page(site, lang + "api/optim/")
    sgd = html[html.index('id="dl_notes.optim.SGD"'):html.index('id="dl_notes.optim.Momentum"')]
    see_also = "関連項目" if lang == "" else "See Also"
    measured = "実測" if lang == "" else "Measured"
    assert sgd.index(see_also) < sgd.index(measured)
    boxes = re.findall(r'<details class="([^"]*)"', sgd)
    assert boxes[-2:] == ["info", "mkdocstrings-source"], f"the measured box is not the last section: {boxes}"
