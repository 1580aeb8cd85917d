"""The anchors GitHub gives the headings of a rendered Markdown file (`#what-is-a-spot-instance`),
so a card can link to the place it is written without a line number.

GitHub's rule, as github-slugger reproduces it from GitHub's own output: the heading's text
is lowercased, every character that is not a letter, a mark, a digit or letter-like number,
`_`, `-` or a space is removed, and each space becomes a hyphen (`Foo & Bar` → `foo--bar`).
A heading whose anchor was taken already in the file gets the first free `-1`, `-2` … after
it, counted over every heading of the file in order. So an anchor changes only when its
own heading does, or when a heading with the same text is written above it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Letter-like symbols (circled and squared Latin letters) count as letters: Unicode calls
# them Alphabetic, and GitHub keeps them.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def _kept(char: str) -> bool:
    """Letters, marks, digits and letter-like numbers (not ² or ½), `_`, `-` and spaces."""
    if char in " -":
        return True
    category = unicodedata.category(char)
    if category[0] in "LM" or category == "Pc" or category in ("Nd", "Nl"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _ALPHABETIC_SYMBOLS)


# In ASCII, only letters, digits, `_`, `-` and the space are kept.
_ASCII_DROPPED = re.compile(r"[^a-z0-9_ -]")


def github_slug(text: str) -> str:
    """A heading's text → its anchor, before repeats are numbered."""
    lower = text.lower()
    if lower.isascii():  # the common case, without a Unicode lookup per character
        return _ASCII_DROPPED.sub("", lower).replace(" ", "-")
    return slug_by_category(lower)


def slug_by_category(lower: str) -> str:
    """The anchor of a lowercased text, each character kept or dropped by its Unicode
    category (github_slug's rule for any text)."""
    return "".join(char for char in lower if _kept(char)).replace(" ", "-")


class Slugger:
    """Anchors of one file's headings in order, repeats numbered as GitHub numbers them."""

    def __init__(self) -> None:
        self.taken: dict[str, int] = {}

    def anchor(self, text: str) -> str:
        first = result = github_slug(text)
        while result in self.taken:
            self.taken[first] += 1
            result = f"{first}-{self.taken[first]}"
        self.taken[result] = 0
        return result


@cache
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["strikethrough"])


# What an inline rule of CommonMark with strikethrough (_inline_parser) can start at:
# escapes, code, emphasis, strikethrough, links, images, raw HTML and autolinks, entities,
# another line (and what its normalising replaces). Text without any of them parses into
# one text token holding it unchanged. The renderer adds math's `$` (cards/plain.py).
INLINE_MARKUP = "\\`*_~[!<&\n\r\x00"
_INLINE_MARKUP = re.compile(f"[{re.escape(INLINE_MARKUP)}]")


def heading_text(markdown: str) -> str:
    """What a heading's inline Markdown shows as text: its words and code, without marks,
    tags or images (GitHub reads a heading's text the same way)."""
    if _INLINE_MARKUP.search(markdown) is None:  # most headings: no inline parse needed
        return markdown
    return parsed_heading_text(markdown)


def parsed_heading_text(markdown: str) -> str:
    """heading_text, from markdown-it's inline parse of any heading."""
    tokens = _inline_parser().parseInline(markdown)
    children = tokens[0].children or [] if tokens else []
    parts: list[str] = []
    for child in children:  # an image is one token: its alt text is not the heading's text
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def heading_anchors(tokens: Iterable[Token]) -> dict[int, str]:
    """Every heading of a file (at any depth: in lists and quotes too) → its anchor, by the
    0-based line it starts on. `tokens` come from the block parser, inline left unparsed."""
    slugger = Slugger()
    anchors: dict[int, str] = {}
    pending: Token | None = None
    for token in tokens:
        if token.type == "heading_open":
            pending = token
        elif token.type == "inline" and pending is not None:
            if pending.map is not None:
                anchors[pending.map[0]] = slugger.anchor(heading_text(token.content))
            pending = None
    return anchors
