"""Every identity deckgen derives, in one place: slugs, tags, note GUIDs, deck and note-type ids.

Anki matches an imported note to an existing one by its GUID, and keeps the review
history on it. So a GUID must survive everything an author does to a note except
changing what it asks: it comes from the explicit id when there is one, else from the
sub-deck and the normalised question. Never from the answer, a path or a position.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container
from functools import cache

from slugify import slugify

from deckgen.model import Card

# Note-type ids are frozen constants: Anki treats a note type with a known id but other
# fields as a conflict and skips every note of it. Never change these.
BASIC_MODEL_ID = 1_732_700_000_001
CLOZE_MODEL_ID = 1_732_700_000_002
REVERSED_MODEL_ID = 1_732_700_000_003
TYPE_IN_MODEL_ID = 1_732_700_000_004

_GUID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_GUID_PAIRS = [high + low for high in _GUID_ALPHABET for low in _GUID_ALPHABET]
_GUID_BASE_SQUARED = len(_GUID_PAIRS)
_WHITESPACE = re.compile(r"\s+")
_TRAILING_PUNCTUATION = re.compile(r"[\s?.!:]+$")
# Deck ids stay below 2**53 so that JavaScript (Anki's web views) reads them exactly.
_MAX_DECK_ID = 2**53
_CLOZE_MARKUP = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", re.DOTALL)
_MAX_CLAIM_ID = 60
# a question key: the sub-deck's slugs (a-z, 0-9, hyphens; `::` between levels), `:`, question
_QUESTION_KEY = re.compile(r"([a-z0-9-]*(?:::[a-z0-9-]*)*):(.*)", re.DOTALL)


@cache  # a sub-deck's slug is asked for once per card
def slug(text: str) -> str:
    """Lowercase ASCII, accents transliterated, every other run of characters one hyphen."""
    return str(slugify(text))


def topic_tag(deck_slug: str, subdeck_slug: str, topic_slug: str) -> str:
    """`learn-aws::ec2::pricing`; `learn-aws::pricing` for a card of the root deck itself."""
    if not subdeck_slug:
        return f"{deck_slug}::{topic_slug}"
    return f"{deck_slug}::{subdeck_slug}::{topic_slug}"


# Full-width forms of ASCII look like the letters they stand for.
_FULL_WIDTH = str.maketrans({0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20})


def normalise_question(text: str) -> str:
    """The part of a question that identifies it: case, spacing and end punctuation ignored,
    and what the eye cannot tell apart made equal (NFC and NFD, invisible format characters
    such as zero-width spaces and soft hyphens, full-width letters), so that renormalising a
    file or a stray zero-width space keeps a note, and DG102 sees such duplicates."""
    # ASCII: nothing invisible, nothing wide, nothing to compose; the rule's whitespace is
    # what split() splits at, and its end punctuation what rstrip drops
    if text.isascii():
        return " ".join(text.casefold().split()).rstrip(" ?.!:")
    return normalised_by_rule(text)


def normalised_by_rule(text: str) -> str:
    """normalise_question for any text, step by step (property tests hold the ASCII
    shortcut to it)."""
    composed = unicodedata.normalize("NFC", text)
    visible = "".join(c for c in composed if unicodedata.category(c) != "Cf")
    folded = unicodedata.normalize("NFC", visible.translate(_FULL_WIDTH).casefold())
    collapsed = _WHITESPACE.sub(" ", folded).strip()
    return _TRAILING_PUNCTUATION.sub("", collapsed)


def canonical_key(key: str) -> str:
    """A key as this deckgen derives it, for a key an older one recorded in a lock: the
    question part normalised again, so the GUID the lock gives it is found."""
    found = _QUESTION_KEY.match(key)
    if key.startswith("id:") or found is None:
        return key
    return f"{found.group(1)}:{normalise_question(found.group(2))}"


@cache  # asked for each card, of a few sub-decks
def subdeck_key(deck: str) -> str:
    """A sub-deck's part of a question key: each level's slug, joined by `::`, so that the
    folder `a b` holding `c.md` and the folder `a` holding `b c.md` are told apart. A
    sub-deck of one level (every deck before folders) keeps its plain slug."""
    return "::".join(slug(part) for part in deck.split("::"))


def note_key(card: Card) -> str:
    """What names a note across builds: its explicit id, else its sub-deck and question."""
    if card.explicit_id is not None:
        return f"id:{card.explicit_id}"
    return question_key(card)


def question_key(card: Card) -> str:
    """The key a note has without an explicit id, even when it has one."""
    return f"{subdeck_key(card.deck)}:{normalise_question(card.question)}"


def claim_id(subdeck: str, question: str) -> str:
    """The id that claims a released note without an id (and so its GUID) for a rewording.

    Derived from the old note's sub-deck and question, so `deckgen diff` can name it and
    the lock can recognise it: `ec2-what-is-a-spot-instance`, cut at a hyphen to 60 characters.
    """
    plain = _CLOZE_MARKUP.sub(r"\1", question)
    text = slug(f"{subdeck} {plain}")
    if len(text) <= _MAX_CLAIM_ID:
        return text
    return text[: _MAX_CLAIM_ID + 1].rsplit("-", 1)[0]


def guid_for_key(key: str) -> str:
    """The first 8 bytes of the key's sha256, in base 62 (_GUID_ALPHABET, most significant
    digit first, no leading zeros), written two digits at a time."""
    digest = hashlib.sha256(f"deckgen-note:{key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    pairs = []
    while number:
        number, rest = divmod(number, _GUID_BASE_SQUARED)
        pairs.append(_GUID_PAIRS[rest])
    return "".join(reversed(pairs)).lstrip(_GUID_ALPHABET[0]) or _GUID_ALPHABET[0]


def free_guid(key: str, taken: Container[str]) -> str:
    """The GUID derived from `key`, or, when another note of the build already holds that
    one, the first free one derived from `key` and a counter (a newline: no key has one)."""
    guid, attempt = guid_for_key(key), 0
    while guid in taken:
        attempt += 1
        guid = guid_for_key(f"{key}\n{attempt}")
    return guid


def guid_for_card(card: Card) -> str:
    return guid_for_key(note_key(card))


def deck_id(full_name: str) -> int:
    digest = hashlib.sha256(f"deckgen-deck:{full_name}".encode()).digest()
    return 1 + int.from_bytes(digest[:8], "big") % (_MAX_DECK_ID - 1)
