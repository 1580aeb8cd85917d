"""The deck's own semantic version: compare, bump, and the bump a set of changes needs."""

from __future__ import annotations

import enum

from deckgen.notes.config import SEMVER


class Bump(enum.IntEnum):
    """How far a release moves the version; ordered, so the larger need wins."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()


def parse_bump(text: str) -> Bump:
    return Bump[text.upper()]


def version_key(version: str) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    """semver precedence: numbers first, a pre-release sorts before its release, build ignored."""
    match = SEMVER.match(version)
    if match is None:
        raise ValueError(f"not a semantic version: {version!r}")
    major, minor, patch, pre = match.group(1, 2, 3, 4)
    if pre is None:
        return int(major), int(minor), int(patch), 1, ()
    parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre.split("."))
    return int(major), int(minor), int(patch), 0, parts


def is_newer(version: str, than: str) -> bool:
    return version_key(version) > version_key(than)


def bump(version: str, level: Bump) -> str:
    """The next version at `level`; pre-release and build parts are dropped."""
    major, minor, patch, _, _ = version_key(version)
    if level is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if level is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    if level is Bump.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version


def next_release(written: str, released: str, level: Bump) -> str:
    """The version the next release gets: the released one bumped `level`, unless deck.toml
    was already raised at least that far by hand (`written`)."""
    target = bump(released, level)
    raised_by_hand = is_newer(written, released) and not is_newer(target, written)
    return written if raised_by_hand else target
