"""The command line under hostile or mistaken use: --strict, --format json, and no user
mistake ever reaching a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from helpers import NotesFactory

GOOD = {"ec2.md": "# EC2\n## T\n### What is Spot?\nSpare capacity.\n"}
WARNED = {
    "ec2.md": "---\nauthor: me\n---\n# EC2\n## T\n### What is Spot?\nSpare <b onclick=x>capacity</b>.\n"
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_warnings_alone_exit_0(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes(WARNED)
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output == (
        f"{notes.as_posix()}/ec2.md:2: warning DG022 unknown front-matter key 'author'; known keys: deck, tags, notetype\n"
        f"{notes.as_posix()}/ec2.md:7: warning DG402 removed event handler 'onclick' from raw HTML <b>\n"
        f"{notes.as_posix()}: 1 note, 1 card in 1 sub-deck; 0 errors, 2 warnings\n"
    )


def test_check_strict_fails_on_warnings(runner: CliRunner, make_notes: NotesFactory) -> None:
    result = runner.invoke(cli, ["check", "--strict", str(make_notes(WARNED))])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: 0 errors, 2 warnings (--strict: warnings fail the run)"
    )


def test_build_strict_fails_on_warnings_and_writes_nothing(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes, out = make_notes(WARNED), tmp_path / "decks"
    result = runner.invoke(cli, ["build", "--strict", str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: 0 errors, 2 warnings (--strict: warnings fail the run)"
    )
    assert not out.exists()
    relaxed = runner.invoke(cli, ["build", str(notes), "-o", str(out)])
    assert relaxed.exit_code == 0
    assert (out / "learn-aws-1.0.0-dev.apkg").is_file()


def test_check_json_reports_every_diagnostic(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ec2.md": "# EC2\n## T\nQ: Lonely?\n\nProse.\n### Q2?\nA <script>x</script> b.\n"}
    )
    result = runner.invoke(cli, ["check", "--format", "json", str(notes)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    shown = f"{notes.as_posix()}/ec2.md"
    assert report == {
        "notes_dir": notes.as_posix(),
        "ok": False,
        "errors": 1,
        "warnings": 1,
        "infos": 1,
        "notes": None,
        "cards": None,
        "diagnostics": [
            {
                "path": shown,
                "line": 3,
                "column": None,
                "severity": "error",
                "code": "DG110",
                "name": "question-without-answer",
                "message": "'Q: Lonely?' has no 'A:' line after it",
            },
            {
                "path": shown,
                "line": 5,
                "column": None,
                "severity": "info",
                "code": "DG900",
                "name": "skipped-prose",
                "message": "paragraph makes no card (skipped)",
            },
            {
                "path": shown,
                "line": 7,
                "column": None,
                "severity": "warning",
                "code": "DG401",
                "name": "html-tag-removed",
                "message": "removed raw HTML <script>: not allowed in notes",
            },
        ],
        "silenced": [],
    }


def test_check_json_on_good_notes(runner: CliRunner, make_notes: NotesFactory) -> None:
    result = runner.invoke(cli, ["check", "--format=json", str(make_notes(GOOD))])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["ok"], report["notes"], report["cards"], report["diagnostics"]) == (
        True,
        1,
        1,
        [],
    )


def test_check_json_strict(runner: CliRunner, make_notes: NotesFactory) -> None:
    result = runner.invoke(cli, ["check", "--format", "json", "--strict", str(make_notes(WARNED))])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["ok"], report["errors"], report["warnings"]) == (False, 0, 2)


def mistake_notes_is_a_file(tmp: Path, make_notes: NotesFactory) -> list[str]:
    (tmp / "notes.md").write_text("# EC2\n")
    return ["check", str(tmp / "notes.md")]


def mistake_out_is_a_file(tmp: Path, make_notes: NotesFactory) -> list[str]:
    (tmp / "out").write_text("")
    return ["build", str(make_notes(GOOD)), "-o", str(tmp / "out")]


def mistake_out_inside_a_file(tmp: Path, make_notes: NotesFactory) -> list[str]:
    (tmp / "out").write_text("")
    return ["build", str(make_notes(GOOD)), "-o", str(tmp / "out" / "decks")]


def mistake_deck_is_a_folder(tmp: Path, make_notes: NotesFactory) -> list[str]:
    notes = make_notes(GOOD)
    (tmp / "out" / "learn-aws-1.0.0-dev.apkg").mkdir(parents=True)
    return ["build", str(notes), "-o", str(tmp / "out")]


def mistake_deck_toml_is_a_folder(tmp: Path, make_notes: NotesFactory) -> list[str]:
    notes = make_notes(GOOD, deck_toml=None)
    (notes / "deck.toml").mkdir()
    return ["build", str(notes), "-o", str(tmp / "out")]


def mistake_notes_file_is_a_folder(tmp: Path, make_notes: NotesFactory) -> list[str]:
    notes = make_notes(GOOD)
    (notes / "ecs.md").mkdir()
    return ["list", str(notes)]


def mistake_symlink_loop(tmp: Path, make_notes: NotesFactory) -> list[str]:
    notes = make_notes(GOOD)
    (notes / "loop.md").symlink_to("loop.md")
    return ["check", str(notes)]


def mistake_deck_toml_links_out(tmp: Path, make_notes: NotesFactory) -> list[str]:
    notes = make_notes(GOOD, deck_toml=None)
    (tmp / "elsewhere.toml").write_text('name = "X"\nversion = "1.0.0"\n')
    (notes / "deck.toml").symlink_to(tmp / "elsewhere.toml")
    return ["check", str(notes)]


def mistake_preview_inside_a_file(tmp: Path, make_notes: NotesFactory) -> list[str]:
    (tmp / "out").write_text("")
    return ["preview", str(make_notes(GOOD)), "-o", str(tmp / "out" / "preview")]


def mistake_preview_page_is_a_folder(tmp: Path, make_notes: NotesFactory) -> list[str]:
    notes = make_notes(GOOD)
    (tmp / "out" / "index.html").mkdir(parents=True)
    return ["preview", str(notes), "-o", str(tmp / "out")]


MISTAKES = [
    mistake_notes_is_a_file,
    mistake_out_is_a_file,
    mistake_out_inside_a_file,
    mistake_deck_is_a_folder,
    mistake_deck_toml_is_a_folder,
    mistake_notes_file_is_a_folder,
    mistake_symlink_loop,
    mistake_deck_toml_links_out,
    mistake_preview_inside_a_file,
    mistake_preview_page_is_a_folder,
]


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.__name__.removeprefix("mistake_"))
def test_user_mistakes_never_reach_a_traceback(
    mistake, runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    args = mistake(tmp_path, make_notes)
    result = runner.invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("Error: "), result.output


def test_a_file_name_that_is_not_utf8_builds_and_prints(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({})
    # pathlib cannot name a file with bytes that are not UTF-8; the os layer can.
    fd = os.open(os.fsencode(notes / "ec2") + b"\xff.md", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"# EC2\n## T\n### Q?\nA <b onclick=x>b</b>.\n")
    os.close(fd)
    built = runner.invoke(cli, ["build", str(notes), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert f"{notes.as_posix()}/ec2\ufffd.md:4: warning DG402" in built.output
    listed = runner.invoke(cli, ["list", "--json", str(notes)])
    assert json.loads(listed.stdout)[0]["source"] == "ec2\ufffd.md:3"
