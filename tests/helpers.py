"""Small shared pieces for tests (importable, unlike conftest)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

NotesFactory = Callable[..., Path]

DECK_TOML = """\
name = "Learn AWS"
slug = "learn-aws"
version = "1.0.0"
description = "Cards on AWS."
"""

# The skip reason of every test that drives a browser through Playwright.
NEEDS_PLAYWRIGHT = "needs the playwright package: `make test` installs it into .venv"


def examples(share: float) -> int:
    """A property test's number of examples: its share of the loaded profile's budget."""
    from hypothesis import settings

    return max(10, int(settings.default.max_examples * share))


def build_time_for(notes: Path, fallback: int = 1_790_000_000) -> int:
    """A build time the notes accept: times only go up, so after the lock's release."""
    from deckgen.releases.lock import read_lock

    lock = read_lock(notes)
    return max(fallback, lock.released + 60) if lock is not None else fallback


def cache_folder() -> Path:
    """The build cache of the running test (conftest gives each test its own)."""
    import os

    return Path(os.environ["DECKGEN_CACHE_DIR"])


def section(heading: str, text: str) -> str:
    """A `## heading` section of a Markdown text (the README), up to the next `## ` outside a
    code block: a test finds it wherever the section is moved."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"## {heading}\n")
    fenced = False
    for end in range(start + 1, len(lines)):
        fenced ^= lines[end].startswith("```")
        if not fenced and lines[end].startswith("## "):
            return "".join(lines[start:end])
    return "".join(lines[start:])


def code_blocks(text: str) -> list[str]:
    """The fenced code blocks of a Markdown text, each without its fences."""
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def fake_tarball(folder: Path, files: dict[str, bytes]) -> Path:
    """An npm-style tarball (every file under `package/`) in `folder`, as the mermaid bundle
    is published."""
    import io
    import tarfile

    tarball = folder / "mermaid.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return tarball


def run_script(script: Path, *args: str, cwd: Path | None = None) -> str:
    """Run a benchmark script with this Python, as `make bench` does; its stdout once it
    exited 0 (its stderr is the failure's message otherwise)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def note_type_toml(name: str, note_type_id: int = 1790000000001) -> str:
    """A notes/notetypes/*.toml: fields Word and Meaning, one card from Word to Meaning."""
    return (
        f'name = "{name}"\nid = {note_type_id}\nfields = ["Word", "Meaning"]\n\n'
        '[[templates]]\nname = "Card 1"\nfront = "{{Word}}"\n'
        'back = "{{FrontSide}}<hr id=answer>{{Meaning}}"\n'
    )
