"""The comments a card may carry: `<!-- id: ec2-spot -->` and quality comments.

`<!-- quality: ok list — the four states are the point -->`: a card accepts one finding
of a card-quality check (deckgen.quality), and says why. The comment stands where an id
comment may: right after the question line (an H3 or a
`Q:` line) or right before a cloze (or on the first lines of a cloze list item). It names
one check by its short name (deckgen.model.QUALITY_CHECKS) and must give a reason. A
comment that does not is a warning (DG510) and silences nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from deckgen.errors import Diagnostic, warning
from deckgen.model import QUALITY_CHECKS, Silence, SourceLoc
from deckgen.notes.blocks import Block

ID_COMMENT = re.compile(r"^\s*<!--\s*id:\s*(.*?)\s*-->\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
QUALITY_COMMENT = re.compile(r"^\s*<!--\s*quality\s*:(.*?)-->\s*$", re.DOTALL)
# `ok NAME`, then the reason after a dash, a colon or a space: `ok list — why`, `ok list: why`
_OK = re.compile(r"^ok\s+([A-Za-z0-9_-]+)(?:\s*[—–:]\s*|\s+--?\s+|\s+|$)(.*)$", re.DOTALL)
_FORM = "<!-- quality: ok CHECK — reason -->"
INSIDE_ANSWER = (
    "quality comment inside an answer attaches to no card: put it right after the question line"
)
BEFORE_LIST = "quality comment stands before a list of {} clozes: put it on the item's first line"


def is_quality_comment(text: str) -> bool:
    return QUALITY_COMMENT.match(text) is not None


def parse_silence(text: str, loc: SourceLoc) -> tuple[Silence | None, list[Diagnostic]]:
    """The silence a quality comment asks for, or None and the reason it silences nothing."""
    match = QUALITY_COMMENT.match(text)
    body = " ".join(match.group(1).split()) if match else ""
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


def item_silences(lines: list[str], first: SourceLoc) -> tuple[list[Silence], list[Diagnostic]]:
    """The quality comments on a cloze list item's first lines (`first` is the item's first
    line), beside or instead of its id comment."""
    found: list[Silence] = []
    problems: list[Diagnostic] = []
    for offset, line in enumerate(lines):
        text = _LIST_MARKER.sub("", line, count=1) if offset == 0 else line
        if ID_COMMENT.match(text):
            continue
        if not is_quality_comment(text):
            break
        silence, more = parse_silence(text, SourceLoc(first.path, first.line + offset))
        found += [silence] if silence else []
        problems += more
    return found, problems


def dangling(loc: SourceLoc, where: str = "") -> Diagnostic:
    """A quality comment that attaches to no card; `where` says why, when more is known."""
    message = where or (
        "quality comment attaches to no card: put it right after an H3 or Q: line,"
        " or right before a cloze"
    )
    return warning(loc, "DG511", message)


def is_quality_block(block: Block) -> bool:
    return block.kind == "html_block" and is_quality_comment(block.tokens[0].content)


def is_comment_block(block: Block) -> bool:
    """An id or quality comment: what may stand between a question line and its answer."""
    return is_quality_block(block) or (
        block.kind == "html_block" and ID_COMMENT.match(block.tokens[0].content) is not None
    )


def cloze_next(blocks: list[Block], is_cloze: Callable[[Block], bool]) -> list[bool]:
    """For each block: whether the next block, past id and quality comments, is a cloze."""
    follows, result = False, [False] * len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        result[index] = follows
        block = blocks[index]
        follows = is_cloze(block) or (is_comment_block(block) and follows)
    return result
