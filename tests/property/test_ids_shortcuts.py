"""The identities' shortcuts give what their rules give: an ASCII question normalised
without regular expressions, and a GUID's base-62 digits written two at a time. A GUID
that changed would cost learners their review history."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from deckgen.ids import guid_for_key, normalise_question, normalised_by_rule

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# ASCII (the shortcut's only input), with every kind of whitespace and the end
# punctuation the rule drops
QUESTIONS = st.one_of(
    st.text(st.characters(max_codepoint=0x7F)),
    st.text(st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f?.!:aZ9-"))),
)


def reference_guid(key: str) -> str:
    """The GUID as deckgen has always derived it: one base-62 digit at a time."""
    number = int.from_bytes(hashlib.sha256(f"deckgen-note:{key}".encode()).digest()[:8], "big")
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits)) or "0"


@given(QUESTIONS)
def test_the_ascii_shortcut_normalises_as_the_rule_does(question: str) -> None:
    assert normalise_question(question) == normalised_by_rule(question)


@given(st.text())
def test_a_guid_is_the_one_deckgen_always_derived(key: str) -> None:
    assert guid_for_key(key) == reference_guid(key)


def test_known_guids_do_not_move() -> None:
    # what deckgen derived before the shortcut, for a question key and an explicit id
    assert guid_for_key("ec2:what is a spot instance") == "Lttoi2vgy3L"
    assert guid_for_key("id:ec2-spot") == "I9LwtAH9LIV"
