"""A build of unreleased changes is planned once: its -dev version shows only in the
tombstones a release makes, so releases.dev.as_version gives what planning the -dev deck
again would (make_plan)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from deckgen.pipeline import load_and_render
from deckgen.publish import release
from deckgen.releases.dev import as_version
from deckgen.releases.lock import read_lock
from deckgen.releases.plan import make_plan
from release_helpers import FIXTURE, v2_changes, v3_changes

T1 = 1_790_000_000
T2 = T1 + 86_400
T3 = T2 + 86_400


@pytest.mark.parametrize("releases", [0, 1, 2])
@pytest.mark.parametrize("edited", [False, True])
def test_the_dev_plan_is_the_plan_of_the_dev_deck(
    releases: int, edited: bool, tmp_path: Path
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    edits = [v2_changes, v3_changes]  # each removes a note: the next release tombstones it
    if releases:
        release(notes, tmp_path / "decks", T1, None)
    if releases == 2:
        edits.pop(0)(notes)
        release(notes, tmp_path / "decks", T2, None)
    if edited:
        edits[0](notes)
    loaded = load_and_render(notes)
    lock = read_lock(notes)
    plan = make_plan(loaded.deck, loaded.rendered, lock, T3)
    # new tombstones after an edit, the lock's own after two releases
    assert bool(plan.tombstones) == ((edited and releases > 0) or releases == 2)
    config = dataclasses.replace(loaded.deck.config, version="9.9.9-dev")
    dev = dataclasses.replace(loaded.deck, config=config)
    assert as_version(plan, dev, T3) == make_plan(dev, loaded.rendered, lock, T3)
