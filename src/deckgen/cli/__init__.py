"""The `deckgen` command: parse arguments, call the core, print, map errors to exit codes.

The only subpackage that imports click. Commands are grouped by who runs them when:
authoring.py (build, check, list, preview) and releasing.py (diff, release, changelog).
"""

from __future__ import annotations

import click

from deckgen import __version__
from deckgen.cli import authoring, releasing


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="deckgen")
def cli() -> None:
    """deckgen turns structured Markdown notes into versioned Anki decks.

    A notes folder holds deck.toml and one Markdown file per sub-deck. Every H3,
    Q:/A: pair and {{c1::cloze}} becomes a note that keeps its identity across
    builds, so re-importing a new version updates notes and keeps review history.

    Start with `deckgen check` (what would be built, and every mistake as
    path:line), then `deckgen build`. `deckgen COMMAND --help` says more.
    """


for command in (
    authoring.build,
    authoring.check,
    authoring.list_cards,
    authoring.preview,
    releasing.diff,
    releasing.release,
    releasing.changelog,
):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="deckgen")
