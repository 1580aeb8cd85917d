"""No time in a package is later than the build's: older Anki refuses a deck from the future.

Anki's note, card and review-log ids are creation times in milliseconds. The new importer
of Anki 2.1.54 and 2.1.55 refuses a whole package holding one later than the learner's
clock, and 2.1.56–2.1.60 one more than a day later: "This deck contains timestamps in the
future." (rslib/src/import_export/gather.rs, `check_ids`, at those tags; from 2.1.61 the
importer renumbers such ids instead). The legacy importer (2.1.49) keeps the package's ids
as they are. The ports below are those checks, at the tags that have them.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from deckgen.cli import cli
from helpers import NotesFactory

DAY_MS = 86_400_000


def many_notes(count: int) -> str:
    return "# EC2\n\n## Many\n\n" + "".join(
        f"Q: Question {i}?\nA: Answer {i}.\n\n{{{{c1::Cloze}}}} {i}.\n\n" for i in range(count)
    )


@contextmanager
def collection_of(apkg: Path) -> Iterator[sqlite3.Connection]:
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "collection.anki2"
        copy.write_bytes(archive.read("collection.anki2"))
        db = sqlite3.connect(copy)
        try:
            yield db
        finally:
            db.close()


def ids(apkg: Path) -> list[int]:
    """The ids Anki reads as times: notes, cards and review log."""
    with collection_of(apkg) as db:
        query = (
            "select id from notes union all select id from cards union all select id from revlog"
        )
        return [row[0] for row in db.execute(query)]


def times(apkg: Path) -> dict[str, list[int]]:
    """Every other time in the package, in seconds: note, card, note type and deck mods,
    and the collection's creation and modification times."""
    with collection_of(apkg) as db:
        crt, col_mod, models, decks = db.execute(
            "select crt, mod, models, decks from col"
        ).fetchone()
        return {
            "notes": [row[0] for row in db.execute("select mod from notes")],
            "cards": [row[0] for row in db.execute("select mod from cards")],
            "note types": [m["mod"] for m in json.loads(models).values()],
            "decks": [d["mod"] for d in json.loads(decks).values()],
            "collection": [crt, col_mod // 1000],
        }


def anki_2_1_55_refuses(apkg: Path, clock_ms: int) -> bool:
    """`check_ids` of Anki 2.1.54 and 2.1.55: any id later than now."""
    return any(i > clock_ms for i in ids(apkg))


def anki_2_1_60_refuses(apkg: Path, clock_ms: int) -> bool:
    """`check_ids` of Anki 2.1.56 to 2.1.60: any id more than a day later than now."""
    return any(i > clock_ms + DAY_MS for i in ids(apkg))


def build_at(notes: Path, out: Path, source_date_epoch: int) -> Path:
    result = CliRunner().invoke(
        cli,
        ["build", str(notes), "-o", str(out), "-q"],
        env={"SOURCE_DATE_EPOCH": str(source_date_epoch)},
    )
    assert result.exit_code == 0, result.output
    return next(out.glob("*.apkg"))


def test_a_deck_of_thousands_of_notes_built_now_is_accepted_at_once(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    """genanki numbers notes and cards one millisecond apart from the build time: 3,000
    notes and 6,000 cards would reach 9 seconds past it, and a learner importing within
    those seconds would be refused by Anki 2.1.54/2.1.55."""
    now = int(time.time())
    apkg = build_at(make_notes({"ec2.md": many_notes(1500)}), tmp_path, now)
    found = ids(apkg)
    assert len(found) == len(set(found)) == 1500 * 2 + 1500 * 2  # notes and cards
    assert max(found) <= now * 1000, f"{max(found) - now * 1000} ms after the build"
    assert not anki_2_1_55_refuses(apkg, now * 1000), "a learner importing the moment it is built"
    assert not anki_2_1_60_refuses(apkg, now * 1000)
    for what, seconds in times(apkg).items():
        assert max(seconds) <= now, what


def test_the_ids_are_as_reproducible_as_the_rest(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes = make_notes({"ec2.md": many_notes(20)})
    first = build_at(notes, tmp_path / "a", 1_790_000_000)
    again = build_at(notes, tmp_path / "b", 1_790_000_000)
    assert first.read_bytes() == again.read_bytes()
    assert max(ids(first)) == 1_790_000_000_000


def test_a_source_date_epoch_in_the_future_is_refused_with_the_reason(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"ec2.md": many_notes(2)})
    later = int(time.time()) + 3600
    result = CliRunner().invoke(
        cli, ["build", str(notes), "-o", str(tmp_path)], env={"SOURCE_DATE_EPOCH": str(later)}
    )
    assert result.exit_code == 1
    assert f"error DG050 SOURCE_DATE_EPOCH={later} is " in result.output
    assert (
        ", in the future: Anki 2.1.54–2.1.60 refuse a whole deck with a future time, and"
        " learners could never receive a later fix" in result.output
    )
    assert not list(tmp_path.glob("*.apkg"))


def test_a_source_date_epoch_within_the_clock_skew_is_the_latest_time_in_the_deck(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    """A build machine's clock may lag the one that chose SOURCE_DATE_EPOCH by minutes."""
    ahead = int(time.time()) + 200  # within CLOCK_SKEW_S
    apkg = build_at(make_notes({"ec2.md": many_notes(50)}), tmp_path, ahead)
    assert max(ids(apkg)) == ahead * 1000
    assert max(max(seconds) for seconds in times(apkg).values()) == ahead
