"""Files written all or nothing: a temporary file beside the destination, renamed into place.

A write that fails, is interrupted or is killed never leaves a half-written file where the
last good one stood. The temporary file is hidden and named `.<name>.<pid>.<random>.tmp`,
so it never looks like a deck, and the next write to the same destination removes such
leftovers once their process is gone. Any OSError becomes a DG051 diagnostic.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from deckgen.errors import DeckgenError, error
from deckgen.model import SourceLoc


@contextlib.contextmanager
def atomic_path(destination: Path) -> Iterator[Path]:
    """Yield a temporary path beside `destination`; rename it into place on success only.

    The temporary file is hidden and named `.<name>.<pid>.<random>.tmp`, so a build killed
    mid-write leaves nothing that looks like a deck, and the next write to the same
    destination removes such leftovers once their process is gone. Any OSError (a folder
    that cannot be made, a full disk) becomes a DG051 diagnostic instead of a traceback.
    """
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(destination)
        temp = temp_beside(destination)
    except OSError as exc:
        raise write_error(destination, exc) from exc
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


def temp_beside(destination: Path) -> Path:
    """A new, empty `.<name>.<pid>.<random>.tmp` beside `destination`: the pattern
    remove_stale_temps sweeps once the process is gone."""
    fd, name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.{os.getpid()}.", suffix=".tmp"
    )
    os.close(fd)
    return Path(name)


def write_error(destination: Path, exc: OSError) -> DeckgenError:
    reason = exc.strerror or str(exc)
    loc = SourceLoc(destination.as_posix(), 1)
    return DeckgenError([error(loc, "DG051", f"cannot write the file: {reason}")])


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
