"""A note as the checks read it: what each of its Anki cards shows, and what it asks for.

Only `card.kind`, `card.question` and `card.answer` are read, so a note of any type reads
the same way: a basic note is one card (its question shows, its answer is asked); a cloze
note is one card per cloze number (the text shows with that number's deletions hidden).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deckgen.model import Card, CardKind
from deckgen.quality import text

MAX_KEY_STEMS = 4  # content stems of a key phrase its question lacks, at most …
MAX_HEAD_WORDS = 12  # … and words of the answer's head: a longer head is a sentence
HEAD_CHARS = 160  # a head is found in this much of the answer's first line, or it is too long
_PAREN = re.compile(r"\([^()]*\)")
_CLAUSE_END = re.compile(r"[.;:!?](?=\s|$)|,\s|\s[—–-]{1,2}\s")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|\d{1,9}[.)])\s+")


@dataclass(frozen=True)
class Prompt:
    """One Anki card of a note, as a reviewer meets it."""

    note: int  # the note's index in the deck's cards
    number: int | None  # the cloze number; None for a basic card
    shows: frozenset[str]  # content stems of the front: the question, or the cloze text
    key: tuple[str, ...]  # the answer's key phrase: its content stems the front does not show
    key_text: str  # the key phrase as written, for messages

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.key)


@dataclass(frozen=True)
class Reading:
    """A note read once, for every check: its text, and what each of its cards shows."""

    card: Card
    index: int
    question: str  # plain text: the question, or the cloze's sentence with every deletion shown
    answer_lines: tuple[str, ...]  # a basic answer's prose lines (no code)
    answer: str  # a basic answer's prose as plain text (no code, no tables)
    deletions: tuple[text.Deletion, ...]  # a cloze's, in order
    visible: frozenset[str]  # content stems some card of this note shows on its front
    prompts: tuple[Prompt, ...]
    answer_words: int = 0  # words of `answer`

    @property
    def front(self) -> frozenset[str]:
        """Every stem on a front of this note, hidden deletions included."""
        return self.visible.union(*(prompt.shows for prompt in self.prompts))

    @property
    def is_cloze(self) -> bool:
        return self.card.kind is CardKind.CLOZE

    @property
    def numbers(self) -> list[int]:
        return sorted({deletion.number for deletion in self.deletions})


def read(card: Card, index: int) -> Reading:
    if card.kind is CardKind.CLOZE:
        return _read_cloze(card, index)
    question = text.plain(card.question)
    lines = tuple(text.prose_lines(card.answer))
    answer = text.plain(" ".join([line for line in lines if not text.is_table_row(line)]))
    shows = frozenset(text.stems(question))
    head = key_phrase(lines)
    key: tuple[str, ...] = ()
    if head.count(" ") < MAX_HEAD_WORDS:  # a longer head is a sentence, not a key phrase
        key = tuple(dict.fromkeys(s for s in text.stems(head) if s not in shows))
    if len(key) > MAX_KEY_STEMS:
        key = ()
    prompt = Prompt(index, None, shows, key, head)
    count = text.word_count(answer)
    return Reading(card, index, question, lines, answer, (), shows, (prompt,), count)


def key_phrase(answer_lines: tuple[str, ...]) -> str:
    """The head of an answer: its first clause, without asides in parentheses.

    `Dedicated Hosts: you pay for a physical host …` → `Dedicated Hosts`;
    `No. You pay the current Spot price …` → `No`."""
    first = next((line for line in answer_lines if line.strip()), "")[:HEAD_CHARS]
    plain = text.plain(_LIST_MARKER.sub("", first) if first[:1] in "-+*0123456789" else first)
    if "(" in plain:
        plain = _PAREN.sub(" ", plain)
    if ".g." in plain or ".e." in plain or "tc." in plain or "vs." in plain:
        plain = text.ABBREVIATION.sub(r"\1", plain)
    end = _CLAUSE_END.search(plain)
    return " ".join((plain[: end.start()] if end else plain).split())


def _read_cloze(card: Card, index: int) -> Reading:
    segments = text.cloze_segments(card.question)
    deletions = tuple(part for part in segments if isinstance(part, text.Deletion))
    numbers = sorted({deletion.number for deletion in deletions})
    sentence = text.plain(text.cloze_text(segments, shown=True))
    # each part's stems once: a card's front is the text, the other numbers' deletions and
    # its own hints
    around = set(text.stems(text.plain(text.cloze_text(segments, shown=False))))
    hidden_stems = {n: set[str]() for n in numbers}
    hint_stems = {n: set[str]() for n in numbers}
    for deletion in deletions:
        hidden_stems[deletion.number].update(text.stems(text.plain(deletion.hidden)))
        hint_stems[deletion.number].update(text.stems(text.plain(deletion.hint)))
    # a deletion is shown on the note's other cards, so only a lone number keeps it hidden
    visible = frozenset(around.union(*hidden_stems.values()) if len(numbers) > 1 else around)
    prompts = []
    for number in numbers:
        others = (stems for n, stems in hidden_stems.items() if n != number)
        shows = frozenset(around.union(hint_stems[number], *others))
        hidden = " … ".join(text.plain(d.hidden) for d in deletions if d.number == number)
        key = tuple(dict.fromkeys(s for s in text.stems(hidden) if s not in shows))
        prompts.append(Prompt(index, number, shows, key, hidden))
    return Reading(card, index, sentence, (), "", deletions, visible, tuple(prompts))
