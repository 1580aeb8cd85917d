"""genanki's collection.anki2 written with a pinned SQLite, so its bytes do not depend on the
machine's.

genanki writes the collection through the stdlib ``sqlite3`` module, that is through whatever
libsqlite3 Python links: Debian's 3.40.1 (built with SECURE_DELETE), python.org's own copy,
Homebrew's, conda's. The same notes then give different files: the header names the writing
library's version, and freed space keeps or zeroes stale bytes depending on how it was built.
Here the same ``Package.write_to_db(cursor, timestamp, id_gen)`` that genanki's
``write_to_file`` calls runs on an apsw connection instead: apsw's wheels link their own
SQLite (apsw 3.54.1.0 → SQLite 3.54.1) on Linux, macOS and Windows alike.

What could still vary is fixed up front: page size (SQLite raises its default to the file
system's sector size), auto-vacuum, encoding and secure_delete, before any table; one
transaction for the whole write; and the header's "version of the last writer" (bytes 96–99)
set to a constant, so a later bump of the pin changes the bytes only if SQLite's pages do.
Measured before adopting it: one output over 21 SQLite setups (3.39–3.51, with and without
SECURE_DELETE, Python 3.11–3.13), where genanki's own write gave 23 over 29.
"""

from __future__ import annotations

import itertools
import os
import struct
from typing import Any

import apsw

from deckgen.errors import DeckgenError, error
from deckgen.model import SourceLoc

APSW_PIN = "3.54.1.0"  # pyproject.toml pins the same
SQLITE_PIN = "3.54.1"
# Written at header offset 96 in place of the writing library's SQLITE_VERSION_NUMBER.
# SQLite reads nothing back from it (its validity check compares offsets 24 and 92).
HEADER_SQLITE_VERSION_NUMBER = 3_054_001
SQLITE_NOT_PINNED = "DG053"

_PRAGMAS = (
    # before the first table: these shape the file
    "PRAGMA page_size=4096",
    "PRAGMA auto_vacuum=NONE",
    "PRAGMA encoding='UTF-8'",
    # freed space (genanki rewrites the col row once per deck) is zeroed, whatever the
    # library's compiled-in default
    "PRAGMA secure_delete=ON",
    # speed only: the file is a temporary, written in one transaction, zipped, then deleted
    "PRAGMA journal_mode=OFF",
    "PRAGMA synchronous=OFF",
    "PRAGMA locking_mode=EXCLUSIVE",
)


def check_pinned() -> None:
    """Refuse an apsw that links another SQLite (a distribution's build links the system's):
    its decks would not have the bytes every other machine builds."""
    linked = apsw.sqlite_lib_version()
    if linked != SQLITE_PIN:
        message = (
            f"apsw {apsw.apsw_version()} links SQLite {linked}, not the pinned {SQLITE_PIN}:"
            " a deck built here would not match the published checksums; install the"
            f" wheel deckgen pins (pip install 'apsw=={APSW_PIN}')"
        )
        where = SourceLoc(os.fspath(getattr(apsw, "__file__", "apsw")), 1)
        raise DeckgenError([error(where, SQLITE_NOT_PINNED, message)])


class _Cursor:
    """The part of a sqlite3 cursor genanki 0.13 uses: execute (returning the cursor),
    executescript, fetchone and lastrowid."""

    __slots__ = ("_cursor", "_db")

    def __init__(self, db: apsw.Connection) -> None:
        self._db = db
        self._cursor = db.cursor()

    def execute(self, sql: str, params: Any = ()) -> _Cursor:
        self._cursor.execute(sql, params)
        return self

    def executescript(self, script: str) -> _Cursor:
        # every statement of the script, inside our one transaction (sqlite3's executescript
        # commits first and then runs each statement on its own)
        self._cursor.execute(script)
        return self

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    @property
    def lastrowid(self) -> int:
        return int(self._db.last_insert_rowid())


def write_collection(package: Any, path: os.PathLike[str] | str, timestamp: float) -> None:
    """Write the genanki `package`'s collection as a new SQLite file at `path`, which must be
    missing or empty. `write_to_db` is handed the id counter genanki's write_to_file would
    hand it, so the rows are the ones genanki would write; deckgen's own package ignores it
    and numbers ids up to the package time instead (apkg.package._Package)."""
    check_pinned()
    id_gen = itertools.count(int(timestamp * 1000))
    db = apsw.Connection(os.fspath(path))
    try:
        for pragma in _PRAGMAS:
            db.execute(pragma).fetchall()
        db.execute("BEGIN")
        package.write_to_db(_Cursor(db), timestamp, id_gen)
        db.execute("COMMIT")
    finally:
        db.close()
    _normalise_header(path)


def _normalise_header(path: os.PathLike[str] | str) -> None:
    """Set the writer's version to the constant, after checking that the settings that
    shape the file are the pinned ones."""
    with open(path, "r+b") as f:  # noqa: PTH123 (a path or a str, read and written in place)
        header = f.read(100)
        (page_size,) = struct.unpack(">H", header[16:18])
        counter, valid_for = struct.unpack(">II", header[24:28] + header[92:96])
        checks = {
            "magic": header[:16] == b"SQLite format 3\x00",
            "page size 4096": page_size == 4096,
            "rollback journal (not WAL)": header[18:20] == b"\x01\x01",
            "no reserved bytes": header[20] == 0,
            "schema format 4": struct.unpack(">I", header[44:48])[0] == 4,
            "no auto-vacuum": struct.unpack(">I", header[52:56])[0] == 0,
            "UTF-8": struct.unpack(">I", header[56:60])[0] == 1,
            "version-valid-for is the change counter": counter == valid_for,
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:  # a bug or a strange SQLite build, not a user's mistake
            raise RuntimeError(f"unexpected SQLite header in {path}: {', '.join(failed)}")
        f.seek(96)
        f.write(struct.pack(">I", HEADER_SQLITE_VERSION_NUMBER))
