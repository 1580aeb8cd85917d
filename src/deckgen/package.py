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
from deckgen.errors import DeckgenError, error
from deckgen.model import CardKind, Deck, SourceLoc
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
    """Yield a temporary path beside `destination`; rename it into place on success only.

    The temporary file is hidden and named `.<name>.<pid>.<random>.tmp`, so a build killed
    mid-write leaves nothing that looks like a deck, and the next write to the same
    destination removes such leftovers once their process is gone. Any OSError (a folder
    that cannot be made, a full disk) becomes a DG060 diagnostic instead of a traceback.
    """
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(destination)
        fd, temp_name = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.{os.getpid()}.", suffix=".tmp"
        )
        os.close(fd)
    except OSError as exc:
        raise write_error(destination, exc) from exc
    temp = Path(temp_name)
    try:
        yield temp
        # mkstemp makes the file private; a deck is meant to be shared.
        temp.chmod(0o644)
        _fsync(temp)
        temp.replace(destination)
        _fsync(destination.parent)
    except OSError as exc:
        raise write_error(destination, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def write_error(destination: Path, exc: OSError) -> DeckgenError:
    reason = exc.strerror or str(exc)
    loc = SourceLoc(destination.as_posix(), 1)
    return DeckgenError([error(loc, "DG060", f"cannot write the file: {reason}")])


def _fsync(path: Path) -> None:
    """Flush to disk, so a power cut cannot leave a renamed but empty file."""
    if os.name != "posix":  # Windows cannot open a folder to flush it
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(destination: Path) -> None:
    """Delete `.<name>.<pid>.*.tmp` files left beside `destination` by dead processes."""
    prefix, suffix = f".{destination.name}.", ".tmp"
    for leftover in destination.parent.iterdir():
        name = leftover.name
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _process_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill would terminate the process on Windows: keep the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, but someone else's
        return True
    return True


def write_package(package: genanki.Package, destination: Path, timestamp: float) -> None:
    with atomic_path(destination) as temp:
        package.write_to_file(str(temp), timestamp=timestamp)
