"""Rendered notes → a genanki package → an .apkg file, written atomically.

Only this module and notetypes.py know genanki. The file is written to a temporary
name beside its destination and renamed into place, so a failed or interrupted build
never leaves a half-written deck where the last good one stood.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import genanki

from deckgen import ids
from deckgen.model import CardKind, Deck
from deckgen.notetypes import basic_model, cloze_model
from deckgen.render import RenderedNote


def root_description(deck: Deck) -> str:
    config = deck.config
    version = f"Version {config.version}"
    return f"{config.description}<br><br>{version}" if config.description else version


def make_package(
    deck: Deck, notes: Iterable[RenderedNote], media: Iterable[Path] = ()
) -> genanki.Package:
    root = deck.config.name
    decks: dict[str, genanki.Deck] = {
        root: genanki.Deck(ids.deck_id(root), root, description=root_description(deck))
    }
    for note in notes:
        full_name = deck.subdeck_name(note.card)
        if full_name not in decks:
            decks[full_name] = genanki.Deck(ids.deck_id(full_name), full_name)
        model = basic_model() if note.card.kind is CardKind.BASIC else cloze_model()
        decks[full_name].add_note(
            genanki.Note(
                model=model,
                fields=list(note.fields),
                tags=list(note.card.tags),
                guid=ids.guid_for_card(note.card),
            )
        )
    package = genanki.Package(list(decks.values()))
    package.media_files = [str(path) for path in sorted(media)]
    return package


@contextlib.contextmanager
def atomic_path(destination: Path) -> Iterator[Path]:
    """Yield a temporary path beside `destination`; rename it into place on success only."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp"
    )
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        # mkstemp makes the file private; a deck is meant to be shared.
        temp.chmod(0o644)
        temp.replace(destination)
    finally:
        temp.unlink(missing_ok=True)


def write_package(package: genanki.Package, destination: Path, timestamp: float) -> None:
    with atomic_path(destination) as temp:
        package.write_to_file(str(temp), timestamp=timestamp)
