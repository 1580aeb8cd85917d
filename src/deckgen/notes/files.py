"""One file of the notes folder, read as untrusted input: never through a link that leads
outside the folder (DG005), never more than MAX_FILE_BYTES (DG004), UTF-8 or a clear error
at the first bad byte (DG001), its name printable whatever its bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from deckgen.atomic import real_path
from deckgen.errors import Diagnostic, error, warning
from deckgen.model import SourceLoc

MAX_FILE_BYTES = 8 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


def resolves_outside(notes_dir: Path, path: Path) -> bool:
    """True when `path`, followed through every symlink, lands outside the notes folder.

    Notes are untrusted: a link in notes/ to ~/.ssh/id_rsa must never be read into a deck.
    A symlink loop is not "outside": reading it fails and is reported as unreadable."""
    try:
        return not real_path(path).is_relative_to(real_path(notes_dir))
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return False


def outside_error(shown: str) -> Diagnostic:
    message = f"{shown} links to a file outside the notes folder; it is not read"
    return error(SourceLoc(shown, 1), "DG005", message)


def display_path(notes_dir: Path, file: Path) -> str:
    return printable((notes_dir / file.relative_to(notes_dir)).as_posix())


def printable(name: str) -> str:
    """A file name that is not valid UTF-8 (decoded with surrogates) → printable text,
    so that neither a terminal nor Anki's database chokes on it."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


MARKDOWN_SUFFIXES = (".md", ".markdown")


def is_markdown(path: Path) -> bool:
    """A Markdown file by its name: what may be a notes file (notes/folder.py discovery)."""
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def content_digest(data: bytes) -> str:
    """The sha256 of a notes file's bytes, as the build cache keys what was parsed of them."""
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A file's bytes, or None with the reason (unreadable, too large)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(SourceLoc(shown, 1), "DG002", f"cannot read file: {exc.strerror}")]
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MiB"
        message = f"file is {size}; notes files may be at most {MAX_FILE_BYTES // 1024 // 1024} MiB"
        return None, [error(SourceLoc(shown, 1), "DG004", message)]
    return data, []


def decode(data: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes as UTF-8 text without a BOM, reporting the first bad byte's line."""
    problems: list[Diagnostic] = []
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        message = "file starts with a UTF-8 byte-order mark (ignored); save it without one"
        problems.append(warning(SourceLoc(shown, 1), "DG003", message))
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02x}"
        message = f"file is not UTF-8 (byte {byte} at offset {exc.start}); save it as UTF-8"
        return None, [*problems, error(SourceLoc(shown, line), "DG001", message)]


def read_text(path: Path, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode a file as UTF-8, reporting the first bad byte's line."""
    data, problems = read_bytes(path, shown)
    return (None, problems) if data is None else decode(data, shown)
