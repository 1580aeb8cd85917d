"""What every command shares: the common arguments and options, and how problems are printed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from deckgen.errors import (
    DeckgenError,
    Diagnostic,
    Severity,
    has_errors,
    plural,
    sorted_diagnostics,
)

F = TypeVar("F", bound=Callable[..., Any])

NOTES_DIR = click.argument(
    "notes_dir", default="notes", required=False, type=click.Path(file_okay=False, path_type=Path)
)
STRICT = click.option(
    "--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors."
)


def print_diagnostics(diagnostics: Iterable[Diagnostic], *, show_info: bool = False) -> None:
    for diagnostic in sorted_diagnostics(diagnostics):
        if diagnostic.severity is Severity.INFO and not show_info:
            continue
        click.echo(str(diagnostic), err=diagnostic.severity is not Severity.INFO)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in items)
    warnings = sum(d.severity is Severity.WARNING for d in items)

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def failure_line(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    strict_note = "" if has_errors(items) else " (--strict: warnings fail the run)"
    return summary_line(items) + strict_note


def fail(exc: DeckgenError) -> None:
    print_diagnostics(exc.diagnostics)
    raise click.ClickException(failure_line(exc.diagnostics))


class Exit1(click.ClickException):
    exit_code = 1


def out_option(default: str, help_text: str) -> Callable[[F], F]:
    """The -o/--out folder option, the same on every command that writes."""
    return click.option(
        "-o",
        "--out",
        "out_dir",
        default=default,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


OUT_DIR = out_option("decks", "Folder of the .apkg, SHA256SUMS and CHANGELOG.md.")


def waiting(folder: Path) -> None:
    """Told when another deckgen command is writing a folder this one writes."""
    click.echo(f"Waiting for another deckgen command writing {folder.as_posix()} …", err=True)
