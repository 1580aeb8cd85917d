"""`make decks` as a newcomer runs it: the build's own lines, then where the deck is and
what to do next (the README's quick start quotes these lines)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from release_helpers import FIXTURE

ROOT = Path(__file__).parent.parent
VENV = Path(sys.executable).parent.parent


def make_decks(work: Path) -> subprocess.CompletedProcess[str]:
    """The checkout's Makefile, run in `work` (its own notes/ and decks/) with this test's
    environment as .venv: its install stamp is older than pyproject.toml's copy, so make
    installs nothing."""
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
    os.utime(work / "pyproject.toml", (0, 0))
    return subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), "decks", f"VENV={VENV}"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make (`sudo apt-get install make`)")
def test_make_decks_says_where_the_deck_is_and_what_to_do_next(tmp_path: Path) -> None:
    if not (VENV / ".installed-base").is_file():
        pytest.skip("needs the project's .venv, as `make test` makes it")
    shutil.copytree(FIXTURE, tmp_path / "notes")
    first = make_decks(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.startswith("Built decks/learn-aws-1.0.0-dev.apkg: 7 notes")
    assert first.stdout.endswith(
        "\nYour deck: decks/learn-aws-1.0.0-dev.apkg\n"
        "Next: import it with Anki's File › Import (desktop), or open it with AnkiDroid or"
        " AnkiMobile.\n"
        f"deckgen itself is {VENV}/bin/deckgen, e.g. {VENV}/bin/deckgen check (README.md has"
        " the rest).\n"
    )
    again = make_decks(tmp_path)  # nothing changed: the same deck, named again
    assert again.stdout.startswith("Up to date decks/learn-aws-1.0.0-dev.apkg")
    assert "\nYour deck: decks/learn-aws-1.0.0-dev.apkg\n" in again.stdout


def test_a_failed_build_says_why_and_fails(tmp_path: Path) -> None:
    if shutil.which("make") is None or not (VENV / ".installed-base").is_file():
        pytest.skip("needs make and the project's .venv, as `make test` makes it")
    notes = Path(shutil.copytree(FIXTURE, tmp_path / "notes"))
    (notes / "ec2.md").write_text("# EC2\n\n### A question without an answer?\n", encoding="utf-8")
    failed = make_decks(tmp_path)
    assert failed.returncode != 0
    assert "error DG" in failed.stdout + failed.stderr
    assert "Your deck:" not in failed.stdout
