"""What a check reports: one finding on one card, by the check's short name."""

from __future__ import annotations

from dataclasses import dataclass

from deckgen.model import Card


@dataclass(frozen=True)
class Finding:
    check: str  # the check's short name, e.g. "list" (deckgen.model.QUALITY_CHECKS)
    card: Card  # the card the finding is on, and the one whose comment can silence it
    message: str
    other: Card | None = None  # the other card of a leak or a duplicate


def where(card: Card) -> str:
    """How a message names another card: its place, and its id when it has one."""
    return f"{card.loc}" + (f" ({card.explicit_id})" if card.explicit_id else "")


def quoted(phrase: str, limit: int = 60) -> str:
    phrase = " ".join(phrase.split())
    return f"'{phrase if len(phrase) <= limit else phrase[: limit - 1] + '…'}'"
