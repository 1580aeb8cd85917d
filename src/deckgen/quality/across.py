"""The checks that compare notes: leaks within a sub-deck and near-duplicates across the
deck. Neither compares every pair of notes: inverted indexes from content stems to the
cards showing them (or answering with them) give the few candidates worth comparing, and
a stem on too many cards is no fact's signature, so it is not looked up.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator

from deckgen import ids
from deckgen.model import Card
from deckgen.quality import text
from deckgen.quality.findings import Finding, quoted, where
from deckgen.quality.reading import Prompt, Reading

COMMON_SHARE = 0.5  # a stem on the fronts of more than half a sub-deck's notes …
COMMON_MIN = 4  # … (and of more than four) tells none of its facts apart
MAX_POSTING = 50  # a stem on more cards than this is looked up for none of them
MIN_CUES = 2  # a leak shows a card's answer with at least two stems of its question …
CUE_SHARE = 0.5  # … and at least half of them (stems common in the sub-deck left out)
SAME_KEY = 0.5  # two key phrases this alike (Jaccard of their stems) …
SAME_FRONT = 0.8  # … on fronts sharing this share of the smaller's telling stems: one fact


def by_deck(readings: list[Reading]) -> dict[str, list[Reading]]:
    groups: dict[str, list[Reading]] = defaultdict(list)
    for reading in readings:
        groups[reading.card.deck].append(reading)
    return groups


def common_stems(readings: list[Reading]) -> dict[str, set[str]]:
    """Per sub-deck, the stems that tell none of its facts apart: its name's, and those on
    the fronts of more than half of its notes."""
    common = {}
    for deck, group in by_deck(readings).items():
        df = Counter(stem for r in group for stem in r.front)
        limit = max(COMMON_MIN, COMMON_SHARE * len(group))
        common[deck] = set(text.stems(deck)) | {s for s, count in df.items() if count > limit}
    return common


# --- leaks --------------------------------------------------------------------------------


def leaks(readings: list[Reading], common_by_deck: dict[str, set[str]]) -> Iterator[Finding]:
    """A card whose front shows another card's key phrase together with that card's cue
    words: reviewing the one gives the other's answer away (within one sub-deck)."""
    for deck, group in by_deck(readings).items():
        common = common_by_deck[deck]
        index: dict[str, list[Reading]] = defaultdict(list)
        for reading in group:
            if reading.is_cloze or not _YES_NO.match(reading.question):
                for stem in reading.visible:
                    index[stem].append(reading)
        reported: set[tuple[int, int]] = set()  # (target, source): one finding a pair
        for source in group:
            for prompt in source.prompts:
                for finding in _leaks_of(source, prompt, index, common):
                    if (id(finding.card), source.index) not in reported:
                        reported.add((id(finding.card), source.index))
                        yield finding


# a yes-or-no question asks whether what it says holds: it states nothing, so it leaks nothing
_YES_NO = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|must|should|will|would|has|have|may)\b",
    re.IGNORECASE,
)


def _leaks_of(
    source: Reading, prompt: Prompt, index: dict[str, list[Reading]], common: set[str]
) -> Iterator[Finding]:
    key = prompt.key
    cues = prompt.shows - common - set(key)
    if not key or len(cues) < MIN_CUES or all(stem in common for stem in key):
        return
    rarest = min((index.get(stem, []) for stem in key), key=len)
    if len(rarest) > MAX_POSTING:
        return
    needed = max(MIN_CUES, math.ceil(len(cues) * CUE_SHARE))
    for target in rarest:
        shared = cues & target.visible
        if target is source or len(shared) < needed or not target.visible.issuperset(key):
            continue
        front = "cloze" if target.is_cloze else "question"
        answer = f"c{prompt.number} of" if prompt.number is not None else "the answer of"
        yield Finding(
            "leak",
            target.card,
            f"its {front} shows {quoted(prompt.key_text)}, {answer} {where(source.card)},"
            f" with {_as_written(shared, target.question)} from that card's front:"
            " reviewing one answers the other",
            source.card,
        )


def _as_written(stems: frozenset[str], plain: str) -> str:
    """Stems as the words a text spells them with, for messages."""
    spelt: dict[str, str] = {}
    for word in text.words(plain):
        for stem in text.content([word]):
            spelt.setdefault(stem, word)
    return ", ".join(f"'{spelt.get(stem, stem)}'" for stem in sorted(stems)[:4])


# --- duplicates ---------------------------------------------------------------------------


def duplicates(readings: list[Reading], common: dict[str, set[str]]) -> Iterator[Finding]:
    """Two notes whose cards ask the same fact, across sub-decks too: the same question
    worded differently; two cards that each show the other's answer; or the same key
    phrase on fronts that share nearly all their telling stems."""
    prompts = [p for r in readings for p in r.prompts if p.shows]
    pairs = _same_questions(prompts, readings)
    fronts: dict[str, list[Prompt]] = defaultdict(list)
    answers: dict[str, list[Prompt]] = defaultdict(list)
    for prompt in prompts:
        for stem in prompt.shows:
            fronts[stem].append(prompt)
        for stem in prompt.key:
            answers[stem].append(prompt)
    keyed = [p for p in prompts if p.key]
    telling = {id(p): p.shows - common[readings[p.note].card.deck] for p in keyed}
    keys = {id(p): p.keys for p in keyed}
    for prompt in keyed:
        for other in _candidates(prompt, fronts, answers):
            if other.key and other.note != prompt.note and _same_fact(prompt, other, keys, telling):
                pairs.add((min(prompt.note, other.note), max(prompt.note, other.note)))
    for first, second in sorted(pairs):
        earlier, later = sorted((readings[first].card, readings[second].card), key=_position)
        yield Finding("duplicate", later, f"it asks the same fact as {where(earlier)}", earlier)


def _candidates(
    prompt: Prompt, fronts: dict[str, list[Prompt]], answers: dict[str, list[Prompt]]
) -> list[Prompt]:
    """The cards that could ask a card's fact: those whose front shows its answer (looked
    up by the answer's rarest stem), and those whose answer shares a stem with it."""
    found = _capped(min((fronts.get(stem, []) for stem in prompt.key), key=len))
    for stem in prompt.key:
        found += _capped(answers[stem])
    return list({id(other): other for other in found}.values())


def _same_questions(prompts: list[Prompt], readings: list[Reading]) -> set[tuple[int, int]]:
    """Basic cards whose questions have the same stems (a question asked twice in one
    sub-deck in the same words is already an error, DG102)."""
    groups: dict[frozenset[str], list[int]] = defaultdict(list)
    for prompt in prompts:
        if prompt.number is None and len(prompt.shows) >= MIN_CUES:
            groups[prompt.shows].append(prompt.note)
    pairs = set()
    for notes in groups.values():
        for i, first in enumerate(notes[:MAX_POSTING]):
            for second in notes[i + 1 : MAX_POSTING]:
                if _question_key(readings[first].card) != _question_key(readings[second].card):
                    pairs.add((first, second))
    return pairs


def _question_key(card: Card) -> str:
    """What DG102 compares: the same key twice in a sub-deck is already an error."""
    return ids.question_key(card)


def _capped(posting: list[Prompt]) -> list[Prompt]:
    return posting if len(posting) <= MAX_POSTING else []


def _same_fact(
    a: Prompt, b: Prompt, keys: dict[int, frozenset[str]], telling: dict[int, frozenset[str]]
) -> bool:
    keys_a, keys_b = keys[id(a)], keys[id(b)]
    if b.shows.issuperset(keys_a) and a.shows.issuperset(keys_b):
        # each shows the other's answer: one fact asked both ways, if they share its terms
        shared = (telling[id(a)] & telling[id(b)]) - keys_a - keys_b
        return len(shared) >= MIN_CUES
    if len(keys_a & keys_b) < SAME_KEY * len(keys_a | keys_b):
        return False
    smaller, other = telling[id(a)], b.shows
    if len(telling[id(b)]) < len(smaller):
        smaller, other = telling[id(b)], a.shows
    return len(smaller) >= MIN_CUES and len(smaller & other) >= SAME_FRONT * len(smaller)


def _position(card: Card) -> tuple[str, int]:
    return (card.loc.path, card.loc.line)


CHECKS = {"leak": leaks, "duplicate": duplicates}
