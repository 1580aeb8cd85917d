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
from deckgen.model import Deck
from deckgen.releases.lock import Lock
from deckgen.releases.plan import Plan, checked_plan, make_plan
from deckgen.releases.versions import next_release


def build_plan(
    deck: Deck, rendered: Sequence[RenderedNote], lock: Lock | None, stamp: int, *, pinned: bool
) -> Plan:
    """The plan of a build against `lock` (checked_plan), `-dev` unless it is the release."""
    plan = checked_plan(deck, rendered, lock, stamp, pinned=pinned)
    if lock is not None and not plan.changes.any and lock.version == deck.config.version:
        return plan
    config = deck.config
    upcoming = config.version
    if lock is not None:
        upcoming = next_release(config.version, lock.version, plan.changes.needed_bump())
    dev = dataclasses.replace(config, version=f"{upcoming}-dev")
    replanned = make_plan(dataclasses.replace(deck, config=dev), rendered, lock, stamp)
    released = lock.version if lock is not None else None
    return dataclasses.replace(replanned, unreleased_after=released)
