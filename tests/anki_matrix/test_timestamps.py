"""A deck built at SOURCE_DATE_EPOCH=now, imported at once: every version takes it whole,
and none keeps an id later than the build (2.1.49 keeps the package's ids as they are;
Anki 2.1.61 and later would renumber ids more than a day ahead, at each Check Database)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from learner import Counts, DriverError, Learner, venv_python

from helpers import NotesFactory
from test_future_times import build_at, many_notes


def test_a_deck_built_now_is_imported_whole_at_once(
    learner: Learner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    now = int(time.time())
    apkg = build_at(make_notes({"ec2.md": many_notes(500)}), tmp_path / "decks", now)
    counts, col = learner.imports(apkg)
    assert counts == Counts(1000, 0, 0, 0)
    kept = [n["id"] for n in col.notes] + [c["id"] for n in col.notes for c in n["cards"]]
    assert max(kept) <= now * 1000


STRICT = "2.1.55"  # refuses a package with any id or time ahead of its clock (2.1.54–2.1.55)


@pytest.fixture
def strict_learner(tmp_path: Path) -> Learner:
    if not venv_python(STRICT).is_file():
        pytest.skip(f"no environment for Anki {STRICT}: run `make anki-venvs`")
    return Learner(STRICT, tmp_path / f"anki-{STRICT}" / "collection.anki2")


def test_the_strictest_anki_takes_a_deck_built_now_and_refuses_one_ahead(
    strict_learner: Learner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    """On the Anki that tolerates no time ahead, a deck built now (3,000 notes, as genanki
    would number them 9 s past the build) imports whole; the same notes built a minute
    ahead, within the skew deckgen accepts (DG050 only past 5 minutes), are refused whole,
    as the README says."""
    notes = make_notes({"ec2.md": many_notes(3000)})
    now = int(time.time())
    counts, col = strict_learner.imports(build_at(notes, tmp_path / "now", now))
    assert counts == Counts(6000, 0, 0, 0)
    assert len(col.notes) == 6000
    ahead = build_at(notes, tmp_path / "ahead", int(time.time()) + 60)
    other = Learner(STRICT, tmp_path / "other" / "collection.anki2")
    with pytest.raises(DriverError, match=r"(?i)future"):
        other.imports(ahead)
