"""A note's GUID survives whitespace edits: learners keep their review history when an
author re-indents a heading, doubles a space, adds blank lines or saves with CRLF."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from notes_strategies import wellformed_notes

from deckgen.ids import guid_for_card
from deckgen.notes.parse import parse_notes_file
from helpers import examples

LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)]) ")


def guids(text: str) -> list[str]:
    parsed = parse_notes_file(text, "notes/ec2.md", "ec2.md", "learn-aws")
    assert [d for d in parsed.diagnostics if d.is_error] == []
    return [guid_for_card(card) for card in parsed.cards]


def crlf(text: str, _rng: random.Random) -> str:
    return text.replace("\n", "\r\n")


def trailing_whitespace(text: str, rng: random.Random) -> str:
    return "\n".join(line + rng.choice(["", " ", "  ", "\t", " \t "]) for line in text.split("\n"))


def double_inner_spaces(text: str, rng: random.Random) -> str:
    """Widen a space between words; never indentation, nor the space after a list marker
    (Markdown reads both: they decide which lines belong to a list item)."""

    def widen(match: re.Match[str]) -> str:
        return match.group(0) + " " * rng.choice([0, 1, 2])

    def edit(line: str) -> str:
        marker = LIST_MARKER.match(line)
        head = marker.group(0) if marker else ""
        return head + re.sub(r"(?<=\S) ", widen, line[len(head) :])

    return "\n".join(edit(line) for line in text.split("\n"))


def more_blank_lines(text: str, rng: random.Random) -> str:
    return re.sub(r"\n\n", lambda _m: "\n" * rng.choice([2, 3, 4]), text)


def indent_headings(text: str, rng: random.Random) -> str:
    """One space: two would move a heading that follows a list item into the item."""
    return re.sub(r"(?m)^#", lambda _m: rng.choice(["", " "]) + "#", text)


EDITS = [crlf, trailing_whitespace, double_inner_spaces, more_blank_lines, indent_headings]


@settings(max_examples=examples(0.6))
@given(wellformed_notes(), st.lists(st.sampled_from(EDITS), min_size=1), st.randoms())
def test_guids_survive_whitespace_edits(
    text: str, edits: list[Callable[[str, random.Random], str]], rng: random.Random
) -> None:
    before = guids(text)
    edited = text
    for edit in edits:
        edited = edit(edited, rng)
    assert guids(edited) == before, f"edits: {[e.__name__ for e in edits]}\n{edited!r}"
