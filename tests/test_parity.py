"""Both languages of a page say the same thing: the same structure, element by element.

For every pair ``docs/<page>.ja.md`` / ``.en.md`` (``docs/api/`` included) and every notebook pair
``docs/notebooks/<name>.ja.py`` / ``.en.py``, these sequences must be equal:

- headings: their levels, in order (the text is in two languages, so only the levels compare);
- display formulas: every ``$$...$$`` block, identical up to whitespace and the contents of
  ``\text{...}`` (the only prose a formula may hold);
- figures: the experiment and figure names of every ``{{ figure("exp", "name", ...) }}`` call;
- quizzes: every ``??? question`` admonition, and the section (heading number) it sits in;
- admonitions: the marker and kind of every ``!!!``/``???`` block (``!!! warning``, ...);
- code: the language of every fenced block and notebook code cell, and its code with comments
  removed and prose strings masked (see ``code_shape``);
- API directives: every ``::: dl_notes.<module>`` line of mkdocstrings.

A failing case names the page and the aspect, and shows the first element where the two languages
part, with its line in each file. There is no allowance for deliberate differences: none is needed
today. If one ever is, add it to ``ALLOWED`` with the reason: the case then runs as a strict xfail,
listed with its reason in the test summary, and fails once the difference is gone.
"""

from __future__ import annotations

import doctest
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

ASPECTS = ["headings", "formulas", "figures", "quizzes", "admonitions", "code", "directives"]

# (page, aspect) -> why the two languages may differ there. Keep it empty unless a difference is
# deliberate and right; each entry is a promise a reader must be able to check.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Element:
    """One structural element: ``key`` is what must be equal across languages, ``shown`` is for people."""

    key: object
    shown: str
    line: int


def page_pairs() -> list[tuple[Path, Path]]:
    """Every (ja, en) source pair: Markdown pages (api/ included) and jupytext notebooks."""
    ja_files = [*DOCS.rglob("*.ja.md"), *(DOCS / "notebooks").glob("*.ja.py")]
    pairs = [(ja, ja.with_name(ja.name.replace(".ja.", ".en."))) for ja in ja_files]
    return sorted(pairs, key=lambda pair: pair[0].as_posix())


def pair_id(ja: Path) -> str:
    """'batch_norm', 'api/optim', 'notebooks/cnn.py'."""
    name = (ja.relative_to(DOCS) if ja.is_relative_to(DOCS) else Path(ja.name)).as_posix().replace(".ja.", ".")
    return name.removesuffix(".md")


# ---------------------------------------------------------------- code


class Literal(str):
    """A string literal in code: prose in either language may differ, anything else may not."""

    def prose(self) -> bool:
        body = self.lstrip("rbuRBU").strip("'\"")
        return self[:1] in "fF" or bool(re.search(r"[^\x21-\x7e]", body))  # an f-string, a space or Japanese

    def lang(self) -> bool:
        return self.strip("'\"") in {"ja", "en"}  # plot(result, "ja"): each notebook draws in its own language


def tokens_match(a: str, b: str) -> bool:
    if isinstance(a, Literal) and isinstance(b, Literal):
        return a == b or a.prose() or b.prose() or (a.lang() and b.lang())
    return a == b



def code_shape(source: str) -> tuple[str, ...]:
    """Python code as compared: its tokens without comments; string literals become ``Literal``.

    ``print("損失", loss)  # 学習後`` and ``print("loss", loss)  # after training`` match (the
    Japanese literal is prose); ``load("init_grid")`` and ``load("norm_axes")`` do not.
    """
    out: list[str] = []
    fstring_depth, fstring_parts = 0, []
    fstring_start = getattr(tokenize, "FSTRING_START", None)  # Python >= 3.12 splits f-strings
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == fstring_start:
            fstring_depth += 1
        if fstring_depth:
            fstring_parts.append(token.string)
            if token.type == fstring_end:
                fstring_depth -= 1
                if not fstring_depth:
                    out.append(Literal("".join(fstring_parts)))
                    fstring_parts = []
            continue
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER):
            continue
        kind = {tokenize.NEWLINE: "\n", tokenize.INDENT: "<indent>", tokenize.DEDENT: "<dedent>"}
        if token.type in kind:
            out.append(kind[token.type])
        elif token.type == tokenize.STRING:
            out.append(Literal(token.string))
        else:
            out.append(token.string)
    return tuple(out)


def pycon_shape(text: str) -> tuple[str, ...]:
    """An interactive session as compared: each example's code tokens, then its expected output."""
    out: list[str] = []
    for example in doctest.DocTestParser().get_examples(text):
        out += [">>>", *code_shape(example.source), *(line.rstrip() + "\n" for line in example.want.splitlines())]
    return tuple(out)


def shell_shape(text: str) -> tuple[str, ...]:
    """A console or text block as compared: its lines without ``# comments``."""
    lines = (re.sub(r"(^|\s)#(\s.*)?$", "", line).rstrip() for line in text.splitlines())
    return tuple(line + "\n" for line in lines if line)


SHAPES = {"python": code_shape, "py": code_shape, "pycon": pycon_shape}


def code_matches(a: tuple, b: tuple) -> bool:
    """Two (language, tokens) keys of code blocks match."""
    return a[0] == b[0] and len(a[1]) == len(b[1]) and all(map(tokens_match, a[1], b[1]))


def first_code_difference(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """The first token where two code shapes part, with the tokens before it on its line."""
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if not tokens_match(x, y)), min(len(a), len(b)))

    def around(tokens):
        start = max((i + 1 for i in range(index) if tokens[i].endswith("\n")), default=0)
        shown = [token for token in tokens[start:index + 1] if token not in ("<indent>", "<dedent>")]
        return " ".join(shown).strip() or "(end of block)"

    return f"\n  first differing code: ja: {around(a)!r}\n                       en: {around(b)!r}"


# ---------------------------------------------------------------- Markdown


FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ADMONITION = re.compile(r"^[ \t]*(!!!|\?\?\?\+?)[ \t]+([\w-]+)")
FIGURE = re.compile(r"\bfigure\(\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']")
DIRECTIVE = re.compile(r"^:::[ \t]+(\S+)")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)


def _mask_text_commands(formula: str) -> str:
    r"""``\text{...}`` with its (possibly nested-brace) contents replaced by ``\text{…}``."""
    out, i = [], 0
    while (start := formula.find(r"\text{", i)) != -1:
        out.append(formula[i:start] + r"\text{…}")
        depth, j = 1, start + len(r"\text{")
        while j < len(formula) and depth:
            depth += {"{": 1, "}": -1}.get(formula[j], 0)
            j += 1
        i = j
    return "".join(out) + formula[i:]


def formula_key(formula: str) -> str:
    return re.sub(r"\s+", " ", _mask_text_commands(formula)).strip()


def short(text: str, limit: int = 100) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fenced_block(lines: list[str], start: int) -> tuple[str, str, int]:
    """The fenced block opening at ``lines[start]``: its language, its dedented source, its closing line."""
    fence = FENCE.match(lines[start])
    indent, marker = fence["indent"], fence["fence"]
    closing = re.compile(rf"^{indent}{re.escape(marker[0])}{{{len(marker)},}}\s*$")
    end = next((k for k in range(start + 1, len(lines)) if closing.match(lines[k])), len(lines))
    source = "\n".join(line.removeprefix(indent) for line in lines[start + 1:end]) + "\n"
    return fence["lang"] or "text", source, end


def markdown_elements(text: str, first_line: int = 1) -> dict[str, list[Element]]:
    """The structure of a Markdown text (front matter and Jinja included), by aspect."""
    found: dict[str, list[Element]] = {aspect: [] for aspect in ASPECTS}
    lines = text.splitlines()
    prose: list[tuple[int, str]] = []  # lines outside code blocks, for formulas and figures
    headings_seen, current_heading = 0, "(before the first heading)"
    number = 0
    if lines and lines[0].strip() == "---":  # front matter: its description is prose
        number = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), 0) + 1
    while number < len(lines):
        line, line_no = lines[number], first_line + number
        if FENCE.match(line):
            lang, source, number = fenced_block(lines, number)
            shape = SHAPES.get(lang, shell_shape)(source)
            found["code"].append(Element((lang, shape), f"```{lang} {short(source)}", line_no))
        elif heading := HEADING.match(line):
            headings_seen += 1
            current_heading = f"#{headings_seen} {line.strip()}"
            found["headings"].append(Element(len(heading[1]), line.strip(), line_no))
        else:
            if admonition := ADMONITION.match(line):
                marker, kind = admonition.groups()
                found["admonitions"].append(Element((marker, kind), line.strip(), line_no))
                if kind == "question":
                    found["quizzes"].append(Element(headings_seen, f"quiz under heading {current_heading}: {short(line)}", line_no))
            if directive := DIRECTIVE.match(line):
                found["directives"].append(Element(directive[1], line.strip(), line_no))
            prose.append((line_no, line))
        number += 1
    joined = "\n".join(line for _, line in prose)
    line_of = [no for no, line in prose for _ in range(len(line) + 1)]  # character offset -> line
    for formula in DISPLAY_MATH.finditer(joined):
        found["formulas"].append(Element(formula_key(formula[1]), f"$${short(formula[1])}$$", line_of[formula.start()]))
    for figure in FIGURE.finditer(joined):
        found["figures"].append(Element(figure.groups(), f'figure("{figure[1]}", "{figure[2]}", ...)', line_of[figure.start()]))
    return found


# ---------------------------------------------------------------- notebooks


CELL = re.compile(r"^# %%(.*)$")


def notebook_elements(text: str) -> dict[str, list[Element]]:
    """The structure of a jupytext percent notebook: its Markdown cells as Markdown, its code cells as code."""
    found = markdown_elements("")
    cells: list[tuple[str, int, list[str]]] = []  # (kind, first line, lines)
    for line_no, line in enumerate(text.splitlines(), 1):
        if cell := CELL.match(line):
            cells.append(("markdown" if "[markdown]" in cell[1] else "code", line_no + 1, []))
        elif cells:
            cells[-1][2].append(line)
    for kind, first, body in cells:
        if kind == "markdown":
            markdown = "\n".join(re.sub(r"^# ?", "", line) for line in body)
            for aspect, elements in markdown_elements(markdown, first).items():
                found[aspect] += elements
        else:
            source = "\n".join(body).strip("\n") + "\n"
            found["code"].append(Element(("python", code_shape(source)), f"code cell {short(source)}", first))
    return found


def elements(path: Path) -> dict[str, list[Element]]:
    text = path.read_text(encoding="utf-8")
    return notebook_elements(text) if path.suffix == ".py" else markdown_elements(text)


# ---------------------------------------------------------------- the test



def first_text_difference(a: str, b: str) -> str:
    """Where two formulas part: a few characters before, and what follows in each language."""
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, index - 30)
    return f"\n  they part here: ja: …{a[start:index + 40]}\n                  en: …{b[start:index + 40]}"


def same(aspect: str, a: Element, b: Element) -> bool:
    return code_matches(a.key, b.key) if aspect == "code" else a.key == b.key


def first_difference(aspect: str, ja: list[Element], en: list[Element]) -> str | None:
    """None when both sequences match, else where they first part, with each language's element."""
    for index in range(max(len(ja), len(en))):
        a = ja[index] if index < len(ja) else None
        b = en[index] if index < len(en) else None
        if a is None or b is None or not same(aspect, a, b):
            def show(element: Element | None, lang: str) -> str:
                return f"{lang} line {element.line}: {element.shown}" if element else f"{lang}: (none: it has only {index})"

            detail = ""
            if a and b and aspect == "code":
                detail = first_code_difference(a.key[1], b.key[1])
            elif a and b and aspect == "formulas":
                detail = first_text_difference(a.key, b.key)
            return f"element {index + 1} of {len(ja)} (ja) / {len(en)} (en)\n  {show(a, 'ja')}\n  {show(b, 'en')}{detail}"
    return None


def check_pair(ja: Path, en: Path, aspect: str) -> None:
    if not en.exists():
        pytest.fail(f"{pair_id(en)} has no English twin", pytrace=False)
    difference = first_difference(aspect, elements(ja)[aspect], elements(en)[aspect])
    if difference:
        label = "code blocks" if aspect == "code" else aspect
        pytest.fail(f"{pair_id(ja)}: the {label} differ between the languages at {difference}", pytrace=False)


def case(ja: Path, en: Path, aspect: str):
    """One page pair and aspect; an allowed difference is expected to fail (and must, strict)."""
    reason = ALLOWED.get((pair_id(ja), aspect))
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(ja, en, aspect, id=f"{pair_id(ja)}-{aspect}", marks=marks)


CASES = [case(ja, en, aspect) for ja, en in page_pairs() for aspect in ASPECTS]


@pytest.mark.parametrize(("ja", "en", "aspect"), CASES)
def test_both_languages_have_the_same_structure(ja, en, aspect):
    check_pair(ja, en, aspect)


def test_every_page_is_checked():
    """The pairs above cover the chapter pages, the API pages and the notebooks."""
    ids = {pair_id(ja) for ja, _ in page_pairs()}
    assert {"index", "batch_norm", "api/optim", "notebooks/batch_norm.py"} <= ids


# ---------------------------------------------------------------- the check can fail

PAGE = '''---
description: A page.
---

# Title

## Section

$$
a = b \\qquad \\text{prose}
$$

{{ figure("exp", "fig", alt="A plot") }}

!!! warning "Careful"
    Text.

```pycon
>>> x = load("init_grid", "en")  # a comment
>>> print("hello world", x)
hello world 1
```

??? question "A question?"
    An answer.

::: dl_notes.optim
'''
NOTEBOOK = '''# %% [markdown]
# # Title
#
# $$a = b$$

# %%
result = load("init_grid")  # a comment
show(plot(result, "en"), title="A title")
'''


def write_pair(tmp_path: Path, english: str, japanese: str, suffix: str = "md") -> tuple[Path, Path]:
    ja, en = tmp_path / f"page.ja.{suffix}", tmp_path / f"page.en.{suffix}"
    ja.write_text(japanese, encoding="utf-8")
    en.write_text(english, encoding="utf-8")
    return ja, en


TRANSLATIONS = [  # what a translation changes; no aspect may object
    ("# Title", "# 題名"), ("## Section", "## 節"), ("\\text{prose}", "\\text{散文}"), ("A plot", "グラフ"),
    ("Careful", "注意"), ("Text.", "本文です。"), ("# a comment", "# コメント"), ('"en"', '"ja"'),
    ('print("hello world", x)', 'print("こんにちは", x)'), ("A question?", "質問ですか。"), ("An answer.", "答えです。"),
    ("A page.", "ページです。"), ('"A title"', '"題名"'),
]


@pytest.mark.parametrize("aspect", ASPECTS)
@pytest.mark.parametrize("suffix", ["md", "py"])
def test_a_translation_passes(tmp_path, aspect, suffix):
    english = PAGE if suffix == "md" else NOTEBOOK
    japanese = english
    for old, new in TRANSLATIONS:
        japanese = japanese.replace(old, new)
    check_pair(*write_pair(tmp_path, english, japanese, suffix), aspect)


BREAKS = [  # (aspect, English, Japanese): a real difference each aspect must catch
    ("headings", "## Section", "### Section"),
    ("formulas", "a = b", "a = c"),
    ("formulas", "\\qquad \\text{prose}", "\\qquad prose"),
    ("figures", '"fig"', '"other"'),
    ("quizzes", "??? question", "??? note"),
    ("quizzes", "## Section\n", "## Section\n\n## Quiz\n"),  # the quiz moved to another section
    ("admonitions", "!!! warning", "!!! note"),
    ("code", '"init_grid"', '"norm_axes"'),
    ("code", "```pycon", "```python"),
    ("code", "hello world 1", "hello world 2"),
    ("directives", "dl_notes.optim", "dl_notes.conv"),
]


@pytest.mark.parametrize(("aspect", "english", "japanese"), BREAKS, ids=lambda value: re.sub(r"\W+", "_", value)[:20])
def test_a_difference_fails(tmp_path, aspect, english, japanese):
    with pytest.raises(pytest.fail.Exception, match=rf"the {aspect}[a-z ]* differ .*\n  ja( line \d+)?: .*\n  en line \d+: "):
        check_pair(*write_pair(tmp_path, PAGE, PAGE.replace(english, japanese)), aspect)


@pytest.mark.parametrize(("aspect", "english", "japanese"), [
    ("headings", "# # Title", "# ## Title"),
    ("formulas", "a = b", "a = c"),
    ("code", '"init_grid"', '"norm_axes"'),
    ("code", "result = load", "result = loaded"),
], ids=lambda value: re.sub(r"\W+", "_", value)[:20])
def test_a_notebook_difference_fails(tmp_path, aspect, english, japanese):
    with pytest.raises(pytest.fail.Exception, match=rf"the {aspect}[a-z ]* differ"):
        check_pair(*write_pair(tmp_path, NOTEBOOK, NOTEBOOK.replace(english, japanese), "py"), aspect)


def test_a_missing_element_is_named(tmp_path):
    """When one language has fewer elements, the message says so and shows the other's."""
    ja, en = write_pair(tmp_path, PAGE, PAGE.replace('??? question "A question?"', ""))
    with pytest.raises(pytest.fail.Exception, match=r"element 2 of 1 \(ja\) / 2 \(en\)\n  ja: \(none: it has only 1\)\n  en line 24: \?\?\? question"):
        check_pair(ja, en, "admonitions")
