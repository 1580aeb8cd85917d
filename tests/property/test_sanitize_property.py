"""Whatever raw HTML an author writes, the rendered fields hold nothing that can run."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.cards.fields import render_block, render_inline
from deckgen.cards.raw_tags import RawTags
from deckgen.cards.sanitize import clean_html_block
from helpers import examples
from html_reference import reference_clean_html_block, reference_tag_end
from html_safety import unsafe_parts, words

TAGS = st.sampled_from(
    sorted(
        words(
            "script style iframe object embed svg math img a div span b kbd table tr td form input"
            " link meta base body template textarea title details video audio source marquee"
        )
    )
)
ATTRIBUTES = st.sampled_from(
    sorted(
        words(
            "onclick onerror onload onmouseover style href src srcdoc formaction xlink:href class"
            " title background action data colspan"
        )
    )
)
VALUES = st.one_of(
    st.sampled_from(
        [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java&#x09;script:alert(1)",
            "&#106;avascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "alert(1)",
            "color:red",
            "background:url(javascript:alert(1))",
            "x:expression(alert(1))",
            "position:fixed;top:0",
            "https://example.com/x.png",
            "x.png",
        ]
    ),
    st.text(max_size=10),
)
QUOTES = st.sampled_from(['"', "'", ""])


@st.composite
def raw_tag(draw: st.DrawFn) -> str:
    name = draw(TAGS)
    if draw(st.booleans()):
        return f"</{name}>"
    attributes = ""
    for _ in range(draw(st.integers(0, 3))):
        quote = draw(QUOTES)
        attributes += f" {draw(ATTRIBUTES)}={quote}{draw(VALUES)}{quote}"
    return f"<{name}{attributes}{draw(st.sampled_from(['>', '/>', ' >']))}"


HTML_SOUP = st.lists(
    st.one_of(
        raw_tag(),
        st.text(max_size=10),
        st.sampled_from(["\n", "\n\n", "<!--", "-->", "<", ">", "[x](", ")", "![y](", "`"]),
    ),
    max_size=20,
).map("".join)


@settings(max_examples=examples(0.5))
@given(HTML_SOUP)
def test_rendered_html_never_holds_runnable_parts(soup: str) -> None:
    for html in (render_block(soup), render_inline(soup)):
        assert unsafe_parts(html) == [], html


# --- the linear HTML-block cleaner against the plain one (tests/html_reference.py) -------

# Pieces that start, end or almost end every kind of tag markdown-it knows, so that
# blocks mix closed and unclosed comments (with runs of dashes: `--->` closes only some),
# <?…?>, <!…>, CDATA, quoted attributes that hold `<` and `>`, and dropped elements.
COMMENT_PIECES = ["<!--", "-->", "--->", "---->", "----->", "-", "--", "<!-->", "<!--->"]
OTHER_PIECES = ["<?", "?>", "<![CDATA[", "]]>", "<!X", "<!", "<!DOCTYPE x>"]
TAG_PIECES = ["<a", "</a", "</a >", "<b>", "</b>", '<b x="', "<b x='", "/>", "<br/>", "<A HREF=x>"]
TEXT_PIECES = ['"', "'", "=", " ", "\n", "\t", "\x01", "x", ">", "<"]
DROPPED_PIECES = ["<script>", "</script>", "</SCRIPT >", "<style>", "</style>", "<iframe>"]
POLICY_PIECES = ['<img src="a.png">', "<td>", "<div>", "<svg/>", "<i onclick=x>", '<a href="j:">']
BLOCK_PIECES = st.sampled_from(
    COMMENT_PIECES + OTHER_PIECES + TAG_PIECES + TEXT_PIECES + DROPPED_PIECES + POLICY_PIECES
)
HTML_BLOCKS = st.lists(st.one_of(BLOCK_PIECES, st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=examples(0.5))
@given(HTML_BLOCKS)
def test_each_raw_tag_ends_where_markdown_its_regex_ends_it(content: str) -> None:
    tags = RawTags(content)
    for lt in (i for i, char in enumerate(content) if char == "<"):
        assert tags.end(lt) == reference_tag_end(content, lt), (content, lt)


@settings(max_examples=examples(0.5))
@given(HTML_BLOCKS)
def test_html_blocks_are_cleaned_as_the_plain_way_cleans_them(content: str) -> None:
    assert clean_html_block(content) == reference_clean_html_block(content)
