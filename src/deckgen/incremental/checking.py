"""`deckgen check`, made fast by the builds before it: a notes file whose very bytes a build
parsed (the same deckgen, the same folder) gives the cards and diagnostics that build
stored, instead of being parsed again. Only read: check writes nothing, not even to the
cache, and a file the cache does not hold, or holds damaged, is parsed as without it. The
bytes looked up are the ones just read, so a file saved since the folder was scanned is
checked as it is; when a file every entry depends on (deck.toml, a note type, an image, a
diagram) changed during the check, it is checked again without the cache.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.incremental.cache import BuildCache

if TYPE_CHECKING:
    from deckgen.errors import Diagnostic
    from deckgen.model import Card
    from deckgen.notes.folder import NotesFile
    from deckgen.pipeline import Checked


def cached_check(notes_dir: Path) -> Checked:
    """deckgen.pipeline.check_notes, each file read by deckgen.notes.folder.load_file and
    its cards taken from the build cache when it holds those bytes."""
    from deckgen.notes.folder import load_file
    from deckgen.pipeline import check_notes

    cache = BuildCache.existing(notes_dir)
    if cache is None:
        return check_notes(notes_dir)
    load = functools.partial(load_file, parse=functools.partial(_parse, cache))
    try:
        checked = check_notes(notes_dir, load)
    except Exception:  # cards of the old note types met the new ones: only a change explains it
        if cache.salt_unchanged():
            raise
        return check_notes(notes_dir)
    return checked if cache.salt_unchanged() else check_notes(notes_dir)


def _parse(cache: BuildCache, file: NotesFile, data: bytes) -> tuple[list[Card], list[Diagnostic]]:
    from deckgen.incremental.entries import parsed_from_json
    from deckgen.notes.files import content_digest
    from deckgen.notes.folder import parse_bytes

    stored = parsed_from_json(cache.read_entry(cache.file_key(file, content_digest(data))))
    return stored if stored is not None else parse_bytes(file, data)
