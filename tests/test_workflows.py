"""The GitHub workflows are linted with actionlint; the release workflow stays thin."""

from __future__ import annotations

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
