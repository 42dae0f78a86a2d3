"""MkDocs plugin ``dl_notes/quiz_bank``: every question of the site on one page, for practice.

A question is written once, where it is taught: ``??? question "…"`` in a chapter (pymdownx.details
renders ``<details class="question"><summary>…</summary>…answer…</details>``). This plugin

1. gives every question of a page a stable id, ``quiz-<page>-<n>`` (``quiz-lstm-2``: the second
   question of lstm.md), so that a link lands on the question itself (Material opens a closed
   ``<details>`` that the URL's hash targets). Twins have the same questions in the same order
   (the build fails when their counts differ), so an id names the same question in both
   languages, and a reader's progress, stored in the browser under these ids, is shared by both;
2. collects each question's rendered HTML (`mark_questions`), with its section, per language
   (mkdocs-static-i18n builds each language in its own pass);
3. fills the page that holds ``<div class="dl-quiz-bank"></div>`` (quiz_bank.md) with all of them,
   grouped by the parts and chapters of ``nav`` (`navigation.course_outline`) in nav order, each
   linked back to its place (`bank_html`). Links and ids inside an answer are rewritten for the
   bank's URL (`rebase`, `answer_for_bank`): a link to the chapter's own anchors leads to the
   chapter, and the code-line anchors of two chapters no longer collide.

Every page is rendered (``on_page_content``) before any is written, so the bank is filled when
it is written, in ``on_page_context``, after the search plugin has indexed the page: search finds
a question on its chapter, not a second time in the bank. The answers are inline (the page is about 75 KB
with gzip, 0.45 MB with everything it loads), not fetched: the offline archive opens the site from ``file://``,
where ``fetch()`` fails. The practice mode (reveal, known / not yet, a filter, progress kept in
``localStorage``) is docs/javascripts/quiz_bank.js; its words come from here (`LABELS`), in the
page's language.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from dl_notes_site import navigation
from dl_notes_site.sections import prose_lines, slug

QUESTION_SOURCE = re.compile(r"^\?\?\?\+? question\b")
PLACEHOLDER = '<div class="dl-quiz-bank"></div>'


def count_in_source(markdown: str) -> int:
    """How many ``??? question`` admonitions a Markdown page has (not counting code blocks).

    >>> count_in_source('??? question "A?"\\n    a\\n\\n```\\n??? question "not one"\\n```\\n???+ question "B?"\\n')
    2
    """
    return sum(1 for _, line in prose_lines(markdown.splitlines()) if QUESTION_SOURCE.match(line))


def check_twins(counts: Mapping[str, Mapping[str, int]]) -> None:
    """Fail unless every page has as many questions in each language: ``{page: {lang: count}}``.

    The ids are ``quiz-<page>-<n>``; with a question missing on one side, ``n`` would name two
    different questions in the two languages (and a reader's marks would move to the wrong one).

    >>> check_twins({"lstm.md": {"ja": 3, "en": 3}})
    >>> check_twins({"lstm.md": {"ja": 3, "en": 2}})
    Traceback (most recent call last):
    ...
    ValueError: quiz_bank: lstm.md has 3 questions in ja but 2 in en; twins need the same questions in the same order (their ids quiz-lstm-<n> are shared)
    """
    for page, by_lang in counts.items():
        if len(set(by_lang.values())) > 1:
            (a, n_a), (b, n_b) = list(by_lang.items())[:2]
            raise ValueError(f"quiz_bank: {page} has {n_a} questions in {a} but {n_b} in {b}; twins need the same "
                             f"questions in the same order (their ids {page_key(page)}-<n> are shared)")


def page_key(src: str) -> str:
    """The prefix of a page's question ids: ``quiz-`` and its source path without ``.md``.

    >>> page_key("lstm.md"), page_key("api/optim.md")
    ('quiz-lstm', 'quiz-api-optim')
    """
    return "quiz-" + src.removesuffix(".md").replace("/", "-")


def quiz_id(src: str, number: int) -> str:
    """The id of the ``number``-th question (from 1) of the page ``src``.

    >>> quiz_id("lstm.md", 2)
    'quiz-lstm-2'
    """
    return f"{page_key(src)}-{number}"


@dataclass(frozen=True)
class Question:
    """A question as rendered on its page: where it is, its summary and its answer (HTML)."""

    page: str            # nav source, 'lstm.md'
    number: int          # its order on the page, from 1
    section: str         # the id of the heading it is under ('quiz'), '' above the first heading
    section_title: str   # that heading's HTML, without its permalink
    summary: str         # the <summary>'s inner HTML
    answer: str          # what follows the <summary>, HTML

    @property
    def id(self) -> str:
        return quiz_id(self.page, self.number)


TOKEN = re.compile(r'<(h[2-4])\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</\1>|<details\b([^>]*)>|</details>', re.S)
PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
SUMMARY = re.compile(r"\s*<summary>(.*?)</summary>", re.S)


def mark_questions(page_html: str, src: str) -> tuple[str, list[Question]]:
    """The page's HTML with an id on each question, and its questions in page order.

    A question is a ``<details>`` of class ``question`` that is not inside another ``<details>``;
    an answer may hold other ``<details>``. Its section is the closest heading (level 2–4) above.

    >>> page = ('<h2 id="quiz">Quiz<a class="headerlink" href="#quiz">¶</a></h2>'
    ...         '<details class="question"><summary>Why?</summary><p>Because.</p>'
    ...         '<details class="note"><summary>More</summary>x</details></details>'
    ...         '<details class="note"><summary>Not a question</summary></details>')
    >>> marked, [q] = mark_questions(page, "lstm.md")
    >>> (q.id, q.section, q.section_title, q.summary, q.answer)
    ('quiz-lstm-1', 'quiz', 'Quiz', 'Why?', '<p>Because.</p><details class="note"><summary>More</summary>x</details>')
    >>> marked[marked.index("<details"):][:50]
    '<details class="question" id="quiz-lstm-1"><summar'
    """
    out, questions = [], []
    section, section_title = "", ""
    depth, start, at = 0, None, 0       # start: where the open question's <details> tag ends
    for token in TOKEN.finditer(page_html):
        if token.group(1):
            if depth == 0:
                section, section_title = token.group(2), PERMALINK.sub("", token.group(3)).strip()
        elif token.group(0).startswith("<details"):
            depth += 1
            if depth == 1 and re.search(r'\bclass="[^"]*\bquestion\b', token.group(4)):
                number = len(questions) + 1
                out.append(page_html[at:token.start()])
                out.append(f'<details{token.group(4)} id="{quiz_id(src, number)}">')
                at = start = token.end()
        else:
            depth -= 1
            if depth == 0 and start is not None:
                number = len(questions) + 1
                inner = number_code_blocks(page_html[start:token.start()], quiz_id(src, number))
                summary = SUMMARY.match(inner)
                if not summary:
                    raise ValueError(f"quiz_bank: question {number} of {src} has no <summary> (its title)")
                questions.append(Question(src, number, section, section_title,
                                          summary.group(1).strip(), inner[summary.end():].strip()))
                out.append(inner)
                at, start = token.start(), None
    out.append(page_html[at:])
    return "".join(out), questions


PRE = re.compile(r"<pre(?=[\s>])(?![^>]*\sid=)")


def number_code_blocks(fragment: str, qid: str) -> str:
    """Each ``<pre>`` of a question gets the id ``<qid>-code-<k>``.

    Material names a code block after the closest element with an id (``__code_<id>``) and its
    copy button copies ``#__code_<id> > code``: once the question has an id, two blocks of one
    answer would share a name, and the second button would copy the first block.

    >>> number_code_blocks('<pre><code>a</code></pre><pre class="x"><code>b</code></pre>', "quiz-lstm-1")
    '<pre id="quiz-lstm-1-code-1"><code>a</code></pre><pre id="quiz-lstm-1-code-2" class="x"><code>b</code></pre>'
    """
    count = iter(range(1, fragment.count("<pre") + 1))
    return PRE.sub(lambda m: f'<pre id="{qid}-code-{next(count)}"', fragment)


def rebase(url: str, from_url: str, to_url: str) -> str:
    """A link written on the page at site path ``from_url``, as written on the page at ``to_url``.

    Links with a scheme and absolute paths stay; a bare ``#anchor`` points at the page it was
    written on.

    >>> rebase("#eq-1", "lstm/", "quiz_bank/"), rebase("../gru/#quiz", "lstm/", "quiz_bank/")
    ('../lstm/#eq-1', '../gru/#quiz')
    >>> rebase("../assets/a.svg", "en/lstm/", "en/tools/quiz_bank/"), rebase("../", "en/lstm/", "en/quiz_bank/")
    ('../../assets/a.svg', '../')
    >>> rebase("https://x.org/", "a/", "b/c/"), rebase("/dl-notes/a/", "a/", "b/c/")
    ('https://x.org/', '/dl-notes/a/')
    """
    if not url or re.match(r"^([a-z][a-z0-9+.-]*:|/)", url, re.I):
        return url
    target = urlsplit(urljoin("http://site/" + from_url, url))
    relative = get_relative_url(target.path[1:] or "./", to_url)
    return relative + (f"?{target.query}" if target.query else "") + (f"#{target.fragment}" if target.fragment else "")


ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
ID = re.compile(r'(\s(?:id|name)=")([^"]*)(")')
MATH = re.compile(r'<(span|div) class="arithmatex">([^<]*)</\1>')  # the TeX inside is HTML-escaped text


def deferred_math(match: re.Match) -> str:
    tag, tex = match.group(1), match.group(2).replace('"', "&quot;")
    return f'<{tag} class="dl-quiz-math" data-tex="{tex}"></{tag}>'


def answer_for_bank(fragment: str, prefix: str, from_url: str, to_url: str) -> str:
    """An answer's HTML as the bank shows it: ids prefixed (``<prefix>-<id>``), links rebased, math deferred.

    Anchors inside the fragment (a code block's line anchors ``#__codelineno-2-1``) follow their
    renamed ids; the ids would otherwise repeat across chapters. Other links go where they went.
    A formula waits, as ``<span class="dl-quiz-math" data-tex="…">``, until its answer is
    revealed; quiz_bank.js then makes it an ``arithmatex`` element again and has MathJax typeset
    it. MathJax typesets every ``arithmatex`` element at start-up, and the bank's answers hold
    about 400 formulas: seconds of a phone's time, for answers a reader reveals a few at a time.
    The TeX waits in an attribute, not as text: a hidden answer's text is still the page's text
    (copied, read out, and checked by the browser tests for raw TeX).

    >>> answer_for_bank('<a id="l1" name="l1" href="#l1"></a><a href="#eq">e</a><img src="../a.svg">',
    ...                 "quiz-lstm-1", "lstm/", "quiz_bank/")
    '<a id="quiz-lstm-1-l1" name="quiz-lstm-1-l1" href="#quiz-lstm-1-l1"></a><a href="../lstm/#eq">e</a><img src="../a.svg">'
    >>> answer_for_bank('<span class="arithmatex">(a &lt; b)</span>', "quiz-lstm-1", "lstm/", "quiz_bank/")
    '<span class="dl-quiz-math" data-tex="(a &lt; b)"></span>'
    """
    own = {m.group(2) for m in ID.finditer(fragment)}

    def link(match: re.Match) -> str:
        url = html.unescape(match.group(2))
        if url.startswith("#") and url[1:] in own:
            new = url if url[1:].startswith(f"{prefix}-") else f"#{prefix}-{url[1:]}"
        else:
            new = rebase(url, from_url, to_url)
        return match.group(1) + html.escape(new, quote=True) + match.group(3)

    fragment = ID.sub(lambda m: m.group(0) if m.group(2).startswith(f"{prefix}-")   # already the question's own
                      else f"{m.group(1)}{prefix}-{m.group(2)}{m.group(3)}", fragment)
    fragment = MATH.sub(deferred_math, fragment)
    return ATTRIBUTE.sub(link, fragment)


LABELS = {
    "ja": {"known": "わかった", "unknown": "まだ", "marks": "この問題の理解度",
           "filter": "まだわかっていない問題だけ表示", "clear": "記録を消す",
           "confirm": "すべての問題の「わかった」「まだ」の記録を消します（日本語と英語のページで共通です）。よろしいですか？",
           "progress": "{known} / {total} 問わかった（まだ：{unknown} 問）",
           "summary": "{parts} 部 {chapters} 章、{total} 問", "toolbar": "練習モード",
           "source": "出典：", "empty": "この条件に当てはまる問題はありません。"},
    "en": {"known": "Known", "unknown": "Not yet", "marks": "How well you know this question",
           "filter": "Show only the questions not yet known", "clear": "Clear my marks",
           "confirm": "Clear every “Known” and “Not yet” mark? (The Japanese and English pages share them.)",
           "progress": "{known} / {total} known (not yet: {unknown})",
           "summary": "{total} questions from {chapters} chapters in {parts} parts", "toolbar": "Practice mode",
           "source": "From: ", "empty": "No question matches this filter."},
}


@dataclass(frozen=True)
class Chapter:
    """A chapter of the bank: its nav entry, its link from the bank, and its questions."""

    src: str
    title: str
    url: str                 # site path of the chapter page ('lstm/', 'en/lstm/')
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Group:
    """A part of the course (基礎, Day 2, ...) with its chapters that have questions."""

    id: str
    title: str
    chapters: tuple[Chapter, ...]


def group(parts: Sequence[navigation.Part], part_ids: Sequence[str], questions: Mapping[str, Sequence[Question]],
          urls: Mapping[str, str]) -> list[Group]:
    """The questions by part and chapter, in nav order; parts and chapters without questions left out.

    Raises if a page with questions is not in ``nav`` (its questions would be missing from the bank).

    >>> parts = [navigation.Part("Day 2", (navigation.Entry("a.md", "A", "-"), navigation.Entry("b.md", "B", "-")))]
    >>> q = Question("b.md", 1, "quiz", "Quiz", "Why?", "")
    >>> groups = group(parts, ["day-2"], {"b.md": [q]}, {"b.md": "b/"})
    >>> [(g.id, [(c.title, c.url, len(c.questions)) for c in g.chapters]) for g in groups]
    [('day-2', [('B', 'b/', 1)])]
    >>> group(parts, ["day-2"], {"c.md": [q]}, {})
    Traceback (most recent call last):
    ...
    ValueError: quiz_bank: c.md has questions but is not in nav; the quiz bank lists the pages of nav
    """
    listed = {entry.src for part in parts for entry in part.pages()}
    for src in questions:
        if questions[src] and src not in listed:
            raise ValueError(f"quiz_bank: {src} has questions but is not in nav; the quiz bank lists the pages of nav")
    groups = []
    for part, part_id in zip(parts, part_ids, strict=True):
        chapters = tuple(Chapter(e.src, e.title, urls[e.src], tuple(questions[e.src]))
                         for e in part.pages() if questions.get(e.src))
        if chapters:
            groups.append(Group(part_id, part.title, chapters))
    return groups


def chapter_id(src: str) -> str:
    """The bank's anchor of a chapter: its page name ('lstm'), the same in both languages.

    >>> chapter_id("api/optim.md")
    'api-optim'
    """
    return src.removesuffix(".md").replace("/", "-")


def bank_html(groups: Sequence[Group], lang: str, bank_url: str) -> str:
    """The bank: a practice toolbar, then a heading per part and chapter, then each question.

    Each question is its chapter's ``<details>`` (closed: the answer shows when revealed) with a
    link to its place on the chapter page and two buttons, "known" and "not yet"; the toolbar
    and buttons are hidden until quiz_bank.js runs, since without it they could do nothing.

    >>> q = Question("lstm.md", 2, "quiz", "Quiz", "Why?", '<p>See <a href="#eq">(1)</a>.</p>')
    >>> page = bank_html([Group("day-3", "Day 3", (Chapter("lstm.md", "LSTM", "en/lstm/", (q,)),))], "en", "en/quiz_bank/")
    >>> print(page[page.index('<section class="dl-quiz-bank__chapter"'):])
    <section class="dl-quiz-bank__chapter" data-chapter="lstm">
    <h3 id="lstm"><a href="../lstm/">LSTM</a></h3>
    <div class="dl-quiz" id="quiz-lstm-2" data-quiz="quiz-lstm-2">
    <details class="question"><summary>Why?</summary>
    <p>See <a href="../lstm/#eq">(1)</a>.</p>
    </details>
    <div class="dl-quiz__footer"><a class="dl-quiz__source" href="../lstm/#quiz-lstm-2">From: LSTM › Quiz</a><span class="dl-quiz__marks" role="group" aria-label="How well you know this question" hidden><button type="button" class="dl-quiz__mark" data-mark="known" aria-pressed="false">Known</button><button type="button" class="dl-quiz__mark" data-mark="unknown" aria-pressed="false">Not yet</button></span></div>
    </div>
    </section>
    </section>
    </div>
    """
    if lang not in LABELS:
        raise ValueError(f"bank_html: lang={lang!r}, expected one of {tuple(LABELS)}")
    text = LABELS[lang]
    chapters = [c for g in groups for c in g.chapters]
    total = sum(len(c.questions) for c in chapters)
    esc = html.escape
    strings = {k: text[k] for k in ("progress", "confirm", "known", "unknown")}
    lines = [f'<div class="dl-quiz-bank" data-labels="{esc(json.dumps(strings, ensure_ascii=False))}">',
             '<p class="dl-quiz-bank__summary">'
             f'{esc(text["summary"].format(parts=len(groups), chapters=len(chapters), total=total))}</p>',
             f'<div class="dl-quiz-bank__toolbar" role="region" aria-label="{esc(text["toolbar"])}" hidden>',
             '<p class="dl-quiz-bank__progress" aria-live="polite"></p>',
             f'<label class="dl-quiz-bank__filter"><input type="checkbox"> {esc(text["filter"])}</label>',
             f'<button type="button" class="md-button dl-quiz-bank__clear">{esc(text["clear"])}</button>',
             "</div>",
             f'<p class="dl-quiz-bank__empty" hidden>{esc(text["empty"])}</p>']
    for g in groups:
        lines += [f'<section class="dl-quiz-bank__part" data-part="{g.id}">', f'<h2 id="{g.id}">{esc(g.title)}</h2>']
        for chapter in g.chapters:
            page_link = get_relative_url(chapter.url, bank_url)
            lines += [f'<section class="dl-quiz-bank__chapter" data-chapter="{chapter_id(chapter.src)}">',
                      f'<h3 id="{chapter_id(chapter.src)}"><a href="{esc(page_link)}">{esc(chapter.title)}</a></h3>']
            for q in chapter.questions:
                where = esc(chapter.title) + (f" › {strip_links(q.section_title)}" if q.section_title else "")
                answer = answer_for_bank(q.answer, q.id, chapter.url, bank_url)
                lines += [f'<div class="dl-quiz" id="{q.id}" data-quiz="{q.id}">',
                          f'<details class="question"><summary>{strip_links(q.summary)}</summary>',
                          answer,
                          "</details>",
                          f'<div class="dl-quiz__footer"><a class="dl-quiz__source" href="{esc(page_link)}#{q.id}">'
                          f'{esc(text["source"])}{where}</a>'
                          f'<span class="dl-quiz__marks" role="group" aria-label="{esc(text["marks"])}" hidden>'
                          f'<button type="button" class="dl-quiz__mark" data-mark="known" aria-pressed="false">{esc(text["known"])}</button>'
                          f'<button type="button" class="dl-quiz__mark" data-mark="unknown" aria-pressed="false">{esc(text["unknown"])}</button>'
                          "</span></div>",
                          "</div>"]
            lines.append("</section>")
        lines.append("</section>")
    lines.append("</div>")
    return "\n".join(lines)


def strip_links(fragment: str) -> str:
    """HTML without its ``<a>`` tags (their text stays): it goes inside a link or a ``<summary>``.

    >>> strip_links('Why <a href="#x">this</a>?')
    'Why this?'
    """
    return re.sub(r"</?a\b[^>]*>", "", fragment)


def toc_links(groups: Iterable[Group]) -> list[AnchorLink]:
    """The page's table of contents: a part per entry, its chapters below."""
    links = []
    for g in groups:
        part = AnchorLink(html.escape(g.title), g.id, 2)
        part.children = [AnchorLink(html.escape(c.title), chapter_id(c.src), 3) for c in g.chapters]
        links.append(part)
    return links


# --- MkDocs glue -----------------------------------------------------------------------------

_questions: dict[str, list[Question]] = {}   # this language's questions, by page source
_expected: dict[str, int] = {}              # page source -> questions in its Markdown


def _src(page) -> str:
    return getattr(page.file, "norm_src_uri", page.file.src_uri)


def _language(config) -> str:
    return config.plugins["i18n"].current_language


def _nav_pages(nav: Sequence) -> list[str]:
    return [target for _, item in navigation.nav_items(nav)
            for target in ([item] if isinstance(item, str) else [t for _, t in navigation.nav_items(item)])]


@event_priority(-150)  # after i18n (-100) has kept this language's files
def on_files(files, config):
    """Count each nav page's questions in both languages' sources; twins must agree."""
    docs = Path(config.docs_dir)
    counts = {}
    for src in _nav_pages(config.nav):
        if src.endswith(".md") and navigation.localized_source(docs, src, "ja").exists():
            counts[src] = {lang: count_in_source(navigation.localized_source(docs, src, lang).read_text(encoding="utf-8"))
                           for lang in navigation.LANGUAGES}
    check_twins(counts)
    _questions.clear()
    _expected.clear()
    _expected.update({src: by_lang[_language(config)] for src, by_lang in counts.items()})
    return files


@event_priority(-100)  # late: the question as the other plugins left it
def on_page_content(page_html, page, config, files):
    """Give the page's questions their ids and keep them for the bank."""
    src = _src(page)
    if 'class="question"' not in page_html:
        return page_html
    page_html, questions = mark_questions(page_html, src)
    if src in _expected and len(questions) != _expected[src]:
        raise ValueError(f"quiz_bank: {src} has {_expected[src]} '??? question' blocks in its Markdown "
                         f"but {len(questions)} <details class=\"question\"> in its HTML")
    _questions[src] = questions
    if page.present_anchor_ids is not None:   # so that Markdown may link lstm.md#quiz-lstm-2
        page.present_anchor_ids.update(q.id for q in questions)
    return page_html


@event_priority(-50)  # after the search plugin (0) has indexed the page without the questions
def on_page_context(context, page, config, nav):
    """Fill the quiz bank's placeholder, and its table of contents."""
    if PLACEHOLDER not in (page.content or ""):
        return context
    i18n = config.plugins["i18n"]
    lang = _language(config)
    translations = None if lang == i18n.default_language else (i18n.current_language_config.nav_translations or {})
    # A part's anchor is its English title's slug ('day-2', 'study-tools') in both languages.
    english = next((language.nav_translations or {} for language in i18n.config.languages if language.locale == "en"), {})
    parts = navigation.course_outline(config.nav, translations, lang, Path(config.docs_dir))
    part_ids = [slug(english.get(title, title)) or f"part-{n}"
                for n, (title, _) in enumerate(navigation.nav_items(config.nav), 1)]
    urls = {src: page_url(nav, src) for src in _questions}
    groups = group(parts, part_ids, _questions, urls)
    page.content = page.content.replace(PLACEHOLDER, bank_html(groups, lang, page.url), 1)
    # Material lists the children of the page's <h1> entry: the bank's parts go there.
    items = page.toc.items
    (items[0].children if items and items[0].level == 1 else items).extend(toc_links(groups))
    return context


def page_url(nav, src: str) -> str:
    """The site path of the page built from ``src`` in this language's build."""
    for page in nav.pages:
        if _src(page) == src:
            return page.url
    raise ValueError(f"quiz_bank: {src} has questions but is not a page of nav")


class Plugin(BasePlugin):
    """The same glue as a plugin, for the dl_notes_site package (MkDocs hooks ignore this class)."""

    on_files = staticmethod(on_files)
    on_page_content = staticmethod(on_page_content)
    on_page_context = staticmethod(on_page_context)
