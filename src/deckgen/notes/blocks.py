"""Notes Markdown → its top-level blocks, the units deckgen's format is made of.

One configured markdown-it parser reads the block structure only; each top-level block
(a heading, a paragraph, a whole list, ...) comes with its tokens and its line range.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin


@cache
def block_parser() -> MarkdownIt:
    """The one parser deckgen reads notes with: CommonMark, GFM tables and strikethrough.

    Only the block structure matters here (inline tokens keep their raw `content`), so
    inline parsing is left to the renderer, which also applies the HTML policy."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)
    return md.disable("inline")


@dataclass
class Block:
    """A top-level block: its opening token, its tokens, and its 0-based line range."""

    tokens: list[Token]
    start: int
    end: int

    @property
    def kind(self) -> str:
        return self.tokens[0].type.removesuffix("_open")

    @property
    def level(self) -> int:
        """Heading level, 0 for other blocks."""
        first = self.tokens[0]
        return int(first.tag[1]) if first.type == "heading_open" else 0

    @property
    def inline(self) -> str:
        """The raw text of a heading or paragraph."""
        return self.tokens[1].content if len(self.tokens) > 1 else ""


def top_level_blocks(tokens: list[Token]) -> Iterator[Block]:
    depth = 0
    current: list[Token] = []
    for token in tokens:
        current.append(token)
        depth += token.nesting
        if depth == 0:
            start, end = current[0].map or (0, 0)
            yield Block(current, start, end)
            current = []


def list_items(block: Block) -> Iterator[Block]:
    """The items of a top-level list, each as a block of its own tokens."""
    # Inside the list's open and close tokens, the items are its top-level blocks.
    return top_level_blocks(block.tokens[1:-1])
