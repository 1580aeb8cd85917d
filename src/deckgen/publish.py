"""Cutting a release, and checking that a tagged tree is one.

`release` compares the notes with the last release learners hold (deck.lock.json, or the
highest published tag's lock: releases/published.py), picks the version (the bump the
changes need, or more if asked), then writes the .apkg and its SHA256SUMS line, a
CHANGELOG.md section, deck.toml's version and the lock. Everything is computed and read
before the first write, and the files are replaced together (deckgen.atomic): a release
that fails leaves the tree as it was; one killed half-way is finished by running it again.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deckgen.atomic import exclusive, transaction
from deckgen.cards.render import RenderedNote, deck_media
from deckgen.errors import DeckgenError, Diagnostic, error
from deckgen.model import Deck, SourceLoc
from deckgen.notes.config import DECK_TOML
from deckgen.pipeline import check_output, load_and_render, write_deck
from deckgen.releases import changelog
from deckgen.releases.checked import refuse
from deckgen.releases.lock import Lock, lock_json, lock_path
from deckgen.releases.plan import Changes, Plan, make_plan
from deckgen.releases.published import base_lock
from deckgen.releases.versions import Bump, next_release

_VERSION_LINE = re.compile(r"""^(\s*["']?version["']?\s*=\s*)(["'])[^"'\n]*\2""", re.MULTILINE)


@dataclass(frozen=True)
class Prepared:
    """The notes, rendered, beside the last release's lock."""

    notes_dir: Path
    deck: Deck
    diagnostics: list[Diagnostic]
    rendered: list[RenderedNote]
    lock: Lock | None  # the last release learners hold
    note: str | None = None  # why that is not deck.lock.json, when it is not

    def plan(self, timestamp: int, version: str | None = None) -> Plan:
        deck = self.deck
        if version is not None:
            deck = dataclasses.replace(
                deck, config=dataclasses.replace(deck.config, version=version)
            )
        return make_plan(deck, self.rendered, self.lock, timestamp)

    def version_loc(self) -> SourceLoc:
        path = self.notes_dir / DECK_TOML
        text = path.read_text(encoding="utf-8")
        match = _VERSION_LINE.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        return SourceLoc(path.as_posix(), line)

    def lock_loc(self) -> SourceLoc:
        return SourceLoc(lock_path(self.notes_dir).as_posix(), 1)


def prepare(notes_dir: Path, now: float | None = None, *, store: bool = True) -> Prepared:
    """The notes rendered beside the lock a release follows; `store`: keep diagrams rendered
    here in notes/.diagrams (a release does; diff and check --release only read)."""
    loaded = load_and_render(notes_dir, store=store)
    clock = time.time() if now is None else now
    base = base_lock(notes_dir, loaded.deck.config, clock)
    return Prepared(
        notes_dir, loaded.deck, loaded.diagnostics, loaded.rendered, base.lock, base.note
    )


def next_version(prepared: Prepared, needed: Bump, requested: Bump | None) -> str:
    """The lock's version bumped as the changes need (or as asked, if more), unless deck.toml
    was already raised at least that far by hand. The first release keeps deck.toml's."""
    written, lock = prepared.deck.config.version, prepared.lock
    if lock is None:
        if requested is not None:
            message = f"the first release keeps deck.toml's version {written}: drop --bump"
            raise DeckgenError([error(prepared.version_loc(), "DG064", message)])
        return written
    if requested is not None and requested < needed:
        message = (
            f"--bump {requested.label} is lower than the {needed.label} bump these changes need"
            f" (see `deckgen diff`)"
        )
        raise DeckgenError([error(prepared.version_loc(), "DG063", message)])
    return next_release(written, lock.version, max(needed, requested or Bump.NONE))


@dataclass(frozen=True)
class Release:
    version: str
    previous: str | None
    needed: Bump
    plan: Plan
    path: Path
    changelog: Path
    lock: Path
    diagnostics: list[Diagnostic]
    note: str | None = None  # why the release followed a published tag, not deck.lock.json


def set_version(text: str, version: str) -> str:
    """deck.toml with its version replaced, everything else as the author wrote it."""
    return _VERSION_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}{version}{m.group(2)}", text, 1)


def _refuse_unchanged(prepared: Prepared, changes: Changes) -> None:
    lock = prepared.lock
    if lock is not None and not changes.any:
        message = f"nothing changed since {lock.version}: there is nothing to release"
        raise DeckgenError([error(prepared.lock_loc(), "DG062", message)])


def release(
    notes_dir: Path,
    out_dir: Path,
    timestamp: int | None,
    requested: Bump | None,
    on_wait: Callable[[Path], None] | None = None,
) -> Release:
    """Cut a release; `timestamp` None stamps it with the current time."""
    with exclusive([notes_dir, out_dir], on_wait):
        check_output(notes_dir, out_dir)
        now = time.time()
        prepared = prepare(notes_dir, now)
        stamp = int(now) if timestamp is None else timestamp
        draft = prepared.plan(stamp)
        _refuse_unchanged(prepared, draft.changes)
        refuse(draft, prepared.lock, stamp, pinned=timestamp is not None)
        needed = draft.changes.needed_bump()
        version = next_version(prepared, needed, requested)
        plan = prepared.plan(stamp, version)
        # Everything is read before the first write: a file that cannot be read stops here.
        section = changelog.section(version, stamp, plan)
        # the deck shows learners what its changelog section says: the lock keeps it, so
        # every later build of this release (the tag's, `verify`'s) shows the same
        plan = dataclasses.replace(plan, release_notes=section)
        changes = changelog.with_section(changelog.read_changelog(out_dir), version, section)
        toml_path = notes_dir / DECK_TOML
        toml_text = set_version(read_deck_toml(toml_path), version)
        lock_text = lock_json(plan.to_lock(version, stamp))
        with transaction() as files:
            # The lock goes last: until it is written, running the release again redoes it.
            path = write_deck(plan, out_dir, deck_media(prepared.rendered), files)
            changelog_file = changelog.changelog_path(out_dir)
            files.stage(changelog_file).write_text(changes, encoding="utf-8")
            files.stage(toml_path).write_text(toml_text, encoding="utf-8")
            lock_file = lock_path(notes_dir)
            files.stage(lock_file).write_text(lock_text, encoding="utf-8")
    previous = prepared.lock.version if prepared.lock else None
    return Release(
        version,
        previous,
        needed,
        plan,
        path,
        changelog_file,
        lock_file,
        prepared.diagnostics,
        prepared.note,
    )


def read_deck_toml(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot read {DECK_TOML}: {exc}"
        raise DeckgenError([error(SourceLoc(path.as_posix(), 1), "DG011", message)]) from None


def check_release(notes_dir: Path, out_dir: Path, tag: str | None) -> list[Diagnostic]:
    """Why the notes folder is not exactly a cut release (empty when it is)."""
    prepared = prepare(notes_dir, store=False)
    lock, version = prepared.lock, prepared.deck.config.version
    if lock is None:
        message = "no deck.lock.json: nothing has been released yet (run `deckgen release`)"
        return [error(prepared.lock_loc(), "DG065", message)]
    problems: list[Diagnostic] = []
    plan = prepared.plan(lock.released)
    if plan.changes.any:
        message = (
            f"the notes differ from release {lock.version}"
            f" ({changelog.counts_line(plan.changes, plan).rstrip('.')}):"
            " run `deckgen diff`, then `deckgen release`"
        )
        problems.append(error(prepared.lock_loc(), "DG066", message))
    if version != lock.version:
        message = f"version {version} is not the released {lock.version} of deck.lock.json"
        problems.append(error(prepared.version_loc(), "DG067", message))
    changes_file = changelog.changelog_path(out_dir)
    try:
        text = changelog.read_changelog(out_dir)
    except DeckgenError as exc:
        return [*problems, *exc.diagnostics]
    found = changelog.find_section(text, lock.version)
    if found is None:
        message = f"no section for {lock.version}: `deckgen release` writes it"
        problems.append(error(SourceLoc(changes_file.as_posix(), 1), "DG068", message))
    elif lock.release_notes is not None and found != lock.release_notes:
        line = text.count("\n", 0, text.index(found.rstrip("\n"))) + 1
        message = (
            f"the section of {lock.version} is not the release notes its deck shows learners"
            " (kept in deck.lock.json), and the GitHub Release would say otherwise: put it"
            " back as `deckgen release` wrote it"
        )
        problems.append(error(SourceLoc(changes_file.as_posix(), line), "DG076", message))
    if tag is not None and tag != f"v{version}":
        message = f"tag {tag!r} does not match version {version}: expected tag v{version}"
        problems.append(error(prepared.version_loc(), "DG069", message))
    return problems
