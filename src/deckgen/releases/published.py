"""The last release learners hold: deck.lock.json, checked against the releases published as
git tags, and against the deck it belongs to.

A published release cannot be taken back: learners imported it, and Anki only accepts
what is newer. So when the repository's highest `v*` tag holds a lock of this notes
folder, that lock is the history a new release must follow, whatever deck.lock.json says
now: after a `git revert` of a release, the next one is newer than the tag in its version
and in every time, tombstones what the reverted release added and ships again what it
changed. A lock that contradicts the tag (deleted, a different lock under the same
version, as a bad merge leaves it) is an error that names the tag to restore it from.
Outside git, or before the first tag, deck.lock.json alone is the history.

A release is published at its tag's date (an annotated tag's own date, else the tagged
commit's), not at the time `deckgen release` cut it: what the release changed ships with
that later time (`as_published`). Anki 2.1.55–24.11 stamp a note they update with the
moment of the import, and skip a later release whose time is earlier than that moment;
a learner who imports the newest release while the next one is cut but not yet published
would otherwise miss that one's edits. The tag is part of the published history, so the
deck built from it is as reproducible as before, and the next release follows it.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from deckgen.errors import DeckgenError, Diagnostic, error, warning
from deckgen.model import DeckConfig, SourceLoc
from deckgen.notes.config import DECK_TOML, SEMVER, key_line
from deckgen.releases.lock import LOCK_FILE, Lock, lock_json, lock_path, parse_lock, read_lock
from deckgen.releases.versions import version_key
from deckgen.times import implausible, utc_time

LOCK_OF_ANOTHER_DECK = "DG070"
LOCK_NOT_PUBLISHED = "DG073"
TAG_IN_THE_FUTURE = "DG075"


@dataclass(frozen=True)
class Published:
    """The highest `v*` tag whose tree holds this folder's lock, and that lock."""

    tag: str
    lock: Lock  # as the tag's tree holds it
    path: str  # the lock's path in the repository, for `git checkout TAG -- PATH`
    time: int  # the tag's date: when the release was published

    @property
    def shipped(self) -> Lock:
        """The lock as learners received it (`as_published`)."""
        return as_published(self.lock, self.time)


@dataclass(frozen=True)
class Base:
    """What a build or a release compares the notes with: the last release learners hold."""

    lock: Lock | None
    note: str | None = None  # why it is not deck.lock.json, when it is not


def _git(notes_dir: Path, *args: str) -> str | None:
    """A git command's output in the notes folder, or None (no git, not a repository …)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(notes_dir), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def notes_path_problem(notes_dir: Path, config: DeckConfig) -> Diagnostic | None:
    """A warning when git holds the notes folder elsewhere than deck.toml's `notes_path`
    says: every card's link to its source would lead nowhere. None outside git."""
    links = config.links
    prefix = _git(notes_dir, "rev-parse", "--show-prefix") if links is not None else None
    if links is None or prefix is None or prefix.strip().rstrip("/") == links.notes_path:
        return None
    where = prefix.strip().rstrip("/")
    text = (notes_dir / DECK_TOML).read_text(encoding="utf-8", errors="replace")
    key = "notes_path" if re.search(r"^\s*notes_path\s*=", text, re.MULTILINE) else "repository"
    loc = SourceLoc((notes_dir / DECK_TOML).as_posix(), key_line(text, key))
    shown = f"'{where}'" if where else "the top of the repository"
    message = (
        f"git has the notes folder at {shown}, but notes_path is {links.notes_path!r}: the"
        f' cards\' links to their source would lead nowhere; set notes_path = "{where}"'
    )
    return warning(loc, "DG016", message)


def _tags(notes_dir: Path) -> dict[str, int] | None:
    """Every `v<semver>` tag → its date (`creatordate`: an annotated tag's own date, else
    its commit's); None outside git."""
    listed = _git(
        notes_dir, "for-each-ref", "--format=%(refname:strip=2) %(creatordate:unix)", "refs/tags/v*"
    )
    if listed is None:
        return None
    tags = {}
    for line in listed.splitlines():
        tag, _, date = line.rpartition(" ")
        if SEMVER.match(tag[1:]) and date.isdigit():
            tags[tag] = int(date)
    return tags


def published(notes_dir: Path, now: float) -> Published | None:
    """The lock of the highest `v*` tag (by semver) that holds one for this notes folder."""
    prefix = _git(notes_dir, "rev-parse", "--show-prefix")
    tags = _tags(notes_dir) if prefix is not None else None
    if prefix is None or tags is None:
        return None
    path = f"{prefix.strip()}{LOCK_FILE}"
    for tag in sorted(tags, key=lambda t: version_key(t[1:]), reverse=True):
        text = _git(notes_dir, "show", f"{tag}:{path}")
        if text is not None:
            lock = parse_lock(text, f"{tag}:{path}", now)
            _check_tag_time(notes_dir, tag, tags[tag], now)
            return Published(tag, lock, path, tags[tag])
    return None


def tag_time(notes_dir: Path, tag: str) -> int | None:
    """When the release `tag` was published: an annotated tag's own date, else its commit's
    (None outside git, or for no such tag)."""
    return (_tags(notes_dir) or {}).get(tag)


def _check_tag_time(notes_dir: Path, tag: str, date: int, now: float) -> None:
    why = implausible(date, now)
    if why is not None:
        message = (
            f"the tag {tag} is dated {why}: its release would ship with that time, which Anki"
            " 2.1.54–2.1.60 refuse and no later release could beat; tag it again with this"
            f" machine's clock right (git tag -f -a {tag})"
        )
        raise DeckgenError(
            [error(SourceLoc(lock_path(notes_dir).as_posix(), 1), TAG_IN_THE_FUTURE, message)]
        )


def as_published(lock: Lock, published_at: int) -> Lock:
    """The lock as learners received it: everything its release changed (the notes, note
    types and tombstones stamped with its cut time, `released`) carries the time it was
    published instead, when that is later. Older times stay as they are."""
    if published_at <= lock.released:
        return lock

    def later(mod: int) -> int:
        return published_at if mod == lock.released else mod

    return dataclasses.replace(
        lock,
        released=published_at,
        note_types={
            name: dataclasses.replace(state, mod=later(state.mod))
            for name, state in lock.note_types.items()
        },
        notes=tuple(dataclasses.replace(note, mod=later(note.mod)) for note in lock.notes),
        removed=tuple(
            dataclasses.replace(t, note=dataclasses.replace(t.note, mod=later(t.note.mod)))
            for t in lock.removed
        ),
    )


def base_lock(notes_dir: Path, config: DeckConfig, now: float) -> Base:
    """The lock the next build or release must follow (see the module's docstring)."""
    working = read_lock(notes_dir, now)
    if working is not None:
        check_belongs(working, config, lock_path(notes_dir).as_posix())
    tagged = published(notes_dir, now)
    if tagged is None:
        return Base(working)
    check_belongs(tagged.lock, config, f"{tagged.tag}:{tagged.path}")
    restore = f"git checkout {tagged.tag} -- {tagged.path}"
    if working is None:
        _not_published(
            notes_dir,
            f"{LOCK_FILE} is missing, but {tagged.tag} was published: restore it ({restore})",
        )
    here, there = version_key(working.version), version_key(tagged.lock.version)
    if here == there and lock_json(working) != lock_json(tagged.lock):
        _not_published(
            notes_dir,
            f"{LOCK_FILE} says {working.version}, but it is not the lock published as"
            f" {tagged.tag}: restore it ({restore}); after a merge, keep one side of the"
            " lock, then run `deckgen release`",
        )
    shipped = tagged.shipped
    if here > there and working.released <= shipped.released:
        _not_published(
            notes_dir,
            f"{LOCK_FILE} is {working.version}, but it was cut before the published"
            f" {tagged.tag} ({utc_time(shipped.released)}): restore it ({restore}), then run"
            " `deckgen release`",
        )
    if here < there:
        return Base(
            shipped,
            f"{LOCK_FILE} is at {working.version}, older than the published {tagged.tag}"
            f" (reverted?): comparing with {tagged.tag}, so the next release is newer than it",
        )
    return Base(shipped if here == there else working)


def _not_published(notes_dir: Path, message: str) -> NoReturn:
    loc = SourceLoc(lock_path(notes_dir).as_posix(), 1)
    raise DeckgenError([error(loc, LOCK_NOT_PUBLISHED, message)])


def check_belongs(lock: Lock, config: DeckConfig, shown: str) -> None:
    """A lock of another deck (a copied notes folder) is refused, with the fix.

    Decks are told apart by deck.toml's `id` when both have one; and a lock whose deck had
    another name and another slug is another deck's (renaming a deck keeps its slug)."""
    theirs = lock.deck
    if theirs.id is not None and config.id is None:
        message = (
            f"{LOCK_FILE} belongs to the deck with id {theirs.id!r} ({theirs.name}), but"
            f' {DECK_TOML} has no id: add id = "{theirs.id}" if this is that deck; a new deck'
            f" starts without a lock (delete {LOCK_FILE})"
        )
    elif theirs.id is not None and config.id is not None and theirs.id != config.id:
        message = (
            f"{LOCK_FILE} belongs to another deck (id {theirs.id!r}, {theirs.name}), not to"
            f" {config.id!r}: a new deck starts without a lock (delete {LOCK_FILE})"
        )
    elif theirs.name != config.name and theirs.slug != config.slug:
        message = (
            f"{LOCK_FILE} belongs to the deck {theirs.name!r} ({theirs.slug}), not to"
            f" {config.name!r} ({config.slug}): a new deck starts without a lock (delete"
            f' {LOCK_FILE}); if you renamed this deck, keep its slug: slug = "{theirs.slug}"'
        )
    else:
        return
    raise DeckgenError([error(SourceLoc(shown, 1), LOCK_OF_ANOTHER_DECK, message)])
