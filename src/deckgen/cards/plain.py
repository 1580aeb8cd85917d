"""Markdown that is plain text, and its HTML, as markdown-it makes it, without markdown-it.

Many fields are one plain sentence (a question, a cloze): parsing them through every
block and inline rule only finds one paragraph of one text token. The property tests
(tests/property/test_render_from_tokens.py) hold this module to markdown-it's output.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml

from deckgen.notes.anchors import INLINE_MARKUP

# What can start inline Markdown in the renderer: CommonMark's and strikethrough's (as a
# heading's text is read), and math; text without any is rendered by markdown-it as one
# text token, escaped.
_INLINE_SYNTAX = re.compile(f"[{re.escape(INLINE_MARKUP + '$')}]")
# What can open a block other than a paragraph at the start of a line (lists, quotes,
# fences, thematic breaks, headings, HTML, definitions, tables, math, code by indentation).
_BLOCK_SYNTAX = frozenset("`~>*-_+#<[|$=0123456789")


def lone_paragraph(text: str) -> bool:
    """Whether `text`, parsed on its own, is one paragraph of one line: no line break, no
    space around it, and nothing at its start that opens another kind of block."""
    return bool(text) and "\n" not in text and text[0] not in _BLOCK_SYNTAX and text == text.strip()


def plain_html(markdown: str, *, inline: bool) -> str | None:
    """The HTML of Markdown that is plain text, as markdown-it renders it (a paragraph of
    the text escaped, or the text escaped inline); None when it is not plain."""
    if not markdown or _INLINE_SYNTAX.search(markdown):
        return None
    if inline:
        return escapeHtml(markdown).strip()
    return f"<p>{escapeHtml(markdown)}</p>" if lone_paragraph(markdown) else None
