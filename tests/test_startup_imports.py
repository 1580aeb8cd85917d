"""A build that finds its deck up to date costs what Python and the check cost: it imports
none of what building needs (the parser, the renderer, genanki) nor what only writing
files needs (tempfile, shutil), nor importlib.metadata."""

from __future__ import annotations

import os
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


# what only installing the mermaid bundle, rendering a diagram or a pool of workers needs
# (genanki itself imports tempfile, and through cached_property asyncio, ssl included)
NOT_IMPORTED_BY_A_SMALL_BUILD = {
    "urllib.request", "http.client", "tarfile", "platformdirs", "multiprocessing",
}  # fmt: skip


def test_a_small_build_without_diagrams_imports_no_network_archive_or_pool(
    tmp_path: Path,
) -> None:
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    assert not any("mermaid" in path.read_text() for path in notes.rglob("*.md"))
    build = ["build", str(notes), "-o", str(tmp_path / "decks"), "--force"]
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(tmp_path / "cache")}  # no user folder
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *build], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built "), done.stdout[:200]
    modules = set(done.stdout.split())
    assert "deckgen.cards.render" in modules  # it did parse and render
    assert NOT_IMPORTED_BY_A_SMALL_BUILD & modules == set()
