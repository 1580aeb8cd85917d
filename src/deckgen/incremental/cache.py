"""Build caches: keep a deck whose inputs did not change, and reuse parsed, rendered files.

This module holds the keys and the storage, and imports nothing heavy, so that a build
that changes nothing is decided in milliseconds; entries.py knows what an entry holds.

A cache may make a build faster, never different: a build after any sequence of edits,
kills and tampering equals a build with the cache deleted. So:

- It lives where only the user writes (location.py): one private folder per notes folder
  in the user's cache folder; one that is not the user's, or that others may write, is
  refused (DG080): what another user plants there must never reach a deck.
- Every key holds everything the output depends on: `tool_fingerprint()` (deckgen's own
  files and the versions of the libraries that shape the HTML and the package), the bytes
  of the notes file that were parsed (not those seen before, which an editor may have
  saved over since), the folder's other files, the paths, and the pinned timestamp.
- Every entry is checked when read: it names its own key and carries the sha256 of its
  content, and a media file's name carries the hash of its bytes. Anything that does not
  check out is a miss, never an error, and `--force` writes every entry anew.
- A build is recorded as up to date only when the notes folder is, after the build, what
  it was before it, and every file parsed was the version fingerprinted.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen.atomic import real_path
from deckgen.errors import DeckgenError, Diagnostic, Severity
from deckgen.incremental.inputs import (
    digest,
    file_sha256,
    scan_inputs,
    tags_fingerprint,
    tool_fingerprint,
)
from deckgen.incremental.location import cache_folder, refuse_unsafe
from deckgen.model import SourceLoc
from deckgen.notes.files import is_markdown

if TYPE_CHECKING:
    from deckgen.notes.folder import NotesFile

LOCK_FILE = "deck.lock.json"  # the lock shapes the package, not the cards
_CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# deckgen's build cache.\n"
_ENTRY_KEY = re.compile(r"[0-9a-f]{64}")
_INDEX = "files"  # the entry each file had in the last build: files.index
_HASHED_MEDIA = re.compile(r"-([0-9a-f]{16})(?:\.[^./]*)?$")


# --- entries on disk -------------------------------------------------------------------


def _write_atomically(path: Path, data: bytes) -> None:
    """Write atomically; a cache that cannot be written (read-only, full) is only slower."""
    import tempfile  # with shutil and random: not needed by a build that keeps its deck

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)  # noqa: PTH105 (Path.replace is the deck's own rename: tests pause there)
    except OSError:
        pass
    finally:
        Path(temp).unlink(missing_ok=True)


def _sealed(key: str, data: object) -> bytes:
    """An entry as stored: a header naming its key and the sha256 of the JSON after it."""
    # dumps, not dump: only the one-shot encoder is the C one, several times faster
    body = json.dumps(data, separators=(",", ":")).encode()  # ASCII: lone surrogates too
    header = json.dumps({"key": key, "sha256": hashlib.sha256(body).hexdigest()})
    return header.encode() + b"\n" + body


def _unsealed(key: str, raw: bytes | None) -> Any:
    """The entry's JSON, or None unless it is whole and is the entry of `key`."""
    if raw is None:
        return None
    head, newline, body = raw.partition(b"\n")
    try:
        header = json.loads(head)
        if not newline or not isinstance(header, dict) or header.get("key") != key:
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _salted(inputs: dict[str, str]) -> list[tuple[str, str]]:
    """The inputs every file's entry depends on: all but the notes files (each keyed on its
    own bytes) and the lock (which shapes only the package)."""
    return [
        (rel, found)
        for rel, found in inputs.items()
        if rel != LOCK_FILE and not is_markdown(Path(rel))
    ]


def media_intact(name: str, data: bytes) -> bool:
    """A media file's name ends in 16 hex digits of its bytes' sha256 (cards/media.py)."""
    found = _HASHED_MEDIA.search(name)
    return found is not None and hashlib.sha256(data).hexdigest()[:16] == found.group(1)


# --- plain JSON for diagnostics ---------------------------------------------------------


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
    rewrite: bool = False  # --force: read nothing, write every entry and media file anew
    used: set[str] = field(default_factory=set)
    used_media: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    # each file's identity (file_identity) → the key of the entry this build used for it
    latest: dict[str, str] = field(default_factory=dict)
    parsed_as_scanned: bool = True  # every file parsed was the version in `inputs`

    @classmethod
    def open(
        cls, notes_dir: Path, *, rewrite: bool = False, root: Path | None = None
    ) -> BuildCache:
        """The cache of `notes_dir`, its folders made private if new; DeckgenError (DG080)
        when one of them is not the user's or others may write it."""
        folder = cache_folder(notes_dir, root)
        for made in (folder.parent, folder):  # both private when new
            with contextlib.suppress(OSError):  # unwritable: the build is only slower
                made.mkdir(mode=0o700, parents=True, exist_ok=True)
        refuse_unsafe(folder)
        return cls(notes_dir, folder, scan_inputs(notes_dir), rewrite=rewrite)

    @classmethod
    def existing(cls, notes_dir: Path) -> BuildCache | None:
        """The cache builds of `notes_dir` made, to read only (nothing is made): None when
        there is none, or when it is not safe (a build says why, DG080). Its scan leaves
        the notes files out: what is read of each is looked up by the bytes read."""
        folder = cache_folder(notes_dir)
        if not os.path.isdir(folder):  # noqa: PTH112 (one that cannot be entered is none too)
            return None
        try:
            refuse_unsafe(folder)
        except DeckgenError:
            return None
        return cls(notes_dir, folder, scan_inputs(notes_dir, notes_files=False))

    @functools.cached_property
    def _salt(self) -> str:
        """What every file's cards depend on besides the file: the tool and the folder's
        other files (deck.toml, note types, media, diagrams). Markdown files are keyed
        each on its own; the lock only shapes the package."""
        others = [f"{rel}={digest}" for rel, digest in _salted(self.inputs)]
        return digest(tool_fingerprint(), *others)

    def salt_unchanged(self, made: Iterable[Path] = ()) -> bool:
        """Whether the files every entry depends on are still those the cache was opened
        with, but for the files `made` by the command itself (the diagrams it rendered): a
        build or check that read deck.toml, a note type, an image or a diagram after it
        changed must not trust the entries it read or wrote under the old ones."""
        inside = real_path(self.notes_dir)  # as the scan names them: through linked folders
        ours = {real_path(path).relative_to(inside).as_posix() for path in made}

        def others(inputs: dict[str, str]) -> list[tuple[str, str]]:
            return [(rel, found) for rel, found in _salted(inputs) if rel not in ours]

        return others(scan_inputs(self.notes_dir, notes_files=False)) == others(self.inputs)

    def forget_written(self) -> None:
        """Remove the entries this build wrote (keyed under a salt it can no longer trust)."""
        for key in self.written:
            (self.folder / f"{key}.json").unlink(missing_ok=True)

    # --- whole builds -----------------------------------------------------------------

    def build_key(self, pinned_time: int | None) -> str:
        files = [f"{rel}={digest}" for rel, digest in self.inputs.items()]
        pinned = "" if pinned_time is None else str(pinned_time)
        # a tag changes the deck without changing a file: its date is the release's time
        tags = tags_fingerprint(self.notes_dir)
        return digest("build", tool_fingerprint(), self.notes_dir.as_posix(), pinned, tags, *files)

    def _stamp_path(self, out_dir: Path) -> Path:
        return self.folder / f"build-{digest(str(out_dir.absolute()))[:16]}.json"

    def up_to_date(self, out_dir: Path, key: str) -> tuple[Path, dict[str, Any]] | None:
        """The deck the last build into `out_dir` wrote and that build's summary, if it
        had this key (so deck.toml, and with it the file name, is unchanged) and the file
        is still exactly what it wrote; else None. Needs no parsing at all."""
        record = _unsealed(key, _read(self._stamp_path(out_dir)))
        if not isinstance(record, dict):
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
        """Remember the build as up to date, only if the notes it read are the notes as
        they are now: a file saved during the build makes the next build a real one."""
        if not self.parsed_as_scanned:
            return
        if scan_inputs(self.notes_dir) != self.inputs:
            return
        record = {
            "output": output.name,
            "size": output.stat().st_size,
            "sha256": file_sha256(output),
            "result": result,
        }
        _write_atomically(self._stamp_path(output.parent), _sealed(key, record))

    # --- files ------------------------------------------------------------------------

    def file_key(self, file: NotesFile, content: str | None = None) -> str:
        """A notes file's entry: its bytes (`content`, their sha256, by default as scanned),
        where it is shown from, the deck slug, and what every file depends on (`_salt`)."""
        if content is None:
            rel = file.path.relative_to(self.notes_dir).as_posix()
            content = self.inputs.get(rel) or file_sha256(file.path) or "unreadable"
        return digest(self.file_identity(file), content)

    def file_identity(self, file: NotesFile) -> str:
        """A notes file whatever its bytes: every entry of it under this salt shares it."""
        return digest(self._salt, file.shown, file.source, file.deck_slug)

    def used_for(self, file: NotesFile, key: str) -> None:
        """Remember the entry this build used for `file`, for the next build (earlier_entry)."""
        self.latest[self.file_identity(file)] = key

    def earlier_entry(self, file: NotesFile) -> Any:
        """The entry the last build used for `file`, read as read_entry reads it, if it was
        made under this salt (the same deckgen, note types, media, diagrams and deck.toml):
        an edited file's unchanged cards render as they rendered then. Not kept by this
        build: the edit replaced it."""
        if self.rewrite:
            return None
        key = self._last_build_entries.get(self.file_identity(file))
        if not isinstance(key, str) or _ENTRY_KEY.fullmatch(key) is None:
            return None
        return _unsealed(key, _read(self.folder / f"{key}.json"))

    @functools.cached_property
    def _last_build_entries(self) -> dict[str, Any]:
        index = _unsealed(_INDEX, _read(self.folder / f"{_INDEX}.index"))
        return index if isinstance(index, dict) else {}

    def note_parsed(self, file: NotesFile, content: str | None) -> None:
        """Tell the cache which version of a file a build parsed (the sha256 of its bytes)."""
        rel = file.path.relative_to(self.notes_dir).as_posix()
        if content is None or self.inputs.get(rel) != content:
            self.parsed_as_scanned = False

    def has_entry(self, key: str) -> bool:
        return not self.rewrite and (self.folder / f"{key}.json").is_file()

    def read_entry(self, key: str) -> Any:
        """The stored JSON if it is whole and is this key's, else None; either way the
        entry counts as used by this build."""
        self.used.add(key)
        if self.rewrite:
            return None
        return _unsealed(key, _read(self.folder / f"{key}.json"))

    def write_entry(self, key: str, data: object) -> None:
        self.used.add(key)
        self.written.add(key)
        _write_atomically(self.folder / f"{key}.json", _sealed(key, data))

    def read_media(self, name: str) -> bytes | None:
        """A media file an entry names, if its bytes are still the ones its name hashes."""
        if "/" in name or name.startswith("."):
            return None
        data = _read(self.folder / "media" / name)
        if data is None or not media_intact(name, data):
            return None
        self.used_media.add(name)
        return data

    def write_media(self, name: str, data: bytes) -> None:
        if "/" in name or name.startswith("."):
            return
        self.used_media.add(name)
        path = self.folder / "media" / name
        if not self.rewrite and media_intact(name, _read(path) or b""):
            return
        _write_atomically(path, data)

    def prune(self) -> None:
        """Drop the entries of file versions this build did not use (edited away), and
        remember which entry it used for each file."""
        _write_atomically(self.folder / f"{_INDEX}.index", _sealed(_INDEX, self.latest))
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
