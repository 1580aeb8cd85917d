"""`deckgen check`, made fast by the builds before it: a notes file whose very bytes a build
parsed (the same deckgen, the same folder) gives the cards and diagnostics that build
stored, instead of being parsed again. Only read: check writes nothing, not even to the
cache, and a file the cache does not hold, or holds damaged, is parsed as without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.incremental.cache import BuildCache

if TYPE_CHECKING:
    from deckgen.errors import Diagnostic
    from deckgen.model import Card
    from deckgen.notes.folder import LoadFile, NotesFile


def cached_load(notes_dir: Path) -> LoadFile:
    """How check reads each file of `notes_dir`: from the build cache when it can."""
    from deckgen.incremental.entries import parsed_from_json
    from deckgen.notes.folder import load_file

    cache = BuildCache.existing(notes_dir)
    if cache is None:
        return load_file
    known = cache

    def load(file: NotesFile) -> tuple[list[Card], list[Diagnostic]]:
        stored = parsed_from_json(known.read_entry(known.file_key(file)))
        return stored if stored is not None else load_file(file)

    return load
