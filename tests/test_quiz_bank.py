"""The quiz bank (scripts/dl_notes_site/quiz_bank.py): question ids, grouping, links, and the built page.

The pure functions are tested on small pages; the last tests read the built site (the session's
build, tests/conftest.py): every question of every chapter is on the bank, in nav order, each
linking to its own id on its chapter, which exists in both languages.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from dl_notes_site import navigation
from dl_notes_site.quiz_bank import (LABELS, Chapter, Group, Question, answer_for_bank, bank_html, check_twins,
                                     count_in_source, group, mark_questions, quiz_id, rebase)
from dl_notes_site.sections import page_pairs
from test_navigation import PREFIX, nav_sources

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

CHAPTER = """<h1>LSTM</h1>
<h2 id="gates">Gates<a class="headerlink" href="#gates" title="Permanent link">&para;</a></h2>
<details class="question"><summary>First?</summary><p>See <a href="#eq-1">(1)</a>.</p></details>
<details class="note"><summary>A note, not a question</summary></details>
<h2 id="quiz">Quiz<a class="headerlink" href="#quiz" title="Permanent link">&para;</a></h2>
<details class="question"><summary>Second?</summary>
<div class="admonition info"><p>Inside.</p></div>
<details class="example"><summary>Nested</summary><p>deeper</p></details>
<div class="highlight"><pre><code><a id="__codelineno-2-1" name="__codelineno-2-1" href="#__codelineno-2-1"></a>x</code></pre></div>
<p><img alt="a figure" src="../assets/generated/en/a.svg"> <a href="../gru/#quiz">GRU</a></p>
</details>
<details class="question"><summary>Third?</summary><p>Yes.</p></details>
"""


# --- ids -----------------------------------------------------------------------------------

def test_each_question_gets_its_page_and_order_as_id():
    marked, questions = mark_questions(CHAPTER, "lstm.md")
    assert [q.id for q in questions] == ["quiz-lstm-1", "quiz-lstm-2", "quiz-lstm-3"]
    assert re.findall(r'<details class="question" id="([^"]+)">', marked) == ["quiz-lstm-1", "quiz-lstm-2", "quiz-lstm-3"]
    unmarked = marked
    for added in (' id="quiz-lstm-1"', ' id="quiz-lstm-2"', ' id="quiz-lstm-3"', ' id="quiz-lstm-2-code-1"'):
        unmarked = unmarked.replace(added, "")
    assert unmarked == CHAPTER


def test_each_code_block_of_a_question_gets_its_own_id_for_its_copy_button():
    """Material names a block after its closest id: two blocks of one answer would share it."""
    page = '<details class="question"><summary>Q</summary><pre><code>a</code></pre><pre><code>b</code></pre></details>'
    marked, [question] = mark_questions(page, "lstm.md")
    assert re.findall(r'<pre id="([^"]+)"', marked) == ["quiz-lstm-1-code-1", "quiz-lstm-1-code-2"]
    in_bank = answer_for_bank(question.answer, question.id, "lstm/", "quiz_bank/")
    assert re.findall(r'<pre id="([^"]+)"', in_bank) == ["quiz-lstm-1-code-1", "quiz-lstm-1-code-2"]


def test_a_question_knows_its_section_and_keeps_its_nested_blocks():
    _, (first, second, third) = mark_questions(CHAPTER, "lstm.md")
    assert (first.section, first.section_title, first.summary) == ("gates", "Gates", "First?")
    assert (second.section, third.section) == ("quiz", "quiz")
    assert '<details class="example"><summary>Nested</summary><p>deeper</p></details>' in second.answer
    assert second.answer.endswith("</a></p>") and "<summary>Second?" not in second.answer


def test_a_page_with_no_quiz_is_left_as_it_is():
    page = '<h2 id="a">A</h2><details class="note"><summary>n</summary></details>'
    assert mark_questions(page, "dataset.md") == (page, [])


def test_a_question_without_a_title_is_an_error():
    with pytest.raises(ValueError, match="question 1 of lstm.md has no <summary>"):
        mark_questions('<details class="question"><p>no title</p></details>', "lstm.md")


def test_questions_are_counted_in_the_source_as_pymdownx_renders_them():
    source = '# T\n\n??? question "A?"\n    a\n\n````markdown\n??? question "shown, not a question"\n````\n\n???+ question "B?"\n    b\n'
    assert count_in_source(source) == 2


@pytest.mark.parametrize("ja, en", page_pairs(DOCS), ids=[ja.name.removesuffix(".ja.md") for ja, _ in page_pairs(DOCS)])
def test_twins_have_as_many_questions_so_their_ids_name_the_same_questions(ja, en):
    """quiz-lstm-2 is the second question of lstm.md in both languages (test_parity checks their order)."""
    assert count_in_source(ja.read_text(encoding="utf-8")) == count_in_source(en.read_text(encoding="utf-8"))


def test_twins_with_different_counts_fail_the_build():
    check_twins({"lstm.md": {"ja": 3, "en": 3}, "index.md": {"ja": 0, "en": 0}})
    with pytest.raises(ValueError, match=r"lstm.md has 3 questions in ja but 2 in en.*quiz-lstm-<n>"):
        check_twins({"lstm.md": {"ja": 3, "en": 2}})


# --- links from the bank -------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("#eq-1", "../lstm/#eq-1"),                  # the chapter's own anchor: on the chapter
    ("../gru/#quiz", "../gru/#quiz"),            # another page: the same page
    ("../assets/generated/ja/a.svg", "../assets/generated/ja/a.svg"),
    ("./", "../lstm/"),
    ("https://example.org/x", "https://example.org/x"),
    ("/dl-notes/lstm/", "/dl-notes/lstm/"),
])
def test_a_link_of_an_answer_leads_where_it_led_on_its_chapter(url, expected):
    assert rebase(url, "lstm/", "quiz_bank/") == expected
    assert rebase(url, "en/lstm/", "en/quiz_bank/") == expected


def test_a_link_from_a_deeper_or_shallower_bank_still_resolves():
    assert rebase("../assets/a.svg", "lstm/", "tools/quiz_bank/") == "../../assets/a.svg"
    assert rebase("#eq", "api/optim/", "quiz_bank/") == "../api/optim/#eq"


def test_ids_inside_an_answer_are_made_unique_and_their_links_follow():
    _, (_, second, _) = mark_questions(CHAPTER, "lstm.md")
    answer = answer_for_bank(second.answer, second.id, "lstm/", "quiz_bank/")
    assert 'id="quiz-lstm-2-__codelineno-2-1" name="quiz-lstm-2-__codelineno-2-1" href="#quiz-lstm-2-__codelineno-2-1"' in answer
    assert 'src="../assets/generated/en/a.svg"' in answer and 'href="../gru/#quiz"' in answer


# --- grouping and the page -----------------------------------------------------------------

PARTS = [navigation.Part("Home", page=navigation.Entry("index.md", "Home", "-")),
         navigation.Part("Day 3", (navigation.Entry("rnn.md", "RNN", "-"), navigation.Entry("lstm.md", "LSTM", "-"))),
         navigation.Part("Study tools", (navigation.Entry("quiz_bank.md", "Quiz bank", "-"),
                                         navigation.Entry("dataset.md", "Dataset", "-")))]
PART_IDS = ["home", "day-3", "study-tools"]


def questions(src, n):
    return [Question(src, i, "quiz", "Quiz", f"{src} {i}?", "<p>a</p>") for i in range(1, n + 1)]


def test_questions_are_grouped_by_part_and_chapter_in_nav_order():
    found = {"dataset.md": questions("dataset.md", 1), "lstm.md": questions("lstm.md", 2), "rnn.md": questions("rnn.md", 1)}
    urls = {"dataset.md": "dataset/", "lstm.md": "lstm/", "rnn.md": "rnn/"}
    groups = group(PARTS, PART_IDS, found, urls)
    assert [(g.id, g.title, [(c.src, c.url, [q.id for q in c.questions]) for c in g.chapters]) for g in groups] == [
        ("day-3", "Day 3", [("rnn.md", "rnn/", ["quiz-rnn-1"]), ("lstm.md", "lstm/", ["quiz-lstm-1", "quiz-lstm-2"])]),
        ("study-tools", "Study tools", [("dataset.md", "dataset/", ["quiz-dataset-1"])]),
    ]


def test_a_page_without_questions_and_a_part_without_any_are_left_out():
    groups = group(PARTS, PART_IDS, {"lstm.md": questions("lstm.md", 1), "rnn.md": []}, {"lstm.md": "lstm/"})
    assert [(g.id, [c.src for c in g.chapters]) for g in groups] == [("day-3", ["lstm.md"])]


def test_questions_on_a_page_outside_nav_are_not_dropped_silently():
    with pytest.raises(ValueError, match="orphan.md has questions but is not in nav"):
        group(PARTS, PART_IDS, {"orphan.md": questions("orphan.md", 1)}, {})


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_bank_links_each_question_to_its_place_and_says_where_it_is(lang):
    _, found = mark_questions(CHAPTER, "lstm.md")
    groups = [Group("day-3", "Day 3", (Chapter("lstm.md", "LSTM", f"{'en/' if lang == 'en' else ''}lstm/", tuple(found)),))]
    page = bank_html(groups, lang, f"{'en/' if lang == 'en' else ''}quiz_bank/")
    assert re.findall(r'class="dl-quiz__source" href="([^"]+)">([^<]+)<', page) == [
        (f"../lstm/#quiz-lstm-{n}", f"{LABELS[lang]['source']}LSTM › {section}")
        for n, section in ((1, "Gates"), (2, "Quiz"), (3, "Quiz"))]
    assert '<h3 id="lstm"><a href="../lstm/">LSTM</a></h3>' in page
    assert re.findall(r'<div class="dl-quiz" id="([^"]+)" data-quiz="\1">', page) == ["quiz-lstm-1", "quiz-lstm-2", "quiz-lstm-3"]
    assert 'href="../lstm/#eq-1"' in page                    # an answer's anchor leads to the chapter
    labels = json.loads(re.search(r'data-labels="([^"]+)"', page).group(1).replace("&quot;", '"'))
    assert labels["progress"] == LABELS[lang]["progress"] and "{total}" in labels["progress"]
    assert LABELS[lang]["summary"].format(parts=1, chapters=1, total=3) in page


def test_every_word_of_the_practice_mode_is_in_both_languages():
    assert LABELS["ja"].keys() == LABELS["en"].keys()
    for key, text in LABELS["ja"].items():
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), key
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", LABELS["en"][key])), key


def test_quiz_id():
    assert quiz_id("api/optim.md", 1) == "quiz-api-optim-1"


# --- the built site ------------------------------------------------------------------------

def expected_ids(lang: str) -> list[str]:
    ids = []
    for src in nav_sources():
        path = navigation.localized_source(DOCS, src, lang)
        if path.exists():
            ids += [quiz_id(src, n) for n in range(1, count_in_source(path.read_text(encoding="utf-8")) + 1)]
    return ids


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_built_bank_has_every_question_in_nav_order_each_linked_to_its_own_id(site, lang):
    prefix = PREFIX[lang]
    bank = (site / prefix / "quiz_bank" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<div class="dl-quiz" id="([^"]+)"', bank)
    assert ids == expected_ids(lang) and len(ids) > 100
    for qid, href in re.findall(r'<div class="dl-quiz" id="([^"]+)".*?class="dl-quiz__source" href="([^"]+)"', bank, re.S):
        chapter, anchor = href.split("#")
        assert anchor == qid
        target = (site / prefix / "quiz_bank" / chapter / "index.html").resolve()
        assert f'<details class="question" id="{qid}"' in target.read_text(encoding="utf-8"), href
    repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', bank)).items() if n > 1]
    assert repeated == []


def test_the_questions_are_found_on_their_chapters_not_on_the_bank(site):
    """Search indexes the bank's introduction only: a question's words lead to its chapter."""
    for index in (site / "search" / "search_index.json", site / "en" / "search" / "search_index.json"):
        docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
        bank = [d for d in docs if d["location"].startswith("quiz_bank/")]
        assert len(bank) == 1, [d["location"] for d in bank]
        assert "dl-quiz" not in bank[0]["text"] and len(bank[0]["text"]) < 2000
