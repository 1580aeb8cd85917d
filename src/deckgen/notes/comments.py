"""Comments about the card they stand beside: its id, its note type, tags of its own, and the
quality findings it accepts.

They stand right after the question line (H3 or `Q:`), or right before a cloze paragraph
(or on the first lines of a cloze list item): `<!-- id: ec2-spot -->`,
`<!-- notetype: reversed -->`, `<!-- tags: pricing exam::saa -->`, each once per card, and
`<!-- quality: ok list — the four states are the point -->`, which accepts one finding of a
card-quality check (deckgen.quality) and must say why: one that does not is a warning
(DG510) and silences nothing. A card may accept several checks, each in its own comment.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from deckgen.errors import Diagnostic, error, warning
from deckgen.model import QUALITY_CHECKS, Silence, SourceLoc
from deckgen.notes.blocks import Block
from deckgen.notes.config import parse_tags

CARD_COMMENT = re.compile(r"^\s*<!--\s*(id|notetype|tags|quality)\s*:\s*(.*?)\s*-->\s*$", re.DOTALL)
VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# `ok NAME`, then the reason after a dash, a colon or a space: `ok list — why`, `ok list: why`
_OK = re.compile(r"^ok\s+([A-Za-z0-9_-]+)(?:\s*[—–:]\s*|\s+--?\s+|\s+|$)(.*)$", re.DOTALL)
_FORM = "<!-- quality: ok CHECK — reason -->"
INSIDE_ANSWER = (
    "quality comment inside an answer attaches to no card: put it right after the question line"
)
BEFORE_LIST = "quality comment stands before a list of {} clozes: put it on the item's first line"


@dataclass
class Comments:
    """What the comments beside one card say: its id, note type, tags, accepted findings."""

    explicit_id: str | None = None
    note_type: tuple[str, SourceLoc] | None = None
    tags: tuple[str, ...] = ()
    silences: list[Silence] = field(default_factory=list)
    given: dict[str, SourceLoc] = field(default_factory=dict)  # which comments, and where

    @property
    def first(self) -> SourceLoc | None:
        return min(self.given.values(), default=None)

    def describe(self) -> str:
        if self.explicit_id is not None:
            return f"id '{self.explicit_id}'"
        return " and ".join(f"the {name} comment" for name in sorted(self.given))


def comment_of(block: Block) -> tuple[str, str] | None:
    """(name, value) of a block that is a card comment, else None."""
    if block.kind != "html_block":
        return None
    match = CARD_COMMENT.match(block.tokens[0].content)
    return (match.group(1), match.group(2)) if match else None


def note_comment(comments: Comments, name: str, value: str, loc: SourceLoc) -> list[Diagnostic]:
    """Add one comment's say to a card's `comments`; what is wrong with it, if anything."""
    if name == "quality":
        silence, problems = parse_silence(value, loc)
        comments.silences += [silence] if silence else []
        return problems
    if name in comments.given:
        message = f"a second {name} comment for one card (first at {comments.given[name]})"
        return [error(loc, "DG106", message)]
    comments.given[name] = loc
    if name == "id":
        if VALID_ID.match(value):
            comments.explicit_id = value
            return []
        message = f"invalid id '{value}': use letters, digits, '.', '_' and '-'"
        return [error(loc, "DG103", message)]
    if name == "notetype":
        comments.note_type = (value, loc)
        return []
    comments.tags, problems = parse_tags(value.split(), loc)
    return problems


def parse_silence(value: str, loc: SourceLoc) -> tuple[Silence | None, list[Diagnostic]]:
    """The silence a quality comment (`value`: what follows `quality:`) asks for, or None
    and the reason it silences nothing."""
    body = " ".join(value.split())
    ok = _OK.match(body)
    if ok is None:
        message = f"quality comment must read '{_FORM}', not '{body}'"
        return None, [warning(loc, "DG510", message)]
    check, reason = ok.group(1).lower(), ok.group(2).strip()
    if check not in QUALITY_CHECKS:
        close = difflib.get_close_matches(check, QUALITY_CHECKS, n=1) or [
            name for name in QUALITY_CHECKS if name.startswith(check)
        ]
        hint = f"did you mean '{close[0]}'?" if close else f"checks: {', '.join(QUALITY_CHECKS)}"
        message = f"quality comment names an unknown check '{check}'; {hint}"
        return None, [warning(loc, "DG510", message)]
    if not any(ch.isalnum() for ch in reason):
        message = (
            f"quality comment 'ok {check}' gives no reason: say why the finding is acceptable"
            f" ({_FORM}); until then it silences nothing"
        )
        return None, [warning(loc, "DG510", message)]
    return Silence(check, reason, loc), []


def dangling_silence(loc: SourceLoc, where: str = "") -> Diagnostic:
    """A quality comment that attaches to no card; `where` says why, when more is known."""
    message = where or (
        "quality comment attaches to no card: put it right after an H3 or Q: line,"
        " or right before a cloze"
    )
    return warning(loc, "DG511", message)


def cloze_next(blocks: list[Block], is_cloze: Callable[[Block], bool]) -> list[bool]:
    """For each block: whether the next block, past card comments, is a cloze."""
    follows, result = False, [False] * len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        result[index] = follows
        block = blocks[index]
        follows = is_cloze(block) or (comment_of(block) is not None and follows)
    return result


_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")


def list_item(lines: list[str], item: Block) -> tuple[str, list[tuple[int, str, str]], int]:
    """A cloze list item's Markdown without its marker, the card comments that open the
    item (0-based line, name, value), and the 0-based line where the text starts."""
    raw = lines[item.start : item.end]
    if not raw:
        return "", [], item.start
    first = _LIST_MARKER.sub("", raw[0], count=1)
    body = [first, *textwrap.dedent("\n".join(raw[1:])).split("\n")] if len(raw) > 1 else [first]
    comments: list[tuple[int, str, str]] = []
    start = item.start
    while body and (match := CARD_COMMENT.match(body[0])):
        comments.append((start, match.group(1), match.group(2)))
        body, start = body[1:], start + 1
    return "\n".join(body).strip(), comments, start
