"""`deckgen check`, made fast by the builds before it: a notes file whose very bytes a build
parsed (the same deckgen, the same folder) gives the cards and diagnostics that build
stored, instead of being parsed again. Only read: check writes nothing, not even to the
cache, and a file the cache does not hold, or holds damaged, is parsed as without it. The
bytes looked up are the ones just read, so a file saved since the folder was scanned is
checked as it is.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.incremental.cache import BuildCache

if TYPE_CHECKING:
    from deckgen.errors import Diagnostic
    from deckgen.model import Card
    from deckgen.notes.folder import LoadFile, NotesFile


def cached_load(notes_dir: Path) -> LoadFile:
    """How check reads each file of `notes_dir`: deckgen.notes.folder.load_file, taking
    the cards of the bytes it read from the build cache when it holds them."""
    from deckgen.notes.folder import load_file

    cache = BuildCache.existing(notes_dir)
    if cache is None:
        return load_file
    return functools.partial(load_file, parse=functools.partial(_parse, cache))


def _parse(cache: BuildCache, file: NotesFile, data: bytes) -> tuple[list[Card], list[Diagnostic]]:
    from deckgen.incremental.entries import parsed_from_json
    from deckgen.notes.folder import parse_bytes

    key = cache.file_key(file, hashlib.sha256(data).hexdigest())
    stored = parsed_from_json(cache.read_entry(key))
    return stored if stored is not None else parse_bytes(file, data)
