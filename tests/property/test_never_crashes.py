"""Notes are untrusted: whatever a file holds, deckgen answers with diagnostics, never a crash.

Every diagnostic must point into the notes: a file of the folder (or the folder itself,
for problems of the whole folder) and a line that exists in that file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from notes_strategies import (
    FRONT_MATTER_BODY,
    RICH_ANSWER,
    TEXT,
    hostile_notes,
    line_count,
    wellformed_notes,
)

from deckgen.cards.render import render_card
from deckgen.errors import DeckgenError, Diagnostic
from deckgen.incremental.build import build
from deckgen.model import QualitySettings
from deckgen.notes.parse import parse_notes_file
from deckgen.quality.lint import lint
from helpers import examples

T = 1_790_000_000
GOOD_TOML = 'name = "Learn AWS"\nversion = "1.0.0"\n'
FOLDER_CODES = {"DG040", "DG041"}  # about the whole folder, so they name the folder
NOTE_NAMES = st.sampled_from(["ec2.md", "ecs.md", "Ünïcode näme.md", "with space.md", "s3.md"])
IGNORED_NAMES = st.sampled_from(["README.md", ".hidden.md", "x.txt"])  # read by nothing
DECK_TOML = st.one_of(
    st.just(GOOD_TOML),
    st.just(GOOD_TOML),
    st.just(GOOD_TOML),
    st.sampled_from(
        [
            'name = "X"\nversion = "1.0"\n',
            'name = "A::B"\nversion = "1.0.0"\n',
            'name = "X"\nversion = "1.0.0"\nslug = "Not A Slug"\nvresion = 1\n',
            "a = " + "[" * 3000 + "]" * 3000,
            "version = " + "9" * 5000,
            'name = "???"\nversion = "1.0.0"\n',
        ]
    ),
    TEXT,
    FRONT_MATTER_BODY,
)


def assert_points_into(diagnostic: Diagnostic, lines_of: dict[str, int], folder: str) -> None:
    path, line = diagnostic.loc.path, diagnostic.loc.line
    if diagnostic.code in FOLDER_CODES:
        assert (path, line) == (folder, 1), diagnostic
        return
    if diagnostic.code == "DG010":  # deck.toml is missing: it names the file it expected
        assert (path, line) == (f"{folder}/deck.toml", 1), diagnostic
        return
    assert path in lines_of, f"{diagnostic} names no file of the notes folder"
    assert 1 <= line <= lines_of[path], f"{diagnostic}: the file has {lines_of[path]} lines"


@settings(max_examples=examples(1.5))
@given(hostile_notes())
def test_parsing_any_file_gives_diagnostics_inside_it(text: str) -> None:
    parsed = parse_notes_file(text, "notes/ec2.md", "ec2.md", "learn-aws")
    lines = {"notes/ec2.md": line_count(text)}
    for diagnostic in parsed.diagnostics:
        assert_points_into(diagnostic, lines, "notes")
    for card in parsed.cards:
        assert 1 <= card.loc.line <= lines["notes/ec2.md"]
        render_card(card)


@settings(max_examples=examples(0.5))
@given(st.lists(hostile_notes(), min_size=1, max_size=3))
def test_the_quality_lint_reads_any_cards(texts: list[str]) -> None:
    """Whatever the cards hold, the card-quality lint answers with findings on them."""
    cards, lines = [], {}
    for number, text in enumerate(texts):
        path = f"notes/f{number}.md"
        cards += parse_notes_file(text, path, f"f{number}.md", "learn-aws").cards
        lines[path] = line_count(text)
    report = lint(cards, QualitySettings(max_answer_words=5, max_list_items=1))
    for diagnostic in [*report.diagnostics, *(s.diagnostic for s in report.silenced)]:
        assert_points_into(diagnostic, lines, "notes")


@st.composite
def notes_folder(draw: st.DrawFn) -> tuple[str | None, dict[str, bytes]]:
    files: dict[str, bytes] = {}
    names = draw(st.lists(NOTE_NAMES, min_size=1, max_size=3, unique=True))
    if draw(st.sampled_from([False] * 4 + [True])):
        names.append(draw(IGNORED_NAMES))
    for name in names:
        rich = wellformed_notes(RICH_ANSWER)
        text = draw(st.one_of(rich, rich, rich, hostile_notes()))
        data = text.encode("utf-8")
        damage = draw(st.sampled_from(["none"] * 6 + ["bom", "bad-byte"]))
        if damage == "bom":
            data = b"\xef\xbb\xbf" + data
        elif damage == "bad-byte":
            at = draw(st.integers(0, len(data)))
            data = (
                data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[at:]
            )
        files[name] = data
    missing_toml = draw(st.sampled_from([False] * 9 + [True]))
    return (None if missing_toml else draw(DECK_TOML)), files


def shown_lines(data: bytes) -> int:
    return line_count(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace"))


@settings(max_examples=examples(0.4))
@given(notes_folder(), st.booleans())
def test_building_any_folder_gives_a_deck_or_diagnostics(
    folder: tuple[str | None, dict[str, bytes]], strict: bool
) -> None:
    deck_toml, files = folder
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        folder = notes.as_posix()
        lines_of = {}
        if deck_toml is not None:
            (notes / "deck.toml").write_text(deck_toml, encoding="utf-8")
            lines_of[f"{folder}/deck.toml"] = line_count(deck_toml)
        for name, data in files.items():
            (notes / name).write_bytes(data)
            lines_of[f"{folder}/{name}"] = shown_lines(data)
        try:
            result = build(notes, Path(tmp) / "decks", T, strict=strict)
        except DeckgenError as exc:
            assert exc.diagnostics, "a DeckgenError must say what went wrong"
            diagnostics = exc.diagnostics
        else:
            assert result.path.is_file()
            diagnostics = result.diagnostics
        for diagnostic in diagnostics:
            assert_points_into(diagnostic, lines_of, folder)
