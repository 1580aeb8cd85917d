"""`deckgen diff`: what changed since the last release, in words an author can act on."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from deckgen import ids
from deckgen.cards.render import source_of as source_field_of
from deckgen.errors import plural
from deckgen.model import ShippedNote
from deckgen.notes.notetypes import SOURCE
from deckgen.releases.lock import Lock
from deckgen.releases.plan import Changes, Plan, subdeck_of
from deckgen.times import utc_date

_TAG = re.compile(r"<[^>]*>")
_WHITESPACE = re.compile(r"\s+")
_CONTEXT_WORDS = 3
_MAX_LINE = 110
REWORDING_SIMILARITY = 0.6


def plain_words(field: str) -> list[str]:
    """A rendered field as the words a learner reads."""
    return html.unescape(_TAG.sub(" ", field)).split()


def word_diff(old: str, new: str, *, full: bool = False) -> str:
    """`…two-minute [-warning-]{+notice+}.` with a few words of context, cut to one line;
    with `full`, every word of the field, nothing cut."""
    pieces = diff_pieces(old, new, full=full)
    if pieces is None:
        return "formatting only"
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    line = " ".join(marks[kind].format(words) for kind, words in pieces)
    return line if full or len(line) <= _MAX_LINE else line[: _MAX_LINE - 1] + "…"


def diff_pieces(old: str, new: str, *, full: bool = False) -> list[tuple[str, str]] | None:
    """Two rendered fields as the words a learner reads, diffed: ("equal", "a few … words"),
    ("delete", "words"), ("insert", "words") in order, unchanged words cut to a few around
    each edit (with `full`, all of them); None when only the formatting differs."""
    a, b = plain_words(old), plain_words(new)
    if a == b:
        return None
    pieces: list[tuple[str, str]] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            first, last = index == 0, index == len(opcodes) - 1
            words = a[i1:i2]
            kept = " ".join(words) if full else _context(words, first=first, last=last)
            if kept:
                pieces.append(("equal", kept))
            continue
        if i2 > i1:
            pieces.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("insert", " ".join(b[j1:j2])))
    return pieces


def _context(words: list[str], *, first: bool, last: bool) -> str:
    if len(words) <= 2 * _CONTEXT_WORDS:
        return " ".join(words)
    head = [] if first else words[:_CONTEXT_WORDS]
    tail = [] if last else words[-_CONTEXT_WORDS:]
    return " ".join([*head, "…", *tail])


def _id_of(note: ShippedNote) -> str | None:
    return note.key.removeprefix("id:") if note.key.startswith("id:") else None


def changed_fields(
    old: ShippedNote,
    new: ShippedNote,
    names: tuple[str, ...],
    old_names: tuple[str, ...] | None = None,
) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field whose HTML changed, by name: the note's
    fields are `names` now and were `old_names` (when its note type changed its fields;
    a field it gained was empty before, one it lost is empty now)."""
    before = dict(zip(old_names or names, old.fields, strict=True))
    after = dict(zip(names, new.fields, strict=True))
    every = dict.fromkeys([*after, *before])
    return [
        (name, before.get(name, ""), after.get(name, ""))
        for name in every
        if before.get(name, "") != after.get(name, "")
    ]


def note_changes(
    old: ShippedNote,
    new: ShippedNote,
    names: tuple[str, ...],
    *,
    full: bool = False,
    old_names: tuple[str, ...] | None = None,
) -> Iterator[str]:
    """One line per thing that changed in a note: fields (named `names`, and `old_names`
    when they changed; with `full`, whole), tags, deck, note type, id."""
    if old.note_type != new.note_type:
        yield f"note type: {old.note_type} → {new.note_type}"
    else:
        for name, before, after in changed_fields(old, new, names, old_names):
            yield f"{name}: {word_diff(before, after, full=full)}"
    gained = [tag for tag in new.tags if tag not in old.tags]
    lost = [tag for tag in old.tags if tag not in new.tags]
    if gained or lost:
        yield "tags: " + " ".join([*(f"+{t}" for t in gained), *(f"-{t}" for t in lost)])
    if old.deck != new.deck:
        yield f"deck: {old.deck} → {new.deck}"
    if old.key != new.key:
        yield f"id: {_id_of(old) or '(none)'} → {_id_of(new) or '(none)'}"


@dataclass(frozen=True)
class Rewording:
    old: ShippedNote
    new: ShippedNote
    cloze: bool = False  # the new note is a cloze: its id goes before it

    def advice(self) -> str:
        old_id = _id_of(self.old)
        wanted = old_id or ids.claim_id(subdeck_of(self.old), self.old.question)
        where = "right before the cloze" if self.cloze else "under it"
        how = "put back its id" if old_id else "give the new question this id"
        return f"to keep its review history, {how} ({where}): <!-- id: {wanted} -->"


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(
        None, ids.normalise_question(a), ids.normalise_question(b), autojunk=False
    ).ratio()


MOVE_SIMILARITY = 0.9


def rewordings(changes: Changes, cloze_types: Collection[str] = ()) -> list[Rewording]:
    """A removed note beside an added one with a similar question: in the same sub-deck a
    rewording, in another one (a renamed sub-deck, a card moved to another file) a move."""
    found: list[Rewording] = []
    unmatched = list(changes.added)
    for old in sorted(changes.removed, key=lambda n: n.key):
        candidates = [
            (new.deck == old.deck, _similar(old.question, new.question), new)
            for new in unmatched
            if new.note_type == old.note_type
        ]
        likely = [
            (same_deck, score, new)
            for same_deck, score, new in candidates
            if score >= (REWORDING_SIMILARITY if same_deck else MOVE_SIMILARITY)
        ]
        best = max(likely, key=lambda c: (c[0], c[1]), default=None)
        if best is not None:
            unmatched.remove(best[2])
            found.append(Rewording(old, best[2], best[2].note_type in cloze_types))
    return found


def _one_line(note: ShippedNote) -> str:
    return f"{subdeck_of(note)}: {_WHITESPACE.sub(' ', note.question).strip()}"


def _where(plan: Plan, note: ShippedNote) -> str:
    loc = plan.locations.get(note.guid)
    return f"  ({loc})" if loc else ""


def report(plan: Plan, next_version: str, *, full: bool = False) -> str:
    """The whole `deckgen diff` text; with `full`, changed fields whole (no `…` cuts).

    Added and changed notes come in file and line order; removed ones by the file they
    were in (the lock keeps no line), then by question."""
    lock = plan.released  # the last release, its note types under their current names
    changes = plan.changes
    if lock is None:
        return (
            f"No release yet (no deck.lock.json): the first release ships"
            f" {plural(len(plan.notes), 'note')} as version {next_version}.\n"
        )
    since = f"{lock.version} (released {utc_date(lock.released)})"
    if not changes.any:
        return f"No changes since {since}.\n"
    lines = [f"Changes since {since}:"]
    lines += [f"  added    {_one_line(n)}{_where(plan, n)}" for n in in_place(plan, changes.added)]
    for old, new in sorted(changes.changed, key=lambda pair: plan.locations[pair[1].guid]):
        lines.append(f"  changed  {_one_line(new)}{_where(plan, new)}")
        names = plan.note_types[new.note_type].fields
        then = plan.released.fields_of(old) if plan.released else None
        changed = note_changes(old, new, names, full=full, old_names=then)
        lines += [f"             {line}" for line in changed]
    lines += [
        f"  removed  {_one_line(n)}  (was in {source_of(n, lock)})"
        for n in by_file(changes.removed, lock)
    ]
    lines += [f"  note type {name} changed (templates or styling)" for name in changes.note_types]
    lines += [
        f"  note type {name} changed its fields or templates: learners must tick *Merge note"
        " types* and update notes *Always*"
        for name in changes.note_type_shape
    ]
    lines += [f"  deck.toml {key} changed" for key in changes.settings]
    cloze_types = {name for name, kind in plan.anki_note_types.items() if kind.cloze}
    for pair in rewordings(changes, cloze_types):
        what = (
            "rewording"
            if pair.old.deck == pair.new.deck
            else (f"move ({subdeck_of(pair.old)} → {subdeck_of(pair.new)})")
        )
        lines += [
            f"Probable {what} at {plan.locations[pair.new.guid]}:",
            f"  {pair.old.question!r} → {pair.new.question!r}",
            f"  {pair.advice()}",
        ]
    level = changes.needed_bump().label
    lines.append(f"Next release: {next_version} ({level}: {bump_reason(changes)})")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class CardNotice:
    """A card a change touches, said where it is written (`deckgen diff --format github`)."""

    path: str
    line: int | None  # None for a removed card: its file only
    title: str
    message: str

    @property
    def where(self) -> dict[str, str | int | None]:
        return {"file": self.path, "line": self.line, "title": self.title}


def card_notices(plan: Plan, notes_dir: Path) -> list[CardNotice]:
    """A notice per added and changed card at its line, and per removed card at the file it
    was in: a pull request shows the cards it touches beside their Markdown."""
    lock = plan.released  # the last release, its note types under their current names
    if lock is None:
        return []
    changes = plan.changes
    found = []
    for note in in_place(plan, changes.added):
        loc = plan.locations[note.guid]
        found.append(CardNotice(loc.path, loc.line, "Added card", _one_line(note)))
    for old, new in sorted(changes.changed, key=lambda pair: plan.locations[pair[1].guid]):
        loc = plan.locations[new.guid]
        names = plan.note_types[new.note_type].fields
        lines = [_one_line(new), *note_changes(old, new, names, old_names=lock.fields_of(old))]
        found.append(CardNotice(loc.path, loc.line, "Changed card", "\n".join(lines)))
    for note in by_file(changes.removed, lock):
        path = (notes_dir / source_of(note, lock)).as_posix()
        found.append(CardNotice(path, None, "Removed card", _one_line(note)))
    return found


def in_place(plan: Plan, notes: Sequence[ShippedNote]) -> list[ShippedNote]:
    """Notes in the order they are written: by file, then line."""
    return sorted(notes, key=lambda n: plan.locations[n.guid])


def source_of(note: ShippedNote, lock: Lock | None) -> str:
    """The file a released note was in, as its Source field names it (with or without
    links), when its note type has one."""
    names = lock.fields_of(note) if lock is not None else ()
    if SOURCE not in names:
        return "?"
    return source_field_of(note.fields[names.index(SOURCE)]).file


def by_file(notes: Sequence[ShippedNote], lock: Lock | None) -> list[ShippedNote]:
    """Removed notes by the file they were in, then by question."""
    return sorted(notes, key=lambda n: (source_of(n, lock), n.question))


def bump_reason(changes: Changes) -> str:
    if changes.note_type_shape:
        return "a note type changed its fields or templates"
    if changes.switched:
        return f"{plural(len(changes.switched), 'note')} changed note type"
    if changes.added:
        return f"{plural(len(changes.added), 'note')} added"
    if changes.removed:
        return f"{plural(len(changes.removed), 'note')} removed"
    if changes.note_types:
        return "a note type changed its look"
    if changes.changed:
        return f"{plural(len(changes.changed), 'note')} changed"
    return "deck settings changed"
