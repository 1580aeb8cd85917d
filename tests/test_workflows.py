"""The GitHub workflows are linted with actionlint; the release and pull-request workflows stay
thin: their logic lives in deckgen commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).parent.parent / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", *map(str, paths)], capture_output=True, text=True
    )


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo ${{ github.nope }}\n",
        encoding="utf-8",
    )
    assert actionlint(broken).returncode != 0


def test_release_workflow_delegates_to_deckgen() -> None:
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    assert 'tags: ["v*"]' in text
    assert 'deckgen check --release --tag "$GITHUB_REF_NAME"' in text
    assert 'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)" .venv/bin/deckgen build' in text
    assert "deckgen changelog" in text
    assert "decks/*.apkg decks/SHA256SUMS" in text
    # the release ships at the annotated tag's date, which checkout alone would lose
    assert "fetch-depth: 0" in text
    assert (
        'git fetch --force origin "+refs/tags/${GITHUB_REF_NAME}:refs/tags/${GITHUB_REF_NAME}"'
        in text
    )


def test_release_workflow_verifies_the_deck_before_publishing_it() -> None:
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    verify = text.index('deckgen verify "$deck" notes --tag "$GITHUB_REF_NAME"')
    checksums = text.index("(cd decks && sha256sum -c SHA256SUMS)")
    assert text.index(".venv/bin/deckgen build") < checksums < verify
    assert verify < text.index("gh release create")


# --- the workflows `deckgen init` writes into a new deck project -------------------------


@pytest.fixture(scope="module")
def new_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from deckgen.cli import cli

    folder = tmp_path_factory.mktemp("init") / "deck"
    source = "deckgen @ git+https://example.org/deckgen@0123abcd"
    result = CliRunner().invoke(cli, ["init", str(folder), "--deckgen-source", source])
    assert result.exit_code == 0, result.output
    return folder


@pytest.mark.parametrize("workflow", ["check.yml", "release.yml"])
def test_a_new_projects_workflow_passes_actionlint(new_project: Path, workflow: str) -> None:
    result = actionlint(new_project / ".github" / "workflows" / workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def run_lines(workflow: Path) -> list[str]:
    """The shell lines of a workflow's steps, without an environment's own path."""
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    lines = [
        line.strip().replace(".venv/bin/", "")
        for job in steps.values()
        for step in job["steps"]
        for line in str(step.get("run", "")).splitlines()
    ]
    return [line for line in lines if line]


def test_a_new_project_releases_with_the_commands_this_repository_does(
    new_project: Path,
) -> None:
    """Everything after the tests of this repository's release workflow, word for word."""
    ours = run_lines(WORKFLOWS / "release.yml")
    theirs = run_lines(new_project / ".github" / "workflows" / "release.yml")
    after_tests = ours[ours.index("make diagrams && make test") + 1 :]
    assert theirs == [ours[0], 'python -m pip install "$DECKGEN"', *after_tests]


def test_a_new_projects_pull_requests_are_checked_strict_and_built(new_project: Path) -> None:
    assert run_lines(new_project / ".github" / "workflows" / "check.yml") == [
        'python -m pip install "$DECKGEN"',
        "deckgen check --strict notes",
        "deckgen build --strict notes -o decks",
    ]


def test_pull_request_workflow_shows_the_cards_with_deckgen_commands() -> None:
    text = (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow[True] == {"pull_request": None}  # YAML reads `on:` as True
    assert "pull_request_target" not in text.replace("Never `pull_request_target`", "")
    assert workflow["permissions"] == {"contents": "read"}
    tests, cards = workflow["jobs"]["tests"], workflow["jobs"]["cards"]
    assert any(step.get("run") == "make diagrams && make test" for step in tests["steps"])
    assert cards["steps"][0]["with"] == {"fetch-depth": 0}
    runs = [step.get("run", "") for step in cards["steps"]]
    assert runs.index(".venv/bin/deckgen check --strict --format github notes") < next(
        i for i, run in enumerate(runs) if "diff --format markdown" in run
    )
    assert (
        '.venv/bin/deckgen diff --format markdown notes >> "$GITHUB_STEP_SUMMARY"' in text
        and ".venv/bin/deckgen diff --format github notes" in text
    )
    upload = cards["steps"][-1]
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["with"]["name"] == "changed-cards"
    # a failing check still shows the cards
    assert all(step.get("if") == "${{ !cancelled() }}" for step in cards["steps"][5:])


def test_ci_runs_on_main_and_leaves_pull_requests_to_their_workflow() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
    assert workflow[True] == {"push": {"branches": ["main"]}}


def test_a_three_card_pull_request_as_its_workflow_shows_it(tmp_path: Path) -> None:
    """The `cards` job's deckgen steps, run as the workflow runs them, on a repository whose
    pull request edits one card, adds one and removes one: annotations on those cards' lines,
    the summary, and a page of exactly those three."""
    from deckgen.publish import release
    from release_helpers import FIXTURE, commit_and_tag, git, three_card_changes

    repo = tmp_path / "repo"
    notes = Path(shutil.copytree(FIXTURE, repo / "notes"))
    git(repo, "init", "-q", "-b", "main")
    release(notes, repo / "decks", 1_790_000_000, None)
    commit_and_tag(repo, "1.0.0", when=1_790_000_000)
    three_card_changes(notes)
    (repo / ".venv").symlink_to(Path(sys.executable).parent.parent)
    summary, runner_temp = tmp_path / "summary.md", tmp_path / "runner"
    runner_temp.mkdir()
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(runner_temp)}
    cards = yaml.safe_load((WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8"))
    outputs = []
    for step in cards["jobs"]["cards"]["steps"]:
        if "deckgen" in step.get("run", ""):
            done = subprocess.run(
                ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout + done.stderr
            outputs.append(done.stdout)
    check, diff, _, preview = outputs  # the summary goes to GITHUB_STEP_SUMMARY
    assert check == "notes: 7 notes, 7 cards in 2 sub-decks; 0 errors, 0 warnings\n"
    assert [line.split("::")[1] for line in diff.splitlines()] == [
        "notice file=notes/ec2.md,line=19,title=Added card",
        "notice file=notes/ec2.md,line=8,title=Changed card",
        "notice file=notes/ec2.md,title=Removed card",
    ]
    shown = summary.read_text(encoding="utf-8")
    assert "1 added, 1 changed, 1 removed; 7 notes in all. **Next release: 1.1.0**" in shown
    page = (runner_temp / "changed-cards" / "index.html").read_text(encoding="utf-8")
    assert page.count('<section class="note"') == 3
    assert (
        preview
        == f"Wrote {runner_temp.as_posix()}/changed-cards/index.html: 4 cards, 0 media files\n"
    )
