"""A card's fields rendered from its file's block tokens are the fields rendered from its
Markdown on its own (deckgen.cards.parsed): the same HTML, media and problems, whatever the
file holds. And plain text, rendered without markdown-it, is what markdown-it makes of it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from notes_strategies import RICH_ANSWER, hostile_notes, wellformed_notes

from deckgen.cards import render as render_module
from deckgen.cards.fields import markdown_renderer
from deckgen.cards.parsed import ParsedNotes, render_tokens
from deckgen.cards.plain import plain_html
from deckgen.cards.render import render_card
from deckgen.notes.parse import parse_notes_file
from helpers import examples

# Block-level Markdown whose reading depends on what stands around it.
TRICKY_ANSWER = st.sampled_from(
    [
        "- one\n- two\n\n\n",
        "- one\n\n- two",
        "1. one\n2) two",
        "> quote\nlazy line",
        "> - item\n> {{c1::x}}",
        "line\n===",
        "line\n---",
        "text\n    indented continuation",
        "    indented code\n\nafter",
        "<div>\nraw *block*\n</div>",
        "<div>\n\n*md inside*\n\n</div>",
        "<script>x</script> and <b onclick=x>b</b>",
        "a | b\n--|--\nc | d",
        "| a |\n| - |\n",
        "```\nunclosed fence",
        "~~~python\ncode\n~~~\ntext",
        "text  \nhard break",
        "text\\\nbackslash break",
        "![img](media/missing.png) and <img src='media/nope.png'>",
        "[link](javascript:alert(1)) <http://example.com>",
        "*a **b** c* ~~d~~ `e` &amp; &copy; &#x41;",
        "$x$ and $5 and $$",
        "#### Detail\n\nmore",
        "text\n#### Detail",
        "- {{c1::a}}\n- {{c2::b}}",
        "\u00a0nbsp lead",
        "trailing nbsp\u00a0",
        "\ttab lead",
        "\t- tab list",
        "* * *",
        "- [ ] task",
        "<!-- quality: ok list — fine -->\n- a\n- b",
        "[ref]: /url\n\n[ref]",
        "[x]\n\n[x]: https://example.com",
    ]
)
QA = st.sampled_from(
    [
        "Q: q?\nA: y",
        "Q: q?\nA:   spaced",
        "Q: q?\nA: - not a list\n- a list",
        "Q: q?\nA: # hash\n\nmore",
        "Q: q?\nA: 1. one\n2. two",
        "Q: q?\nA: y\n---",
        "Q: q?\nA: y\ncontinued *here*",
        "Q: q?\nA: y `code`\n\n```sh\nls\n```",
        "Q: q?\nA: y\n    lazy",
        "Q: q?\nA: y\n> quote",
        "Q: q?\n\nA: <b>y</b>\n\n| a | b |\n| - | - |",
        "Q: q?\nA:\n\nbelow",
        "Q: q?\nA: y\n\n- {{c1::z}}",
        "Q: q?\n<!-- id: x -->\nA: y <img src=x onerror=alert(1)>\nz",
        "Q: q?\nA: a | b\n--|--",
    ]
)
ANSWERS = st.one_of(RICH_ANSWER, TRICKY_ANSWER, st.lists(TRICKY_ANSWER, max_size=3).map("\n".join))


def assert_same_fields(text: str) -> None:
    parsed = parse_notes_file(text, "notes/x.md", "x.md", "deck")
    tokens = ParsedNotes.of(parsed.lines, parsed.blocks)
    for card in parsed.cards:
        # parsed on its own first: rendering from the tokens parses their inline text
        alone = render_card(card)
        assert render_card(card, parsed=tokens) == alone, card


@settings(max_examples=examples(0.3))
@given(hostile_notes())
def test_hostile_notes_render_alike(text: str) -> None:
    assert_same_fields(text)


@settings(max_examples=examples(0.3))
@given(wellformed_notes(ANSWERS))
def test_wellformed_notes_render_alike(text: str) -> None:
    assert_same_fields(text)


@settings(max_examples=examples(0.3))
@given(st.lists(st.one_of(TRICKY_ANSWER, QA, hostile_notes()), max_size=6).map("\n\n".join))
def test_tricky_blocks_render_alike(text: str) -> None:
    assert_same_fields("# Deck\n\n## Topic\n\n### Question?\n" + text)


PLAIN_CHAR = st.one_of(
    st.characters(exclude_categories=["Cs"]),
    st.sampled_from(list("#-+=|>:0123456789 \t\u00a0\u2028\x0b\x0c{}()?.,'\"")),
)


@settings(max_examples=examples(0.3))
@given(st.text(PLAIN_CHAR, max_size=40))
def test_plain_text_renders_as_markdown_it_does(text: str) -> None:
    md = markdown_renderer()
    inline = plain_html(text, inline=True)
    if inline is not None:
        assert inline == md.renderInline(text, {}).strip()
    block = plain_html(text, inline=False)
    if block is not None:
        assert block == md.render(text, {}).strip()


FROM_TOKENS = [
    ("### What is EC2?\nVirtual *servers*.\n", 2),  # its question and the answer under it
    ("Q: What is ECR?\nA: A `registry`.\n", 1),  # the answer line (the Q: line is text)
    ("- ECS runs {{c1::containers}}.\n", 1),  # a one-line cloze item, first of its list
    ("- ECS runs {{c1::tasks}}.\n- ECR holds {{c1::images}}.\n", 1),  # and the next
    ("EKS runs {{c1::Kubernetes}}.\n", 1),  # a cloze paragraph
]


@pytest.mark.parametrize(("body", "fields"), FROM_TOKENS)
def test_these_fields_are_rendered_from_the_files_tokens(
    body: str, fields: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path is taken (a stub ParsedNotes would compare the text path with itself),
    and rendering the same tokens twice gives the same HTML (inline children are reset)."""
    calls: list[str] = []

    def counted(tokens: list[Any], field_env: Any) -> str:
        calls.append(render_tokens(tokens, field_env))
        return calls[-1]

    monkeypatch.setattr(render_module, "render_tokens", counted)
    text = f"# EC2\n\n## Basics\n\n{body}"
    parsed = parse_notes_file(text, "notes/x.md", "x.md", "deck")
    tokens = ParsedNotes.of(parsed.lines, parsed.blocks)
    assert tokens is not None
    card = parsed.cards[-1]
    first = render_card(card, parsed=tokens)
    assert len(calls) == fields
    assert render_card(card, parsed=tokens) == first == render_card(card)
