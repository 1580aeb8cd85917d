"""Comments about the card they stand beside: its id, its note type, tags of its own.

They stand right after the question line (H3 or `Q:`), or right before a cloze paragraph
(or on the first lines of a cloze list item): `<!-- id: ec2-spot -->`,
`<!-- notetype: reversed -->`, `<!-- tags: pricing exam::saa -->`. Each once per card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from deckgen.errors import Diagnostic, error
from deckgen.model import SourceLoc
from deckgen.notes.config import parse_tags

# A comment about the card it stands beside: right after the question line, or right
# before a cloze (or on the first lines of a cloze list item).
CARD_COMMENT = re.compile(r"^\s*<!--\s*(id|notetype|tags)\s*:\s*(.*?)\s*-->\s*$")
VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Comments:
    """What the comments beside one card say: its id, note type and tags of its own."""

    explicit_id: str | None = None
    note_type: tuple[str, SourceLoc] | None = None
    tags: tuple[str, ...] = ()
    given: dict[str, SourceLoc] = field(default_factory=dict)  # which comments, and where

    @property
    def first(self) -> SourceLoc | None:
        return min(self.given.values(), default=None)

    def describe(self) -> str:
        if self.explicit_id is not None:
            return f"id '{self.explicit_id}'"
        return " and ".join(f"the {name} comment" for name in sorted(self.given))


def note_comment(comments: Comments, name: str, value: str, loc: SourceLoc) -> list[Diagnostic]:
    """Add one comment's say to a card's `comments`; what is wrong with it, if anything."""
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
