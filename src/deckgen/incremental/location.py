"""Where a notes folder's build cache lives, and whether it may be trusted.

The user's cache folder (`~/.cache/deckgen` on Linux, by platformdirs; DECKGEN_CACHE_DIR
overrides it), one subfolder per notes folder, made private (0700) by a build. A folder
that is not the user's, or that others may write, is refused (DG080): what another user
plants there must never reach a deck.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from deckgen.atomic import real_path
from deckgen.errors import DeckgenError, error
from deckgen.incremental.inputs import digest
from deckgen.model import SourceLoc

CACHE_ENV = "DECKGEN_CACHE_DIR"
CACHE_UNSAFE = "DG080"


def cache_root(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    override = environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("deckgen", appauthor=False))


def cache_folder(notes_dir: Path, root: Path | None = None) -> Path:
    """The cache folder of `notes_dir` under `root` (default: cache_root())."""
    base = cache_root() if root is None else root
    return base / digest("notes", str(real_path(notes_dir)))[:16]


def refuse_unsafe(folder: Path) -> None:
    """DeckgenError (DG080) when `folder` or the cache root holding it is not the user's
    or others may write it."""
    for candidate in (folder.parent, folder):
        reason = unsafe_reason(candidate)
        if reason is not None:
            message = (
                f"the build cache {candidate.as_posix()} {reason}, so what others put there"
                f" could reach the deck: delete it, or set {CACHE_ENV} to a folder of your own"
            )
            raise DeckgenError([error(SourceLoc(candidate.as_posix(), 1), CACHE_UNSAFE, message)])


def unsafe_reason(folder: Path) -> str | None:
    """Why a cache folder must not be trusted (not the user's, writable by others), or None.
    Where there are no owners to check (Windows), the user's own profile is trusted."""
    if not hasattr(os, "getuid"):
        return None
    try:
        info = folder.stat()  # through links: the folder written to is what counts
    except OSError:
        return None  # not there: nothing to trust, and writes will fail (only slower)
    if not stat.S_ISDIR(info.st_mode):
        return None  # a file in the way: unusable, every build a full one
    if info.st_uid != os.getuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "may be written by other users"
    return None
