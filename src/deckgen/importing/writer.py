"""A file of the layout → the Markdown of its notes, each field converted (convert.py), and
where each note and field stands in it.

A standard note is the heading form: its first field the H3, its second the answer, the
others under `#### Field`. A cloze note is a cloze paragraph when its text is all it has
and stands as one paragraph whose numbers count from c1; else the heading form too. Every
note carries its id, its tags exactly (a topic's tag aside, which its H2 gives), and its
note type unless it is the file's (front matter) or deckgen's default.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from deckgen import ids
from deckgen.importing.convert import FieldConverter, FieldText, Role
from deckgen.importing.layout import FilePlan, NotePlan
from deckgen.importing.toml import string
from deckgen.model import SourceLoc
from deckgen.notes.cloze import check_cloze
from deckgen.notes.config import parse_tags
from deckgen.notes.notetypes import BASIC_FIELDS, CONTEXT, SOURCE

NOTE_SKIPPED = "DG615"
TAG_DROPPED = "DG616"
FIELD_FILLED = "DG618"
_TRAILING_HASHES = re.compile(r"(^|[ \t])(#+)([ \t]*)$")


@dataclass(frozen=True)
class WrittenField:
    note: NotePlan
    name: str
    line: int
    text: FieldText


@dataclass
class WrittenFile:
    plan: FilePlan
    text: str = ""
    fields: list[WrittenField] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)  # explicit id → line of its card
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, code, message)
    skipped: list[tuple[NotePlan, str]] = field(default_factory=list)  # and why


def _type_name(plan: NotePlan) -> str:
    """How a card names its note type: deckgen's by short name, a declared one by name."""
    return plan.builtin if plan.builtin is not None else plan.note_type.name


def _filled_by_deckgen(plan: NotePlan) -> frozenset[str]:
    return frozenset({CONTEXT, SOURCE} & set(plan.note_type.fields))


def _default_type(plan: FilePlan) -> str | None:
    """The file's note type for heading cards (front matter): its most common standard one,
    unless that is deckgen Basic, the default anyway."""
    kinds = Counter(_type_name(n) for n in plan.notes if not n.note_type.cloze)
    if not kinds:
        return None
    name, _ = kinds.most_common(1)[0]
    return None if name == "basic" else name


class FileWriter:
    def __init__(self, converter: FieldConverter, slug: str) -> None:
        self.converter = converter
        self.slug = slug
        self.told_filled: set[int] = set()  # note types whose Context/Source loss was said

    def write(self, plan: FilePlan) -> WrittenFile:
        out = WrittenFile(plan)
        lines: list[str] = []
        default = _default_type(plan)
        front = []
        if _needs_front_matter_deck(plan.deck):
            front.append(f"deck: {string(plan.deck)}")
        if default is not None:
            front.append(f"notetype: {string(default)}")
        if front:
            lines += ["---", *front, "---"]
        lines += [f"# {plan.deck}", ""]
        topics: dict[str | None, list[NotePlan]] = {None: []}
        for note in plan.notes:
            topics.setdefault(note.topic, []).append(note)
        for topic, notes in topics.items():
            if topic is not None:
                lines += [f"## {topic}", ""]
            for note in notes:
                self._note(note, default, lines, out)
        out.text = "\n".join(lines).rstrip("\n") + "\n"
        return out

    def _note(
        self, note: NotePlan, default: str | None, lines: list[str], out: WrittenFile
    ) -> None:
        plan, names = out.plan, note.note_type.fields
        skip = _filled_by_deckgen(note)
        values = {n: v for n, v in zip(names, note.note.fields, strict=False) if n not in skip}
        if note.builtin is None and note.note_type.id not in self.told_filled:
            lost = [
                n for n, v in zip(names, note.note.fields, strict=False) if n in skip and v.strip()
            ]
            if lost:  # said once per note type, at its first note that loses something
                self.told_filled.add(note.note_type.id)
                message = (
                    f"{lost[0]}: note type '{note.note_type.name}' has a field {lost[0]}, which"
                    " deckgen fills itself (with the breadcrumb or the file): its content is lost"
                )
                out.problems.append((len(lines) + 1, FIELD_FILLED, message))
        cloze = note.note_type.cloze
        first = self._convert(
            values.get(names[0], ""), Role.CLOZE if cloze else Role.QUESTION, plan
        )
        rest = {
            name: self._convert(value, Role.BLOCK, plan)
            for name, value in values.items()
            if name != names[0] and value.strip()
        }
        answer = names[1] if len(names) > 1 and names[1] not in skip else None
        why = _unwritable(note, first, rest, answer)
        if why is not None:
            out.skipped.append((note, why))
            return
        paragraph = cloze and first.paragraph and not rest and not check_cloze(first.text, "", 1)
        kind = _type_name(note)
        comments = [f"<!-- id: {note.explicit_id} -->"]
        if kind != ("cloze" if paragraph else default or "basic"):
            comments.append(f"<!-- notetype: {kind} -->")
        tags, dropped = self._tags(note, plan)
        if dropped:
            message = f"tag {dropped[0]!r} cannot be written in the notes (spaces, quotes): dropped"
            out.problems.append((len(lines) + 1, TAG_DROPPED, message))
        if tags:
            comments.append(f"<!-- tags: {' '.join(tags)} -->")
        out.notes[note.explicit_id] = len(lines) + 1
        if paragraph:
            lines += comments
            self._field(note, names[0], first, lines, out)
            lines.append("")
            return
        heading = _heading_safe(first.text) if first.markdown else first.text
        self._field(note, names[0], first, [], out, line=len(lines) + 1)
        lines.append(f"### {heading}")
        lines += comments
        if answer is not None and answer in rest:
            self._field(note, answer, rest.pop(answer), lines, out)
        elif answer is not None and not rest and not cloze:
            lines += ["", f"#### {answer}"]  # said empty: a card of such a note type needs one
        for name, text in rest.items():
            lines += ["", f"#### {name}", ""]
            self._field(note, name, text, lines, out)
        lines.append("")

    def _convert(self, value: str, role: Role, plan: FilePlan) -> FieldText:
        return self.converter.convert(value, role, plan.path, plan.depth)

    def _field(
        self,
        note: NotePlan,
        name: str,
        text: FieldText,
        lines: list[str],
        out: WrittenFile,
        line: int | None = None,
    ) -> None:
        start = line if line is not None else len(lines) + 1
        out.fields.append(WrittenField(note, name, start, text))
        for code, message in text.problems:
            out.problems.append((start, code, f"{name}: {message}"))
        if line is None:
            lines += text.text.split("\n")

    def _tags(self, note: NotePlan, plan: FilePlan) -> tuple[list[str], list[str]]:
        """The note's tags but the one its topic gives; and those the notes cannot hold."""
        topic_tag = None
        if note.topic is not None:
            subdeck = "::".join(ids.slug(part) for part in (*plan.folders, plan.deck))
            topic_tag = ids.topic_tag(self.slug, subdeck, ids.slug(note.topic))
        kept: list[str] = []
        dropped: list[str] = []
        for tag in note.note.tags:
            if tag == topic_tag:
                continue
            ok, problems = parse_tags([tag], SourceLoc("", 1))
            (kept if ok and not problems and "-->" not in tag else dropped).append(tag)
        return kept, dropped


def _needs_front_matter_deck(name: str) -> bool:
    """Whether an H1 could not name the deck exactly (a closing `#` sequence)."""
    return name != name.strip() or bool(_TRAILING_HASHES.search(name))


def _heading_safe(text: str) -> str:
    """A heading's text whose last `#`s would be read as the heading's closing sequence."""
    return _TRAILING_HASHES.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", text)


def _unwritable(
    note: NotePlan, first: FieldText, rest: dict[str, FieldText], answer: str | None
) -> str | None:
    """Why the notes cannot hold this note, or None."""
    if not first.text.strip():
        return "its first field is empty"
    if note.note_type.cloze and "{{c" not in first.text:
        return "its cloze text has no {{c1::…}}"
    basic_form = note.note_type.fields == BASIC_FIELDS and not note.note_type.cloze
    if basic_form and answer not in rest:
        return f"its {answer or 'second field'} is empty, and a card of this note type needs one"
    if not note.note_type.cloze and len(note.note_type.fields) > 1 and answer is None and not rest:
        return "it has nothing but its first field, and a card of this note type needs more"
    return None
