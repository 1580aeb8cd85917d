"""`deckgen diff --format markdown`: what a pull request changes in the deck, in Markdown for
GitHub's job summary ($GITHUB_STEP_SUMMARY). The same facts as `deckgen diff`: the notes
added, changed (a word diff per field: ~~removed~~ **added**) and removed, the probable
rewordings with the id that keeps their history, and the version the next release needs.

Every piece of card text is escaped, so a note in a pull request cannot lay Markdown, HTML
or math over the summary: it reads as the words the learner reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from deckgen.model import ShippedNote
from deckgen.releases.changelog import counts_line
from deckgen.releases.diff import (
    bump_reason,
    by_file,
    changed_fields,
    diff_pieces,
    in_place,
    note_changes,
    rewordings,
    source_of,
)
from deckgen.releases.lock import Lock
from deckgen.releases.plan import Plan, subdeck_of
from deckgen.times import utc_date

# What could start Markdown, HTML, an entity or math inside a line of text.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&#!])")
_WHITESPACE = re.compile(r"\s+")


def md_text(text: str) -> str:
    """Text shown as written: one line, every character Markdown would read escaped."""
    return _SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())


def md_code(text: str) -> str:
    """A code span that holds `text` whatever backticks it has."""
    text = _WHITESPACE.sub(" ", text).strip()
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_word_diff(old: str, new: str, *, full: bool = False) -> str:
    pieces = diff_pieces(old, new, full=full)
    if pieces is None:
        return "formatting only"
    marks = {"equal": "{}", "delete": "~~{}~~", "insert": "**{}**"}
    return " ".join(marks[kind].format(md_text(words)) for kind, words in pieces)


def _note(note: ShippedNote, where: str) -> str:
    return f"- **{md_text(subdeck_of(note))}** · {md_text(note.question)} · {where}"


def _where(plan: Plan, note: ShippedNote) -> str:
    loc = plan.locations.get(note.guid)
    return md_code(str(loc)) if loc else ""


def _changed(plan: Plan, lock: Lock, full: bool) -> Iterator[str]:
    for old, new in sorted(plan.changes.changed, key=lambda pair: plan.locations[pair[1].guid]):
        yield _note(new, _where(plan, new))
        names, then = plan.note_types[new.note_type].fields, lock.fields_of(old)
        fields = {}
        if new.note_type == old.note_type:
            fields = {name: (a, b) for name, a, b in changed_fields(old, new, names, then)}
        for line in note_changes(old, new, names, full=full, old_names=then):
            name, _, rest = line.partition(": ")
            rest = md_word_diff(*fields[name], full=full) if name in fields else md_text(rest)
            yield f"  - {md_text(name)}: {rest}"


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"### {title}", "", *lines, ""] if lines else []


def markdown_report(
    plan: Plan, next_version: str, *, full: bool = False, note: str | None = None
) -> str:
    """The whole summary; with `full`, changed fields whole; `note` says why the release it
    compares with is not deck.lock.json, when it is not."""
    lock = plan.released  # the last release, its note types under their current names
    changes = plan.changes
    name = md_text(plan.deck.config.name)
    if lock is None:
        return (
            f"## {name}: no release yet\n\nNo deck.lock.json: the first release ships"
            f" {counts_line(changes, plan).removesuffix('.')} as version"
            f" **{md_text(next_version)}**.\n"
        )
    since = f"{md_text(lock.version)} (released {utc_date(lock.released)})"
    if not changes.any:
        return f"## {name}: no changes\n\nNothing changed since {since}.\n"
    level = changes.needed_bump().label
    lines = [
        f"## {name}: changes since {md_text(lock.version)}",
        "",
        *([f"> Note: {md_text(note)}.", ""] if note else []),
        f"Since {since}: {counts_line(changes, plan)}"
        f" **Next release: {md_text(next_version)}** ({level}: {md_text(bump_reason(changes))}).",
        "",
    ]
    lines += _section("Added", [_note(n, _where(plan, n)) for n in in_place(plan, changes.added)])
    lines += _section("Changed", list(_changed(plan, lock, full)))
    removed = [
        _note(n, f"was in {md_code(source_of(n, lock))}") for n in by_file(changes.removed, lock)
    ]
    lines += _section("Removed", removed)
    other = [f"- note type {md_text(n)} changed (templates or styling)" for n in changes.note_types]
    other += [
        f"- note type {md_text(n)} changed its fields or templates: learners must tick"
        " *Merge note types* and update notes *Always*"
        for n in changes.note_type_shape
    ]
    other += [f"- deck.toml {md_text(key)} changed" for key in changes.settings]
    lines += _section("Other", other)
    lines += _section("Probable rewordings", list(_rewordings(plan)))
    return "\n".join(lines).rstrip("\n") + "\n"


def _rewordings(plan: Plan) -> Iterator[str]:
    cloze_types = {name for name, kind in plan.anki_note_types.items() if kind.cloze}
    for pair in rewordings(plan.changes, cloze_types):
        where = md_code(str(plan.locations[pair.new.guid]))
        moved = pair.old.deck != pair.new.deck
        what = f"move ({subdeck_of(pair.old)} → {subdeck_of(pair.new)})" if moved else "rewording"
        advice, _, comment = pair.advice().partition(": <!--")
        yield (
            f"- {where} · {md_text(what)}: {md_text(pair.old.question)} →"
            f" {md_text(pair.new.question)}  \n"
            f"  {md_text(advice[0].upper() + advice[1:])}: {md_code('<!--' + comment)}"
        )
