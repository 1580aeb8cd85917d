"""Cloze markers (``{{c1::…}}``): finding them, and checking they close and count up from c1."""

from __future__ import annotations

import re

from deckgen.errors import Diagnostic, error
from deckgen.model import SourceLoc

CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")
# A whole deletion: its number, the text it hides and its hint (without nested deletions)
CLOZE_DELETION = re.compile(
    r"\{\{c(\d+)::((?:(?!\}\}|::).)*)(?:::((?:(?!\}\}).)*))?\}\}", re.DOTALL
)
# A deletion with none inside it: its hidden text and hint hold no `{{cN::`
_INNERMOST = re.compile(
    r"\{\{c\d+::((?:(?!\{\{c\d+::|\}\}|::).)*)(?:::((?:(?!\{\{c\d+::|\}\}).)*))?\}\}", re.DOTALL
)
CLOZE_TOKEN = re.compile(r"\{\{c(\d+)::|\}\}")  # a deletion's opening or its closing braces


def check_cloze(text: str, path: str, first_line: int) -> list[Diagnostic]:
    """Unclosed markers, c0, and numbers that skip (c1, c3)."""
    problems: list[Diagnostic] = []
    stack: list[int] = []
    numbers: set[int] = set()
    for match in CLOZE_TOKEN.finditer(text):
        if match.group(1) is None:
            if stack:
                stack.pop()
            continue
        stack.append(match.start())
        number = int(match.group(1))
        numbers.add(number)
        if number == 0:
            line = first_line + text.count("\n", 0, match.start())
            problems.append(
                error(SourceLoc(path, line), "DG121", "cloze numbers start at c1, not c0")
            )
    for start in stack:
        line = first_line + text.count("\n", 0, start)
        snippet = text[start : start + 20]
        problems.append(
            error(SourceLoc(path, line), "DG120", f"cloze '{snippet}' is never closed with '}}}}'")
        )
    positive = sorted(n for n in numbers if n > 0)
    if positive and len(positive) != positive[-1]:  # distinct, sorted: c1…cN has N numbers
        found = ", ".join(f"c{n}" for n in positive)
        problems.append(
            error(SourceLoc(path, first_line), "DG122", f"cloze numbers skip: found {found}")
        )
    return problems


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers of a note's text, in order: Anki makes a card of each."""
    return sorted({int(n) for n in CLOZE_OPEN.findall(text)})


def cloze_shown(text: str) -> str:
    """A cloze's text with every deletion shown as written (its markers and hints left out),
    nested ones too: the innermost deletions are unwrapped first, until none is left."""
    while True:
        shown = _INNERMOST.sub(lambda deletion: deletion.group(1), text)
        if shown == text:
            return shown
        text = shown
