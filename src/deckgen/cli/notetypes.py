"""`deckgen notetype`: note types as data (notes/notetypes/<slug>.toml)."""

from __future__ import annotations

import time

import click


@click.group(short_help="Work with note types of your own.")
def notetype() -> None:
    """Note types of your own: notes/notetypes/<slug>.toml, chosen by a file's front
    matter (`notetype: <name>`) or by one card's `<!-- notetype: <name> -->`."""


@notetype.command(short_help="Print a new note type with a fresh id.")
@click.argument("name")
def new(name: str) -> None:
    """Print a new note type called NAME, with a fresh frozen id, to save as
    notes/notetypes/<slug>.toml and adapt (fields, templates, CSS)."""
    import secrets

    from deckgen.notes.notetype_files import fresh_id, skeleton

    if not name.strip() or "::" in name:
        raise click.BadParameter("a note type needs a name without '::'", param_hint="NAME")
    click.echo(skeleton(name.strip(), fresh_id(time.time(), secrets.randbelow(10**6))), nl=False)
