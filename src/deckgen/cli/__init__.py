"""The `deckgen` command: parse arguments, call the core, print, map errors to exit codes.

The only subpackage that imports click. Commands are grouped by who runs them when:
init.py (init), importing.py (import), authoring.py (build, check, list, preview),
releasing.py (diff, release, changelog, verify), notetypes.py (notetype) and diagrams.py
(diagrams install, status).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from deckgen.cli import authoring, diagrams, importing, init, notetypes, releasing


class _Deckgen(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader stopped reading (`deckgen list | head -1`): it had what it wanted.
            # stdout now points nowhere, so the flush at exit cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """click's own --version, with the version looked up only when it is asked for."""
    if not value or ctx.resilient_parsing:
        return
    from deckgen import __version__

    click.echo(f"deckgen, version {__version__}")
    ctx.exit()


@click.group(cls=_Deckgen, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """deckgen turns structured Markdown notes into versioned Anki decks.

    A notes folder holds deck.toml and one Markdown file per sub-deck. Every H3,
    Q:/A: pair and {{c1::cloze}} becomes a note that keeps its identity across
    builds, so re-importing a new version updates notes and keeps review history.

    A deck of your own starts with `deckgen init`. Then `deckgen check` (what would
    be built, and every mistake as path:line), then `deckgen build`.
    `deckgen COMMAND --help` says more.
    """


for command in (
    init.init,
    authoring.build,
    authoring.check,
    authoring.list_cards,
    authoring.preview,
    releasing.diff,
    releasing.release,
    releasing.changelog,
    notetypes.notetype,
    releasing.verify,
    diagrams.diagrams,
    importing.import_package,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="deckgen")
