"""A build that finds its deck up to date costs what Python and the check cost: it imports
none of what building needs (the parser, the renderer, genanki) nor what only writing
files needs (tempfile, shutil), nor importlib.metadata."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from release_helpers import FIXTURE

# the command run in a process of its own, then the modules it imported, one a line
RUN_AND_LIST = """
import sys
from deckgen.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="deckgen")
except SystemExit as done:
    assert not done.code, done.code
print("\\n".join(sorted(sys.modules)))
"""
NOT_IMPORTED = {
    "genanki", "markdown_it", "pygments", "deckgen.cards.render", "deckgen.quality",
    "tempfile", "shutil", "importlib.metadata",
}  # fmt: skip


def test_an_up_to_date_build_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    build = ["build", str(notes), "-o", str(tmp_path / "decks")]
    first = subprocess.run([sys.executable, "-c", RUN_AND_LIST, *build], capture_output=True)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *build], capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Up to date "), again.stdout[:200]
    modules = set(again.stdout.split())
    assert NOT_IMPORTED & modules == set()
