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

import time

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
