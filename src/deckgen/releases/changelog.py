"""decks/CHANGELOG.md: one section per release, newest first, written for learners."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from deckgen.apkg.package import IMPORT_ADVICE, MERGE_ADVICE
from deckgen.cards.fields import render_block
from deckgen.errors import DeckgenError, error, plural
from deckgen.model import ShippedNote, SourceLoc
from deckgen.notes.cloze import cloze_shown
from deckgen.notes.notetypes import CONTEXT, SOURCE
from deckgen.releases.diff import changed_fields
from deckgen.releases.lock import merge_conflict_line
from deckgen.releases.plan import Changes, Plan, subdeck_of
from deckgen.times import utc_date

CHANGELOG = "CHANGELOG.md"
TITLE = "# Changelog\n"
_WHITESPACE = re.compile(r"\s+")


# deck.toml's keys whose change learners see; the others (id, slug, keep_removed) are the
# author's and are left out of what learners read (`deckgen diff` lists every one)
_SEEN_BY_LEARNERS = {
    "name": "- The deck has a new name.",
    "description": "- The deck's description changed.",
}


def changelog_path(out_dir: Path) -> Path:
    return out_dir / CHANGELOG


# A Markdown image: in a deck's description it would name a file the package stores
# under another name, so it is given by its alt text
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


def question_line(note: ShippedNote) -> str:
    """A note as learners know it: a cloze with its deletions shown, not its markers, and
    an image as its alt text."""
    question = _IMAGE.sub(lambda image: image.group(1), cloze_shown(note.question))
    question = _WHITESPACE.sub(" ", question).strip()
    return f"- {subdeck_of(note)}: {question}"


def _list(title: str, notes: Iterable[ShippedNote]) -> list[str]:
    lines = sorted(question_line(note) for note in notes)
    return [f"### {title}", "", *lines, ""] if lines else []


def counts_line(changes: Changes, plan: Plan, changed: int | None = None) -> str:
    """The release's counts; `changed` in place of the count of changed notes (the
    changelog leaves out those changed only in their small print)."""
    total = f"{plural(len(plan.notes), 'note')} in all"
    if changes.first_release:
        return f"{total}."
    counts = (
        f"{len(changes.added)} added,"
        f" {len(changes.changed) if changed is None else changed} changed,"
        f" {len(changes.removed)} removed"
    )
    return f"{counts}; {total}."


def _small_print_only(old: ShippedNote, new: ShippedNote, plan: Plan) -> bool:
    """Whether learners see a note's change only in its small print, the fields deckgen
    writes itself: the breadcrumb above the question (Context) or the source line under the
    answer (Source), as when a topic is renamed or the deck links its cards to a repository."""
    note_type = plan.anki_note_types.get(new.note_type)
    if note_type is None or (old.note_type, old.deck, old.tags) != (
        new.note_type,
        new.deck,
        new.tags,
    ):
        return False
    if len(old.fields) != len(new.fields) or len(new.fields) != len(note_type.fields):
        return False
    changed = changed_fields(old, new, note_type.fields)
    return all(name in (CONTEXT, SOURCE) for name, _, _ in changed)


def section(version: str, released: int, plan: Plan) -> str:
    """The section a release prepends: version, UTC date, counts and the questions. Notes
    changed only in their small print are counted apart, not listed one by one."""
    changes = plan.changes
    small_print: list[ShippedNote] = []
    changed: list[ShippedNote] = []
    for old, new in changes.changed:
        (small_print if _small_print_only(old, new, plan) else changed).append(new)
    summary = counts_line(changes, plan, changed=len(changed))
    if changes.first_release:
        summary = f"First release: {summary}"
    lines = [f"## {version} ({utc_date(released)})", "", summary, ""]
    if not changes.first_release:
        lines += _list("Added", changes.added)
        lines += _list("Changed", changed)
        lines += _list("Removed", changes.removed)
    other = [f"- The note type {name} changed its look." for name in changes.note_types]
    if small_print:
        other.append(
            f"- {plural(len(small_print), 'more note')} changed only in the small print: the"
            " line above the question or the source under the answer."
        )
    other += [_SEEN_BY_LEARNERS[key] for key in changes.settings if key in _SEEN_BY_LEARNERS]
    if other:
        lines += ["### Other", "", *other, ""]
    if changes.needs_merge:
        lines += [MERGE_ADVICE, ""]
    moved = [(old, new) for old, new in changes.changed if old.deck != new.deck]
    if moved:
        lines += [
            f"{plural(len(moved), 'note')} moved to another sub-deck. Anki keeps the cards you"
            " already have where they are; to move them too, select them in the Browser and"
            " choose *Cards › Change Deck*.",
            "",
        ]
    if changes.removed:
        tag = f"{plan.deck.config.slug}::removed"
        lines += [
            f"Removed notes arrive once more, tagged `{tag}` and marked as removed. To delete"
            f" them, open the Browser, search `tag:{tag}`, select all and delete.",
            "",
        ]
    lines += [IMPORT_ADVICE, ""]
    return "\n".join(lines)


_HEADING = re.compile(r"^## (\S+) \((\d{4}-\d{2}-\d{2})\)\n+")


def release_notes_html(section: str) -> str:
    """A release's section as its deck shows it (the root deck's description): the same
    text, as HTML, introduced by what it is. The import advice it ends with, and the advice
    to merge note types, are left out: the description gives both before it already
    (apkg.package.root_description, Plan.notices); card text in it is cleaned like any note's."""
    heading = _HEADING.match(section)
    body = section[heading.end() :] if heading else section
    body = body.rstrip("\n").removesuffix(IMPORT_ADVICE).rstrip("\n")
    body = "\n".join(line for line in body.split("\n") if line != MERGE_ADVICE)
    title = f"What changed in {heading.group(1)} ({heading.group(2)})" if heading else ""
    rendered = render_block(body)
    return f"<b>{title}</b>\n{rendered}" if title else rendered


def with_section(existing: str, version: str, new_section: str) -> str:
    """The changelog with `new_section` first below the title, in place of an earlier
    section of the same version (a release that is run again after a failure)."""
    old = find_section(existing, version)
    body = existing.removeprefix(TITLE).lstrip("\n")
    if old is not None:
        start = body.index(old.rstrip("\n"))
        body = (body[:start] + body[start + len(old.rstrip("\n")) :]).lstrip("\n")
    return f"{TITLE}\n{new_section}" + (f"\n{body}" if body else "")


def find_section(text: str, version: str) -> str | None:
    """The section of `version`, heading included, without the blank lines around it."""
    heading = re.compile(rf"^## {re.escape(version)}(?: |$)", re.MULTILINE)
    match = heading.search(text)
    if match is None:
        return None
    following = re.compile(r"^## ", re.MULTILINE).search(text, match.end())
    end = following.start() if following else len(text)
    return text[match.start() : end].strip("\n") + "\n"


def read_changelog(out_dir: Path) -> str:
    """OUT/CHANGELOG.md ('' when there is none yet), or DeckgenError (DG074) when it cannot
    be read as UTF-8 or holds merge-conflict markers: a release must not build on it."""
    path = changelog_path(out_dir)
    shown = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    except UnicodeDecodeError as exc:
        message = f"{CHANGELOG} is not UTF-8 (byte offset {exc.start}): save it as UTF-8"
        raise DeckgenError([error(SourceLoc(shown, 1), "DG074", message)]) from None
    except OSError as exc:
        message = f"cannot read {CHANGELOG}: {exc.strerror}"
        raise DeckgenError([error(SourceLoc(shown, 1), "DG074", message)]) from None
    line = merge_conflict_line(text)
    if line is not None:
        message = f"{CHANGELOG} has merge-conflict markers: keep both sides' sections, unmarked"
        raise DeckgenError([error(SourceLoc(shown, line), "DG074", message)])
    return text
