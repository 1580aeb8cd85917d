"""Note types as data: deckgen's built-ins, and those a notes folder declares.

A card chooses its note type by name (front matter `notetype:` for a file's basic cards,
`<!-- notetype: … -->` for one card). Built-ins: `basic` (deckgen Basic), `reversed`
(deckgen Reversed: front→back and back→front), `type-in` (deckgen Type-in: the answer is
typed), all with the fields Front, Back, Context, Source; and `cloze` (deckgen Cloze:
Text, Extra, Context, Source). Their templates are here; their CSS comes with the package
(apkg/notetypes.py). A folder declares its own in `notetypes/<slug>.toml`:

    name = "Vocabulary"
    id = 1733000000000            # frozen: `deckgen notetype new` prints a fresh one
    kind = "standard"             # or "cloze"
    fields = ["Word", "Meaning", "Example", "Audio"]
    css = ".card { font-size: 22px; }"     # or css_file = "vocabulary.css", beside it
    [[templates]]
    name = "Recognition"
    front = "{{Word}}"
    back = "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}{{Audio}}"

Templates may only name fields the note type has (and Anki's special fields).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deckgen import ids
from deckgen.errors import Diagnostic, error
from deckgen.model import Card, CardKind, NoteType, SourceLoc, Template
from deckgen.notes.config import did_you_mean, key_line

FOLDER = "notetypes"
BASIC_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")
BASIC_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{Front}}</div>"""

BASIC_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Back}}</div>
<div class="source">{{Source}}</div>"""

CLOZE_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{cloze:Text}}</div>"""

CLOZE_BACK = """\
<div class="context">{{Context}}</div>
<div class="question">{{cloze:Text}}</div>
{{#Extra}}<hr id="answer"><div class="answer">{{Extra}}</div>{{/Extra}}
<div class="source">{{Source}}</div>"""


REVERSED_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{Back}}</div>"""

REVERSED_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="answer">{{Front}}</div>
<div class="source">{{Source}}</div>"""

TYPE_IN_FRONT = """\
<div class="context">{{Context}}</div>
<div class="question">{{Front}}</div>
<div class="type-in">{{type:Back}}</div>"""

TYPE_IN_BACK = """\
<div class="context">{{Context}}</div>
<div class="question">{{Front}}</div>
<hr id="answer">
<div class="type-in">{{type:Back}}</div>
<div class="answer">{{Back}}</div>
<div class="source">{{Source}}</div>"""

BASIC = NoteType(
    "deckgen Basic",
    ids.BASIC_MODEL_ID,
    BASIC_FIELDS,
    templates=(Template("Card 1", BASIC_FRONT, BASIC_BACK),),
)
CLOZE = NoteType(
    "deckgen Cloze",
    ids.CLOZE_MODEL_ID,
    CLOZE_FIELDS,
    cloze=True,
    templates=(Template("Cloze", CLOZE_FRONT, CLOZE_BACK),),
)
REVERSED = NoteType(
    "deckgen Reversed",
    ids.REVERSED_MODEL_ID,
    BASIC_FIELDS,
    templates=(
        Template("Front to back", BASIC_FRONT, BASIC_BACK),
        Template("Back to front", REVERSED_FRONT, REVERSED_BACK),
    ),
)
TYPE_IN = NoteType(
    "deckgen Type-in",
    ids.TYPE_IN_MODEL_ID,
    BASIC_FIELDS,
    templates=(Template("Type the answer", TYPE_IN_FRONT, TYPE_IN_BACK),),
)
BUILTINS = {"basic": BASIC, "reversed": REVERSED, "type-in": TYPE_IN, "cloze": CLOZE}
# Fields deckgen fills itself when a note type has them: the breadcrumb and the file.
CONTEXT, SOURCE = "Context", "Source"
# What a template may name besides fields (Anki's special fields).
SPECIAL_FIELDS = frozenset({"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag"})

_TEMPLATE_TAG = re.compile(r"\{\{\s*([#^/]?)\s*([^{}]*?)\s*\}\}")
_KEYS = ("name", "id", "kind", "fields", "templates", "css", "css_file")
_TEMPLATE_KEYS = ("name", "front", "back")
_MAX_ID = 2**53  # JavaScript reads ids exactly below this


@dataclass(frozen=True)
class NoteTypes:
    """Every note type a notes folder can use, by name (and by slug for declared ones)."""

    declared: tuple[NoteType, ...] = ()

    def find(self, name: str) -> NoteType | None:
        key = name.strip()
        if key in BUILTINS:
            return BUILTINS[key]
        for note_type in (*BUILTINS.values(), *self.declared):
            if key in (note_type.name, ids.slug(note_type.name)):
                return note_type
        return None

    def named(self, name: str) -> NoteType:
        """The note type a card was given (its name as the parser resolved it)."""
        found = self.find(name)
        if found is None:
            raise KeyError(name)
        return found

    def names(self) -> tuple[str, ...]:
        return (*BUILTINS, *(t.name for t in self.declared))

    def unknown(self, name: str, loc: SourceLoc) -> Diagnostic:
        message = f"unknown note type '{name}'{did_you_mean(name, self.names(), 'note types')}"
        return error(loc, "DG132", message)


def default_note_type(cloze: bool) -> NoteType:
    return CLOZE if cloze else BASIC


def note_type_of(card: Card, note_types: NoteTypes) -> NoteType:
    """The note type a parsed card has (its name was resolved when it was parsed)."""
    if not card.note_type:
        return default_note_type(card.kind is CardKind.CLOZE)
    return note_types.named(card.note_type)


def card_count(note_type: NoteType, filled: Iterable[str], cloze_numbers: int) -> int:
    """How many cards Anki makes of a note: one per cloze number for a cloze note type,
    else one per template whose front names a field that is `filled`."""
    if note_type.cloze:
        return cloze_numbers
    names = set(filled)
    return sum(1 for t in note_type.templates if names & set(template_fields(t.front)))


def filled_fields(card: Card, note_type: NoteType) -> set[str]:
    """The fields a card gives content to (CONTEXT and SOURCE deckgen fills itself)."""
    filled = {note_type.fields[0], *(section.name for section in card.sections)}
    if card.answer and len(note_type.fields) > 1:
        filled.add(note_type.fields[1])
    return filled | ({CONTEXT, SOURCE} & set(note_type.fields))


def template_fields(template: str) -> Iterator[str]:
    """The field names a template's `{{…}}` tags name (`{{#F}}`, `{{type:F}}`, `{{F}}` …)."""
    for match in _TEMPLATE_TAG.finditer(template):
        name = match.group(2).rsplit(":", 1)[-1].strip()
        if name and name != "!":  # `{{!comment}}` names nothing
            yield name


# --- declared note types ---------------------------------------------------------------------


def load_note_types(notes_dir: Path) -> tuple[NoteTypes, list[Diagnostic]]:
    """`notes/notetypes/*.toml`, checked: each alone, then ids and names across them."""
    folder = notes_dir / FOLDER
    declared: list[NoteType] = []
    problems: list[Diagnostic] = []
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in paths:
        shown = (notes_dir / FOLDER / path.name).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(error(SourceLoc(shown, 1), "DG130", f"cannot read note type: {exc}"))
            continue
        note_type, found = parse_note_type(text, shown, path.parent)
        problems += found
        if note_type is not None:
            declared.append(note_type)
    problems += _clashes(declared)
    clashing = {d.loc for d in problems if d.code == "DG131"}
    return NoteTypes(tuple(t for t in declared if t.loc not in clashing)), problems


def _clashes(declared: Iterable[NoteType]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    taken: dict[object, NoteType] = {}
    for short, builtin in BUILTINS.items():
        taken.update({builtin.id: builtin, builtin.name.casefold(): builtin, short: builtin})
    for note_type in declared:
        assert note_type.loc is not None
        for key, what in (
            (note_type.id, f"id {note_type.id}"),
            (note_type.name.casefold(), f"name '{note_type.name}'"),
            (ids.slug(note_type.name), f"name '{note_type.name}'"),
        ):
            first = taken.setdefault(key, note_type)
            if first is not note_type:
                where = f" (first at {first.loc})" if first.loc else " (a deckgen built-in)"
                message = f"note type {what} is taken{where}: each needs its own"
                problems.append(error(note_type.loc, "DG131", message))
                break
    return problems


def parse_note_type(
    text: str, shown: str, folder: Path
) -> tuple[NoteType | None, list[Diagnostic]]:
    """One `notetypes/<slug>.toml` → its NoteType, or None and what is wrong, at its line."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        return None, [error(SourceLoc(shown, 1), "DG130", f"invalid note type TOML: {exc}")]

    def loc(key: str) -> SourceLoc:
        return SourceLoc(shown, key_line(text, key))

    problems = [
        error(loc(key), "DG130", f"unknown key '{key}'{did_you_mean(key, _KEYS)}")
        for key in data
        if key not in _KEYS
    ]
    name, note_id, kind = data.get("name"), data.get("id"), data.get("kind", "standard")
    fields = data.get("fields")
    if not isinstance(name, str) or not name.strip() or "::" in name:
        problems.append(error(loc("name"), "DG130", "'name' must be a non-empty string"))
    if not isinstance(note_id, int) or isinstance(note_id, bool) or not 0 < note_id < _MAX_ID:
        message = "'id' must be a whole number below 2^53: `deckgen notetype new` prints one"
        problems.append(error(loc("id"), "DG130", message))
    if kind not in ("standard", "cloze"):
        problems.append(error(loc("kind"), "DG130", '\'kind\' must be "standard" or "cloze"'))
    if not _field_list(fields):
        message = "'fields' must be a list of distinct, non-empty field names"
        problems.append(error(loc("fields"), "DG130", message))
    css, css_problems = _css(data, loc, folder)
    problems += css_problems
    if problems:
        return None, problems
    assert isinstance(name, str) and isinstance(note_id, int) and isinstance(fields, list)
    templates, template_problems = _templates(data.get("templates"), tuple(fields), text, shown)
    if template_problems:
        return None, template_problems
    declared = NoteType(
        name.strip(), note_id, tuple(fields), kind == "cloze", templates, css, SourceLoc(shown, 1)
    )
    return declared, []


def _field_list(fields: object) -> bool:
    if not isinstance(fields, list) or not fields:
        return False
    names = [
        f for f in fields if isinstance(f, str) and f.strip() and "{" not in f and ":" not in f
    ]
    return len(names) == len(fields) and len({n.casefold() for n in names}) == len(names)


def _css(data: dict[str, Any], loc: Any, folder: Path) -> tuple[str, list[Diagnostic]]:
    css, css_file = data.get("css"), data.get("css_file")
    if css is not None and css_file is not None:
        return "", [error(loc("css_file"), "DG130", "give 'css' or 'css_file', not both")]
    if css_file is None:
        if css is not None and not isinstance(css, str):
            return "", [error(loc("css"), "DG130", "'css' must be a string of CSS")]
        return css or "", []
    if not isinstance(css_file, str) or "/" in css_file or "\\" in css_file:
        message = "'css_file' must name a file beside the note type's TOML"
        return "", [error(loc("css_file"), "DG130", message)]
    try:
        return (folder / css_file).read_text(encoding="utf-8"), []
    except (OSError, UnicodeDecodeError) as exc:
        return "", [error(loc("css_file"), "DG130", f"cannot read '{css_file}': {exc}")]


def _templates(
    value: object, fields: tuple[str, ...], text: str, shown: str
) -> tuple[tuple[Template, ...], list[Diagnostic]]:
    """The `[[templates]]` tables, each naming only fields the note type has."""
    where = SourceLoc(shown, key_line(text, "templates"))
    if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
        message = "'templates' must be one or more [[templates]] tables (name, front, back)"
        return (), [error(where, "DG130", message)]
    templates: list[Template] = []
    problems: list[Diagnostic] = []
    known = set(fields) | SPECIAL_FIELDS
    starts = [m.start() for m in re.finditer(r"^\s*\[\[\s*templates\s*\]\]", text, re.MULTILINE)]
    for index, table in enumerate(value):
        line = text.count("\n", 0, starts[index]) + 1 if index < len(starts) else where.line
        here = SourceLoc(shown, line)
        strings = [table.get(key) for key in _TEMPLATE_KEYS]
        if not all(isinstance(s, str) and s.strip() for s in strings):
            message = "each template needs 'name', 'front' and 'back' as non-empty strings"
            problems.append(error(here, "DG130", message))
            continue
        name, front, back = (str(s) for s in strings)
        for side, template in (("front", front), ("back", back)):
            for field_name in template_fields(template):
                if field_name not in known or (side == "front" and field_name == "FrontSide"):
                    message = (
                        f"template '{name}' {side} names '{{{{{field_name}}}}}', which is not a"
                        f" field of this note type{did_you_mean(field_name, fields, 'fields')}"
                    )
                    problems.append(error(here, "DG133", message))
        templates.append(Template(name, front, back))
    return tuple(templates), problems
