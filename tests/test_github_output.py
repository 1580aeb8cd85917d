"""Pull requests show problems on their lines: `deckgen check --format github` prints GitHub
Actions workflow commands (`::error file=…,line=…::…`), exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.cli.output import workflow_command
from helpers import NotesFactory
from release_helpers import FIXTURE

T1 = 1_790_000_000


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_problems_become_annotations_at_their_lines(
    runner: CliRunner, make_notes: NotesFactory
) -> None:
    notes = make_notes(
        {
            "ec2.md": "# EC2\n## T\nSome prose.\n\nQ: Which one?\n\n### Q?\n"
            '<a href="javascript:alert(1)">x</a>\n'
        }
    )
    result = runner.invoke(cli, ["check", "--format", "github", str(notes)])
    path = notes.as_posix()
    assert result.exit_code == 1
    assert result.output == (
        f"::notice file={path}/ec2.md,line=3,title=DG900 skipped-prose::paragraph makes no card"
        " (skipped)\n"
        f"::error file={path}/ec2.md,line=5,title=DG110 question-without-answer::'Q: Which"
        " one?' has no 'A:' line after it\n"
        f"::warning file={path}/ec2.md,line=8,title=DG403 unsafe-url::removed unsafe URL"
        " 'javascript:alert(1)' from <a href>\n"
        "Error: 1 error, 1 warning\n"
    )


def test_a_clean_check_prints_its_summary_as_text_does(runner: CliRunner, tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    result = runner.invoke(cli, ["check", "--format", "github", str(notes)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{notes.as_posix()}: 7 notes, 7 cards in 2 sub-decks; 0 errors, 0 warnings\n"
    )


def test_strict_fails_on_warnings_and_says_so(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\n### Q?\nA <script>x</script>\n"})
    result = runner.invoke(cli, ["check", "--strict", "--format", "github", str(notes)])
    assert result.exit_code == 1
    assert result.output == (
        f"::warning file={notes.as_posix()}/ec2.md,line=4,title=DG401 html-tag-removed::removed raw HTML"
        " <script>: not allowed in notes\n"
        "Error: 0 errors, 1 warning (--strict: warnings fail the run)\n"
    )


def test_release_problems_are_annotations_too(runner: CliRunner, tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    out = tmp_path / "decks"
    result = runner.invoke(
        cli, ["check", "--release", "--format", "github", str(notes), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}: 7 notes, 7 cards in 2 sub-decks; 0 errors, 0 warnings\n"
        f"::error file={notes.as_posix()}/deck.lock.json,line=1,title=DG065 lock-missing::no"
        " deck.lock.json: nothing has been released yet (run `deckgen release`)\n"
        "Error: not a release: 1 error, 0 warnings\n"
    )


def test_values_are_escaped_as_the_actions_toolkit_escapes_them() -> None:
    """A message may hold a newline or a percent sign; a path a comma or a colon."""
    line = workflow_command("error", "50% done\nnext", file="notes/a,b:c.md", line=2, title="X")
    assert line == "::error file=notes/a%2Cb%3Ac.md,line=2,title=X::50%25 done%0Anext"
    assert workflow_command("notice", "hi", col=None) == "::notice::hi"
