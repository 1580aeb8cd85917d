"""Whatever raw HTML an author writes, the rendered fields hold nothing that can run."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.cards.fields import render_block, render_inline
from helpers import examples
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
