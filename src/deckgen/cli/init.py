"""`deckgen init`: start a deck project of your own, or give a notes folder its deck.toml."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from deckgen.cli.output import fail
from deckgen.errors import DeckgenError

if TYPE_CHECKING:
    from deckgen.scaffold.project import NewDeck
    from deckgen.scaffold.source import Source


@click.command(short_help="Start a deck project: notes, README, CI workflows.")
@click.argument(
    "folder", default=".", required=False, type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--name", help="The deck's name  [default: from the folder's name]")
@click.option(
    "--deckgen-source",
    metavar="REQUIREMENT",
    help="What the workflows install as deckgen, as pip takes it, e.g."
    " 'deckgen @ git+https://github.com/OWNER/deckgen@COMMIT'  [default: this deckgen, when"
    " it came from a git repository; else deckgen's repository, unpinned]",
)
@click.option(
    "--notes-only",
    is_flag=True,
    help="FOLDER is a notes folder: write FOLDER/deck.toml alone.",
)
@click.option(
    "-y", "--yes", is_flag=True, help="Write deck.toml into a notes folder found without asking."
)
def init(
    folder: Path, name: str | None, deckgen_source: str | None, notes_only: bool, yes: bool
) -> None:
    """Start a deck project in FOLDER (default: the current folder), which must be empty
    (a .git in it is fine): notes/deck.toml with a fresh deck id, notes/examples.md with
    one card of each kind, a README, a .gitignore, and two GitHub workflows: one checks
    every pull request, the other publishes the release of every v* tag.

    FOLDER holding notes but no deck.toml (in FOLDER/notes/ or FOLDER itself) is an
    existing notes folder: init offers to write its deck.toml alone (--yes: without
    asking; --notes-only: FOLDER is that notes folder).
    """
    from deckgen.scaffold.project import (
        BadValue,
        NewDeck,
        default_name,
        notes_without_deck,
        write_deck_toml,
        write_project,
    )
    from deckgen.scaffold.source import Source, repository, running_source

    source = Source(deckgen_source, pinned=True) if deckgen_source else running_source()
    notes = folder if notes_only else notes_without_deck(folder)
    try:
        deck = NewDeck.named(
            name if name is not None else default_name(notes or folder),
            source.requirement,
            repository(),
        )
    except BadValue as err:
        raise click.BadParameter(str(err), param_hint=f"--{err.what.replace('_', '-')}") from None
    try:
        if notes is not None:
            if not notes_only and not yes:
                click.confirm(
                    f"{notes.as_posix()} holds notes but no deck.toml:"
                    f" write {(notes / 'deck.toml').as_posix()} alone?",
                    default=True,
                    abort=True,
                )
            written = write_deck_toml(notes, deck)
            click.echo(f"Wrote {written.as_posix()}: {_deck_line(deck)}.")
            click.echo(f"Next: deckgen check {notes.as_posix()}")
            return
        write_project(folder, deck)
    except DeckgenError as exc:
        fail(exc)
        return
    _report(folder, deck, source)


def _deck_line(deck: NewDeck) -> str:
    return f'the deck "{deck.name}" (slug {deck.slug}, id {deck.deck_id})'


def _report(folder: Path, deck: NewDeck, source: Source) -> None:
    from deckgen.scaffold.project import PROJECT_FILES

    here = folder == Path()
    click.echo(f"Created {_deck_line(deck)} in {'this folder' if here else folder.as_posix()}:")
    width = max(len((folder / path).as_posix()) for path in PROJECT_FILES)
    for path, (_, role) in PROJECT_FILES.items():
        click.echo(f"  {(folder / path).as_posix():<{width}}  {role}")
    click.echo(f"The workflows install {source.requirement}.")
    if not source.pinned:
        click.echo(
            "Note: that is whatever deckgen's repository holds when they run (this deckgen"
            " was not installed from git): pin one with --deckgen-source, e.g. a commit."
        )
    click.echo("Next:")
    if not here:
        click.echo(f"  cd {folder.as_posix()}")
    click.echo("  deckgen check     # every card, and every mistake as path:line")
    click.echo("  deckgen build     # the deck, to import into Anki")
