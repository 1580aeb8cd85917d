"""A build lets go of its deck's notes before it zips the package: the zip maps the whole
collection file into memory, and a big deck's notes beside it are what took a 100,000-card
build above its memory target (benchmarks/RESULTS.md). What the build returns still says
what it built, and a build that fails between the two steps leaves every file as it was."""

from __future__ import annotations

import gc
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from deckgen import pipeline
from deckgen.apkg import package as package_module
from deckgen.cards.render import RenderedNote
from deckgen.errors import DeckgenError
from deckgen.incremental import workers
from deckgen.incremental.build import build
from deckgen.incremental.cache import BuildCache
from deckgen.model import Card, ShippedNote
from helpers import NotesFactory


def _notes(make_notes: NotesFactory, marker: str) -> Path:
    cards = "\n".join(f"### What is {marker} number {n}?\nAnswer {n}.\n" for n in range(30))
    return make_notes({"ec2.md": f"# EC2\n## Basics\n{cards}", "s3.md": f"# S3\n## T\n{cards}"})


def _alive(marker: str) -> Counter[str]:
    """The notes of the deck marked `marker` still held, by kind."""
    held: Counter[str] = Counter()
    for thing in gc.get_objects():
        if isinstance(thing, Card | ShippedNote) and marker in thing.question:
            held[type(thing).__name__] += 1
        elif isinstance(thing, RenderedNote) and marker in thing.card.question:
            held["RenderedNote"] += 1
    return held


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The notes held when each collection is written and when each package is zipped
    (lists of counts), for a deck made with _notes and the marker held["marker"]."""
    marker = uuid.uuid4().hex
    seen: dict[str, Any] = {"marker": marker, "collection": [], "zip": []}
    write_zip, write_collection = package_module.write_zip, package_module.write_collection

    def counting_zip(*args: Any) -> None:
        seen["zip"].append(_alive(marker))
        write_zip(*args)

    def counting_collection(*args: Any) -> None:
        seen["collection"].append(_alive(marker))
        write_collection(*args)

    monkeypatch.setattr(package_module, "write_zip", counting_zip)
    monkeypatch.setattr(package_module, "write_collection", counting_collection)
    return seen


@pytest.mark.parametrize("pool", [False, True])
def test_the_zip_runs_once_the_notes_are_let_go_of(
    make_notes: NotesFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: dict[str, Any],
    pool: bool,
) -> None:
    notes = _notes(make_notes, held["marker"])
    if pool:  # two worker processes, whatever this machine has and however small the deck
        monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(workers, "default_jobs", lambda: 2)
    result = build(notes, tmp_path / "decks", 1_700_000_000, jobs=2 if pool else 1)
    # while the collection is written, the deck is there to see (the loaded notes are not)
    assert held["collection"] == [Counter(Card=60, ShippedNote=60)]
    assert held["zip"] == [Counter()]
    assert (result.notes, result.cards, result.path.is_file()) == (60, 60, True)
    assert result.config is not None and result.config.name == "Learn AWS"


def test_a_cache_distrusted_mid_build_holds_no_first_deck_at_the_zip(
    make_notes: NotesFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: dict[str, Any],
) -> None:
    """The build that runs again without the cache (a file every entry depends on changed
    while the files were read) runs once the first try, and its deck, are gone."""
    notes = _notes(make_notes, held["marker"])
    salt_unchanged = BuildCache.salt_unchanged
    answers = iter([False])

    def changed_once(self: BuildCache, *args: Any, **kwargs: Any) -> bool:
        if next(answers, True) is False:
            return False
        return salt_unchanged(self, *args, **kwargs)

    monkeypatch.setattr(BuildCache, "salt_unchanged", changed_once)
    result = build(notes, tmp_path / "decks", 1_700_000_000, jobs=1)
    assert next(answers, "used") == "used"
    assert held["zip"] == [Counter()]
    assert result.path.is_file()


def test_a_build_failing_between_its_collection_and_its_zip_changes_no_file(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = _notes(make_notes, "first")
    out = tmp_path / "decks"
    first = build(notes, out, 1_700_000_000, jobs=1)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    (notes / "ec2.md").write_text("# EC2\n## Basics\n### What is new?\nNew.\n", encoding="utf-8")

    def failing() -> None:
        raise DeckgenError([])

    monkeypatch.setattr(pipeline, "give_back", failing)
    with pytest.raises(DeckgenError):
        build(notes, out, 1_700_000_000, jobs=1)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert sorted(before) == ["SHA256SUMS", first.path.name]


@pytest.mark.parametrize(
    "where", ["macOS", "no malloc_trim (musl)", "no C library found", "no ctypes"]
)
def test_giving_memory_back_never_fails_a_build_elsewhere(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Only glibc has malloc_trim: elsewhere the build goes on without it."""
    import builtins
    import ctypes

    from deckgen import memory

    class NoTrim:
        def __init__(self, name: object) -> None:
            if where == "no C library found":
                raise OSError("not found")

    real_import = builtins.__import__

    def without_ctypes(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "ctypes":
            raise ImportError("No module named '_ctypes'")
        return real_import(name, *args, **kwargs)

    if where == "macOS":
        monkeypatch.setattr(memory.sys, "platform", "darwin")
        monkeypatch.setattr(ctypes, "CDLL", None)  # calling it would raise TypeError
    elif where == "no ctypes":
        monkeypatch.setattr(builtins, "__import__", without_ctypes)
    else:
        monkeypatch.setattr(ctypes, "CDLL", NoTrim)
    memory.give_back()
