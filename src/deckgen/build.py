"""The pipeline, end to end: load → render → package. Only the last step touches the disk."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import DeckgenError, Diagnostic, error
from deckgen.load import load_notes
from deckgen.lock import read_lock
from deckgen.model import Card, CardKind, Deck, SourceLoc
from deckgen.package import atomic_path, make_package, write_package
from deckgen.parse import CLOZE_OPEN
from deckgen.plan import Plan, check_time, make_plan
from deckgen.render import render_card
from deckgen.reproducible import CHECKSUMS, checksums_text


@dataclass(frozen=True)
class BuildResult:
    path: Path
    deck: Deck
    cards_per_subdeck: dict[str, int]
    diagnostics: list[Diagnostic]
    tombstones: int = 0  # removed notes shipped once more

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


def load_deck(notes_dir: Path) -> tuple[Deck, list[Diagnostic]]:
    """Load and validate, raising DeckgenError (with every diagnostic) on any error."""
    loaded = load_notes(notes_dir)
    if loaded.deck is None:
        raise DeckgenError(loaded.diagnostics)
    return loaded.deck, loaded.diagnostics


def write_deck(plan: Plan, out_dir: Path) -> Path:
    """The .apkg a plan describes, and OUT_DIR/SHA256SUMS for it."""
    package = make_package(
        plan.deck, plan.shipped, plan.note_type_mods, plan.removed_deck_description()
    )
    path = output_path(plan.deck, out_dir)
    write_package(package, path, plan.timestamp)
    with atomic_path(out_dir / CHECKSUMS) as temp:
        temp.write_text(checksums_text([path]), encoding="utf-8")
    return path


def build(notes_dir: Path, out_dir: Path, timestamp: int) -> BuildResult:
    """Build the deck; notes unchanged since the lock's release keep their release times."""
    deck, diagnostics = load_deck(notes_dir)
    rendered = [render_card(card) for card in deck.cards]
    lock = read_lock(notes_dir)
    plan = make_plan(deck, rendered, lock, timestamp)
    check_time(plan, lock, timestamp)
    path = write_deck(plan, out_dir)
    return BuildResult(path, deck, count_cards(deck), diagnostics, len(plan.tombstones))
