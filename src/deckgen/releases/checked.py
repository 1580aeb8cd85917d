"""Plans no build or release may ship, refused with the reason: what Anki cannot take (the
plan's problems: a note type's id or kind changed, a note moved to another note type) and
times that go backwards, which Anki would ignore."""

from __future__ import annotations

from collections.abc import Sequence

from deckgen.cards.render import RenderedNote
from deckgen.errors import DeckgenError, error
from deckgen.model import Deck, SourceLoc
from deckgen.releases.lock import Lock
from deckgen.releases.plan import Plan, make_plan
from deckgen.times import utc_time


def checked_plan(
    deck: Deck, rendered: Sequence[RenderedNote], lock: Lock | None, timestamp: int, *,
    pinned: bool,
) -> Plan:  # fmt: skip
    """make_plan, refused where no build or release may ship it: what Anki cannot take
    (the plan's problems: DG132, DG138) and times that go backwards (DG061)."""
    plan = make_plan(deck, rendered, lock, timestamp)
    refuse(plan, lock, timestamp, pinned=pinned)
    return plan


def refuse(plan: Plan, lock: Lock | None, timestamp: int, *, pinned: bool) -> None:
    """Raise where no build or release may ship `plan`, made against `lock` at `timestamp`."""
    if plan.problems:
        raise DeckgenError(list(plan.problems))
    check_time(plan, lock, timestamp, pinned=pinned)


def check_time(plan: Plan, lock: Lock | None, timestamp: int, *, pinned: bool) -> None:
    """Times only go up: a build that changes something must be later than the last release,
    or Anki ignores its updates. A build that changes nothing ships the lock's own times,
    whatever the clock says. `pinned`: the time came from SOURCE_DATE_EPOCH."""
    if lock is None or not plan.changes.any or timestamp > lock.released:
        return
    relation = "before" if timestamp < lock.released else "the same as"
    if pinned:
        what, fix = f"SOURCE_DATE_EPOCH={timestamp}", "set it later or unset it"
    else:
        what = f"this machine's clock ({utc_time(timestamp)})"
        fix = "check the clock, or set SOURCE_DATE_EPOCH later than the release"
    message = (
        f"{what} is {relation} the release of {lock.version} ({utc_time(lock.released)}):"
        f" times only go up, or Anki ignores the changes; {fix}"
    )
    raise DeckgenError([error(SourceLoc("SOURCE_DATE_EPOCH", 1), "DG061", message)])
