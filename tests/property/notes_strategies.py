"""Hypothesis strategies that write notes files from the format's own pieces.

Two families: `hostile_notes()` mixes every piece, broken ones included (unclosed
clozes, stray `A:`, bad front matter, raw HTML attacks, control characters, CRLF, BOM,
very long lines); `wellformed_notes()` writes files that parse cleanly, for properties
about what a good file must keep (ids under whitespace edits).
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from deckgen.model import QUALITY_CHECKS

# Any character but lone surrogates (which cannot be written to a UTF-8 file).
ANY_CHAR = st.characters(exclude_categories=["Cs"])
# A bias towards the characters Markdown and deckgen's format give meaning to.
SYNTAX_CHAR = st.sampled_from(list("#*_`~<>[](){}|\\!:-=+.\"'&;/\t \r\n\ufeff\u00a0\u2028"))
TEXT = st.text(st.one_of(ANY_CHAR, SYNTAX_CHAR), max_size=30)
WORDS = st.text(
    st.characters(categories=["L", "N"], include_characters=" ,?!'"), min_size=1, max_size=30
)
IDS = st.one_of(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True),
    TEXT,
)
QUALITY_NAMES = st.one_of(st.sampled_from(QUALITY_CHECKS), TEXT)
CLOZE_NUMBER = st.sampled_from(["1", "1", "2", "3", "0", "10", "99999999999999999999999"])
XSS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "![x](javascript:alert(1))",
        "<svg/onload=alert(1)>",
        "<iframe src=//evil.example>",
        '<div style="background:url(javascript:alert(1))">',
        "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
        "H<sub>2</sub>O and x<sup>2</sup><br>",
        "<details><summary>more</summary>",
        "</div>",
        "<!-- unclosed comment",
        "<?php echo 1 ?>",
        "<![CDATA[ x ]]>",
    ]
)
FRONT_MATTER_BODY = st.one_of(
    st.sampled_from(
        [
            "deck: EC2",
            "tags: [compute, storage]",
            "tags: [not ok]",
            "tag: [x]",
            "deck: [a",
            "- a\n- b",
            "deck: 2001-13-45",
            "deck: !!int x",
            "a: !!timestamp x",
            "tags: " + "[" * 2000,
            "deck: &a x\ntags: *a",
            "",
            "deck: 'A::B'",
        ]
    ),
    TEXT,
)


@st.composite
def cloze(draw: st.DrawFn) -> str:
    number = draw(CLOZE_NUMBER)
    hint = draw(st.sampled_from(["", "::hint"]))
    close = draw(st.sampled_from(["}}", "}}", "", "}"]))
    return f"{draw(TEXT)}{{{{c{number}::{draw(TEXT)}{hint}{close}{draw(TEXT)}"


def _line(prefix: str) -> st.SearchStrategy[str]:
    return TEXT.map(lambda text: prefix + text)


PIECE = st.one_of(
    _line("# "),
    _line("## "),
    _line("### "),
    _line("#### "),
    _line("Q: "),
    _line("A: "),
    st.tuples(TEXT, TEXT).map(lambda qa: f"Q: {qa[0]}\nA: {qa[1]}"),
    cloze(),
    cloze().map(lambda text: "- " + text),
    cloze().map(lambda text: "1. " + text),
    IDS.map(lambda value: f"<!-- id: {value} -->"),
    IDS.map(lambda value: f"- <!-- id: {value} -->\n  {{{{c1::x}}}}"),
    st.tuples(QUALITY_NAMES, st.sampled_from([" — ", ": ", " ", ""]), TEXT).map(
        lambda q: f"<!-- quality: ok {q[0]}{q[1]}{q[2]} -->"
    ),
    st.tuples(QUALITY_NAMES, TEXT).map(
        lambda q: f"- <!-- quality: ok {q[0]} — {q[1]} -->\n  {{{{c1::x}}}}"
    ),
    st.tuples(st.sampled_from(["```", "~~~", "````"]), st.sampled_from(["", "python", "??"]), TEXT)
    .map(lambda f: f"{f[0]}{f[1]}\n{f[2]}\n{f[0]}")
    .flatmap(lambda fence: st.sampled_from([fence, fence.rsplit("\n", 1)[0]])),
    _line("<!-- ").map(lambda text: text + " -->"),
    XSS,
    st.just("| a | b |\n| - | - |\n| c | d |"),
    _line("> "),
    _line("    "),
    _line("\t"),
    _line("  - "),
    st.sampled_from(["---", "***", "", "", "\ufeff", "\x00", "\x0b\x0c"]),
    st.integers(1_000, 20_000).map(lambda n: "x" * n),
    TEXT,
)


@st.composite
def hostile_notes(draw: st.DrawFn) -> str:
    """A notes file: maybe front matter, then pieces joined by any mix of line endings."""
    pieces = draw(st.lists(PIECE, max_size=25))
    if draw(st.booleans()):
        pieces.insert(0, f"---\n{draw(FRONT_MATTER_BODY)}\n---")
    if draw(st.booleans()):
        pieces.insert(0, "# " + draw(WORDS))
    endings = draw(st.lists(st.sampled_from(["\n", "\n", "\n\n", "\r\n", "\r"]), min_size=1))
    text = ""
    for index, piece in enumerate(pieces):
        text += piece + endings[index % len(endings)]
    return text


def line_count(text: str) -> int:
    """How many lines an editor shows for `text` (a trailing newline opens one more)."""
    return len(re.split(r"\r\n|\r|\n", text))


RICH_ANSWER = st.one_of(
    WORDS,
    XSS.map(lambda attack: f"Look: {attack}"),
    st.tuples(st.sampled_from(["python", "json", "sh", "nosuchlang", ""]), TEXT).map(
        lambda f: f"```{f[0]}\n{f[1]}\n```"
    ),
    st.integers(1_000, 20_000).map(lambda n: "y " * n),
    st.just("| a | b |\n| - | - |\n| <kbd>c</kbd> | [d](https://example.com) |"),
    st.just("- one\n- two\n\n#### Detail\n\nMore."),
)

# --- well-formed files ------------------------------------------------------------------

QUESTION = WORDS.map(lambda words: f"What is {words.strip()}")


@st.composite
def wellformed_card(
    draw: st.DrawFn, index: int, answers: st.SearchStrategy[str], file_key: str
) -> str:
    question = f"{draw(QUESTION)} {index}"
    answer = draw(answers).strip() or "yes"
    card_id = f"card-{file_key}-{index}"
    explicit = f"<!-- id: {card_id} -->\n" if draw(st.booleans()) else ""
    kind = draw(st.sampled_from(["heading", "qa", "cloze", "cloze-item"]))
    if kind == "heading":
        return f"### {question}\n{explicit}{answer}"
    if kind == "qa":
        return f"Q: {question}\n{explicit}A: {answer}"
    text = f"{question} {{{{c1::{draw(WORDS).strip() or 'x'}}}}} {answer}"
    if kind == "cloze":
        return f"{explicit}{text}"
    item_id = f"<!-- id: {card_id} -->\n  " if explicit else ""
    return f"- {item_id}{text}"


@st.composite
def wellformed_notes(draw: st.DrawFn, answers: st.SearchStrategy[str] = WORDS) -> str:
    """A clean file; with `answers` other than plain words, its answers may hold anything."""
    file_key = draw(st.uuids()).hex[:8]
    blocks = [f"# Sub-deck {file_key}"]
    cards = 0
    for _ in range(draw(st.integers(1, 3))):
        blocks.append(f"## {draw(QUESTION)}")
        for _ in range(draw(st.integers(1, 4))):
            cards += 1
            blocks.append(draw(wellformed_card(cards, answers, file_key)))
    return "\n\n".join(blocks) + "\n"
