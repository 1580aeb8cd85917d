"""What every command shares: the common arguments and options, and how problems are printed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from deckgen.errors import (
    CODES,
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
    """Each diagnostic on a line, in file and line order: info on stdout, the rest on
    stderr, each run of lines bound for one stream written at once (a big deck's check
    prints thousands)."""
    shown = [
        d for d in sorted_diagnostics(diagnostics) if show_info or d.severity is not Severity.INFO
    ]
    for to_stderr, run in itertools.groupby(shown, lambda d: d.severity is not Severity.INFO):
        click.echo("\n".join(map(str, run)), err=to_stderr)


# GitHub Actions' workflow commands: `::error file=…,line=…,title=…::message` on stdout
# becomes an annotation on that line of the pull request. Values are escaped as
# @actions/core escapes them.
_ANNOTATION = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, message: str, **properties: str | int | None) -> str:
    """One GitHub workflow command, e.g. `::notice file=notes/ec2.md,line=8,title=…::…`."""
    given = ",".join(
        f"{name}={escape_property(str(value))}"
        for name, value in properties.items()
        if value is not None
    )
    return (
        f"::{kind} {given}::{escape_data(message)}"
        if given
        else f"::{kind}::{escape_data(message)}"
    )


def annotation(diagnostic: Diagnostic) -> str:
    """A diagnostic as a GitHub annotation at its file and line (infos as notices)."""
    loc = diagnostic.loc
    name = CODES.get(diagnostic.code)
    title = f"{diagnostic.code} {name}" if name else diagnostic.code
    kind = _ANNOTATION[diagnostic.severity]
    return workflow_command(
        kind, diagnostic.message, file=loc.path, line=loc.line, col=loc.column, title=title
    )


def print_annotations(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in sorted_diagnostics(diagnostics):
        click.echo(annotation(diagnostic))


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
