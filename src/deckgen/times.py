"""The times a deck carries, and which of them are plausible.

Anki updates a note on import only when the incoming one is newer, so every time in a
package must be one that later releases can beat: never before 2000 (a mistake), never in
the future. Anki 2.1.54–2.1.60 refuse a whole deck holding an id (a creation time in
milliseconds) later than the learner's clock (2.1.56 and later: more than a day later),
and a far-future time would make every later fix look older; so no time or id in a
package is later than the build's time, and a build's time may run ahead of this
machine's clock by CLOCK_SKEW_S at most.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping

from deckgen.errors import DeckgenError, error
from deckgen.model import SourceLoc

EARLIEST = 946_684_800  # 2000-01-01T00:00:00Z
CLOCK_SKEW_S = 300


def utc_date(seconds: int) -> str:
    """`2026-12-01`, for changelogs and diffs."""
    return _format("%Y-%m-%d", seconds)


def utc_time(seconds: int) -> str:
    """`2026-12-01 10:00 UTC`, for messages about times."""
    return _format("%Y-%m-%d %H:%M UTC", seconds)


def _format(pattern: str, seconds: int) -> str:
    try:
        return time.strftime(pattern, time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):
        return "a time out of range"


def latest(now: float) -> int:
    """The latest time a build may stamp: this machine's clock, plus a little skew."""
    return int(now) + CLOCK_SKEW_S


def implausible(seconds: int, now: float) -> str | None:
    """Why `seconds` cannot be a time in a deck ("…, before 2000", "…, in the future"), or None."""
    if seconds < EARLIEST:
        return f"{utc_time(seconds)}, before 2000"
    if seconds > latest(now):
        return f"{utc_time(seconds)}, in the future"
    return None


_SECONDS = re.compile(r"[0-9]{1,12}")


def pinned_time(
    environ: Mapping[str, str] = os.environ, now: Callable[[], float] = time.time
) -> int | None:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else None. Refused unless it is
    whole seconds between 2000 and now (deckgen.times)."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not _SECONDS.fullmatch(value):
        message = f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}"
    elif int(value) < EARLIEST:
        message = (
            f"SOURCE_DATE_EPOCH={value} is {utc_time(int(value))}, before 2000:"
            " not a build time; unset it or use the commit's (git log -1 --format=%ct)"
        )
    elif int(value) > latest(now()):
        message = (
            f"SOURCE_DATE_EPOCH={value} is {utc_time(int(value))}, in the future:"
            " Anki 2.1.54–2.1.60 refuse a whole deck with a future time, and learners"
            " could never receive a later fix; unset it or use the commit's time"
            " (git log -1 --format=%ct)"
        )
    else:
        return int(value)
    raise DeckgenError([error(SourceLoc("SOURCE_DATE_EPOCH", 1), "DG050", message)])


def build_time(
    environ: Mapping[str, str] = os.environ, now: Callable[[], float] = time.time
) -> int:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    pinned = pinned_time(environ, now)
    return int(now()) if pinned is None else pinned
