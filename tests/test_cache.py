"""The build caches never make a build wrong: every change that shapes the deck rebuilds it,
and a build from the cache equals a build from scratch."""

from __future__ import annotations

import concurrent.futures
import shutil
import sqlite3
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deckgen.cards.render import RenderedNote
from deckgen.incremental import cache as cache_module
from deckgen.incremental import workers
from deckgen.incremental.build import build
from deckgen.model import Card
from deckgen.pipeline import BuildResult
from helpers import NotesFactory, cache_folder

T1 = 1_790_000_000
FILES = {
    "ec2.md": """\
        # EC2
        ## Purchasing options
        ### What is Spot?
        <!-- id: ec2-spot -->
        Spare capacity, with `code`.

        - Spot is {{c1::spare}} capacity.
        """,
    "s3.md": """\
        # S3
        ## Basics
        Q: What is S3?
        A: Object storage.

        ```python
        print("hi")
        ```
        """,
}


def notes_rows(apkg: Path, tmp_path: Path) -> list[tuple[str, str, str, int]]:
    """The notes of a package, in GUID order: (guid, fields, tags, mod)."""
    db = tmp_path / f"read-{apkg.stat().st_mtime_ns}.anki2"
    with zipfile.ZipFile(apkg) as package:
        db.write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT guid, flds, tags, mod FROM notes ORDER BY guid").fetchall()
    conn.close()
    return [(str(g), str(f), str(t), int(m)) for g, f, t, m in rows]


def cache_entries(tmp_path: Path) -> list[Path]:
    return sorted(cache_folder().glob("*/*.json"))


@pytest.fixture
def notes(make_notes: NotesFactory) -> Path:
    return make_notes(FILES)


def test_an_unchanged_build_keeps_the_deck_as_it_is(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    first = build(notes, out, T1)
    stat = first.path.stat()
    second = build(notes, out, T1)
    assert (first.skipped, second.skipped) == (False, True)
    assert second.path == first.path
    assert second.path.stat().st_mtime_ns == stat.st_mtime_ns
    assert (second.notes, second.cards_per_subdeck) == (first.notes, first.cards_per_subdeck)


def test_a_kept_build_reports_the_same_warnings(make_notes: NotesFactory, tmp_path: Path) -> None:
    ec2 = "---\nauthor: x\n---\n" + textwrap.dedent(FILES["ec2.md"])
    notes = make_notes({**FILES, "ec2.md": ec2})
    first, second = build(notes, tmp_path / "d", T1), build(notes, tmp_path / "d", T1)
    assert second.skipped
    assert [str(d) for d in second.diagnostics] == [str(d) for d in first.diagnostics]
    assert any(d.code == "DG022" for d in second.diagnostics)


def test_an_edit_is_picked_up(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    ec2 = notes / "ec2.md"
    ec2.write_text(ec2.read_text().replace("Spare capacity", "Unused capacity"))
    result = build(notes, out, T1)
    assert not result.skipped
    fields = " ".join(row[1] for row in notes_rows(result.path, tmp_path))
    assert "Unused capacity" in fields and "Spare capacity" not in fields


def test_a_build_from_the_cache_equals_one_from_scratch(notes: Path, tmp_path: Path) -> None:
    build(notes, tmp_path / "warm", T1)
    (notes / "s3.md").write_text(textwrap.dedent(FILES["s3.md"]).replace("Object", "Blob"))
    warm = build(notes, tmp_path / "warm", T1)
    shutil.rmtree(cache_folder())
    cold = build(notes, tmp_path / "cold", T1)
    assert notes_rows(warm.path, tmp_path) == notes_rows(cold.path, tmp_path)
    assert "Blob storage" in str(notes_rows(cold.path, tmp_path))


def test_deleting_the_cache_is_safe(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    before = notes_rows(build(notes, out, T1).path, tmp_path)
    shutil.rmtree(cache_folder())
    result = build(notes, out, T1)
    assert not result.skipped
    assert notes_rows(result.path, tmp_path) == before


def test_corrupt_cache_entries_are_misses(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    before = notes_rows(build(notes, out, T1).path, tmp_path)
    entries = cache_entries(tmp_path)
    assert len(entries) == 3  # two files and the build record
    for entry in entries:
        entry.write_text('{"cards": [["nonsense"]], "diagnostics": []}')
    result = build(notes, out, T1)
    assert not result.skipped
    assert notes_rows(result.path, tmp_path) == before


@pytest.mark.parametrize("damage", ["delete", "modify"])
def test_a_missing_or_modified_output_is_rebuilt(notes: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "decks"
    first = build(notes, out, T1)
    good = first.path.read_bytes()
    if damage == "delete":
        first.path.unlink()
    else:
        first.path.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    second = build(notes, out, T1)
    assert not second.skipped
    assert notes_rows(second.path, tmp_path) == notes_rows(first.path, tmp_path)


def test_force_rebuilds(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    assert not build(notes, out, T1, force=True).skipped


def test_another_timestamp_rebuilds(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    result = build(notes, out, T1 + 60)
    assert not result.skipped
    assert {row[3] for row in notes_rows(result.path, tmp_path)} == {T1 + 60}


def test_an_unpinned_build_keeps_an_unchanged_deck(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out)
    assert build(notes, out).skipped


def test_deck_toml_changes_reach_cached_files(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    toml = notes / "deck.toml"
    toml.write_text(toml.read_text().replace('slug = "learn-aws"', 'slug = "aws"'))
    result = build(notes, out, T1)
    tags = " ".join(row[2] for row in notes_rows(result.path, tmp_path))
    assert "aws::ec2::purchasing-options" in tags and "learn-aws" not in tags


def test_a_new_file_in_the_folder_rebuilds(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    (notes / "media").mkdir()
    (notes / "media" / "diagram.svg").write_text("<svg/>")
    assert not build(notes, out, T1).skipped


def test_another_deckgen_rebuilds_everything(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    before = {path.stem for path in cache_entries(tmp_path)}
    monkeypatch.setattr(cache_module, "tool_fingerprint", lambda: "another deckgen")
    asked: list[str] = []
    original = cache_module.BuildCache.read_entry

    def spy(self: cache_module.BuildCache, key: str) -> object:
        asked.append(key)
        return original(self, key)

    monkeypatch.setattr(cache_module.BuildCache, "read_entry", spy)
    result: BuildResult = build(notes, out, T1)
    assert not result.skipped
    assert len(asked) == 2 and not set(asked) & before


def test_old_file_versions_are_pruned(notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(notes, out, T1)
    ec2 = notes / "ec2.md"
    for word in ("one", "two", "three"):
        ec2.write_text(ec2.read_text() + f"\n### Question {word}?\nAnswer {word}.\n")
        build(notes, out, T1)
    assert len(cache_entries(tmp_path)) == 3


def test_a_cache_that_cannot_be_written_only_slows_the_build(notes: Path, tmp_path: Path) -> None:
    cache_folder().rmdir()
    cache_folder().write_text("a file where the cache folder would go")
    out = tmp_path / "decks"
    assert not build(notes, out, T1).skipped
    result = build(notes, out, T1)
    assert not result.skipped and result.path.is_file()


def test_worker_processes_build_the_same_deck(
    notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workers, "PARALLEL_MIN_BYTES", 0)
    spawned: list[int] = []
    real_pool = concurrent.futures.ProcessPoolExecutor

    def pool(max_workers: int, **kwargs: object) -> object:
        spawned.append(max_workers)
        return real_pool(max_workers, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", pool)
    parallel = build(notes, tmp_path / "parallel", T1, jobs=2)
    assert spawned == [2]
    shutil.rmtree(cache_folder())
    single = build(notes, tmp_path / "single", T1, jobs=1)
    assert spawned == [2]
    assert notes_rows(parallel.path, tmp_path) == notes_rows(single.path, tmp_path)


TWO_CARDS = "# A\n## T\n### One?\nFirst.\n\n### Two?\nSecond.\n"


def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The question of every card rendered from now on (not taken from the cache), in order."""
    from deckgen.cards import render

    questions: list[str] = []
    real = render.render_card

    def counting(card: Card, *args: Any, **kwargs: Any) -> RenderedNote:
        questions.append(card.question)
        return real(card, *args, **kwargs)

    monkeypatch.setattr(render, "render_card", counting)
    return questions


def test_an_edit_renders_only_the_cards_it_changed(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards = "".join(
        f"### Question {n}?\nAnswer {n} with `code` and **bold**.\n\n" for n in range(8)
    )
    notes = make_notes({**FILES, "many.md": f"# Many\n## Topic\n{cards}"})
    build(notes, tmp_path / "decks", T1)
    questions = rendered(monkeypatch)
    many = notes / "many.md"
    many.write_text(many.read_text().replace("Answer 5 with", "Answer 5, edited, with"))
    edited = build(notes, tmp_path / "decks", T1)
    assert questions == ["Question 5?"]  # the other seven kept what the last build rendered
    shutil.rmtree(cache_folder())
    scratch = build(notes, tmp_path / "scratch", T1)
    assert len(questions) == 1 + scratch.notes  # without the cache, every card is rendered
    assert edited.path.read_bytes() == scratch.path.read_bytes()


def _line_added_above(notes: Path) -> None:
    # both cards' lines (and so where problems are reported) moved
    (notes / "a.md").write_text(TWO_CARDS.replace("# A\n", "# A\n\n", 1))


def _repository_set(notes: Path) -> None:
    # a link to each card's source changes every card's back
    toml = notes / "deck.toml"
    toml.write_text(toml.read_text() + 'repository = "https://github.com/o/r"\n')
    (notes / "a.md").write_text(TWO_CARDS.replace("First.", "First, edited."))


@pytest.mark.parametrize("change", [_line_added_above, _repository_set])
def test_an_edit_that_moves_cards_or_changes_the_folder_renders_them_again(
    make_notes: NotesFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
) -> None:
    notes = make_notes({"a.md": TWO_CARDS})
    build(notes, tmp_path / "decks", T1)
    questions = rendered(monkeypatch)
    change(notes)
    again = build(notes, tmp_path / "decks", T1)
    assert questions == ["One?", "Two?"]
    shutil.rmtree(cache_folder())
    assert again.path.read_bytes() == build(notes, tmp_path / "scratch", T1).path.read_bytes()


def test_a_damaged_index_of_earlier_entries_only_costs_time(
    make_notes: NotesFactory, tmp_path: Path
) -> None:
    notes = make_notes({"a.md": TWO_CARDS})
    build(notes, tmp_path / "decks", T1)
    (index,) = cache_folder().glob("*/files.index")
    index.write_bytes(index.read_bytes()[:-3] + b"xyz")
    (notes / "a.md").write_text(TWO_CARDS.replace("First.", "First, edited."))
    edited = build(notes, tmp_path / "decks", T1)
    shutil.rmtree(cache_folder())
    assert edited.path.read_bytes() == build(notes, tmp_path / "scratch", T1).path.read_bytes()
