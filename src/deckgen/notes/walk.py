"""The block walk: a notes file's top-level blocks → its basic cards and clozes.

The walk keeps a little state (the current topic, the card whose answer is being
collected, an id waiting for its cloze) and turns each top-level block into part of a
card, a new card, or skipped prose. Line numbers come from ``token.map``; answers are cut
from the author's own Markdown source, so rendering later sees exactly what was written.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from deckgen import ids
from deckgen.errors import Diagnostic, error, info
from deckgen.model import Silence, SourceLoc
from deckgen.notes.blocks import Block, list_items
from deckgen.notes.cloze import CLOZE_OPEN, check_cloze
from deckgen.notes.comments import (
    BEFORE_LIST,
    ID_COMMENT,
    INSIDE_ANSWER,
    cloze_next,
    dangling,
    is_comment_block,
    is_quality_block,
    is_quality_comment,
    item_silences,
    parse_silence,
)
from deckgen.notes.config import FrontMatter, parse_front_matter

VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_Q_PREFIX = re.compile(r"^\s*Q:\s?")
_A_PREFIX = re.compile(r"^\s*A:\s?")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")


@dataclass
class OpenCard:
    question: str
    loc: SourceLoc
    needs_a: bool  # a `Q:` whose `A:` has not been seen yet
    answer_start: int | None = None  # 0-based line where the answer begins
    answer_end: int = 0
    strip_a: bool = False
    explicit_id: str | None = None
    awaiting_id: bool = True  # the id comment may still follow the question line
    silences: list[Silence] = field(default_factory=list)


@dataclass
class Cloze:
    text: str
    loc: SourceLoc
    explicit_id: str | None
    silences: tuple[Silence, ...] = ()


@dataclass
class FileWalk:
    path: str  # display path, e.g. notes/ec2.md
    source: str  # path relative to the notes folder
    deck_slug: str
    lines: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    front: FrontMatter = field(default_factory=FrontMatter)
    h1: str | None = None
    topic: str | None = None
    open_card: OpenCard | None = None
    pending_id: tuple[str, SourceLoc] | None = None
    pending_silences: list[Silence] = field(default_factory=list)
    cloze_next: bool = False  # the next block, past id and quality comments, is a cloze
    basics: list[tuple[OpenCard, str | None, str]] = field(default_factory=list)
    clozes: list[tuple[Cloze, str | None]] = field(default_factory=list)

    def loc(self, line0: int) -> SourceLoc:
        return SourceLoc(self.path, line0 + 1)

    # --- the walk -----------------------------------------------------------------

    def run(self, blocks: list[Block]) -> None:
        before_cloze = cloze_next(blocks, self._is_cloze_block)
        for index, block in enumerate(blocks):
            if not self._is_cloze_block(block):
                if self.pending_id is not None and not is_quality_block(block):
                    self._dangling_id()
                if self.pending_silences and not is_comment_block(block):
                    self._dangling_silences()
            self.cloze_next = before_cloze[index]
            self.step(block, is_first=index == 0)
        self.close_card()
        if self.pending_id is not None:
            self._dangling_id()
        self._dangling_silences()

    def step(self, block: Block, *, is_first: bool) -> None:
        kind = block.kind
        if kind == "front_matter" and is_first:
            self._front_matter(block)
        elif kind == "heading" and (block.level <= 3 or self.open_card is None):
            self._heading(block)
        elif kind == "html_block" and ID_COMMENT.match(block.tokens[0].content):
            self._id_comment(block)
        elif is_quality_block(block):
            self._quality_comment(block)
        elif self.open_card is not None and self.open_card.needs_a:
            self._expect_answer(block)
        elif kind == "paragraph":
            self._paragraph(block)
        elif kind in ("bullet_list", "ordered_list") and self._is_cloze_block(block):
            self._cloze_list(block)
        elif kind == "hr":
            self.close_card()
        else:
            self._answer_or_prose(block)

    def _front_matter(self, block: Block) -> None:
        front, problems = parse_front_matter(block.tokens[0].content, self.path, block.start + 1)
        self.front = front
        self.diagnostics.extend(problems)

    def _heading(self, block: Block) -> None:
        self.close_card()
        text = block.inline.strip()
        if block.level == 1:
            if self.h1 is not None:
                self.diagnostics.append(
                    error(
                        self.loc(block.start),
                        "DG031",
                        f"second H1 '{text}': a file is one sub-deck with one H1",
                    )
                )
            else:
                self.h1 = text
        elif block.level == 2:
            self.topic = text
            if not ids.slug(text):
                self.diagnostics.append(
                    error(
                        self.loc(block.start),
                        "DG032",
                        f"topic '{text}' has no letters or digits for a tag",
                    )
                )
        elif block.level == 3:
            self.open_card = OpenCard(text, self.loc(block.start), needs_a=False)
        else:
            self._prose(block)

    def _id_comment(self, block: Block) -> None:
        match = ID_COMMENT.match(block.tokens[0].content)
        assert match is not None
        loc = self.loc(block.start)
        value = self._checked_id(match.group(1), loc)
        card = self.open_card
        if card is not None and card.awaiting_id:
            card.explicit_id = value or None
            return
        self.close_card()
        self.pending_id = (value, loc)

    def _checked_id(self, value: str, loc: SourceLoc) -> str:
        """The id, or '' after reporting it when it is not a valid id."""
        if VALID_ID.match(value):
            return value
        message = f"invalid id '{value}': use letters, digits, '.', '_' and '-'"
        self.diagnostics.append(error(loc, "DG103", message))
        return ""

    def _quality_comment(self, block: Block) -> None:
        loc = self.loc(block.start)
        silence, problems = parse_silence(block.tokens[0].content, loc)
        self.diagnostics.extend(problems)
        found, card = [silence] if silence else [], self.open_card
        if card is not None and card.awaiting_id:
            card.silences.extend(found)
        elif self.cloze_next or card is None:  # for a cloze, or dangling at the next block
            self.close_card()
            self.pending_silences.extend(found)
        else:  # inside an answer: it stays a comment there, and the card stays whole
            self.diagnostics.append(dangling(loc, INSIDE_ANSWER))
            self._answer_or_prose(block)

    def _dangling_silences(self) -> None:
        self.diagnostics.extend(dangling(silence.loc) for silence in self.pending_silences)
        self.pending_silences = []

    def _dangling_id(self) -> None:
        assert self.pending_id is not None
        value, loc = self.pending_id
        self.pending_id = None
        if value:
            message = (
                f"id '{value}' attaches to nothing: put it right after an H3 or Q: line,"
                " or right before a cloze"
            )
            self.diagnostics.append(error(loc, "DG104", message))

    def _expect_answer(self, block: Block) -> None:
        card = self.open_card
        assert card is not None
        if block.kind == "paragraph" and _A_PREFIX.match(block.inline):
            card.needs_a = False
            card.awaiting_id = False
            card.answer_start, card.answer_end, card.strip_a = block.start, block.end, True
            return
        self.diagnostics.append(
            error(card.loc, "DG110", f"'Q: {card.question}' has no 'A:' line after it")
        )
        self.open_card = None
        self.step(block, is_first=False)

    def _paragraph(self, block: Block) -> None:
        text = block.inline
        if CLOZE_OPEN.search(text):
            self.close_card()
            self._add_cloze(text, block.start)
        elif _Q_PREFIX.match(text):
            self.close_card()
            self._question_paragraph(block)
        elif _A_PREFIX.match(text):
            self.close_card()
            self.diagnostics.append(
                error(self.loc(block.start), "DG111", "'A:' without a 'Q:' before it")
            )
        else:
            self._answer_or_prose(block)

    def _question_paragraph(self, block: Block) -> None:
        para_lines = self.lines[block.start : block.end]
        a_at = next((i for i, line in enumerate(para_lines) if _A_PREFIX.match(line)), None)
        q_lines = para_lines if a_at is None else para_lines[:a_at]
        question = " ".join(line.strip() for line in q_lines)
        question = _Q_PREFIX.sub("", question, count=1).strip()
        card = OpenCard(question, self.loc(block.start), needs_a=a_at is None)
        if a_at is not None:
            card.awaiting_id = False
            card.answer_start, card.answer_end, card.strip_a = block.start + a_at, block.end, True
        self.open_card = card

    def _answer_or_prose(self, block: Block) -> None:
        card = self.open_card
        if card is None:
            self._prose(block)
            return
        card.awaiting_id = False
        if card.answer_start is None:
            card.answer_start = block.start
        card.answer_end = block.end

    def _prose(self, block: Block) -> None:
        self.diagnostics.append(
            info(
                self.loc(block.start),
                "DG900",
                f"{block.kind.replace('_', ' ')} makes no card (skipped)",
            )
        )

    # --- clozes -------------------------------------------------------------------

    def _is_cloze_block(self, block: Block) -> bool:
        if block.kind == "paragraph":
            return bool(CLOZE_OPEN.search(block.inline))
        if block.kind in ("bullet_list", "ordered_list"):
            return any(CLOZE_OPEN.search(t.content) for t in block.tokens if t.type == "inline")
        return False

    def _cloze_list(self, block: Block) -> None:
        self.close_card()
        items = list(list_items(block))
        cloze_items = [item for item in items if CLOZE_OPEN.search(_item_text(self.lines, item)[0])]
        if self.pending_id is not None and len(cloze_items) > 1:
            value, loc = self.pending_id
            self.pending_id = None
            message = (
                f"id '{value}' stands before a list of {len(cloze_items)} clozes:"
                " put each item's id on the item's first line"
            )
            self.diagnostics.append(error(loc, "DG104", message))
        if self.pending_silences and len(cloze_items) > 1:
            where = BEFORE_LIST.format(len(cloze_items))
            self.diagnostics.extend(dangling(s.loc, where) for s in self.pending_silences)
            self.pending_silences = []
        for item in items:
            text, item_id, first = _item_text(self.lines, item)
            if not CLOZE_OPEN.search(text):
                self._prose(item)
                continue
            found, problems = item_silences(self.lines[item.start : item.end], self.loc(item.start))
            self.pending_silences += found
            self.diagnostics += problems
            if item_id is not None:
                if self.pending_id is not None:
                    self._dangling_id()
                loc = self.loc(item.start)
                self.pending_id = (self._checked_id(item_id, loc), loc)
            self._add_cloze(text, first)

    def _add_cloze(self, text: str, line0: int) -> None:
        explicit = None
        if self.pending_id is not None:
            explicit = self.pending_id[0] or None
            self.pending_id = None
        silences, self.pending_silences = tuple(self.pending_silences), []
        self.diagnostics.extend(check_cloze(text, self.path, line0 + 1))
        cloze = Cloze(text.strip(), self.loc(line0), explicit, silences)
        self.clozes.append((cloze, self.topic))

    # --- closing cards ------------------------------------------------------------

    def close_card(self) -> None:
        card = self.open_card
        self.open_card = None
        if card is None:
            return
        if card.needs_a:
            self.diagnostics.append(
                error(card.loc, "DG110", f"'Q: {card.question}' has no 'A:' line after it")
            )
            return
        answer = self._answer_text(card)
        if not answer.strip():
            message = f"question '{card.question}' has an empty answer"
            self.diagnostics.append(error(card.loc, "DG112", message))
            return
        self.basics.append((card, self.topic, answer))

    def _answer_text(self, card: OpenCard) -> str:
        if card.answer_start is None:
            return ""
        lines = self.lines[card.answer_start : card.answer_end]
        if card.strip_a and lines:
            lines = [_A_PREFIX.sub("", lines[0], count=1), *lines[1:]]
        # An `A:` alone on its line leaves an empty first line: the answer starts below it,
        # and its diagnostics must count lines from there.
        while lines and not lines[0].strip():
            lines = lines[1:]
            card.answer_start += 1
        return "\n".join(lines).rstrip("\n")


def _item_text(lines: list[str], item: Block) -> tuple[str, str | None, int]:
    """A list item's Markdown without its marker, its id comment if it opens the item,
    and the 0-based line where the text starts."""
    raw = lines[item.start : item.end]
    if not raw:
        return "", None, item.start
    first = _LIST_MARKER.sub("", raw[0], count=1)
    body = [first, *textwrap.dedent("\n".join(raw[1:])).split("\n")] if len(raw) > 1 else [first]
    item_id = None
    start = item.start
    # the item's first lines may hold its id comment and quality comments, in any order
    while body and (ID_COMMENT.match(body[0]) or is_quality_comment(body[0])):
        match = ID_COMMENT.match(body[0])
        item_id = match.group(1) if match else item_id
        body, start = body[1:], start + 1
    return "\n".join(body).strip(), item_id, start
