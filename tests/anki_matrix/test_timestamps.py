"""A deck built at SOURCE_DATE_EPOCH=now, imported at once: every version takes it whole,
and none keeps an id later than the build (2.1.49 keeps the package's ids as they are;
Anki 2.1.61 and later would renumber ids more than a day ahead, at each Check Database)."""

from __future__ import annotations

import time
from pathlib import Path

from learner import Counts, Learner

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
