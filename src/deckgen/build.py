"""The pipeline, end to end: load → render → package. Only the last step touches the disk."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import DeckgenError, Diagnostic, error, fails
from deckgen.load import load_notes
from deckgen.model import Card, CardKind, Deck, SourceLoc
from deckgen.package import make_package, write_package
from deckgen.parse import CLOZE_OPEN
from deckgen.render import render_card


@dataclass(frozen=True)
class BuildResult:
    path: Path
    deck: Deck
    cards_per_subdeck: dict[str, int]
    diagnostics: list[Diagnostic]

    @property
    def notes(self) -> int:
        return len(self.deck.cards)

    @property
    def cards(self) -> int:
        return sum(self.cards_per_subdeck.values())


def build_time(environ: Mapping[str, str] = os.environ) -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return int(time.time())
    if not value.isdigit():
        loc = SourceLoc("SOURCE_DATE_EPOCH", 1)
        raise DeckgenError(
            [error(loc, "DG050", f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}")]
        )
    return int(value)


def cards_of(card: Card) -> int:
    """How many Anki cards a note makes: one per cloze number, one for a basic note."""
    if card.kind is CardKind.BASIC:
        return 1
    return len({int(n) for n in CLOZE_OPEN.findall(card.question)})


def count_cards(deck: Deck) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for card in deck.cards:
        counts[deck.subdeck_name(card)] += cards_of(card)
    return dict(sorted(counts.items()))


def output_path(deck: Deck, out_dir: Path) -> Path:
    return out_dir / f"{deck.config.slug}-{deck.config.version}.apkg"


def load_deck(notes_dir: Path, *, strict: bool = False) -> tuple[Deck, list[Diagnostic]]:
    """Load and validate, raising DeckgenError (with every diagnostic) on any error,
    and with `strict` on any warning too."""
    loaded = load_notes(notes_dir)
    if loaded.deck is None or fails(loaded.diagnostics, strict=strict):
        raise DeckgenError(loaded.diagnostics)
    return loaded.deck, loaded.diagnostics


def build(notes_dir: Path, out_dir: Path, timestamp: int, *, strict: bool = False) -> BuildResult:
    deck, diagnostics = load_deck(notes_dir, strict=strict)
    rendered = [render_card(card) for card in deck.cards]
    package = make_package(deck, rendered)
    path = output_path(deck, out_dir)
    write_package(package, path, timestamp)
    return BuildResult(path, deck, count_cards(deck), diagnostics)
