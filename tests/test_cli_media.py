"""The commands around rendering: `deckgen preview`, and images and diagrams in build and check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.diagrams.renderer import MermaidRenderer
from helpers import NotesFactory

FIXTURE = Path(__file__).parent / "fixtures" / "notes_media"
CLOUD = "# Cloud\n## Compute\n### Which picture?\n![pic](media/gone.png)\n"
FLOW = "# Cloud\n## Flow\n### Which flow?\n```mermaid\nflowchart LR\n  A --> B\n```\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def no_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without Chromium."""
    monkeypatch.setattr(MermaidRenderer, "locate", classmethod(lambda cls, root=None: None))
    lacks = ["Chromium (`sudo apt-get install chromium`)"]
    monkeypatch.setattr(MermaidRenderer, "missing", staticmethod(lambda root=None: lacks))


def test_preview_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["preview", "--help"])
    assert result.exit_code == 0
    assert "[default: decks/preview]" in result.output


def test_preview_writes_one_page_and_its_media(
    runner: CliRunner, tmp_path: Path, no_renderer: None
) -> None:
    out = tmp_path / "preview"
    result = runner.invoke(cli, ["preview", str(FIXTURE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out.as_posix()}/index.html: 5 cards, 3 media files\n"
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "index.html" and len(names) == 4
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<iframe" not in page and "<script" not in page
    assert page.count('<section class="note"') == 5
    for name in names[1:]:
        assert f'src="{name}"' in page


def test_preview_default_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_renderer: None
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["preview"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "decks" / "preview" / "index.html").is_file()
    assert notes.is_dir()


def test_preview_reports_errors_and_writes_nothing(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"cloud.md": CLOUD})
    out = tmp_path / "preview"
    result = runner.invoke(cli, ["preview", str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output == (
        f"{notes.as_posix()}/cloud.md:4: error DG204 image 'media/gone.png' not found:"
        " no file media/gone.png in the notes folder\n"
        "Error: 1 error, 0 warnings\n"
    )
    assert not out.exists()


def test_build_with_a_missing_image_fails_at_its_line(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"cloud.md": CLOUD})
    result = runner.invoke(cli, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 1
    assert "cloud.md:4: error DG204 image 'media/gone.png' not found" in result.output
    assert not (tmp_path / "decks").exists()


def test_build_without_renderer_prints_one_warning_line(
    runner: CliRunner, make_notes: NotesFactory, tmp_path: Path, no_renderer: None
) -> None:
    notes = make_notes({"cloud.md": FLOW, "more.md": FLOW.replace("Cloud", "More")})
    result = runner.invoke(cli, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if " warning " in line]
    assert warnings == [
        f"{notes.as_posix()}/cloud.md:4: warning DG301 2 diagrams are not in"
        f" {notes.as_posix()}/.diagrams and cannot be rendered here (needs Chromium"
        " (`sudo apt-get install chromium`)): shown as code"
    ]


def test_check_lists_diagrams_it_could_not_check(
    runner: CliRunner, make_notes: NotesFactory, no_renderer: None
) -> None:
    notes = make_notes({"cloud.md": FLOW})
    result = runner.invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output == (
        f"{notes.as_posix()}/cloud.md:4: warning DG302 diagram not in {notes.as_posix()}/.diagrams"
        " yet, and not checked: mermaid cannot run here (needs Chromium (`sudo apt-get install"
        f" chromium`)); build where it can, then commit {notes.as_posix()}/.diagrams\n"
        f"{notes.as_posix()}: 1 note, 1 card in 1 sub-deck; 0 errors, 1 warning\n"
    )


def test_check_lists_cached_diagrams_no_card_uses(make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": "# EC2\n## T\n### What is EC2?\nA virtual server.\n"})
    stale = notes / ".diagrams" / ("0" * 64 + ".svg")
    stale.parent.mkdir()
    stale.write_text("<svg/>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(notes)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        f"{stale.as_posix()}:1: info DG303 no diagram in the notes uses this cached SVG any more:"
        " it is safe to delete"
    )
