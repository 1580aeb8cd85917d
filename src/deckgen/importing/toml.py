"""deck.toml and `notetypes/<slug>.toml` of an imported deck, as text.

Templates and CSS are written as TOML literal strings (`'''…'''`, nothing escaped), so
they read as they are in Anki; a text a literal string cannot hold (`'''`, a carriage
return, a control character) is written as an escaped basic string instead.
"""

from __future__ import annotations

import json
import re

from deckgen.apkg.package import IMPORT_ADVICE
from deckgen.importing.source import SourceNoteType

_LITERAL_UNSAFE = re.compile(r"'''|[\x00-\x08\x0b-\x1f\x7f]|'$")


def string(text: str) -> str:
    """A one-line TOML basic string (JSON's escapes are TOML's, DEL aside)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def long_string(text: str) -> str:
    """A TOML string for a text of several lines, as readable as TOML allows."""
    if "\n" not in text or _LITERAL_UNSAFE.search(text):
        return string(text)
    return f"'''\n{text}'''"


def authored_description(description: str) -> str:
    """A deck's description without what a deckgen build adds to it (the version and the
    advice on importing, apkg/package.py), which the next build adds again."""
    parts = description.split("<br><br>")
    for index, part in enumerate(parts):
        if part.startswith("Version ") and IMPORT_ADVICE in part:
            return "<br><br>".join(parts[:index])
    return description


def deck_toml(name: str, slug: str, version: str, description: str, package: str) -> str:
    lines = [
        f"# Imported from {package} by deckgen import. Releases start from this version.",
        f"name = {string(name)}",
    ]
    if slug != _default_slug(name):
        lines.append(f"slug = {string(slug)}")
    lines.append(f"version = {string(version)}")
    description = authored_description(description).strip()
    if description:
        lines.append(f"description = {string(description)}")
    return "\n".join(lines) + "\n"


def _default_slug(name: str) -> str:
    from deckgen import ids

    return ids.slug(name)


def note_type_toml(note_type: SourceNoteType) -> str:
    """A note type as data, with the id, name, fields and templates learners' notes have."""
    fields = ", ".join(string(name) for name in note_type.fields)
    lines = [
        "# Imported with its Anki id, name, fields and template names: learners' notes keep it.",
        "# Frozen: Anki skips every update to a note whose note type's fields changed.",
        f"name = {string(note_type.name)}",
        f"id = {note_type.id}",
        f'kind = "{"cloze" if note_type.cloze else "standard"}"',
        f"fields = [{fields}]",
        f"css = {long_string(note_type.css)}",
    ]
    for template in note_type.templates:
        lines += [
            "",
            "[[templates]]",
            f"name = {string(template.name)}",
            f"front = {long_string(template.front)}",
            f"back = {long_string(template.back)}",
        ]
    return "\n".join(lines) + "\n"
