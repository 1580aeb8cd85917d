"""Commands that only read the notes never write them: a diagram rendered for `diff`,
`check --release`, `verify` or `preview` is not kept in notes/.diagrams (only `build` and
`release`, which write, keep what they render)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli

ROOT = Path(__file__).resolve().parents[2]
NOTES = {
    "deck.toml": 'name = "D"\nversion = "1.0.0"\n',
    "ec2.md": "# EC2\n\n### How does it flow?\n```mermaid\nflowchart TD\n  A --> B\n```\n",
}


@pytest.mark.parametrize(
    "command",
    [
        ["diff", "{notes}"],
        ["check", "--release", "{notes}", "-o", "{decks}"],
        ["verify", "{decks}/d-1.0.0.apkg", "{notes}"],
        ["preview", "{notes}", "-o", "{tmp}/preview"],
    ],
    ids=["diff", "check-release", "verify", "preview"],
)
def test_a_command_that_only_reads_keeps_no_diagram(
    command: list[str], renderer_here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # where tools/mermaid is
    notes, decks = tmp_path / "notes", tmp_path / "decks"
    notes.mkdir()
    for name, text in NOTES.items():
        (notes / name).write_text(text, encoding="utf-8")
    env = {"SOURCE_DATE_EPOCH": "1790000000"}
    runner = CliRunner()
    released = runner.invoke(cli, ["release", str(notes), "-o", str(decks)], env=env)
    assert released.exit_code == 0, released.output
    assert any((notes / ".diagrams").iterdir())  # a release keeps what it renders
    shutil.rmtree(notes / ".diagrams")
    args = [a.format(notes=notes, decks=decks, tmp=tmp_path) for a in command]
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert not (notes / ".diagrams").exists()
