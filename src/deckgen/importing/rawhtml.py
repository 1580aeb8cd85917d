"""A field kept as HTML, laid out so that the notes format passes it through untouched.

In an answer it is a raw HTML block: no blank line inside (it would end the block), opening
with a block element (else wrapped in a `<div>`); a sound, which only Markdown packages,
stands between blocks as `![name](media/x.mp3)`. On a heading's line (a question, a cloze
text) it is one line: newlines become `&#10;`, and where the line is read as Markdown the
text between tags is escaped so that it reads as written.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote

from markdown_it.common.html_re import HTML_TAG_RE

SOUND_MARKER = re.compile(r'<img data-sound="([^"]*)" src="([^"]*)" alt="([^"]*)">')
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BLOCK_START = re.compile(
    r"\s*</?(?:address|article|aside|blockquote|details|dialog|dd|div|dl|dt|fieldset|figcaption"
    r"|figure|footer|h[1-6]|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot"
    r"|th|thead|tr|ul)(?:[\s/>]|$)",
    re.IGNORECASE,
)

_TOKEN = re.compile(f"{HTML_TAG_RE.pattern}|{SOUND_MARKER.pattern}", re.IGNORECASE)
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>!#$~|])")
_BLANK_LINE = re.compile(r"(?<=\n)([ \t]*)\n")


def raw_block(markup: str) -> str:
    """The field's HTML as blocks of raw HTML the notes pass through untouched: no blank
    line inside (it would end the block), each block opening with a block element, and
    sounds, which only Markdown can package, on lines of their own."""
    markup = _COMMENT.sub("", markup).strip()
    parts = re.split(r'(<img data-sound="[^"]*" src="[^"]*" alt="[^"]*">)', markup)
    out: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            marker = SOUND_MARKER.match(part)
            assert marker is not None
            out.append(f"![{marker.group(3)}]({marker.group(2)})")
            continue
        part = _BLANK_LINE.sub(lambda m: m.group(1) + "&#10;", part.strip("\n"))
        if not part.strip():
            continue
        if not _BLOCK_START.match(part) or re.match(
            r"\s*<(pre|script|style|textarea)\b", part, re.I
        ):
            part = f"<div>{part}</div>" if len(parts) == 1 else f"<div></div>{part}"
        out.append(part)
    return "\n\n".join(out)


def raw_line(markup: str, *, cloze: bool) -> str:
    """The field's HTML on one line (a heading's text). Where the line is Markdown (not a
    raw HTML block), the text between tags is escaped so it reads as written."""
    markup = _COMMENT.sub("", markup).strip()
    markdown = not cloze or not _BLOCK_START.match(markup)
    out: list[str] = []
    last = 0
    for match in _TOKEN.finditer(markup):
        out.append(_line_text(markup[last : match.start()], markdown, cloze))
        marker = SOUND_MARKER.fullmatch(match.group(0))
        if marker is not None and markdown:
            out.append(f"![{marker.group(3)}]({marker.group(2)})")
        elif marker is not None:
            out.append(f"[sound:{unquote(PurePosixPath(marker.group(2)).name)}]")
        else:
            out.append(match.group(0).replace("\n", " "))
        last = match.end()
    out.append(_line_text(markup[last:], markdown, cloze))
    return "".join(out).strip()


def _line_text(text: str, markdown: bool, cloze: bool) -> str:
    text = text.replace("\n", "&#10;")
    if markdown:
        text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    if not cloze:
        text = text.replace("{{c", "{\\{c" if markdown else "{&#123;c")
    return text
