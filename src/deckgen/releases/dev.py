"""Which plan a build ships: the release's own, or the next one's marked `-dev`.

A build that is exactly the last release (same version, nothing changed) is that release,
byte for byte. Any other build never takes a release's name: it is the next release's
version marked `-dev` (file name, deck description). Before the first release that is
deck.toml's version, which the first release keeps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from deckgen.cards.render import RenderedNote
from deckgen.errors import DeckgenError, Diagnostic, error
from deckgen.model import Deck, SourceLoc
from deckgen.releases.checked import checked_plan
from deckgen.releases.lock import Lock
from deckgen.releases.plan import Plan, plan_tombstones
from deckgen.releases.versions import next_release


def build_plan(
    deck: Deck,
    rendered: Sequence[RenderedNote],
    lock: Lock | None,
    timestamp: int | None,
    now: float,
    at_release: bool,
    lock_shown: str,
) -> Plan:
    """The plan of a build against `lock` (checked_plan), `-dev` unless it is the release.
    Stamped with `timestamp` (SOURCE_DATE_EPOCH) when given, else `now`, or with
    `at_release` the release's own time: a rebuild of the release, which must be unchanged
    (DG065 at `lock_shown` otherwise)."""
    stamp = timestamp
    if stamp is None:
        if at_release and lock is None:
            raise DeckgenError([_time_unknown(lock_shown, lock)])
        stamp = lock.released if at_release and lock is not None else int(now)
    plan = checked_plan(deck, rendered, lock, stamp, pinned=timestamp is not None)
    if at_release and timestamp is None and plan.changes.any:
        raise DeckgenError([_time_unknown(lock_shown, lock)])
    if lock is not None and not plan.changes.any and lock.version == deck.config.version:
        return plan
    config = deck.config
    upcoming = config.version
    if lock is not None:
        upcoming = next_release(config.version, lock.version, plan.changes.needed_bump())
    dev = dataclasses.replace(config, version=f"{upcoming}-dev")
    replanned = as_version(plan, dataclasses.replace(deck, config=dev), stamp)
    released = lock.version if lock is not None else None
    return dataclasses.replace(replanned, unreleased_after=released)


def as_version(plan: Plan, deck: Deck, timestamp: int) -> Plan:
    """make_plan of `deck` with the rendered notes, lock and `timestamp` that made `plan`,
    where `deck` differs from the plan's deck only in its version: the version shows only
    in the tombstones a release makes, so only they are made again."""
    notes, lock, used = list(plan.notes), plan.released, plan.anki_note_types
    tombstones = plan_tombstones(deck.config, notes, lock, plan.changes.any, timestamp, used)
    return dataclasses.replace(plan, deck=deck, tombstones=tuple(tombstones))


def _time_unknown(lock_shown: str, lock: Lock | None) -> Diagnostic:
    """DG065: a rebuild of what was released needs the time a build of anything else had."""
    why = "no deck.lock.json" if lock is None else f"the notes changed since {lock.version}"
    message = (
        f"{why}, so the notes' times are unknown: set SOURCE_DATE_EPOCH to the time the"
        " package was built with"
    )
    return error(SourceLoc(lock_shown, 1), "DG065", message)
