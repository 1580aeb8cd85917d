"""What the lint's plain text leaves out, found in one pass (deckgen.quality.text), is what
the regular expressions that say it find: comments, tags, images and links."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from deckgen.quality.single import two_wh
from deckgen.quality.text import without_comments, without_links, without_tags
from helpers import examples

COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
TAG = re.compile(r"</?[A-Za-z][^>]*>")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")

# the pieces these forms are made of, and text around them
PIECES = st.sampled_from(
    ["<!--", "-->", "<!-->", "-", ">", "<", "</", "<a", "<B x='>'", "/", "1", "!", "[", "]",
     "(", ")", "](", "![", "x", " ", "\n", "é"]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=30).map("".join)


@settings(max_examples=examples(0.5))
@given(TEXTS)
def test_comments(text: str) -> None:
    assert without_comments(text, " ") == COMMENT.sub(" ", text)
    assert without_comments(text, "") == COMMENT.sub("", text)


@settings(max_examples=examples(0.5))
@given(TEXTS)
def test_tags(text: str) -> None:
    assert without_tags(text) == TAG.sub(" ", text)


@settings(max_examples=examples(0.5))
@given(TEXTS)
def test_images_and_links(text: str) -> None:
    assert without_links(text, image=True) == IMAGE.sub(" ", text)
    assert without_links(text, image=False) == LINK.sub(r"\1", text)


TWO_WH = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how)\b[^?]*?,?\s\b(?:and|or)\s+"
    r"(?:also\s+)?(?:what|which|who|whom|whose|when|where|why|how)\b",
    re.IGNORECASE,
)
QUESTION_PIECES = st.sampled_from(
    ["what", "What", "how", "who", "whom", "whose", "where", "whatever", "and", "or", "OR",
     "also", "AND", "?", ",", ",and", " ", "  ", "\t", "\n", "x", "-", "when's", "Which"]
)  # fmt: skip


@settings(max_examples=examples(0.5))
@given(st.tuples(st.sampled_from([" ", ""]), st.lists(QUESTION_PIECES, max_size=24)))
@example((" ", ["what", "?", "how", "and", "why"]))
@example((" ", ["what,", "and", "also", "who"]))
@example(("", ["what", " ", "x", "?", " or where", " and who"]))
def test_two_questions_in_one(pieces: tuple[str, list[str]]) -> None:
    question = pieces[0].join(pieces[1])
    match = TWO_WH.search(question)
    assert two_wh(question) == (match.group(0) if match else None)
