"""The pipeline, end to end: load → render → package. Only the last step touches the disk."""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import DeckgenError, Diagnostic, error, fails, has_errors
from deckgen.load import LoadResult, load_notes
from deckgen.lock import read_lock
from deckgen.media import MediaFile, stage_media
from deckgen.model import Card, CardKind, Deck, SourceLoc
from deckgen.package import atomic_path, make_package, write_package
from deckgen.parse import CLOZE_OPEN
from deckgen.plan import Plan, check_time, make_plan
from deckgen.render import RenderedNote, deck_media, render_deck
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


def load_deck(notes_dir: Path, *, strict: bool = False) -> tuple[Deck, list[Diagnostic]]:
    """Load and validate, raising DeckgenError (with every diagnostic) on any error,
    and with `strict` on any warning too."""
    loaded = load_notes(notes_dir)
    if loaded.deck is None or fails(loaded.diagnostics, strict=strict):
        raise DeckgenError(loaded.diagnostics)
    return loaded.deck, loaded.diagnostics


def check_notes(notes_dir: Path) -> LoadResult:
    """Everything `build` would report, without rendering diagrams or writing anything."""
    loaded = load_notes(notes_dir)
    if loaded.deck is None:
        return loaded
    _, problems = render_deck(loaded.deck, notes_dir, render_diagrams=False)
    deck = None if has_errors(problems) else loaded.deck
    return LoadResult(deck, [*loaded.diagnostics, *problems])


def load_and_render(
    notes_dir: Path, *, strict: bool = False
) -> tuple[Deck, list[RenderedNote], list[Diagnostic]]:
    """The deck and its rendered notes, raising DeckgenError (with every diagnostic) on any
    error, and with `strict` on any warning; diagrams missing from the cache are rendered
    when this machine can."""
    deck, diagnostics = load_deck(notes_dir, strict=strict)
    rendered, problems = render_deck(deck, notes_dir)
    diagnostics = [*diagnostics, *problems]
    if fails(problems, strict=strict):
        raise DeckgenError(diagnostics)
    return deck, rendered, diagnostics


def write_deck(plan: Plan, out_dir: Path, media: Sequence[MediaFile] = ()) -> Path:
    """The .apkg a plan describes, with its media files, and OUT_DIR/SHA256SUMS for it."""
    path = output_path(plan.deck, out_dir)
    with tempfile.TemporaryDirectory(prefix="deckgen-media-") as media_dir:
        # genanki packages media from disk, each under its file name.
        package = make_package(
            plan.deck,
            plan.shipped,
            plan.note_type_mods,
            plan.removed_deck_description(),
            stage_media(media, Path(media_dir)),
        )
        write_package(package, path, plan.timestamp)
    with atomic_path(out_dir / CHECKSUMS) as temp:
        temp.write_text(checksums_text([path]), encoding="utf-8")
    return path


def build(notes_dir: Path, out_dir: Path, timestamp: int, *, strict: bool = False) -> BuildResult:
    """Build the deck; notes unchanged since the lock's release keep their release times."""
    deck, rendered, diagnostics = load_and_render(notes_dir, strict=strict)
    lock = read_lock(notes_dir)
    plan = make_plan(deck, rendered, lock, timestamp)
    check_time(plan, lock, timestamp)
    path = write_deck(plan, out_dir, deck_media(rendered))
    return BuildResult(path, deck, count_cards(deck), diagnostics, len(plan.tombstones))
