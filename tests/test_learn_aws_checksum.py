"""The published Learn AWS 1.1.0 is reproduced byte for byte by this deckgen.

The release commit's notes are taken from the repository's history, tagged `v1.1.0` at the
tag's own date in a scratch repository (a release ships at its tag's date), and built as
`make decks` builds a checkout of the tag. Any change to what deckgen writes for the same
notes (templates, CSS, the collection, the zip, a pinned library) fails here: if it is
meant, the README's checksum and this one change together, and the release notes say which
deckgen reproduces which release.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

from deckgen.pipeline import build

ROOT = Path(__file__).parent.parent
RELEASE_COMMIT = "a25a06b74ef820dc7dbe03c91562417d16405c93"  # "Re-cut Learn AWS 1.1.0 …"
TAG_DATE = 1796137589  # v1.1.0's tagger date
PUBLISHED = "fbc54fce27a8a3fd1e0bef187600ad32e76ff114ae705c32d1d9b0b499edbda9"


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    identity = ["-c", "user.name=deckgen tests", "-c", "user.email=tests@deckgen.invalid"]
    return subprocess.run(
        ["git", *identity, *args], cwd=cwd, check=True, capture_output=True, env=env
    ).stdout


def test_this_deckgen_builds_the_published_release_byte_for_byte(tmp_path: Path) -> None:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", RELEASE_COMMIT, "notes"], cwd=ROOT, capture_output=True
    )
    if archive.returncode == 0:
        with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp_path, filter="data")
    else:  # a clone without the history: today's notes, which must still be the release's
        shutil.copytree(ROOT / "notes", tmp_path / "notes")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "notes")
    git(tmp_path, "commit", "-q", "-m", "Learn AWS 1.1.0")
    dated = {**os.environ, "GIT_COMMITTER_DATE": f"{TAG_DATE} +0000"}
    git(tmp_path, "tag", "-a", "v1.1.0", "-m", "Learn AWS 1.1.0", env=dated)
    apkg = build(tmp_path / "notes", tmp_path / "decks").path
    assert apkg.name == "learn-aws-1.1.0.apkg"
    assert hashlib.sha256(apkg.read_bytes()).hexdigest() == PUBLISHED
    assert f"`{PUBLISHED[:8]}…`" in (ROOT / "README.md").read_text(encoding="utf-8")
