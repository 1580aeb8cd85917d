"""The block walk: a notes file's top-level blocks → the cards it holds, as written.

The walk keeps a little state (the current topic, the card whose answer is being
collected, comments waiting for their cloze) and turns each top-level block into part of
a card, a new card, or skipped prose. Line numbers come from ``token.map``; answers are cut
from the author's own Markdown source, so rendering later sees exactly what was written.
Which note type a card has, and so how its answer splits into fields, is decided after
the walk (parse.py), from the comments found beside it and the file's front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from deckgen import ids
from deckgen.errors import Diagnostic, error, info
from deckgen.model import SourceLoc
from deckgen.notes.blocks import Block, list_items
from deckgen.notes.cloze import CLOZE_OPEN, check_cloze
from deckgen.notes.comments import (
    BEFORE_LIST,
    INSIDE_ANSWER,
    Comments,
    cloze_next,
    comment_of,
    dangling_silence,
    list_item,
    note_comment,
)
from deckgen.notes.config import FrontMatter, parse_front_matter

_Q_PREFIX = re.compile(r"^\s*Q:\s?")
_A_PREFIX = re.compile(r"^\s*A:\s?")


@dataclass
class OpenCard:
    question: str
    loc: SourceLoc
    needs_a: bool  # a `Q:` whose `A:` has not been seen yet
    answer_start: int | None = None  # 0-based line where the answer begins
    answer_end: int = 0
    strip_a: bool = False
    comments: Comments = field(default_factory=Comments)
    awaiting_comments: bool = True  # comments may still follow the question line
    h4s: list[tuple[int, str]] = field(default_factory=list)  # (0-based line, text)


@dataclass(frozen=True)
class FoundBasic:
    """An H3 or `Q:` card: its question, its answer's lines, where its H4s stand."""

    question: str
    loc: SourceLoc
    topic: str | None
    comments: Comments
    answer: list[str]  # the answer's source lines, `A:` removed
    answer_start: int | None  # 0-based line of answer[0]
    h4s: tuple[tuple[int, str], ...]
    anchor: str | None = None  # its own heading's, else its topic's


@dataclass(frozen=True)
class FoundCloze:
    text: str
    loc: SourceLoc
    topic: str | None
    comments: Comments
    anchor: str | None = None  # its topic's


@dataclass
class FileWalk:
    path: str  # display path, e.g. notes/ec2.md
    source: str  # path relative to the notes folder
    deck_slug: str
    lines: list[str]
    anchors: dict[int, str] = field(default_factory=dict)  # 0-based line → heading anchor
    diagnostics: list[Diagnostic] = field(default_factory=list)
    front: FrontMatter = field(default_factory=FrontMatter)
    h1: str | None = None
    topic: str | None = None
    topic_anchor: str | None = None
    open_card: OpenCard | None = None
    pending: Comments | None = None  # comments waiting for the cloze they stand before
    cloze_next: bool = False  # the next block, past card comments, is a cloze
    found: list[FoundBasic | FoundCloze] = field(default_factory=list)

    def loc(self, line0: int) -> SourceLoc:
        return SourceLoc(self.path, line0 + 1)

    # --- the walk -----------------------------------------------------------------

    def run(self, blocks: list[Block]) -> None:
        before_cloze = cloze_next(blocks, self._is_cloze_block)
        for index, block in enumerate(blocks):
            comment = comment_of(block) is not None
            if self.pending is not None and not (comment or self._is_cloze_block(block)):
                self._dangling()
            self.cloze_next = before_cloze[index]
            self.step(block, is_first=index == 0)
        self.close_card()
        if self.pending is not None:
            self._dangling()

    def step(self, block: Block, *, is_first: bool) -> None:
        kind = block.kind
        if kind == "front_matter" and is_first:
            self._front_matter(block)
        elif kind == "heading" and (block.level <= 3 or self.open_card is None):
            self._heading(block)
        elif (comment := comment_of(block)) is not None:
            self._card_comment(block, *comment)
        elif self.open_card is not None and self.open_card.needs_a:
            self._expect_answer(block)
        elif kind == "paragraph":
            self._paragraph(block)
        elif kind in ("bullet_list", "ordered_list") and self._is_cloze_block(block):
            self._cloze_list(block)
        elif kind == "hr":
            self.close_card()
        else:
            if kind == "heading" and block.level == 4 and self.open_card is not None:
                self.open_card.h4s.append((block.start, block.inline.strip()))
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
            self.topic_anchor = self.anchors.get(block.start) or None
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

    # --- comments about a card ------------------------------------------------------

    def _card_comment(self, block: Block, name: str, value: str) -> None:
        loc = self.loc(block.start)
        card = self.open_card
        if card is not None and card.awaiting_comments:
            self.diagnostics += note_comment(card.comments, name, value, loc)
            return
        if name == "quality" and card is not None and not self.cloze_next:
            # inside an answer: it stays a comment there, and the card stays whole
            self.diagnostics.append(dangling_silence(loc, INSIDE_ANSWER))
            self._answer_or_prose(block)
            return
        self.close_card()
        if self.pending is None:
            self.pending = Comments()
        self.diagnostics += note_comment(self.pending, name, value, loc)

    def _dangling(self) -> None:
        comments, self.pending = self.pending, None
        if comments is None:
            return
        self.diagnostics.extend(dangling_silence(s.loc) for s in comments.silences)
        loc = comments.first
        if loc is None or ("id" in comments.given and not comments.explicit_id):
            return  # an invalid id was reported already
        message = (
            f"{comments.describe()} attaches to nothing: put it right after an H3 or Q: line,"
            " or right before a cloze"
        )
        self.diagnostics.append(error(loc, "DG104", message))

    # --- basic cards ----------------------------------------------------------------

    def _expect_answer(self, block: Block) -> None:
        card = self.open_card
        assert card is not None
        if block.kind == "paragraph" and _A_PREFIX.match(block.inline):
            card.needs_a = False
            card.awaiting_comments = False
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
            card.awaiting_comments = False
            card.answer_start, card.answer_end, card.strip_a = block.start + a_at, block.end, True
        self.open_card = card

    def _answer_or_prose(self, block: Block) -> None:
        card = self.open_card
        if card is None:
            self._prose(block)
            return
        card.awaiting_comments = False
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
        texts = [list_item(self.lines, item) for item in items]
        cloze_count = sum(1 for text, _, _ in texts if CLOZE_OPEN.search(text))
        if self.pending is not None and cloze_count > 1 and self.pending.silences:
            where = BEFORE_LIST.format(cloze_count)
            self.diagnostics.extend(dangling_silence(s.loc, where) for s in self.pending.silences)
            self.pending.silences = []
        if self.pending is not None and cloze_count > 1 and self.pending.first is not None:
            where = (
                "id on the item's first line"
                if set(self.pending.given) == {"id"}
                else "comments on the item's first lines"
            )
            message = (
                f"{self.pending.describe()} stands before a list of {cloze_count} clozes:"
                f" put each item's {where}"
            )
            self.diagnostics.append(error(self.pending.first, "DG104", message))
            self.pending = None
        for item, (text, comments, first) in zip(items, texts, strict=True):
            if not CLOZE_OPEN.search(text):
                self._prose(item)
                continue
            if comments:
                if self.pending is not None:
                    self._dangling()
                self.pending = Comments()
                for line0, name, value in comments:
                    self.diagnostics += note_comment(self.pending, name, value, self.loc(line0))
            self._add_cloze(text, first)

    def _add_cloze(self, text: str, line0: int) -> None:
        comments, self.pending = self.pending or Comments(), None
        self.diagnostics.extend(check_cloze(text, self.path, line0 + 1))
        found = FoundCloze(text.strip(), self.loc(line0), self.topic, comments, self.topic_anchor)
        self.found.append(found)

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
        lines = self._answer_lines(card)
        anchor = self.anchors.get(card.loc.line - 1) or self.topic_anchor
        found = FoundBasic(
            card.question, card.loc, self.topic, card.comments, lines, card.answer_start,
            tuple(card.h4s), anchor,
        )  # fmt: skip
        self.found.append(found)

    def _answer_lines(self, card: OpenCard) -> list[str]:
        if card.answer_start is None:
            return []
        lines = self.lines[card.answer_start : card.answer_end]
        if card.strip_a and lines:
            lines = [_A_PREFIX.sub("", lines[0], count=1), *lines[1:]]
        # An `A:` alone on its line leaves an empty first line: the answer starts below it,
        # and its diagnostics must count lines from there.
        while lines and not lines[0].strip():
            lines = lines[1:]
            card.answer_start += 1
        return lines
