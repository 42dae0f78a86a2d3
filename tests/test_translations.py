"""Translations cannot drift: each section of a page is compared with its twin's record.

The first test is the real check of the site: every Japanese and English section is in step with
``docs/data/translations.yml``. The others run the same code on small synthetic pages written to a
temporary ``docs/``, and call the plugin on a rendered page to see the notice a reader gets.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest

from dl_notes_site import translations
from dl_notes_site.translations import Plugin, RecordError, drift, read_record, record_pages


def test_the_record_matches_the_sources():
    found = drift()
    assert not found, "translations drifted from docs/data/translations.yml:\n" + "\n".join(d.message() for d in found)


def test_the_record_covers_every_page_notebook_and_api_page():
    record = read_record()
    pages = {pair.name for pair in translations.source_pairs()}
    assert pages == set(record)
    assert {"lstm.md", "api/lstm.md", "notebooks/lstm.py"} <= pages
    assert "quiz" in record["lstm.md"] and "(lead)" in record["lstm.md"]


JA = """\
---
description: 説明です。
---

# ページ

導入です。

## 式 {: #formula }

損失は次のとおりです。

$$
L = \\frac{1}{2} (y - t)^2
$$

## コード {: #code }

```python
lr = 0.01
```
"""

EN = """\
---
description: A description.
---

# Page

An introduction.

## The formula {: #formula }

The loss is

$$
L = \\frac{1}{2} (y - t)^2
$$

## Code {: #code }

```python
lr = 0.01
```
"""


@pytest.fixture
def docs(tmp_path) -> Path:
    """A docs/ with one page pair, recorded as in step."""
    (tmp_path / "p.ja.md").write_text(JA, encoding="utf-8")
    (tmp_path / "p.en.md").write_text(EN, encoding="utf-8")
    record_pages(["p"], tmp_path)
    assert drift(tmp_path) == []
    return tmp_path


def edit(docs: Path, lang: str, old: str, new: str) -> None:
    path = docs / f"p.{lang}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_one_side_changed_makes_its_twin_stale_and_names_page_and_section(docs):
    edit(docs, "ja", "y - t", "t - y")            # a formula corrected on the Japanese page only
    (found,) = drift(docs)
    assert (found.page, found.key, found.stale) == ("p.md", "formula", "en")
    message = found.message()
    assert message.startswith('docs/p.en.md, section "The formula" (#formula)')
    assert "python -m dl_notes_site.translations record p" in message
    assert "-- docs/p.ja.md" in message and "git diff" in message
    edit(docs, "en", "y - t", "t - y")            # the translation follows; someone records it
    assert [d.stale for d in drift(docs)] == [None]
    record_pages(["docs/p.en.md"], docs)
    assert drift(docs) == []


def test_the_english_side_changed_makes_the_japanese_stale(docs):
    edit(docs, "en", "An introduction.", "An introduction, longer.")
    (found,) = drift(docs)
    assert (found.key, found.stale) == ("(lead)", "ja")
    assert found.message().startswith("docs/p.ja.md, the lead")


def test_both_sides_changed_fails_until_recorded(docs):
    edit(docs, "ja", "lr = 0.01", "lr = 0.1")
    edit(docs, "en", "lr = 0.01", "lr = 0.1")
    (found,) = drift(docs)
    assert (found.key, found.stale) == ("code", None)
    assert "both languages changed" in found.message()
    assert "python -m dl_notes_site.translations record p" in found.message()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_section_added_on_one_side_fails(docs, lang):
    (docs / f"p.{lang}.md").open("a", encoding="utf-8").write("\n## Extra {: #extra }\n\nMore.\n")
    (found,) = drift(docs)
    assert (found.key, found.present) == ("extra", (lang,))
    assert found.stale == ("en" if lang == "ja" else "ja")
    assert "was added to the" in found.message()


def test_a_section_removed_on_one_side_fails(docs):
    edit(docs, "en", EN[EN.index("## Code"):], "")
    (found,) = drift(docs)
    assert (found.key, found.stale, found.present) == ("code", "ja", ("ja",))
    assert "was removed from the English page" in found.message()


def test_whitespace_and_wrapping_do_not_count(docs):
    edit(docs, "en", "The loss is\n", "The   loss\n   is   \n\n\n")
    edit(docs, "ja", "導入です。", "導\n入です。")
    edit(docs, "ja", "lr = 0.01\n", "lr = 0.01   \n")
    assert drift(docs) == []


@pytest.mark.parametrize("old, new", [("0.01", "0.001"), ("\\frac{1}{2}", "\\frac{1}{3}"), ("```python\nlr", "```python\n    lr")])
def test_a_number_formula_or_code_line_counts(docs, old, new):
    edit(docs, "ja", old, new)
    assert [d.stale for d in drift(docs)] == ["en"]


def test_a_page_missing_from_the_record_or_gone_fails(docs):
    (docs / "q.ja.md").write_text(JA, encoding="utf-8")
    (docs / "q.en.md").write_text(EN, encoding="utf-8")
    assert [(d.page, d.stale) for d in drift(docs)] == [("q.md", None)]
    record_pages(["q"], docs)
    (docs / "q.ja.md").unlink()
    (docs / "q.en.md").unlink()
    assert [(d.page, d.stale) for d in drift(docs)] == [("q.md", None)]
    record_pages(["--all"], docs)
    assert drift(docs) == [] and set(read_record(docs)) == {"p.md"}


def test_a_damaged_record_is_an_error(docs):
    path = docs / translations.RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("p.md:", "<<<<<<< HEAD\np.md:"), encoding="utf-8")
    with pytest.raises(RecordError, match="record --all"):
        drift(docs)


def test_a_notebook_code_line_counts(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    cell = "# %% [markdown]\n# # T\n#\n# Text.\n\n# %% [markdown]\n# ## {h}\n\n# %%\nshow(plot(result, '{lang}'), n=3)\n"
    for lang, h in (("ja", "結果"), ("en", "Results")):
        (notebooks / f"nb.{lang}.py").write_text(cell.format(h=h, lang=lang), encoding="utf-8")
    record_pages(["notebooks/nb"], tmp_path)
    assert drift(tmp_path) == []
    path = notebooks / "nb.en.py"
    path.write_text(path.read_text(encoding="utf-8").replace("n=3", "n=4"), encoding="utf-8")
    assert [(d.page, d.key, d.title, d.stale) for d in drift(tmp_path)] == [("notebooks/nb.py", "(1)", "結果", "ja")]
    japanese = render(tmp_path, "ja", "notebooks/nb/", "notebooks/nb.ipynb", '<h1 id="t">T</h1><h2 id="結果">結果</h2>')
    assert japanese.index("</h1>") < japanese.index("dl-translation-notice") < japanese.index("<h2")
    assert '<a href="../../en/notebooks/nb/" hreflang="en">結果</a>' in japanese


def render(docs: Path, lang: str, url: str, src: str = "p.md", page_html: str | None = None) -> str:
    """A page as a reader gets it: Markdown to HTML, then the plugin's on_pre_build and on_page_content.

    ``src`` is the language-free source path the i18n plugin gives the page (``norm_src_uri``).
    """
    config = SimpleNamespace(docs_dir=str(docs), plugins={"i18n": SimpleNamespace(current_language=lang)})
    page = SimpleNamespace(file=SimpleNamespace(src_uri=src.replace(".", f".{lang}.", 1), norm_src_uri=src), url=url)
    if page_html is None:
        source = (docs / f"p.{lang}.md").read_text(encoding="utf-8").split("---\n", 2)[2]
        page_html = markdown.markdown(source, extensions=["attr_list", "toc"])
    plugin = Plugin()
    plugin.on_pre_build(config)
    return plugin.on_page_content(page_html, page, config, None)


def test_the_stale_page_shows_a_notice_at_its_section_in_its_language(docs):
    assert "dl-translation-notice" not in render(docs, "en", "en/p/")
    edit(docs, "ja", "y - t", "t - y")
    english = render(docs, "en", "en/p/")
    heading, notice, after = english.index('id="formula"'), english.index("dl-translation-notice"), english.index("The loss is")
    assert heading < notice < after
    assert english.count("dl-translation-notice") == 1
    assert "This section may lag behind the Japanese version" in english
    assert '<a href="../../p/#formula" hreflang="ja">the Japanese page</a>' in english
    assert "dl-translation-notice" not in render(docs, "ja", "p/")


def test_the_japanese_notice_links_the_english_section(docs):
    edit(docs, "en", "lr = 0.01", "lr = 0.02")
    japanese = render(docs, "ja", "p/")
    assert "この節は英語版の更新に翻訳が追いついていない可能性があります。" in japanese
    assert '<a href="../en/p/#code" hreflang="en">英語版</a>' in japanese
    assert japanese.index('id="code"') < japanese.index("dl-translation-notice")


def test_a_stale_lead_or_missing_section_is_listed_under_the_title(docs):
    edit(docs, "ja", "導入です。", "導入です。続きです。")
    (docs / "p.ja.md").open("a", encoding="utf-8").write("\n## 追加 {: #extra }\n\n本文です。\n")
    english = render(docs, "en", "en/p/")
    assert english.index("</h1>") < english.index("dl-translation-notice") < english.index("An introduction")
    assert '<a href="../../p/" hreflang="ja">the introduction</a>, <a href="../../p/#extra" hreflang="ja" lang="ja">追加</a>' in english
