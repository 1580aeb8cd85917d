"""A build that is killed, fails or cannot write never damages the last good deck.

The kill test runs a real build in a child process, stops it at a point the test
chooses (fault injection by monkeypatching inside the child only), sends SIGKILL and
then compares every file of the output and notes folders, byte for byte.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from deckgen.atomic import atomic_path, remove_stale_temps
from deckgen.errors import DeckgenError
from deckgen.incremental.build import build
from helpers import NotesFactory

T = 1_790_000_000
NOTES_V1 = {"ec2.md": "# EC2\n## T\n### What is Spot?\nSpare capacity.\n"}
NOTES_V2 = {"ec2.md": NOTES_V1["ec2.md"] + "\n### What is On-Demand?\nPay by the second.\n"}

# The child builds, but blocks forever at STAGE after signalling the parent by a file.
CHILD = textwrap.dedent(
    """
    import sys, time, zipfile
    from pathlib import Path
    from deckgen.incremental.build import build

    stage, flag, notes, out = sys.argv[1:5]

    def pause(*_args, **_kwargs):
        Path(flag).write_text(stage)
        time.sleep(600)

    if stage in ("collection", "mid-write"):
        # Pause at the first entry deflated ("collection": the collection is complete in
        # its scratch file beside the deck, the zip open and empty) or at the second
        # ("mid-write": the zip holds collection.anki2, no media map, no central directory).
        import deflate
        compress, calls = deflate.deflate_compress, []

        def deflate_or_pause(data, level):
            calls.append(data)
            if len(calls) == (1 if stage == "collection" else 2):
                pause()
            return compress(data, level)

        deflate.deflate_compress = deflate_or_pause
    elif stage == "before-rename":
        # the temporary file is complete and flushed; atomic_path is about to rename it.
        Path.replace = pause
    build(Path(notes), Path(out), 1_790_000_000)
    """
)


def snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file under the folders except temporary ones, by path."""
    return {
        str(path): path.read_bytes()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".tmp")
    }


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def kill_build_at(stage: str, notes: Path, out: Path, flag: Path) -> int:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, stage, str(flag), str(notes), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    try:
        while not flag.exists():
            if child.poll() is not None:
                output = child.stdout.read().decode() if child.stdout else ""
                pytest.fail(f"the build ended before {stage}: {output}")
            if time.monotonic() > deadline:
                pytest.fail(f"the build never reached {stage}")
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        return child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout:
            child.stdout.close()


@pytest.mark.parametrize("stage", ["mid-write", "before-rename"])
def test_a_build_killed_mid_write_leaves_the_last_deck_byte_identical(
    stage: str, make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes(NOTES_V1)
    out = tmp_path / "decks"
    deck = build(notes, out, T).path
    make_notes(NOTES_V2)  # the killed build would have written a different deck
    before = snapshot(out, notes)

    returncode = kill_build_at(stage, notes, out, tmp_path / "paused")

    assert returncode == -signal.SIGKILL
    assert snapshot(out, notes) == before
    leftovers = temp_files(out)  # the deck's and SHA256SUMS's, written together
    written = [p for p in leftovers if p.name.startswith(f".{deck.name}.") and p.stat().st_size]
    assert written, "the kill hit a real write"
    assert all(p.name.startswith(".") for p in leftovers)  # hidden: never taken for a deck
    assert [p.name for p in out.glob("*.apkg")] == [deck.name]

    # The next build replaces the deck and sweeps the dead build's temporary file away.
    rebuilt = build(notes, out, T).path
    assert rebuilt == deck and deck.read_bytes() != before[str(deck)]
    assert temp_files(out) == []


def test_every_temp_a_build_killed_while_zipping_leaves_is_swept_next_time(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes(NOTES_V1)
    out = tmp_path / "decks"
    deck = build(notes, out, T).path
    make_notes(NOTES_V2)
    before = snapshot(out, notes)

    assert kill_build_at("collection", notes, out, tmp_path / "paused") == -signal.SIGKILL

    assert snapshot(out, notes) == before
    leftovers = [p.name for p in temp_files(out)]
    assert len(leftovers) == 2, leftovers  # the zip begun and the collection's scratch
    assert all(name.startswith(f".{deck.name}.") for name in leftovers), leftovers
    build(notes, out, T)
    assert temp_files(out) == []


def test_an_exception_while_writing_leaves_no_temp_and_the_old_file(tmp_path: Path) -> None:
    destination = tmp_path / "deck.apkg"
    destination.write_bytes(b"last good deck")
    with pytest.raises(RuntimeError), atomic_path(destination) as temp:
        temp.write_bytes(b"half a deck")
        raise RuntimeError("disk on fire")
    assert destination.read_bytes() == b"last good deck"
    assert temp_files(tmp_path) == []


def test_only_temps_of_dead_processes_are_swept(tmp_path: Path) -> None:
    destination = tmp_path / "deck.apkg"
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f".deck.apkg.{finished.stdout.strip()}.abc123.tmp"
    alive = tmp_path / f".deck.apkg.{os.getpid()}.def456.tmp"
    other = tmp_path / ".other.apkg.1.x.tmp"
    for path in (dead, alive, other):
        path.write_bytes(b"partial")
    remove_stale_temps(destination)
    assert temp_files(tmp_path) == sorted([alive, other])


def test_an_unwritable_output_is_a_diagnostic_not_a_traceback(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes(NOTES_V1)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(DeckgenError) as caught:
        build(notes, blocker / "decks", T)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{blocker.as_posix()}/decks/learn-aws-1.0.0-dev.apkg:1: error DG051"
        " cannot write the file: Not a directory"
    ]
