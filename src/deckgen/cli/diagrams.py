"""`deckgen diagrams`: the renderer of new or edited mermaid diagrams, for an installed deckgen."""

from __future__ import annotations

import click

from deckgen.cli.output import Exit1


@click.group(short_help="Set up the renderer of new or edited diagrams.")
def diagrams() -> None:
    """The renderer of mermaid diagrams not in notes/.diagrams/ yet: Chromium, the
    playwright package and the pinned mermaid bundle. A deck whose diagrams are all
    cached builds without any of them; without them, a new diagram is shown as code."""


@diagrams.command(short_help="Install the pinned mermaid bundle for this user.")
@click.option(
    "--from",
    "source",
    metavar="FILE|URL",
    help="Take mermaid's npm tarball from here instead of the npm registry (a mirror, or a"
    " file fetched by `npm pack mermaid@VERSION`); it must be the pinned one all the same.",
)
def install(source: str | None) -> None:
    """Download mermaid's npm tarball, check it against the sha512 deckgen pins, and unpack
    the bundle the renderer loads into your data folder; then say what else is missing."""
    from deckgen.diagrams.bundle import TARBALL_URL, BundleError, install_bundle
    from deckgen.diagrams.cache import MERMAID_VERSION

    try:
        bundle = install_bundle(source or TARBALL_URL)
    except BundleError as err:
        raise Exit1(str(err)) from None
    click.echo(f"Installed mermaid {MERMAID_VERSION}: {bundle}")
    _report_missing(fail=False)


@diagrams.command(short_help="Say what renders diagrams here, and what is missing.")
def status() -> None:
    """Say where Chromium, the playwright package and the mermaid bundle were found, or
    how to install each one missing. Exits 1 when diagrams cannot be rendered here."""
    from deckgen.diagrams.bundle import locate_bundle
    from deckgen.diagrams.renderer import find_chromium

    chromium, bundle = find_chromium(), locate_bundle()
    click.echo(f"Chromium:        {chromium or 'missing'}")
    click.echo(f"mermaid bundle:  {bundle or 'missing'}")
    _report_missing(fail=True)


def _report_missing(*, fail: bool) -> None:
    """Whether diagrams render here; with `fail`, exit 1 when they do not."""
    from deckgen.diagrams.cache import RendererError
    from deckgen.diagrams.renderer import MermaidRenderer

    lacks = MermaidRenderer.missing()
    problem = f"diagrams cannot be rendered here yet: install {' and '.join(lacks)}"
    if not lacks:
        try:
            MermaidRenderer.locate()
        except RendererError as err:
            lacks, problem = [str(err)], str(err)
    if lacks and fail:
        raise Exit1(problem)
    click.echo(f"Note: {problem}." if lacks else "New and edited diagrams are rendered here.")
