"""Build caches: keep a deck whose inputs did not change, and reuse parsed, rendered files.

This module holds the keys and the storage, and imports nothing heavy, so that a build
that changes nothing is decided in milliseconds; incremental.py knows what an entry holds.

Both live in `.deckgen-cache/` beside the output folder (`decks/` → `./.deckgen-cache/`),
one subfolder per notes folder. Deleting it is always safe: the next build is a full one.

A cache must never make a build wrong, so every key holds everything the output depends
on: `tool_fingerprint()` (deckgen's own files and the versions of the libraries that shape
the HTML and the package), the notes folder's files byte for byte, the paths, and the
pinned timestamp. Entries are plain JSON written atomically; one that cannot be read is a
miss, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen.errors import Diagnostic, Severity
from deckgen.model import SourceLoc

if TYPE_CHECKING:
    from deckgen.notes.folder import NotesFile

CACHE_DIR = ".deckgen-cache"
LOCK_FILE = "deck.lock.json"  # issue 5's lock: it shapes the package, not the cards
_FORMAT = "deckgen-cache-1"
# Libraries whose version can change the bytes of a deck.
_LIBRARIES = (
    "markdown-it-py",
    "mdit-py-plugins",
    "Pygments",
    "genanki",
    "python-slugify",
    "PyYAML",
)
_NOT_INPUTS = frozenset({CACHE_DIR, ".git", ".hg", ".svn", "__pycache__"})
_CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# deckgen's build cache.\n"


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        # surrogateescape: file names that are not UTF-8 reach here as lone surrogates
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@cache
def tool_fingerprint() -> str:
    """deckgen's own files byte for byte, plus Python's and the libraries' versions.

    Hashing the source rather than trusting the version number keeps a development
    checkout (whose version never moves) from reusing entries an older build made."""
    package = Path(__file__).parents[1]  # the whole deckgen package
    parts: list[str | bytes] = [_FORMAT, sys.version]
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    for name in _LIBRARIES:
        try:
            parts += [name, version(name)]
        except PackageNotFoundError:
            parts += [name, "-"]
    return _digest(*parts)


def scan_inputs(notes_dir: Path) -> dict[str, str]:
    """Every file of the notes folder → the sha256 of its bytes. Hidden files count too
    (the diagram cache is `.diagrams/`); only a build cache and version control do not."""
    digests: dict[str, str] = {}
    for root, dirs, files in os.walk(notes_dir):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_INPUTS)
        for name in sorted(files):
            path = Path(root, name)
            digests[path.relative_to(notes_dir).as_posix()] = _input_digest(notes_dir, path)
    return digests


def _input_digest(notes_dir: Path, path: Path) -> str:
    """A regular file's content hash; a link or a special file (a FIFO would block a read)
    is named by what it is, and is only read when it is a file inside the folder."""
    try:
        if path.is_symlink():
            target = path.resolve()
            if not (target.is_relative_to(notes_dir.resolve()) and target.is_file()):
                return f"link:{path.readlink()}"
        elif not path.is_file():
            return "special"
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:  # the load reports it; the key must still change
        return f"unreadable:{exc.errno}"


def file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _write_json(path: Path, data: object) -> None:
    """Write atomically; a cache that cannot be written (read-only, full) is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        # dumps, not dump: only the one-shot encoder is the C one, several times faster
        text = json.dumps(data, separators=(",", ":"))  # ASCII: lone surrogates too
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temp, path)  # noqa: PTH105 (Path.replace is the deck's own rename: tests pause there)
    except OSError:
        pass
    finally:
        Path(temp).unlink(missing_ok=True)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --- plain JSON for cards and diagnostics --------------------------------------------


def diagnostic_to_json(d: Diagnostic) -> list[Any]:
    return [d.loc.path, d.loc.line, d.loc.column, d.code, d.message, d.severity.value]


def diagnostic_from_json(row: list[Any]) -> Diagnostic:
    path, line, column, code, message, severity = row
    return Diagnostic(SourceLoc(path, line, column), code, message, Severity(severity))


# --- the cache of one notes folder -----------------------------------------------------


@dataclass
class BuildCache:
    """The cache of one notes folder for builds into one output file."""

    notes_dir: Path
    folder: Path
    inputs: dict[str, str]  # relative path → sha256, from scan_inputs
    used: set[str] = field(default_factory=set)
    used_media: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, notes_dir: Path, out_dir: Path) -> BuildCache:
        root = out_dir.absolute().parent / CACHE_DIR
        folder = root / _digest("notes", str(notes_dir.resolve()))[:16]
        return cls(notes_dir, folder, scan_inputs(notes_dir))

    @functools.cached_property
    def _salt(self) -> str:
        """What every file's cards depend on besides the file: the tool and the folder's
        other files (deck.toml, media). The lock only shapes the package."""
        others = [
            f"{rel}={digest}"
            for rel, digest in self.inputs.items()
            if rel != LOCK_FILE and not (rel.endswith(".md") and "/" not in rel)
        ]
        return _digest(tool_fingerprint(), *others)

    # --- whole builds -----------------------------------------------------------------

    def build_key(self, pinned_time: int | None) -> str:
        files = [f"{rel}={digest}" for rel, digest in self.inputs.items()]
        pinned = "" if pinned_time is None else str(pinned_time)
        return _digest("build", tool_fingerprint(), self.notes_dir.as_posix(), pinned, *files)

    def _stamp_path(self, out_dir: Path) -> Path:
        return self.folder / f"build-{_digest(str(out_dir.absolute()))[:16]}.json"

    def up_to_date(self, out_dir: Path, key: str) -> tuple[Path, dict[str, Any]] | None:
        """The deck the last build into `out_dir` wrote and that build's summary, if it
        had this key (so deck.toml, and with it the file name, is unchanged) and the file
        is still exactly what it wrote; else None. Needs no parsing at all."""
        record = _read_json(self._stamp_path(out_dir))
        if not isinstance(record, dict) or record.get("key") != key:
            return None
        name, result = record.get("output"), record.get("result")
        if not isinstance(name, str) or "/" in name or not isinstance(result, dict):
            return None
        output = out_dir / name
        try:
            size = output.stat().st_size
        except OSError:
            return None
        if size != record.get("size") or file_sha256(output) != record.get("sha256"):
            return None
        return output, result

    def record_build(self, output: Path, key: str, result: dict[str, Any]) -> None:
        stamp = {"key": key, "output": output.name, "size": output.stat().st_size}
        record = {**stamp, "sha256": file_sha256(output), "result": result}
        _write_json(self._stamp_path(output.parent), record)

    # --- files ------------------------------------------------------------------------

    def file_key(self, file: NotesFile) -> str:
        """A notes file's entry: its bytes, where it is shown from, the deck slug, and
        everything else every file depends on (`_salt`)."""
        rel = file.path.relative_to(self.notes_dir).as_posix()
        content = self.inputs.get(rel) or file_sha256(file.path) or "unreadable"
        return _digest(self._salt, file.shown, file.source, file.deck_slug, content)

    def has_entry(self, key: str) -> bool:
        return (self.folder / f"{key}.json").is_file()

    def read_entry(self, key: str) -> Any:
        """The stored JSON, or None; either way the entry counts as used by this build."""
        self.used.add(key)
        return _read_json(self.folder / f"{key}.json")

    def write_entry(self, key: str, data: object) -> None:
        self.used.add(key)
        _write_json(self.folder / f"{key}.json", data)

    def read_media(self, name: str) -> bytes | None:
        """A media file an entry names; its name carries a hash of its bytes."""
        if "/" in name or name.startswith("."):
            return None
        try:
            data = (self.folder / "media" / name).read_bytes()
        except OSError:
            return None
        self.used_media.add(name)
        return data

    def write_media(self, name: str, data: bytes) -> None:
        self.used_media.add(name)
        path = self.folder / "media" / name
        if path.is_file():
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{name}.tmp")
            temp.write_bytes(data)
            os.replace(temp, path)  # noqa: PTH105 (Path.replace is the deck's own rename: tests pause there)

    def prune(self) -> None:
        """Drop the entries of file versions this build did not use (edited away)."""
        with contextlib.suppress(OSError):
            for path in self.folder.glob("*.json"):
                if len(path.stem) == 64 and path.stem not in self.used:
                    path.unlink(missing_ok=True)
            for path in self.folder.glob("media/*"):
                if path.name not in self.used_media:
                    path.unlink(missing_ok=True)
            tag = self.folder.parent / "CACHEDIR.TAG"
            if self.folder.is_dir() and not tag.exists():
                tag.write_text(_CACHEDIR_TAG, encoding="utf-8")
