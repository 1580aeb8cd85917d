"""`deckgen check` reads the files a build parsed from the build cache, and says exactly
what it says without it: it parses only what the cache does not hold, and writes nothing.
Neither check nor build trusts the cache when the files every entry depends on changed
while they ran."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import cli
from deckgen.notes import folder
from helpers import NotesFactory, cache_folder, note_type_toml

FILES = {
    # a warning (an image that is not there is an error: keep to warnings and findings)
    "ec2.md": """\
        # EC2
        ## Purchasing
        ### What is Spot?
        Spare capacity. <span onclick="x()">Cheap</span>

        ### What is the On-Demand price?
        <!-- quality: ok long-answer — the whole price model, on purpose -->
        You pay by the second for what you run, with no commitment, at a price that is
        the same every hour of the day and every day of the year, for as long as it runs,
        whatever other customers do, in every Region that offers the instance type.

        Some prose that makes no card.
        """,
    "s3.md": """\
        \ufeff# S3
        ## Basics
        Q: What is S3?
        A: Object storage.

        - S3 stores {{c1::objects}} in {{c2::buckets}}.
        """,
}


def check(notes: Path, **env: str) -> Result:
    return CliRunner().invoke(cli, ["check", str(notes)], env=env)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed from here on, by name."""
    names: list[str] = []
    parse_file = folder.parse_file

    def counted(file: folder.NotesFile, data: bytes) -> tuple[object, object]:
        names.append(file.path.name)
        return parse_file(file, data)

    monkeypatch.setattr(folder, "parse_file", counted)
    return names


@pytest.fixture
def deck_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per pipeline build the incremental build runs from here on."""
    from deckgen.incremental import build as incremental

    runs: list[int] = []
    build_deck = incremental.build_deck

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return build_deck(*args, **kwargs)

    monkeypatch.setattr(incremental, "build_deck", counted)
    return runs


def built(notes: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output


def test_check_after_a_build_reads_the_files_it_parsed_and_says_the_same(
    make_notes: NotesFactory, tmp_path: Path, parsed: list[str]
) -> None:
    notes = make_notes(FILES)
    before = check(notes)
    assert "warning DG4" in before.output and "info" in before.output
    assert "1 quality finding silenced" in before.output
    built(notes, tmp_path)
    parsed.clear()
    after = check(notes)
    assert (after.exit_code, after.output) == (before.exit_code, before.output)
    assert parsed == []
    # an edit: that file is parsed, and check says what it says on a cache of nobody's
    (notes / "s3.md").write_text("# S3\n## Basics\n### What is S3?\nObject storage.\n")
    edited = check(notes)
    assert parsed == ["s3.md"]
    fresh = check(notes, DECKGEN_CACHE_DIR=str(tmp_path / "no-cache"))
    assert (edited.exit_code, edited.output) == (fresh.exit_code, fresh.output)
    assert edited.output != after.output


def test_check_writes_no_cache(make_notes: NotesFactory, tmp_path: Path) -> None:
    notes = make_notes(FILES)
    nowhere = tmp_path / "cache-to-be"
    assert check(notes, DECKGEN_CACHE_DIR=str(nowhere)).exit_code == 0
    assert not nowhere.exists()
    built(notes, tmp_path)
    entries = sorted((path, path.stat().st_mtime_ns) for path in cache_folder().rglob("*"))
    assert check(notes).exit_code == 0
    assert sorted((path, path.stat().st_mtime_ns) for path in cache_folder().rglob("*")) == entries


def _damaged(cache: Path) -> None:
    """ec2.md's entry: its seal no longer matches"""
    for entry in cache.glob("*/*.json"):
        entry.write_bytes(entry.read_bytes().replace(b"Spare capacity", b"Spare  capacity"))


def _shared(cache: Path) -> None:
    next(path for path in cache.iterdir() if path.is_dir()).chmod(0o777)


def _removed(cache: Path) -> None:
    shutil.rmtree(cache)


@pytest.mark.parametrize("harm", [_damaged, _shared, _removed])
def test_a_cache_check_cannot_trust_is_read_as_none(
    make_notes: NotesFactory, tmp_path: Path, parsed: list[str], harm: Callable[[Path], None]
) -> None:
    """Damaged entries, a folder others may write (a build refuses it, DG080) or no
    cache: check parses the files and says what it says without a cache."""
    if harm is _shared and not hasattr(os, "getuid"):
        pytest.skip("POSIX owners and modes")
    notes = make_notes(FILES)
    before = check(notes)
    built(notes, tmp_path)
    harm(cache_folder())
    parsed.clear()
    after = check(notes)
    assert (after.exit_code, after.output) == (before.exit_code, before.output)
    assert "DG080" not in after.output
    assert sorted(parsed) == (["ec2.md"] if harm is _damaged else ["ec2.md", "s3.md"])


def _deck_toml_edited(notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = notes / "deck.toml"
    toml.write_text(toml.read_text() + "\n[quality]\nmax_answer_words = 10\n")


def _file_saved_after_the_scan(notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's scan saw ec2.md before it was saved: check still reads what is there."""
    from deckgen.incremental.inputs import scan_inputs

    scanned = scan_inputs(notes)
    (notes / "ec2.md").write_text(
        "# EC2\n## Purchasing\n### What is Spot?\nSpare, cheap capacity.\n"
    )
    monkeypatch.setattr(
        "deckgen.incremental.cache.scan_inputs", lambda _, notes_files=True: scanned
    )


@pytest.mark.parametrize("change", [_deck_toml_edited, _file_saved_after_the_scan])
def test_what_changed_since_the_build_is_parsed_again(
    make_notes: NotesFactory,
    tmp_path: Path,
    parsed: list[str],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path, pytest.MonkeyPatch], None],
) -> None:
    notes = make_notes(FILES)
    built(notes, tmp_path)
    change(notes, monkeypatch)
    parsed.clear()
    after = check(notes)
    expected = ["ec2.md"] if change is _file_saved_after_the_scan else ["ec2.md", "s3.md"]
    assert sorted(parsed) == expected
    fresh = check(notes, DECKGEN_CACHE_DIR=str(tmp_path / "no-cache"))
    assert (after.exit_code, after.output) == (fresh.exit_code, fresh.output)


def test_a_linked_note_types_folder_pointed_elsewhere_is_a_change(
    make_notes: NotesFactory, tmp_path: Path, parsed: list[str]
) -> None:
    """note types are read through a linked notetypes/ folder: pointing it elsewhere must
    change what build and check reuse, though no file's bytes changed."""
    notes = make_notes(
        {
            "ec2.md": "# EC2\n## T\n### Spot\n<!-- notetype: Vocabulary -->\nSpare capacity.\n",
            "types-a/vocabulary.toml": note_type_toml("Vocabulary"),
            "types-b/vocabulary.toml": note_type_toml("Lexicon"),
        }
    )
    (notes / "notetypes").symlink_to("types-a", target_is_directory=True)
    built(notes, tmp_path)
    assert "0 errors, 0 warnings" in check(notes).output
    (notes / "notetypes").unlink()
    (notes / "notetypes").symlink_to("types-b", target_is_directory=True)
    parsed.clear()
    after = check(notes)
    assert parsed == ["ec2.md"]
    assert "unknown note type 'Vocabulary'" in after.output
    fresh = check(notes, DECKGEN_CACHE_DIR=str(tmp_path / "no-cache"))
    assert (after.exit_code, after.output) == (fresh.exit_code, fresh.output)
    rebuilt = CliRunner().invoke(cli, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert rebuilt.exit_code == 1 and "Up to date" not in rebuilt.output


def _scans_before(monkeypatch: pytest.MonkeyPatch, notes: Path, change: Callable[[], None]) -> None:
    """The cache's first scan of the folder is taken, then `change` happens: as when a
    file is saved between the scan and the reading of deck.toml."""
    from deckgen.incremental.inputs import scan_inputs

    calls: list[int] = []

    def scan(folder: Path, notes_files: bool = True) -> dict[str, str]:
        calls.append(1)
        found = scan_inputs(folder, notes_files=notes_files)
        if len(calls) == 1:
            change()
        return found

    monkeypatch.setattr("deckgen.incremental.cache.scan_inputs", scan)


def _scans_as_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    from deckgen.incremental.inputs import scan_inputs

    monkeypatch.setattr("deckgen.incremental.cache.scan_inputs", scan_inputs)


ROOT_IS_EC2 = 'name = "EC2"\nslug = "learn-aws"\nversion = "1.0.0"\n'


def test_a_check_during_which_a_note_type_changed_is_checked_again_without_the_cache(
    make_notes: NotesFactory, tmp_path: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = make_notes(
        {
            **FILES,
            "lambda.md": "# Lambda\n## T\n### Run\n<!-- notetype: Vocabulary -->\nFunctions.\n",
            "notetypes/vocabulary.toml": note_type_toml("Vocabulary"),
        }
    )
    built(notes, tmp_path)
    renamed = note_type_toml("Lexicon")
    toml = notes / "notetypes" / "vocabulary.toml"
    _scans_before(monkeypatch, notes, lambda: toml.write_text(renamed))
    parsed.clear()
    after = check(notes)
    assert sorted(parsed) == ["ec2.md", "lambda.md", "s3.md"]  # the second, uncached, check
    _scans_as_usual(monkeypatch)
    fresh = check(notes, DECKGEN_CACHE_DIR=str(tmp_path / "no-cache"))
    assert (after.exit_code, after.output) == (fresh.exit_code, fresh.output)
    assert "unknown note type 'Vocabulary'" in fresh.output


def _fresh_build(notes: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The deck a build with an empty cache of its own makes of the notes as they are."""
    from deckgen.incremental.build import build

    ours = str(cache_folder())
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(out.parent / f"{out.name}-cache"))
    try:
        return build(notes, out, 1_790_000_000).path.read_bytes()
    finally:
        monkeypatch.setenv("DECKGEN_CACHE_DIR", ours)


def _entries() -> list[str]:
    return sorted(path.name for path in cache_folder().glob("*/*.json"))


def test_a_build_during_which_deck_toml_changed_is_built_again_and_caches_nothing(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built on the old deck.toml's cache entries, the deck would mix two configurations;
    an entry parsed under the new one but keyed under the old would come back once the
    old deck.toml does."""
    from deckgen.incremental.build import build

    notes = make_notes(FILES)
    before = (notes / "deck.toml").read_text()
    build(notes, tmp_path / "first", 1_790_000_000)
    entries = _entries()
    (notes / "s3.md").write_text("# S3\n## Basics\n### What is S3?\nObject storage, edited.\n")
    _scans_before(monkeypatch, notes, lambda: (notes / "deck.toml").write_text(ROOT_IS_EC2))
    racy = build(notes, tmp_path / "racy", 1_790_000_000)
    _scans_as_usual(monkeypatch)
    assert _entries() == entries  # s3.md's, made under the old key, is gone; none made since
    assert racy.path.read_bytes() == _fresh_build(notes, tmp_path / "fresh", monkeypatch)
    (notes / "deck.toml").write_text(before)  # the old configuration again
    again = build(notes, tmp_path / "again", 1_790_000_000)
    assert again.path.read_bytes() == _fresh_build(notes, tmp_path / "fresh-again", monkeypatch)


def test_a_build_that_a_change_made_fail_caches_nothing_of_it(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The note type a file uses is renamed while the build reads: the build fails, as one
    without the cache does, and once the name is back the build passes."""
    from deckgen.errors import DeckgenError
    from deckgen.incremental.build import build

    lambda_md = "# Lambda\n## T\n### Run\n<!-- notetype: Vocabulary -->\nFunctions.\n"
    notes = make_notes(
        {
            **FILES,
            "lambda.md": lambda_md,
            "notetypes/vocabulary.toml": note_type_toml("Vocabulary"),
        }
    )
    build(notes, tmp_path / "decks", 1_790_000_000)
    (notes / "lambda.md").write_text(lambda_md.replace("Functions.", "Functions, edited."))
    toml = notes / "notetypes" / "vocabulary.toml"
    _scans_before(monkeypatch, notes, lambda: toml.write_text(note_type_toml("Lexicon")))
    with pytest.raises(DeckgenError) as failed:
        build(notes, tmp_path / "decks", 1_790_000_000)
    _scans_as_usual(monkeypatch)
    assert "unknown note type 'Vocabulary'" in str([str(d) for d in failed.value.diagnostics])
    toml.write_text(note_type_toml("Vocabulary"))
    again = build(notes, tmp_path / "decks", 1_790_000_000)
    assert again.path.read_bytes() == _fresh_build(notes, tmp_path / "fresh", monkeypatch)


def test_a_build_that_a_change_made_fail_leaves_the_output_as_it_was(
    make_notes: NotesFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An image is deleted while the build reads: the files are checked before anything is
    planned or written, so the mixed deck (its card from the cache, the image gone) is
    never written, and the build fails as one without the cache does."""
    from deckgen.errors import DeckgenError
    from deckgen.incremental.build import build

    notes = make_notes({**FILES, "vpc.md": "# VPC\n## T\n### Which?\n![a map](media/map.png)\n"})
    (notes / "media").mkdir()
    (notes / "media" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    out = tmp_path / "decks"
    built = build(notes, out, 1_790_000_000).path
    written = {path.name: path.read_bytes() for path in out.iterdir()}
    (notes / "s3.md").write_text("# S3\n## Basics\n### What is S3?\nObject storage, edited.\n")
    _scans_before(monkeypatch, notes, lambda: (notes / "media" / "map.png").unlink())
    with pytest.raises(DeckgenError):
        build(notes, out, 1_790_000_000)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == written
    assert built.is_file()


@pytest.mark.parametrize("diagrams", ["a folder", "a link to a folder of the notes"])
def test_a_build_that_renders_a_diagram_is_not_built_twice(
    make_notes: NotesFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deck_builds: list[int],
    diagrams: str,
) -> None:
    """The SVGs a build stores in notes/.diagrams are files every entry depends on, but its
    own: they do not make it distrust what it read and wrote."""
    from deckgen.diagrams.renderer import MermaidRenderer
    from deckgen.incremental import build as incremental

    class Renderer:
        def __enter__(self) -> Renderer:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def render(self, source: str, theme: str) -> str:
            return f'<svg xmlns="http://www.w3.org/2000/svg"><text>{theme}</text></svg>'

    monkeypatch.setattr(MermaidRenderer, "locate", classmethod(lambda cls, root=None: Renderer()))
    flow = "# Cloud\n## Compute\n### Which path?\n```mermaid\nflowchart LR\n  A --> B\n```\n"
    notes = make_notes({**FILES, "cloud.md": flow})
    if diagrams != "a folder":
        (notes / "assets" / "diagrams").mkdir(parents=True)
        (notes / ".diagrams").symlink_to(Path("assets", "diagrams"), target_is_directory=True)
    incremental.build(notes, tmp_path / "decks", 1_790_000_000)
    assert len(list((notes / ".diagrams").glob("*.svg"))) == 2  # light and dark
    assert len(deck_builds) == 1
    assert len(_entries()) == 3  # every file's


def test_an_interrupted_build_stays_interrupted_though_the_folder_changed(
    make_notes: NotesFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deck_builds: list[int],
) -> None:
    """Ctrl-C during a build while deck.toml changes: the build stops, it does not start
    over without the cache."""
    from deckgen.incremental import build as incremental
    from deckgen.incremental import entries

    notes = make_notes(FILES)
    incremental.build(notes, tmp_path / "decks", 1_790_000_000)
    (notes / "s3.md").write_text("# S3\n## Basics\n### What is S3?\nObject storage, edited.\n")

    def interrupted(*args: object) -> None:
        (notes / "deck.toml").write_text(ROOT_IS_EC2)
        raise KeyboardInterrupt

    monkeypatch.setattr(entries, "from_json", interrupted)
    deck_builds.clear()
    with pytest.raises(KeyboardInterrupt):
        incremental.build(notes, tmp_path / "decks", 1_790_000_000)
    assert len(deck_builds) == 1
