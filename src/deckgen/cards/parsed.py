"""A card's fields found among the block tokens its notes file was parsed into, so that
rendering parses only their inline Markdown instead of parsing each field's text again.

Rendering a field parses its Markdown on its own (fields.py), as if it were a document of
its own. Most fields are a run of the file's own top-level blocks, cut out verbatim: an H3
question, the answer under it, a cloze paragraph, a one-line cloze list item. For those the
block tokens the structure pass made (notes/parse.py) are the ones a parse of the field's
text would make, so they are rendered instead (render_tokens): the same HTML, the
same problems at the same lines, without the second block parse. Anything else is parsed
on its own as before: a `Q:` question (its prefix is cut off), fields of `#### Field`
sections, and every field of a file that holds what could read differently on its own: a
link reference definition (`[x]: …` resolves across the whole file) or `$$` (a math block
only the renderer knows). An answer whose first line is cut out of a paragraph (after
`A:`) is rendered from tokens when that line reads as a paragraph of its own.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from typing import Any

from markdown_it.rules_core import StateCore
from markdown_it.rules_core import block as core_block
from markdown_it.token import Token

from deckgen.cards.fields import FieldEnv, env_of, markdown_renderer
from deckgen.cards.plain import lone_paragraph
from deckgen.cards.sanitize import html_diagnostics
from deckgen.model import Card, CardKind
from deckgen.notes.blocks import Block


class ParsedNotes:
    """The lines and top-level blocks of one notes file, indexed by the lines they start
    and end on."""

    def __init__(self, lines: list[str], blocks: list[Block]) -> None:
        self.lines = lines
        self.blocks = blocks
        self.starts: dict[int, int] = {}  # 0-based line → index in blocks
        self.ends: dict[int, int] = {}  # 0-based line after a block → index in blocks
        self.first_lines = [block.start for block in blocks]
        for index, block in enumerate(blocks):
            self.starts.setdefault(block.start, index)
            self.ends.setdefault(block.end, index)

    @classmethod
    def of(cls, lines: list[str], blocks: list[Block]) -> ParsedNotes | None:
        """None when the file holds what a field parsed on its own could read otherwise."""
        text = "\n".join(lines)
        return None if "]:" in text or "$$" in text else cls(lines, blocks)

    def question(self, card: Card) -> list[Token] | None:
        """The tokens of the card's question: an H3's inline text (basic), or a cloze's
        paragraph; None when it is written otherwise."""
        line = card.loc.line - 1
        at = self.starts.get(line)
        if card.kind is CardKind.BASIC:
            if at is None:
                return None
            tokens = self.blocks[at].tokens
            if tokens[0].type != "heading_open" or tokens[0].tag != "h3":
                return None
            return tokens[1:2] if tokens[1].content == card.question else None
        if at is not None and self.blocks[at].kind not in ("bullet_list", "ordered_list"):
            tokens = self.blocks[at].tokens
            if tokens[0].type != "paragraph_open" or tokens[1].content != card.question:
                return None
            return tokens
        return self._list_item(line, card.question)  # a list's first item starts it

    def _list_item(self, line: int, text: str) -> list[Token] | None:
        """A cloze list item's paragraph, as its text parses on its own: one line that can
        only be a paragraph (in a tight list the item's own paragraph is hidden)."""
        if not lone_paragraph(text):
            return None
        at = bisect_right(self.first_lines, line) - 1
        if at < 0 or self.blocks[at].kind not in ("bullet_list", "ordered_list"):
            return None
        depth = 0
        tokens = self.blocks[at].tokens
        for index, token in enumerate(tokens):
            # an item's own paragraph: inside the list (depth 1) and its item (depth 2)
            if depth == 2 and token.type == "paragraph_open" and token.map and token.map[0] == line:
                inline = tokens[index + 1]
                return _paragraph(text, line, inline) if inline.content == text else None
            depth += token.nesting
        return None

    def answer(self, card: Card) -> list[Token] | None:
        """The tokens of the card's answer when it is a run of whole top-level blocks,
        verbatim, or a lone paragraph line ending a paragraph of the file (what follows
        `A:`) and then such a run; None otherwise (sections of their own)."""
        if not card.answer or card.answer_line is None or card.sections:
            return None
        start = card.answer_line - 1
        rows = card.answer.split("\n")
        end = start + len(rows)
        if self.lines[start + 1 : end] != rows[1:]:
            return None
        head: list[Token] = []
        if self.lines[start] == rows[0]:
            at = self.starts.get(start)
        else:  # the rest of a paragraph's last line, read as a paragraph of its own
            ending = self.ends.get(start + 1)
            if ending is None or not lone_paragraph(rows[0]):
                return None
            if self.blocks[ending].kind != "paragraph":
                return None
            head, at = _paragraph(rows[0], start), ending + 1
            if len(rows) == 1:
                return head
            if at == len(self.blocks) or self.blocks[at].start >= end:
                return None
        if at is None:
            return None
        last = at
        while last + 1 < len(self.blocks) and self.blocks[last + 1].start < end:
            last += 1
        # the last block may run on over blank lines only (a list's map holds them)
        if any(line.strip() for line in self.lines[end : self.blocks[last].end]):
            return None
        tokens = [token for block in self.blocks[at : last + 1] for token in block.tokens]
        if end < len(self.lines) and any(_takes_last_newline(token, end) for token in tokens):
            return None
        return head + tokens


def _paragraph(text: str, line: int, inline: Token | None = None) -> list[Token]:
    """The tokens of a one-line paragraph holding `text` at 0-based `line`, as a parse of
    the text on its own makes them (in a tight list, an item's own paragraph is hidden)."""
    opening, closing = Token("paragraph_open", "p", 1), Token("paragraph_close", "p", -1)
    opening.block = closing.block = True
    opening.map = [line, line + 1]
    if inline is None:
        inline = Token("inline", "", 0)
        inline.content, inline.map, inline.children = text, [line, line + 1], []
    return [opening, inline, closing]


def _takes_last_newline(token: Token, end: int) -> bool:
    """Whether a raw HTML block or an unclosed fence holds the text's last line with the
    newline after it, which the text parsed on its own ends without."""
    if token.map is None or token.map[1] < end:
        return False
    if token.type == "html_block":
        return True
    # a closed fence holds the lines between its two fence lines, each with its newline
    start, stop = token.map
    return token.type == "fence" and token.content.count("\n") != stop - start - 2


@cache
def _after_block() -> tuple[Any, ...]:
    """The renderer's core rules after its block parse: inline parsing, the HTML policy,
    joining text, line numbers."""
    rules = markdown_renderer().core.ruler.getRules("")
    return tuple(rules[rules.index(core_block) + 1 :])


def render_tokens(tokens: list[Token], field_env: FieldEnv) -> str:
    """A field given as block tokens that a parse of its Markdown on its own would make
    (ParsedNotes), rendered as render_block or render_inline renders that Markdown.
    Line numbers are the tokens' own: `field_env.first_line` is 1, the file's first line."""
    md = markdown_renderer()
    env = env_of(field_env)
    for token in tokens:  # markdown-it appends inline tokens: a second render would repeat them
        if token.type == "inline":
            token.children = []
    state = StateCore("", md, env, tokens)
    for rule in _after_block():
        rule(state)
    rendered = md.renderer.render(tokens, md.options, env)
    field_env.diagnostics.extend(html_diagnostics(env, field_env.path, first_line=1))
    return str(rendered).strip()
