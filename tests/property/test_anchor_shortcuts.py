"""The anchors' shortcuts give what their general rules give: an ASCII heading slugged
without a Unicode lookup per character, and a heading without inline markup read without
markdown-it's inline parse."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deckgen.notes.anchors import github_slug, heading_text, parsed_heading_text, slug_by_category

# every ASCII character, and some that lowercase into ASCII (the Kelvin sign) or out of it
SLUGGED = st.text(st.one_of(st.characters(max_codepoint=0x7F), st.sampled_from("KİÅ")))
# headings of any script: the inline shortcut takes any text without markup
HEADINGS = st.text(
    st.one_of(
        st.characters(max_codepoint=0x7F),
        st.sampled_from("İKÅΣßÉé²½Ⓐ😄–’ñ你\u0301\u00a0\u200b"),
        st.characters(),
    ),
    max_size=40,
)


@given(SLUGGED)
def test_an_ascii_slug_is_the_slug_by_category(text: str) -> None:
    assert github_slug(text) == slug_by_category(text.lower())


@given(HEADINGS)
def test_heading_text_without_markup_is_the_parsed_text(text: str) -> None:
    assert heading_text(text) == parsed_heading_text(text)
