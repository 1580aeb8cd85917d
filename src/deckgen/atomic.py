"""Files written all or nothing: a temporary file beside the destination, renamed into place.

A write that fails, is interrupted or is killed never leaves a half-written file where the
last good one stood. The temporary file is hidden and named `.<name>.<pid>.<random>.tmp`,
so it never looks like a deck, and the next write to the same destination removes such
leftovers once their process is gone. Any OSError becomes a DG051 diagnostic.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from deckgen.errors import DeckgenError, error

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None  # type: ignore[assignment]
from deckgen.model import SourceLoc


@contextlib.contextmanager
def atomic_path(destination: Path) -> Iterator[Path]:
    """Yield a temporary path beside `destination`; rename it into place on success only.
    Any OSError (a folder that cannot be made, a full disk) becomes a DG051 diagnostic."""
    with transaction() as files:
        yield files.stage(destination)


@contextlib.contextmanager
def transaction() -> Iterator[Transaction]:
    """Files written together or not at all (see Transaction); committed when the block
    ends without an exception, else every staged file is discarded."""
    files = Transaction()
    try:
        yield files
        files.commit()
    finally:
        files.discard()


class Transaction:
    """Several files replaced together. Each is written to a temporary file beside its
    destination (`stage`); `commit` renames them into place in the order staged, and if a
    rename fails, puts back the files it already replaced, so the tree is as it was."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, destination)
        self._leftovers: list[Path] = []

    def stage(self, destination: Path) -> Path:
        """A new temporary file to write `destination`'s new content into."""
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(destination)
            temp = temp_beside(destination)
        except OSError as exc:
            raise write_error(destination, exc) from exc
        self._staged.append((temp, destination))
        self._leftovers.append(temp)
        return temp

    def scratch(self, destination: Path) -> Path:
        """A temporary file beside `destination` for work on the way (never renamed into
        place); removed with the others, or swept later like them if the process is killed."""
        temp = temp_beside(destination)
        self._leftovers.append(temp)
        return temp

    def commit(self) -> None:
        replaced: list[tuple[Path, Path | None]] = []  # (destination, its old content's copy)
        last = len(self._staged) - 1
        for index, (temp, destination) in enumerate(self._staged):
            try:
                temp.chmod(0o644)  # mkstemp makes the file private; decks are shared
                _fsync(temp)
                # only a file that a later failure may have to put back needs its old copy
                backup = self._keep_old(destination) if index < last else None
                temp.replace(destination)
                replaced.append((destination, backup))
                _fsync(destination.parent)
            except OSError as exc:
                self._roll_back(replaced)
                raise write_error(destination, exc) from exc

    def _keep_old(self, destination: Path) -> Path | None:
        if not destination.exists():
            return None
        backup = temp_beside(destination)
        self._leftovers.append(backup)
        try:
            backup.unlink()
            os.link(destination, backup)  # the old file under a second name, no copy
        except OSError:
            import shutil

            shutil.copy2(destination, backup)
        return backup

    @staticmethod
    def _roll_back(replaced: list[tuple[Path, Path | None]]) -> None:
        for destination, backup in reversed(replaced):
            with contextlib.suppress(OSError):
                if backup is None:
                    destination.unlink()
                else:
                    backup.replace(destination)

    def discard(self) -> None:
        for path in self._leftovers:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def temp_beside(destination: Path) -> Path:
    """A new, empty `.<name>.<pid>.<random>.tmp` beside `destination`: the pattern
    remove_stale_temps sweeps once the process is gone."""
    import tempfile  # with shutil and random: not needed by a build that keeps its deck

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


@contextlib.contextmanager
def exclusive(
    folders: Iterable[Path], on_wait: Callable[[Path], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on each folder (or, for one not made yet, its nearest existing
    parent) while a command writes, so two deckgen commands never write into the same notes
    or output folder at once: the second waits, calling `on_wait` first. POSIX `flock` on
    the folder itself, so no lock file is left behind; elsewhere it locks nothing."""
    if fcntl is None:
        yield
        return
    targets = sorted({_existing(folder) for folder in folders})  # one order: no deadlock
    with contextlib.ExitStack() as held:
        for folder in targets:
            fd = os.open(folder, os.O_RDONLY)
            held.callback(os.close, fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(folder)
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield


def _existing(folder: Path) -> Path:
    path = folder.absolute()
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return real_path(path)


def real_path(path: Path) -> Path:
    """`path` with every symbolic link followed as far as they lead. Unlike Path.resolve
    (Python < 3.13), a loop of links raises nothing: its path is then no file or folder,
    which the caller reports like any missing one."""
    return Path(os.path.realpath(path))
