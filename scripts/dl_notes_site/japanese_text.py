"""MkDocs plugin ``dl_notes/japanese_text``: no stray spaces in Japanese text where the Markdown source breaks a line.

HTML turns a line break into a space, which Japanese does not use: "実際に\\n動かして" showed as
"実際に 動かして". Before Markdown is rendered, a line break between two Japanese characters is
removed (with the next line's indentation, as in an admonition), outside fenced code blocks.
The notebooks hook applies the same to Markdown cells.
"""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

import re

# Kana, kanji, and Japanese and full-width punctuation.
JA = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
BREAK = re.compile(f"(?<=[{JA}])\\n[ \\t]*(?=[{JA}])")
FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})")


def join_japanese_lines(markdown: str) -> str:
    """Remove line breaks between Japanese characters, except inside fenced code.

    >>> join_japanese_lines("同じ関数の上で実際に\\n    動かして比べます。\\nMNIST は")
    '同じ関数の上で実際に動かして比べます。\\nMNIST は'
    >>> join_japanese_lines("```python\\n# 日本語\\n# コメント\\n```")
    '```python\\n# 日本語\\n# コメント\\n```'
    """
    lines: list[str] = []
    prose: list[str] = []
    fence = None

    def flush() -> None:
        if prose:
            lines.extend(BREAK.sub("", "\n".join(prose)).split("\n"))
            prose.clear()

    for line in markdown.split("\n"):
        if fence is not None:  # inside code: as it is, until the closing fence
            lines.append(line)
            if line.strip().startswith(fence):
                fence = None
        elif opening := FENCE.match(line):
            flush()
            fence = opening.group(2)[0] * 3
            lines.append(line)
        else:
            prose.append(line)
    flush()
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):
    return join_japanese_lines(markdown)


class Plugin(BasePlugin):
    """No stray spaces where the Markdown source breaks a line between Japanese characters."""

    on_page_markdown = staticmethod(on_page_markdown)
