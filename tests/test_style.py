"""One style for punctuation, numbers and recurring wording: docs/style.yml is the list of rules.

- every rule catches its own ``bad`` example and passes its ``good`` one (each rule can fail);
- no page, notebook, Japanese docstring or navigation title breaks a rule of its language;
- the built pages do not either: the numbers the Jinja expressions print (fmt) and the
  docstrings are checked as a reader sees them;
- every chapter closes with the one closing section (``## 関連ページ`` / ``## See also``).

What a rule sees (prose, math, markup) is described in the header of docs/style.yml; the
functions below cut a file into those scopes, line for line, so a violation names its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from test_navigation import outline
from test_parity import FENCE, _mask_text_commands, fenced_block

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
STYLE = yaml.safe_load((DOCS / "style.yml").read_text(encoding="utf-8"))
SCOPES = ("prose", "math", "markup")
KINDS = ("page", "notebook", "api", "nav", "rendered")


@dataclass(frozen=True)
class Rule:
    id: str
    langs: tuple[str, ...]
    kinds: tuple[str, ...]
    scope: str
    pattern: re.Pattern
    allow: tuple[re.Pattern, ...]
    message: str
    example: dict

    @classmethod
    def from_yaml(cls, entry: dict) -> Rule:
        expand = lambda text: text.replace("{ja}", STYLE["definitions"]["ja"])  # noqa: E731
        return cls(entry["id"], tuple(entry["langs"]), tuple(entry["kinds"]), entry["scope"],
                   re.compile(expand(entry["pattern"]), re.M), tuple(re.compile(expand(a)) for a in entry.get("allow", [])),
                   entry["message"], entry["example"])

    def applies(self, lang: str, kind: str) -> bool:
        return lang in self.langs and kind in self.kinds

    def matches(self, line: str) -> list[str]:
        """The violating spans of one line: matches of the pattern that overlap no allowed span."""
        allowed = [m.span() for a in self.allow for m in a.finditer(line)]
        return [m[0] for m in self.pattern.finditer(line)
                if not any(start < m.end() and m.start() < end for start, end in allowed)]


RULES = [Rule.from_yaml(entry) for entry in STYLE["rules"]]


# ---------------------------------------------------------------- cutting Markdown into scopes

CODE = "⟨code⟩"   # what prose keeps of inline code, math and URLs: a word, not Japanese, no digit
MATH = "⟨math⟩"
URL = "⟨url⟩"


def _blank(match: re.Match, keep: str = "") -> str:
    """``keep`` in place of the match, with the match's line breaks (line numbers stay right)."""
    return keep + "\n" * match[0].count("\n")


JINJA_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'', re.S)


def jinja_prose(expression: str) -> str:
    """What a reader sees of ``{{ expression }}``: its prose literals, and 0 for each computed value.

    >>> jinja_prose('fmt(100 * acc)')
    '0'
    >>> jinja_prose('figure("exp", "fig", alt="A plot", caption="Run " ~ r.n ~ " times, " ~ fmt(x) ~ " %")')
    'A plot Run 0 times, 0 %'
    >>> jinja_prose('"{:,g}".format(lr | float)')
    '0'
    """
    out, position = [], 0
    for literal in JINJA_STRING.finditer(expression):
        out.append(_computed(expression[position:literal.start()]))
        text = literal[1] if literal[1] is not None else literal[2]
        out.append("0" if text in ("{:,}", "{:,g}") else "" if re.fullmatch(r"[\w./-]*", text) else text)  # a key, not prose
        position = literal.end()
    out.append(_computed(expression[position:]))
    return re.sub(r"(?<=[^ ]) (?= )", "", "".join(out)).strip()


def _computed(code: str) -> str:
    """Code between string literals: a value is shown (0) unless the code only joins or names arguments."""
    code = re.sub(r"\.format\((?:[^()]|\([^()]*\))*\)", "", code)  # "{:,}".format(n) is one value, shown once
    shown = re.sub(r"\b(?:figure|alt|caption|join)\b|[~,=()|.\s]", "", code)
    return "0" if shown else " " if "," in code else ""  # arguments (alt, caption) are apart; "a" ~ "b" is "ab"


MASKS = [  # (pattern, replacement) in order; the prose of a Markdown text outside fenced code
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"\{#.*?#\}", re.S), ""),                                   # Jinja comment
    (re.compile(r"\{%.*?%\}", re.S), ""),                                   # Jinja statement
    (re.compile(r"\{\{(.*?)\}\}", re.S), lambda m: jinja_prose(m[1])),
    (re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)"), CODE),
    (re.compile(r"\$\$.+?\$\$", re.S), MATH),
    (re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$"), MATH),
    (re.compile(r"</?[A-Za-z][^>]*>", re.S), ""),                           # HTML tags and their attributes
    (re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S.*$", re.M), ""),             # link reference definitions
    (re.compile(r"\[\^[^\]\n]+\]:?"), ""),                                  # footnotes
    (re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)"), lambda m: m[1]),           # links and images: their text
    (re.compile(r"\{[ \t]*[#.:]?[\w-]+(?:=[^}\n]*)?[^}\n]*\}"), ""),        # attribute lists { loading=lazy }
    (re.compile(r"<?https?://[^\s)>]+>?"), URL),
    (re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+inline(?:[ \t]+end)?)?[ \t]*", re.M), ""),
    (re.compile(r"^#{1,6}[ \t]+", re.M), ""),                               # heading markers
    (re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$", re.M), ""),  # table rule
    (re.compile(r"^(?::::|--8<--).*$", re.M), ""),                          # mkdocstrings and snippets
]
MATH_SPAN = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\s\\])\$", re.S)


def without_code_blocks(text: str) -> str:
    """The Markdown with each fenced block's lines blanked, and the front matter reduced to its description."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), 0)
        for k in range(end + 1):
            lines[k] = lines[k].split(":", 1)[1].strip() if lines[k].startswith("description:") else ""
    number = 0
    while number < len(lines):
        if FENCE.match(lines[number]):
            _, _, end = fenced_block(lines, number)
            for k in range(number, min(end + 1, len(lines))):
                lines[k] = ""
            number = end
        number += 1
    return "\n".join(lines)


def markdown_scopes(text: str) -> dict[str, str]:
    """The prose, math and markup of a Markdown text, each with the text's lines."""
    markup = without_code_blocks(text)
    prose = markup
    for pattern, replacement in MASKS:
        prose = pattern.sub(lambda m: _blank(m, replacement if isinstance(replacement, str) else replacement(m)), prose)
    outside_jinja = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", lambda m: _blank(m), markup, flags=re.S)
    outside_code = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", outside_jinja)
    math = [""] * (markup.count("\n") + 1)
    for formula in MATH_SPAN.finditer(outside_code):
        line = outside_code.count("\n", 0, formula.start())
        for offset, part in enumerate(_mask_text_commands(formula[1] or formula[2]).split("\n")):
            math[line + offset] += " " + part
    return {"prose": prose, "math": "\n".join(math), "markup": markup}


def notebook_markdown(text: str) -> str:
    """A jupytext percent notebook as Markdown: its Markdown cells, every other line blank."""
    out, in_markdown = [], False
    for line in text.split("\n"):
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            out.append("")
        else:
            out.append(re.sub(r"^# ?", "", line) if in_markdown else "")
    return "\n".join(out)


# ---------------------------------------------------------------- checking

def violations(scopes: dict[str, str], lang: str, kind: str, where: str = "line") -> list[str]:
    """``line N: rule: 'found' — message`` for every violation in the scopes of a text."""
    found = []
    for rule in RULES:
        if not rule.applies(lang, kind):
            continue
        for number, line in enumerate(scopes[rule.scope].split("\n"), 1):
            for span in rule.matches(line):
                found.append(f"{where} {number}: {rule.id}: {span!r} in {_around(line, span)!r} — {rule.message}")
    return found


def _around(line: str, span: str, width: int = 30) -> str:
    start = line.find(span)
    return line[max(0, start - width):start + len(span) + width].strip()


def check_markdown(text: str, lang: str, kind: str = "page") -> list[str]:
    return violations(markdown_scopes(text), lang, kind)


def language(path: Path) -> str:
    return "ja" if ".ja." in path.name or path.parent.name == "ja" else "en"


def check_file(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return check_markdown(text, language(path), "page")
    if path.suffix == ".py":
        return check_markdown(notebook_markdown(text), language(path), "notebook")
    return check_api_translations(text)


def check_api_translations(text: str) -> list[str]:
    """The Japanese docstrings of one docs/api/ja/<module>.yml, entry by entry."""
    found = []
    for name, entry in yaml.safe_load(text).items():
        for where, value in _texts(entry):
            found += violations(markdown_scopes(value), "ja", "api", where=f"{name} {where} line")
    return found


def _texts(value, where: str = "") -> Iterable[tuple[str, str]]:
    """The prose strings of an entry, with where they sit ('parameters.x'); not its source hash."""
    if isinstance(value, str):
        yield where.strip(".") or "text", value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "source":
                yield from _texts(item, f"{where}.{key}" if key != "text" else where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{where}[{index}]")


def nav_titles(lang: str) -> list[str]:
    parts = outline(lang)
    return [part.title for part in parts] + [entry.title for part in parts for entry in part.pages()]


SOURCES = sorted(
    [*DOCS.rglob("*.md"), *(DOCS / "notebooks").glob("*.py"), *(DOCS / "api" / "ja").glob("*.yml")],
    key=lambda p: p.as_posix(),
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_the_source_keeps_the_style(path):
    assert check_file(path) == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_navigation_keeps_the_style(lang):
    found = [problem.replace("line 1:", f"nav title {title!r}:")
             for title in nav_titles(lang) for problem in violations(markdown_scopes(title), lang, "nav")]
    assert found == []


def chapters() -> list[str]:
    """The nav sources of the course's chapters: the pages of the parts named after a day."""
    return [entry.src for part in outline("ja") if part.title.startswith("Day") for entry in part.pages()]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("src", chapters())
def test_every_chapter_closes_with_the_closing_section(src, lang):
    path = DOCS / src.replace(".md", f".{lang}.md")
    sections = re.findall(r"^##[ \t]+(.+?)(?:[ \t]+\{: #[\w-]+ \})?[ \t]*$", without_code_blocks(path.read_text(encoding="utf-8")), re.M)
    assert sections and sections[-1] == STYLE["closing_section"][lang], f"{path.name}: the last ## section is {sections[-1:]}"


# ---------------------------------------------------------------- the built site

class ArticleText(HTMLParser):
    """The text a reader reads in a built page's ``<article>``: no code, preformatted text or math."""

    SKIP_TAGS = {"code", "pre", "script", "style", "svg", "kbd", "textarea"}
    # A notebook's code cells (jp-CodeCell): input and output. A quiz bank answer's formula waits
    # as dl-quiz-math until the answer is revealed (quiz_bank.py): math all the same.
    SKIP_CLASSES = {"arithmatex", "dl-quiz-math", "headerlink", "jp-CodeCell"}
    SHOWN_AS = {"code": CODE, "pre": CODE, "kbd": CODE, "arithmatex": MATH, "dl-quiz-math": MATH}  # what prose keeps of them
    BLOCKS = {"p", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "div", "br", "dt", "dd"}
    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped) of the open elements inside <article>
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag in self.BLOCKS and self.stack:
            self.parts.append("\n")
        if tag in self.VOID or not (self.stack or tag == "article"):
            return
        skipped = tag in self.SKIP_TAGS or bool(classes & self.SKIP_CLASSES)
        if skipped and not self._skipping():
            self.parts.append(next((self.SHOWN_AS[k] for k in (tag, *sorted(classes)) if k in self.SHOWN_AS), ""))
        self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.stack and not self._skipping():
            self.parts.append(data)

    def text(self) -> str:
        text = MATH_SPAN.sub(MATH, "".join(self.parts))  # a notebook's Markdown keeps its $...$ for MathJax
        lines = (line.strip() for line in text.split("\n"))
        return "\n".join(line for line in lines if line)


def article_text(html: str) -> str:
    parser = ArticleText()
    parser.feed(html)
    return parser.text()


def check_rendered(html: str, lang: str) -> list[str]:
    text = article_text(html)
    return violations({"prose": text, "math": "", "markup": ""}, lang, "rendered", where="text line")


def built_pages(site: Path) -> list[tuple[str, Path]]:
    return sorted((("en" if path.relative_to(site).parts[0] == "en" else "ja"), path)
                  for path in site.rglob("index.html") if "assets" not in path.parts)


def test_the_built_pages_keep_the_style(site):
    """One case for the whole site (one build per session); the message lists every page."""
    problems = {}
    for lang, path in built_pages(site):
        found = check_rendered(path.read_text(encoding="utf-8"), lang)
        if found:
            problems[path.relative_to(site).parent.as_posix() or "."] = found
    report = "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in sorted(problems.items()))
    assert not problems, f"{sum(map(len, problems.values()))} violations on {len(problems)} pages:\n{report}"


# ---------------------------------------------------------------- the rules can fail

@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_catches_its_bad_example(rule):
    lang, kind = rule.langs[0], rule.kinds[0]
    ids = lambda text: {problem.split(": ")[1] for problem in check_markdown(text, lang, kind)}  # noqa: E731
    assert rule.id in ids(rule.example["bad"]), f"{rule.id} misses {rule.example['bad']!r}"
    assert rule.id not in ids(rule.example["good"]), f"{rule.id} flags its good example {rule.example['good']!r}"


def test_the_rules_are_well_formed():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids)), "a rule id is used twice"
    for rule in RULES:
        assert set(rule.langs) <= {"ja", "en"} and set(rule.kinds) <= set(KINDS) and rule.scope in SCOPES, rule.id
        assert rule.scope == "prose" or "rendered" not in rule.kinds, f"{rule.id}: a built page has only prose"


PAGE = """---
description: 説明です。
---

# 題名

本文の `x = 1e-07 (5000 %)` と $10^{-7}\\,(1000)$ は数えません。
[リンク](https://example.org/a/5000) と https://example.org/5000 と <span title="5000 %">文字</span>も。

```python
print("5000 %", 1e-07)
```
"""


@pytest.mark.parametrize(("added", "rule"), [
    ("訓練データ 5000 枚。", "thousands"),
    ("正解率は {{ fmt(acc) }} % です。", "percent"),
    ('{{ figure("e", "f", alt="図", caption="差は " ~ fmt(x) ~ " %") }}', "percent"),
    ("差は 8.16e-07 です。", "e-notation"),
    ("$$y = 重み$$", "japanese-in-math"),
    ("図 (左)", "brackets"),
])
def test_code_math_and_links_are_not_prose_but_the_rest_is(added, rule):
    """The page above passes; one added line of prose (or math) is caught, on its own line."""
    assert check_markdown(PAGE, "ja") == []
    found = check_markdown(PAGE + "\n" + added + "\n", "ja")
    assert [problem.split(": ")[1] for problem in found] == [rule]
    assert found[0].startswith(f"line {PAGE.count(chr(10)) + 2}:")


@pytest.mark.parametrize(("text", "lang", "flagged"), [
    ("It was changed by a commit of 14 September 2020.", "en", False),
    ("The grid of (LeCun et al., 1998) and (2010).", "en", False),
    ("ImageNet results since 2012, and in 1998 LeNet-5.", "en", False),
    ("原論文（Glorot と Bengio、2010）の初期値です。", "ja", False),
    ("2012 年の ILSVRC です。", "ja", False),
    ("マスクは 1 つです（Wan et al., 2013 はサンプルごと）。", "ja", False),
    ("The set has 2010 images.", "en", True),
    ("(2010 images)", "en", True),
    ("The run took September 2100 steps.", "en", True),   # not a year of 1900–2099
    ("訓練データ、5000 枚。", "ja", True),
    ("枚数（3000）です。", "ja", True),                     # not a year of 1900–2099
    ("枚数、2010 枚です。", "ja", True),                    # a year only where it reads as one
])
def test_a_year_is_not_a_number_without_separators(text, lang, flagged):
    """Years 1900–2099 are exempt from the thousands rule where they read as a year, and only there."""
    found = [problem.split(": ")[1] for problem in check_markdown(text, lang)]
    assert ("thousands" in found) == flagged, found


def test_a_notebook_is_checked_in_its_markdown_cells_only():
    notebook = '# %% [markdown]\n# 訓練 5000 枚\n\n# %%\nx = 5000  # 5000 %\n'
    assert [p.split(": ")[1] for p in check_markdown(notebook_markdown(notebook), "ja", "notebook")] == ["thousands"]


def test_a_japanese_docstring_is_checked():
    entry = 'dl_notes.x.f:\n  source: "0123456789ab"\n  text: |\n    値を返します。\n  parameters:\n    x: |-\n      入力 (形は任意)\n'
    found = check_api_translations(entry)
    assert [problem.split(": ")[:2] for problem in found] == [["dl_notes.x.f parameters.x line 1", "brackets"]]


def test_the_rendered_text_leaves_out_code_and_math():
    html = ('<header>5000 %</header><article class="md-content__inner"><h1>題名<a class="headerlink">¶</a></h1>'
            '<p>正解率 92.3 % と <code>1e-07</code> と <span class="arithmatex">\\(1000\\)</span></p>'
            '<pre><code>5000 %</code></pre><figure><figcaption>差は 8.16e-07</figcaption></figure></article>')
    assert article_text(html) == "題名\n正解率 92.3 % と ⟨code⟩ と ⟨math⟩\n⟨code⟩\n差は 8.16e-07"
    deferred = html.replace('class="arithmatex">\\(1000\\)', 'class="dl-quiz-math" data-tex="\\(1000\\)">')
    assert "dl-quiz-math" in deferred and article_text(deferred) == article_text(html)
    assert [p.split(": ")[1] for p in check_rendered(html, "ja")] == ["percent", "e-notation"]


def test_a_chapter_without_the_closing_section_fails(tmp_path, monkeypatch):
    page = tmp_path / "page.en.md"
    page.write_text("# A\n\n## Quiz\n\n## Related pages\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.DOCS", tmp_path)
    with pytest.raises(AssertionError, match="the last ## section is \\['Related pages'\\]"):
        test_every_chapter_closes_with_the_closing_section("page.md", "en")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_fmt_prints_numbers_in_the_style(lang):
    """What fmt() prints keeps every rule, at every magnitude; Python's own repr would not."""
    from dl_notes_site.macros import fmt

    values = [sign * 8.157 * 10.0 ** power for power in range(-9, 10) for sign in (1, -1)]
    assert [text for text in map(fmt, values) if check_markdown(f"値は {text} です。", lang)] == []
    assert check_markdown(f"値は {8.157e-7} と {1234567} です。", lang) != []
