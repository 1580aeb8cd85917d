"""The checks that read one note at a time: long answers, lists, two questions in one,
clozes with many deletions or a guessable one, and open questions with a long answer."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from deckgen.model import QualitySettings
from deckgen.quality import text
from deckgen.quality.findings import Finding, quoted
from deckgen.quality.reading import Reading

_CODE_SPAN = re.compile(r"`[^`]*`")
_WH = r"(?:what|which|who|whom|whose|when|where|why|how)"
# two questions in one: a wh-word, then (with no "?" between) "and"/"or" and another wh-word
_WH_WORD = re.compile(rf"\b{_WH}\b", re.IGNORECASE)
_AND_WH = re.compile(rf",?\s\b(?:and|or)\s+(?:also\s+)?{_WH}\b", re.IGNORECASE)
_AND_WH_AT = re.compile(rf"(?={_AND_WH.pattern})", re.IGNORECASE)
# clauses of prose, where an enumeration could stand: sentence ends and dashes
_CLAUSES = re.compile(r"[.;:!?](?=\s|$)|\s[—–]\s")
_PARENS = re.compile(r"\(([^()]*)\)")
_COMMA = re.compile(r",(?!\d{3}\b)\s*")  # 3,000 is one number
_AND_OR = re.compile(r"(?:^|\s)(?:and|or)\s+", re.IGNORECASE)
MAX_ITEM_WORDS = 4  # an item of an enumeration, between its first and last
_MARKER_START = "-+*0123456789 "
_SERIES = "an enumeration of {} items"  # more than N items need N - 1 commas at least
# "What is X?", "What are X used for?": open questions that many true answers fit
_OPEN_QUESTION = re.compile(
    r"^what\s+(?:is|are)\s+(?!.*\b(?:to|when|if|that|which|how|do|does|default)\b)"
    r"[^:,?]{1,60}?(?:\s+used\s+for)?\?$",
    re.IGNORECASE,
)
_EXAMPLE_QUESTION = re.compile(
    r"\b(?:an?|one|some)\s+examples?\s+of\b|^(?:name|give|list)\s+(?:an?|one|some|any)\b",
    re.IGNORECASE,
)
_EXAMPLE_START = ("name ", "give ", "list ")
_FACT_BREAK = re.compile(r";|[.!?]\s+\S")


def long_answer(reading: Reading, settings: QualitySettings) -> Iterator[Finding]:
    if reading.is_cloze:
        return
    count = reading.answer_words
    if count > settings.max_answer_words:
        yield Finding(
            "long-answer",
            reading.card,
            f"the answer has {count} words (max_answer_words = {settings.max_answer_words}):"
            " keep the one fact the question asks, and give the rest cards of their own",
        )


def lists(reading: Reading, settings: QualitySettings) -> Iterator[Finding]:
    limit = settings.max_list_items
    advice = "a cloze per item, or a card per item"
    if reading.is_cloze:
        for deletion in reading.deletions:
            number, size = deletion.number, enumeration(text.plain(deletion.hidden))
            if size > limit:
                message = f"c{number} hides a list of {size} items to recall at once"
                message += f" (max_list_items = {limit}): {advice}"
                yield Finding("list", reading.card, message)
        return
    size, kind = max(
        (list_items(reading.answer_lines), "a list of {} items"),
        (table_rows(reading.answer_lines), "a table of {} rows"),
        (enumeration(reading.answer) if reading.answer.count(",") >= limit - 1 else 0, _SERIES),
    )
    if size > limit:
        message = f"the answer is {kind.format(size)} to recall (max_list_items = {limit})"
        yield Finding("list", reading.card, f"{message}: {advice}")


def list_items(lines: tuple[str, ...]) -> int:
    """Items of the answer's top-level Markdown lists."""
    return sum(
        1
        for line in lines
        if line[:1] in _MARKER_START and (m := text.LIST_ITEM.match(line)) and len(m.group(1)) < 2
    )


def table_rows(lines: tuple[str, ...]) -> int:
    """Body rows of the answer's tables (the header row and the rule not counted)."""
    rows = sum(1 for line in lines if text.is_table_row(line))
    rules = sum(1 for line in lines if text.is_table_rule(line))
    return max(0, rows - 2 * rules)


def enumeration(plain: str) -> int:
    """The items of the longest enumeration in prose ("A, B, C and D" → 4), else 0.

    A series runs over commas and ends at the part holding its "and" or "or" (the lead-in
    of its first item may hold one too); the items between its first and its last must be
    short (at most four words), so that clauses joined by commas do not count as items.
    Text in parentheses is read as a clause of its own."""
    asides = _PARENS.findall(plain)
    longest = 0
    for clause in _CLAUSES.split(". ".join([_PARENS.sub(" ", plain), *asides])):
        series: list[str] = []
        for part in (p.strip() for p in _COMMA.split(clause)):
            pieces = [piece for piece in _AND_OR.split(part) if piece.strip()] or [part]
            if not series:
                series = pieces[-1:]
            elif len(pieces) == 1:
                series.append(part)
            else:
                longest = max(longest, _series_length([*series, *pieces]))
                series = []
        longest = max(longest, _series_length(series))
    return longest


def _series_length(items: list[str]) -> int:
    middle = items[1:-1]
    if len(items) >= 3 and all(0 < len(text.words(item)) <= MAX_ITEM_WORDS for item in middle):
        return len(items)
    return 0


def two_questions(reading: Reading, settings: QualitySettings) -> Iterator[Finding]:
    if reading.is_cloze:
        return
    question = text.plain(_CODE_SPAN.sub(" ", reading.card.question))
    if question.count("?") >= 2:
        message = "the question asks two things (two question marks): ask one per card"
        yield Finding("two-questions", reading.card, message)
    elif (" and " in question or " or " in question) and (found := two_wh(question)):
        message = (
            f"the question asks two things ({quoted(found)}):"
            " ask one per card, or one that both parts answer"
        )
        yield Finding("two-questions", reading.card, message)


def two_wh(question: str) -> str | None:
    """The first stretch from a wh-word to "and"/"or" and another wh-word with no "?"
    between (_WH_WORD, then _AND_WH), as one lazy regular expression would find it, but in
    one pass: that expression would read the rest of the question again from every wh-word
    (tests/property/test_lint_text.py holds this to it)."""
    joins = [m.start() for m in _AND_WH_AT.finditer(question)]
    marks = [m.start() for m in re.finditer(r"\?", question)]
    for wh in _WH_WORD.finditer(question) if joins else ():
        at = bisect.bisect_left(joins, wh.end())
        if at == len(joins):
            return None  # no join after this wh-word, nor after any later one
        mark = bisect.bisect_left(marks, wh.end())
        if mark < len(marks) and marks[mark] < joins[at]:
            continue  # a "?" ends this wh-word's question first
        found = _AND_WH.match(question, joins[at])
        if found is not None:  # the lookahead matched there
            return question[wh.start() : found.end()]
    return None


def cloze_count(reading: Reading, settings: QualitySettings) -> Iterator[Finding]:
    count = len(reading.numbers)
    if reading.is_cloze and count > settings.max_cloze_deletions:
        yield Finding(
            "cloze-count",
            reading.card,
            f"the cloze makes {count} cards (max_cloze_deletions = {settings.max_cloze_deletions})"
            f" and each shows the other {count - 1} answers: fewer deletions, or a card per fact",
        )


def cloze_guessable(reading: Reading, settings: QualitySettings) -> Iterator[Finding]:
    for prompt in reading.prompts if reading.is_cloze else ():
        hidden = prompt.key_text
        hidden_stems = set(text.stems(hidden))
        number = f"c{prompt.number}"
        if not hidden_stems and text.words(hidden):
            message = f"{number} hides only {quoted(hidden)}: a yes-or-no guess, not a fact"
        elif hidden_stems and hidden_stems <= prompt.shows:
            message = f"{number} hides {quoted(hidden)}, which the rest of the cloze shows"
        else:
            continue
        yield Finding("cloze-guessable", reading.card, message)


def ambiguous(reading: Reading, settings: QualitySettings) -> Iterator[Finding]:
    if reading.is_cloze:
        return
    question = reading.question
    lowered = question[:5].lower()
    if ("xample" in question or lowered in _EXAMPLE_START) and _EXAMPLE_QUESTION.search(question):
        message = "the question asks for an example, so many answers are right: ask for one fact"
        yield Finding("ambiguous", reading.card, message)
        return
    count = reading.answer_words
    limit = settings.max_definition_words
    if count <= limit or lowered != "what " or not _OPEN_QUESTION.match(question):
        return
    if _FACT_BREAK.search(text.ABBREVIATION.sub("", reading.answer)):
        yield Finding(
            "ambiguous",
            reading.card,
            f"an open question with a {count}-word answer of several facts"
            f" (max_definition_words = {limit}): other true answers fit it;"
            " ask for the one fact the answer gives",
        )


CHECKS = {
    "long-answer": long_answer,
    "list": lists,
    "two-questions": two_questions,
    "cloze-count": cloze_count,
    "cloze-guessable": cloze_guessable,
    "ambiguous": ambiguous,
}
