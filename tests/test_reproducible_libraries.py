"""The same notes give the same .apkg bytes whatever SQLite and zlib the machine's Python links.

Each build runs in a fresh process, with pysqlite3-binary (SQLite 3.51.1, built without
SECURE_DELETE) in place of the stdlib `sqlite3`, or zlib-ng in place of `zlib`, or both,
substituted before deckgen or genanki is imported, as on a machine whose Python links
other libraries (Debian 12's Python links SQLite 3.40.1, built with SECURE_DELETE, and
zlib 1.2.13).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import build_time_for

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "notes_media"

pytestmark = [
    pytest.mark.libraries,
    pytest.mark.skipif(
        importlib.util.find_spec("pysqlite3") is None
        or importlib.util.find_spec("zlib_ng") is None,
        reason="needs pysqlite3-binary and zlib-ng: `make test` installs both into .venv"
        " (pysqlite3-binary has wheels for Linux x86_64 only, so elsewhere this cannot run)",
    ),
]

# argv: the libraries substituted (stdlib, sqlite, zlib or both), then what to run:
# "deckgen" ARGS… or "genanki" OUT (genanki's own write, as deckgen did before)
CHILD = """
import sys
if sys.argv[1] in ("sqlite", "both"):
    import pysqlite3.dbapi2
    sys.modules["sqlite3"] = pysqlite3.dbapi2
if sys.argv[1] in ("zlib", "both"):
    import zlib_ng.zlib_ng
    sys.modules["zlib"] = zlib_ng.zlib_ng
import sqlite3, zlib
print(sqlite3.sqlite_version, getattr(zlib, "ZLIBNG_VERSION", None) or zlib.ZLIB_RUNTIME_VERSION)
sys.stdout.flush()
if sys.argv[2] == "deckgen":
    from deckgen.cli import main
    sys.argv = ["deckgen", *sys.argv[3:]]
    main()
else:
    import genanki
    model = genanki.Model(1, "M", fields=[{"name": "Q"}, {"name": "A"}],
                          templates=[{"name": "C", "qfmt": "{{Q}}", "afmt": "{{A}}"}])
    deck = genanki.Deck(2, "D")
    for i in range(300):
        deck.add_note(genanki.Note(model=model, fields=[f"q{i}", "a" * i], guid=str(i)))
    genanki.Package(deck).write_to_file(sys.argv[3], timestamp=1_790_000_000)
"""


def run(libraries: str, *args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Run CHILD with `libraries`; the (SQLite version, zlib version) it had."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, libraries, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sqlite, zlib = done.stdout.splitlines()[0].split()
    return sqlite, zlib


def build(notes: Path, out: Path, libraries: str) -> tuple[bytes, tuple[str, str]]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(build_time_for(notes))}
    versions = run(libraries, "deckgen", "build", str(notes), "-o", str(out), "--force", env=env)
    (deck,) = out.glob("*.apkg")
    return deck.read_bytes(), versions


def test_the_substitution_changes_what_genanki_itself_writes(tmp_path: Path) -> None:
    """Without this the test below could pass with a substitution that does nothing."""
    mine, theirs = tmp_path / "stdlib.apkg", tmp_path / "other.apkg"
    assert run("stdlib", "genanki", str(mine)) != run("both", "genanki", str(theirs))
    assert mine.read_bytes() != theirs.read_bytes()


@pytest.mark.parametrize("swapped", ["sqlite", "zlib"])
def test_learn_aws_is_byte_identical_under_another_library(swapped: str, tmp_path: Path) -> None:
    notes = Path(shutil.copytree(ROOT / "notes", tmp_path / "notes"))
    first, (sqlite1, zlib1) = build(notes, tmp_path / "stdlib", "stdlib")
    second, (sqlite2, zlib2) = build(notes, tmp_path / swapped, swapped)
    changed = sqlite1 != sqlite2 if swapped == "sqlite" else zlib1 != zlib2
    assert changed, f"the second build had the same {swapped}: {sqlite2}, {zlib2}"
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


# The fixture's package, pinned: it changes only when deckgen's output changes on purpose
# (note types, the writer, a bump of apsw or deflate that moves bytes): update it then,
# with the reason in the commit message.
FIXTURE_SHA256 = "c7ef35675af6c82e76f81b2eac7e623112e1f7bf03fe8b8df64116efa8ec8c99"


def test_a_fixture_deck_keeps_its_pinned_checksum(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    deck, _ = build(notes, tmp_path / "decks", "both")
    assert hashlib.sha256(deck).hexdigest() == FIXTURE_SHA256
