"""decks/CHANGELOG.md: one section per release, newest first, written for learners."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path

from deckgen.atomic import atomic_path
from deckgen.errors import plural
from deckgen.model import ShippedNote
from deckgen.releases.plan import Changes, Plan, subdeck_of

CHANGELOG = "CHANGELOG.md"
TITLE = "# Changelog\n"
_WHITESPACE = re.compile(r"\s+")


def changelog_path(out_dir: Path) -> Path:
    return out_dir / CHANGELOG


def utc_date(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def question_line(note: ShippedNote) -> str:
    question = _WHITESPACE.sub(" ", note.question).strip()
    return f"- {subdeck_of(note)}: {question}"


def _list(title: str, notes: Iterable[ShippedNote]) -> list[str]:
    lines = sorted(question_line(note) for note in notes)
    return [f"### {title}", "", *lines, ""] if lines else []


def counts_line(changes: Changes, plan: Plan) -> str:
    total = f"{plural(len(plan.notes), 'note')} in all"
    if changes.first_release:
        return f"{total}."
    counts = (
        f"{len(changes.added)} added, {len(changes.changed)} changed,"
        f" {len(changes.removed)} removed"
    )
    return f"{counts}; {total}."


def section(version: str, released: int, plan: Plan) -> str:
    """The section a release prepends: version, UTC date, counts and the questions."""
    changes = plan.changes
    summary = counts_line(changes, plan)
    if changes.first_release:
        summary = f"First release: {summary}"
    lines = [f"## {version} ({utc_date(released)})", "", summary, ""]
    if not changes.first_release:
        lines += _list("Added", changes.added)
        lines += _list("Changed", (new for _, new in changes.changed))
        lines += _list("Removed", changes.removed)
    other = [f"- The note type {name} changed its look." for name in changes.note_types]
    other += [f"- deck.toml: {key} changed." for key in changes.settings]
    if other:
        lines += ["### Other", "", *other, ""]
    if changes.removed:
        tag = f"{plan.deck.config.slug}::removed"
        lines += [
            f"Removed notes arrive once more, tagged `{tag}` and marked as removed. To delete"
            f" them, open the Browser, search `tag:{tag}`, select all and delete.",
            "",
        ]
    return "\n".join(lines)


def prepend(existing: str, new_section: str) -> str:
    """The changelog with `new_section` first, below the title."""
    body = existing.removeprefix(TITLE).lstrip("\n")
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


def write_section(out_dir: Path, new_section: str) -> Path:
    path = changelog_path(out_dir)
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    with atomic_path(path) as temp:
        temp.write_text(prepend(existing, new_section), encoding="utf-8")
    return path
