"""The course map (docs/data/course_map.yml, shown by docs/course_map.{ja,en}.md): every link lands on
a section that exists in both languages, every course notebook is listed, and the page shows every
table the data holds. Read from the sources: no build needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dl_notes_site import course_map
from dl_notes_site.sections import sections

DOCS = Path(__file__).resolve().parents[1] / "docs"
ROWS = course_map.rows()
TARGETS = sorted({t for row in ROWS for t in row.covered_by})

# The course's exercise notebooks, as the course's material names them: COURSE_API.md §2 ("Notebooks
# that exist", the older course), COURSE_DAY34.md §1-3 (the newer course's renamed and added
# notebooks) and the Day 2 framework exercises of the study report seeds/004. Written out here, apart
# from the data, so that a notebook left out of course_map.yml (or a misspelt name) fails the test.
COURSE_NOTEBOOKS = {
    # Day 1
    "1_1_forward_propagation", "1_2_back_propagation", "1_3_stochastic_gradient_descent", "1_4_1_mnist_sample",
    # Day 2
    "2_1_network_modified", "2_2_1_vanishing_gradient", "2_2_2_vanishing_gradient_modified",
    "2_3_batch_normalization", "2_4_optimizer", "2_4_optimizer_after", "2_5_overfiting",
    "2_6_simple_convolution_network", "2_7_double_comvolution_network", "2_8_deep_convolution_net",
    "2_9_regularization", "2_10_layer-normalization", "2_11_dropout",
    "2_app_1_tensorflow_codes_after", "2_app_2_save_load", "2_app_3_keras_codes_after",
    # Day 3
    "3_1_simple_RNN", "3_1_simple_RNN_after", "3_2_predict_word", "3_2_tf_languagemodel", "3_3_predict_sin",
    "3_4_spoken_digit", "3_5_Seq2Seq(Encoder-Decoder)_sin-cos", "3_6_data_augmentation_with_tf",
    "3_7_activation_functions", "3_8_rnn_keras", "3_9_rnn_torch", "3_10_usd_jpy_lstm_keras", "3_11_nlp-basic",
    "3_12_rnn_np", "lecture_chap1_exercise_public", "lecture_chap2_exercise_public",
    # Day 4
    "4_1_tensorflow_codes", "4_1_tensorflow_codes_after", "4_2_save", "4_2_load", "4_3_keras_codes",
    "4_3_keras_codes_after", "activation_functions", "data_augmentation_with_tf",
    "4_1_transfer-learning", "4_2_wide_resnet", "4_3_lecture_chap1_exercise_public",
    "4_4_lecture_chap2_exercise_public", "4_6_bert", "4_8_interpretability", "4_10_code_dcgan", "4_11_certe-course",
}


@pytest.mark.parametrize("lang", course_map.LANGS)
@pytest.mark.parametrize("target", TARGETS)
def test_every_link_names_an_existing_page_and_section(target, lang):
    title, section = course_map.target_title(target, lang)
    assert title and (section or "#" not in target)


def test_every_course_notebook_is_listed_once():
    names = course_map.notebook_names(ROWS)
    assert len(names) == len(set(names)), f"listed twice: {sorted({n for n in names if names.count(n) > 1})}"
    assert set(names) == COURSE_NOTEBOOKS, (f"missing: {sorted(COURSE_NOTEBOOKS - set(names))}; "
                                            f"not the course's: {sorted(set(names) - COURSE_NOTEBOOKS)}")
    assert len(names) == 52


def test_the_course_has_four_days_and_the_books_their_chapters():
    assert sorted({r.group for r in ROWS if r.table == "course"}) == [1, 2, 3, 4]
    assert sorted({r.group for r in ROWS if r.table == "notebooks"}) == [1, 2, 3, 4]
    chapters = {b: [r.chapter for r in ROWS if r.table == "book" and r.group == b] for b in (1, 2)}
    assert chapters == {1: [str(n) for n in range(1, 9)], 2: [*(str(n) for n in range(1, 9)), "C"]}


@pytest.mark.parametrize("lang", course_map.LANGS)
def test_the_page_shows_every_table_once(lang):
    source = (DOCS / f"course_map.{lang}.md").read_text(encoding="utf-8")
    calls = [(kind, int(group)) for kind, group in re.findall(r'\{\{ course_map\("(\w+)", (\d+)\) \}\}', source)]
    assert sorted(calls) == sorted(course_map.groups(ROWS)), "each (table, day or book) of the data needs one course_map() call"


def test_a_section_that_reproduces_a_notebook_is_on_the_map():
    """A heading that names a notebook ('The course's binary addition (3_1)') is listed for it:
    a page that starts reproducing a notebook cannot be missed by the map."""
    listed = {name: set(r.covered_by) for r in ROWS if r.table == "notebooks" for name in (r.name["en"], *r.also)}
    missing = []
    for page in sorted(DOCS.glob("*.en.md")):
        for section in sections(page.read_text(encoding="utf-8")):
            for number in re.findall(r"(?<!\w)(\d_\d+(?:_\d+)?)(?!\d)", section.title):
                target = f"{page.name.removesuffix('.en.md')}.md#{section.anchor}"
                candidates = [n for n in listed if n == number or n.startswith(number + "_")]
                if candidates and not any(target in listed[n] for n in candidates):
                    missing.append(f"{target} ({number})")
    assert missing == []


# ---------------------------------------------------------------- the checks can fail

@pytest.fixture
def docs(tmp_path):
    for lang, title, heading in (("ja", "長・短期記憶", "確認テスト"), ("en", "LSTM", "Quiz")):
        (tmp_path / f"lstm.{lang}.md").write_text(f"---\ndescription: x\n---\n\n# {title}\n\n## {heading} {{: #quiz }}\n",
                                                  encoding="utf-8")
    return tmp_path


def test_a_broken_anchor_or_page_is_caught(docs):
    with pytest.raises(ValueError, match=r"lstm.md#quizz: lstm.en.md has no section \{: #quizz \}"):
        course_map.links(("lstm.md#quizz",), "en", "course_map.md", docs)
    with pytest.raises(ValueError, match="no page gru.ja.md"):
        course_map.links(("gru.md",), "ja", "course_map.md", docs)


def test_the_link_text_is_the_sections_title_in_the_pages_language(docs):
    assert course_map.links(("lstm.md#quiz",), "ja", "course_map.md", docs) == "長・短期記憶：[確認テスト](lstm.md#quiz)"
    page = docs / "lstm.en.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## Quiz", "## Check yourself"), encoding="utf-8")
    assert course_map.links(("lstm.md#quiz",), "en", "course_map.md", docs) == "LSTM: [Check yourself](lstm.md#quiz)"


def test_a_row_without_a_page_says_so_and_links_nothing(docs):
    row = course_map.Row("course", 4, {"ja": "応用", "en": "Applications"}, (), note={"ja": "理由です。", "en": "The reason."})
    for lang, expected in (("ja", "ページはまだありません。理由です。"), ("en", "No page yet. The reason.")):
        assert course_map.coverage(row, lang, "course_map.md", docs) == expected


def test_a_malformed_row_is_refused():
    good = {"day": 1, "ja": "出力層", "en": "Output layer", "covered_by": []}
    for bad in ({**good, "covered": ["a.md"]}, {**good, "note": {"ja": "だけ"}}, {**good, "covered_by": "a.md"}):
        with pytest.raises(ValueError, match="Output layer"):
            course_map.parse({"course": [bad], "book": [], "notebooks": []})
