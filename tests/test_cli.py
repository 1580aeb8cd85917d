"""The deckgen command as a user runs it: exit codes and exact output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen import __version__
from deckgen.cli import cli
from helpers import NotesFactory

GOOD = {
    "ec2.md": "# EC2\n## Purchasing options\n### What is Spot?\nSpare capacity.\n\n- Spot is {{c1::spare}} capacity.\n"
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"deckgen, version {__version__}\n"


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["list"]])
def test_help_on_every_command(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output


def test_build_writes_the_deck_and_a_summary(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes(GOOD)
    out = tmp_path / "decks"
    result = runner.invoke(
        cli, ["build", str(notes), "-o", str(out)], env={"SOURCE_DATE_EPOCH": "1790000000"}
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Built {out.as_posix()}/learn-aws-1.0.0-dev.apkg: 2 notes, 2 cards\n  Learn AWS::EC2      2 cards\n"
    )
    assert (out / "learn-aws-1.0.0-dev.apkg").is_file()


def test_build_errors_exit_1_without_traceback_and_keep_the_old_deck(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    out = tmp_path / "decks"
    notes = make_notes(GOOD)
    assert runner.invoke(cli, ["build", str(notes), "-o", str(out)]).exit_code == 0
    before = (out / "learn-aws-1.0.0-dev.apkg").read_bytes()

    (notes / "ec2.md").write_text("# EC2\n## T\nA: stray\n\nQ: lonely\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/ec2.md:3: error DG111 'A:' without a 'Q:' before it\n"
        f"{notes.as_posix()}/ec2.md:5: error DG110 'Q: lonely' has no 'A:' line after it\n"
        "Error: 2 errors, 0 warnings\n"
    )
    assert "Traceback" not in result.output
    assert (out / "learn-aws-1.0.0-dev.apkg").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "learn-aws-1.0.0-dev.apkg"]


def test_build_rejects_a_bad_source_date_epoch(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes(GOOD)
    result = runner.invoke(
        cli, ["build", str(notes), "-o", str(tmp_path)], env={"SOURCE_DATE_EPOCH": "yesterday"}
    )
    assert result.exit_code == 1
    assert result.output == (
        "SOURCE_DATE_EPOCH:1: error DG050 SOURCE_DATE_EPOCH must be whole seconds since 1970,"
        " not 'yesterday'\n"
        "Error: 1 error, 0 warnings\n"
    )


def test_check_lists_info_and_exits_0(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\nSome prose.\n\n### Q?\nA.\n"})
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output == (
        f"{notes.as_posix()}/ec2.md:3: info DG900 paragraph makes no card (skipped)\n"
        f"{notes.as_posix()}: 1 note, 1 card in 1 sub-deck; 0 errors, 0 warnings\n"
    )


def test_check_exits_1_on_errors(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\n{{c0::x}}\n"})
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/ec2.md:3: error DG121 cloze numbers start at c1, not c0\n"
        "Error: 1 error, 0 warnings\n"
    )


def test_check_writes_nothing(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes(GOOD)
    before = sorted(p.name for p in notes.iterdir())
    assert runner.invoke(cli, ["check", str(notes)]).exit_code == 0
    assert sorted(p.name for p in notes.iterdir()) == before


def test_missing_notes_folder_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = runner.invoke(cli, ["check", str(missing)])
    assert result.exit_code == 1
    assert result.output == (
        f"{missing.as_posix()}:1: error DG040 no Markdown notes files (*.md) in {missing.as_posix()}\n"
        f"{missing.as_posix()}/deck.toml:1: error DG010 deck.toml is missing: every notes folder needs one\n"
        "Error: 2 errors, 0 warnings\n"
    )


def test_list_shows_sub_deck_file_line_and_question(
    runner: CliRunner, make_notes: NotesFactory
) -> None:
    notes = make_notes({**GOOD, "s3.md": "# S3\n## T\nQ: What is S3?\nA: Object storage.\n"})
    result = runner.invoke(cli, ["list", str(notes)])
    assert result.exit_code == 0
    where = notes.as_posix()
    assert result.output == (
        "Learn AWS::EC2 (2 notes)\n"
        f"  {where}/ec2.md:3  What is Spot?\n"
        f"  {where}/ec2.md:6  Spot is {{{{c1::spare}}}} capacity.\n"
        "Learn AWS::S3 (1 note)\n"
        f"  {where}/s3.md:3  What is S3?\n"
    )


def test_list_on_a_terminal_cuts_lines_to_its_width(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deckgen.cli import authoring

    make_notes(
        {"ec2.md": "# EC2\n## T\nQ: Which  purchasing\n  option is the cheapest?\nA: Spot.\n"}
    )
    monkeypatch.chdir(tmp_path)
    whole = [
        "Learn AWS::EC2 (1 note)",
        "  notes/ec2.md:3  Which purchasing option is the cheapest?",
    ]
    assert runner.invoke(cli, ["list"]).output.splitlines() == whole  # piped: whole
    monkeypatch.setattr(authoring, "terminal_width", lambda: 40)
    assert runner.invoke(cli, ["list"]).output.splitlines() == [
        "Learn AWS::EC2 (1 note)",
        "  notes/ec2.md:3  Which purchasing opti…",
    ]


def test_list_json(runner: CliRunner, make_notes: NotesFactory) -> None:
    result = runner.invoke(cli, ["list", "--json", str(make_notes(GOOD))])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [(r["deck"], r["kind"], r["question"], r["source"]) for r in rows] == [
        ("Learn AWS::EC2", "basic", "What is Spot?", "ec2.md:3"),
        ("Learn AWS::EC2", "cloze", "Spot is {{c1::spare}} capacity.", "ec2.md:6"),
    ]
    assert all(
        len(r["guid"]) >= 8 and r["tags"] == ["learn-aws::ec2::purchasing-options"] for r in rows
    )


@pytest.mark.parametrize("command", ["build", "check"])
def test_one_run_reports_parse_and_render_problems_together(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path, command: str
) -> None:
    notes = make_notes(
        {
            "a.md": "# A\n## T\nA: stray\n",
            "b.md": "# B\n## T\n### Which diagram?\n![d](missing.png)\n",
        }
    )
    args = [command, str(notes)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/a.md:3: error DG111 'A:' without a 'Q:' before it\n"
        f"{notes.as_posix()}/b.md:4: error DG204 image 'missing.png' not found: no file missing.png in the notes folder\n"
        "Error: 2 errors, 0 warnings\n"
    )


def test_check_prints_problems_in_line_order_across_both_streams(make_notes: NotesFactory) -> None:
    import subprocess
    import sys

    notes = make_notes(
        {
            "ec2.md": "# EC2\n## Topic\nProse that makes no card.\n\n"
            "### What is it?\nA <b onclick=x>server</b>.\n\n## Second\nMore prose.\n\n"
            "### Is it big?\nIt is <u onclick=y>big</u>.\n"
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "deckgen", "check", str(notes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one pipe: the order a reader sees in a terminal
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if ": info " in line or ": warning " in line]
    kinds = [line.split()[1] for line in lines]
    assert kinds == ["info", "warning", "info", "warning"], done.stdout
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == sorted(numbers)
