"""Card quality as an author meets it: `deckgen check` output, --strict, --format json,
silencing comments and deck.toml's `[quality]` table. Exact output throughout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from helpers import DECK_TOML, NotesFactory

ECS = """\
# ECS
## Deployments
### How does an Amazon ECS blue/green deployment reduce the risk of releasing a new service revision?
<!-- id: ecs-blue-green -->
The new revision (green) runs beside the current one (blue) and is validated before the load balancer shifts production traffic to it, so rollback is quick. ECS does this natively or with AWS CodeDeploy.

## Task placement
<!-- id: ecs-task-placement -->
On EC2 capacity, Amazon ECS placement strategy {{c1::binpack}} picks the instances with the least available CPU or memory, {{c2::spread}} distributes tasks evenly (a service spreads across AZs by default), and constraint {{c3::distinctInstance}} puts each task on a different instance.
"""
SILENCED = ECS.replace(
    "<!-- id: ecs-blue-green -->\n",
    "<!-- id: ecs-blue-green -->\n<!-- quality: ok long-answer — the two go together -->\n",
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_prints_quality_findings_and_passes(
    runner: CliRunner, make_notes: NotesFactory
) -> None:
    notes = make_notes({"ecs.md": ECS})
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output == (
        f"{notes.as_posix()}/ecs.md:3: warning DG501 the answer has 34 words (max_answer_words = 30):"
        " keep the one fact the question asks, and give the rest cards of their own [long-answer]\n"
        f"{notes.as_posix()}/ecs.md:9: info DG505 c2 hides 'spread', which the rest of the cloze"
        " shows [cloze-guessable]\n"
        f"{notes.as_posix()}: 2 notes, 4 cards in 1 sub-deck; 0 errors, 1 warning\n"
    )


def test_check_strict_gates_on_quality_warnings(
    runner: CliRunner, make_notes: NotesFactory
) -> None:
    result = runner.invoke(cli, ["check", "--strict", str(make_notes({"ecs.md": ECS}))])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: 0 errors, 1 warning (--strict: warnings fail the run)"
    )


def test_quality_hints_never_fail_strict(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes({"ecs.md": SILENCED})
    assert runner.invoke(cli, ["check", "--strict", str(notes)]).exit_code == 0


def test_build_runs_no_quality_check(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"ecs.md": ECS})
    result = runner.invoke(cli, ["build", "--strict", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output


def test_silenced_findings_are_counted_not_printed(
    runner: CliRunner, make_notes: NotesFactory
) -> None:
    notes = make_notes({"ecs.md": SILENCED})
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output == (
        f"{notes.as_posix()}/ecs.md:10: info DG505 c2 hides 'spread', which the rest of the cloze"
        " shows [cloze-guessable]\n"
        f"{notes.as_posix()}: 2 notes, 4 cards in 1 sub-deck; 0 errors, 0 warnings;"
        " 1 quality finding silenced\n"
    )


def test_check_json_lists_silenced_findings(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes({"ecs.md": SILENCED})
    result = runner.invoke(cli, ["check", "--format", "json", str(notes)])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["warnings"], report["infos"]) == (0, 1)
    assert [d["code"] for d in report["diagnostics"]] == ["DG505"]
    assert report["silenced"] == [
        {
            "path": f"{notes.as_posix()}/ecs.md",
            "line": 3,
            "column": None,
            "severity": "warning",
            "code": "DG501",
            "name": "long-answer",
            "message": "the answer has 34 words (max_answer_words = 30): keep the one fact the"
            " question asks, and give the rest cards of their own [long-answer]",
            "silenced": True,
            "reason": "the two go together",
            "comment_line": 5,
        }
    ]


def test_a_bad_quality_comment_is_a_warning(runner: CliRunner, make_notes: NotesFactory) -> None:
    notes = make_notes(
        {"ecs.md": ECS.replace("<!-- id: ecs-blue-green -->", "<!-- quality: ok long -->")}
    )
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == (
        f"{notes.as_posix()}/ecs.md:4: warning DG510 quality comment names an unknown check"
        " 'long'; did you mean 'long-answer'?"
    )


def test_deck_toml_sets_limits_and_turns_checks_off(
    runner: CliRunner, make_notes: NotesFactory
) -> None:
    deck_toml = DECK_TOML + '\n[quality]\nmax_answer_words = 40\noff = ["cloze-guessable"]\n'
    notes = make_notes({"ecs.md": ECS}, deck_toml=deck_toml)
    result = runner.invoke(cli, ["check", str(notes)])
    assert (
        result.output
        == f"{notes.as_posix()}: 2 notes, 4 cards in 1 sub-deck; 0 errors, 0 warnings\n"
    )
