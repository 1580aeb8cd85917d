"""Note types a notes folder declares: `notetypes/<slug>.toml`, each checked at its line,
then ids and names across them all (and deckgen's built-ins); and the skeleton that
`deckgen notetype new` prints.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from deckgen import ids
from deckgen.errors import Diagnostic, error
from deckgen.model import NoteType, SourceLoc, Template
from deckgen.notes.config import did_you_mean, key_line
from deckgen.notes.files import outside_error, read_text, resolves_outside
from deckgen.notes.notetypes import BUILTINS, FOLDER, SPECIAL_FIELDS, NoteTypes, template_fields

_KEYS = ("name", "id", "kind", "fields", "templates", "css", "css_file")
_TEMPLATE_KEYS = ("name", "front", "back")
_MAX_ID = 2**53  # JavaScript reads ids exactly below this


def load_note_types(notes_dir: Path) -> tuple[NoteTypes, list[Diagnostic]]:
    """`notes/notetypes/*.toml`, checked: each alone, then ids and names across them."""
    folder = notes_dir / FOLDER
    declared: list[NoteType] = []
    problems: list[Diagnostic] = []
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    for path in paths:
        shown = (notes_dir / FOLDER / path.name).as_posix()
        if resolves_outside(notes_dir, path):
            problems.append(outside_error(shown))
            continue
        text, unreadable = read_text(path, shown)
        problems += unreadable
        if text is None:
            continue
        note_type, found = parse_note_type(text, shown, path.parent)
        problems += found
        if note_type is not None:
            declared.append(note_type)
    problems += _clashes(declared)
    clashing = {d.loc for d in problems if d.code == "DG131"}
    return NoteTypes(tuple(t for t in declared if t.loc not in clashing)), problems


def _clashes(declared: Iterable[NoteType]) -> list[Diagnostic]:
    """Ids, names and slugs are each one note type's. A built-in's short name (`basic`) is
    taken only as written: Anki's own `Basic` or `Cloze` may be declared (an imported deck
    keeps them), and is chosen by its exact name."""
    problems: list[Diagnostic] = []
    taken: dict[object, NoteType] = {}
    for short, builtin in BUILTINS.items():
        short_name = ("short", short)
        taken.update({builtin.id: builtin, builtin.name.casefold(): builtin, short_name: builtin})
    for note_type in declared:
        assert note_type.loc is not None
        for key, what in (
            (note_type.id, f"id {note_type.id}"),
            (note_type.name.casefold(), f"name '{note_type.name}'"),
            (ids.slug(note_type.name), f"name '{note_type.name}'"),
            (("short", note_type.name), f"name '{note_type.name}'"),
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

    top = re.split(r"^[ \t]*\[", text, maxsplit=1, flags=re.MULTILINE)[0]  # before tables

    def loc(key: str) -> SourceLoc:
        return SourceLoc(shown, key_line(top, key))

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
    path, where = folder / css_file, loc("css_file")
    if resolves_outside(folder.parent, path):  # folder.parent: the notes folder
        message = f"'{css_file}' links to a file outside the notes folder; it is not read"
        return "", [error(where, "DG005", message)]
    text, unreadable = read_text(path, f"{where.path}: {css_file}")
    if text is None:
        reasons = "; ".join(d.message for d in unreadable)
        return "", [error(where, "DG130", f"cannot read '{css_file}': {reasons}")]
    return text, []


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
    starts = [m.start() for m in re.finditer(r"^[ \t]*\[\[\s*templates\s*\]\]", text, re.MULTILINE)]
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


def fresh_id(now: float, salt: int) -> int:
    """A new note type id as Anki makes them (milliseconds), set back by `salt` (< 10^6,
    random) so two authors' note types of the same minute do not share one."""
    return int(now * 1000) - salt


def skeleton(name: str, note_id: int) -> str:
    """A `notetypes/<slug>.toml` to start from: valid as it is (parse_note_type)."""
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f"""\
# A note type of this deck. Save as notes/{FOLDER}/{ids.slug(name)}.toml.
# Once released, its id, name and fields are frozen: Anki skips every update to a note
# whose note type's fields changed (a change of them needs a major release).
name = "{quoted}"
id = {note_id}
kind = "standard"      # or "cloze": the first field then holds {{{{c1::…}}}}
# The question fills the first field, the answer the second; `#### Field` headings in
# the answer fill the others. deckgen fills fields named Context and Source itself.
fields = ["Front", "Back", "Context", "Source"]
css = \"\"\"
.card {{ font-family: sans-serif; font-size: 20px; text-align: left; }}
\"\"\"

[[templates]]
name = "Card 1"
front = "<div class=context>{{{{Context}}}}</div>{{{{Front}}}}"
back = "{{{{FrontSide}}}}<hr id=answer>{{{{Back}}}}<div class=source>{{{{Source}}}}</div>"
"""
