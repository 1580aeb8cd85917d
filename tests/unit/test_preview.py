"""The preview fills the note types' templates the way Anki does."""

from __future__ import annotations

import re
from pathlib import Path

from deckgen.notes.notetypes import BASIC_BACK, BASIC_FRONT, CLOZE_BACK, CLOZE_FRONT
from deckgen.preview import fill_template, render_cloze, write_preview

FIXTURES = Path(__file__).parent.parent / "fixtures"

BASIC = {"Front": "Q?", "Back": "<p>A.</p>", "Context": "EC2 › T", "Source": "ec2.md"}


def test_basic_front_and_back() -> None:
    front = fill_template(BASIC_FRONT, BASIC)
    assert front == '<div class="context">EC2 › T</div>\n<div class="question">Q?</div>'
    back = fill_template(BASIC_BACK, BASIC, question=False, front_side=front)
    assert back == (
        f'{front}\n<hr id="answer">\n<div class="answer"><p>A.</p></div>\n'
        '<div class="source">ec2.md</div>'
    )


def test_cloze_sides_follow_the_ordinal() -> None:
    text = "A {{c1::Dedicated Host::what}} runs on {{c2::hardware}}."
    assert render_cloze(text, 1, question=True) == (
        'A <span class="cloze" data-ordinal="1">[what]</span> runs on'
        ' <span class="cloze-inactive" data-ordinal="2">hardware</span>.'
    )
    assert render_cloze(text, 2, question=True).endswith(
        '<span class="cloze" data-ordinal="2">[...]</span>.'
    )
    assert render_cloze(text, 1, question=False).startswith(
        'A <span class="cloze" data-ordinal="1">Dedicated Host</span>'
    )


def test_nested_and_unclosed_clozes() -> None:
    nested = "{{c1::outer {{c2::inner}} end}}"
    assert render_cloze(nested, 2, question=True) == (
        '<span class="cloze-inactive" data-ordinal="1">outer'
        ' <span class="cloze" data-ordinal="2">[...]</span> end</span>'
    )
    assert render_cloze("{{c1::never closed", 1, question=True) == "{{c1::never closed"


def test_conditional_sections_need_a_non_empty_field() -> None:
    fields = {"Text": "{{c1::x}}", "Extra": "", "Context": "C", "Source": "s.md"}
    back = fill_template(CLOZE_BACK, fields, question=False)
    assert 'id="answer"' not in back
    fields["Extra"] = "<p>more</p>"
    assert '<div class="answer"><p>more</p></div>' in fill_template(
        CLOZE_BACK, fields, question=False
    )
    assert fill_template("{{^Extra}}none{{/Extra}}", {"Extra": "<br> "}) == "none"
    assert "[...]" in fill_template(CLOZE_FRONT, fields)


def test_the_page_opens_with_an_index_of_sub_decks_and_no_scripts(tmp_path: Path) -> None:
    result = write_preview(FIXTURES / "notes_small", tmp_path / "preview")
    page = result.path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    index = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a> · (\d+) cards?</li>', page)
    sections = re.findall(r'<section class="subdeck" id="([^"]+)"><h2>([^<]+) <small>', page)
    assert [(anchor, name) for anchor, name, _ in index] == sections
    assert [name for _, name in sections] == ["Learn AWS::EC2", "Learn AWS::Storage"]
    per_section = [
        len(part.split('<section class="note"')) - 1 for part in page.split('class="subdeck"')[1:]
    ]
    assert [int(count) for *_, count in index] == per_section
    assert sum(per_section) == result.cards


def test_the_preview_shows_every_kind_of_note(tmp_path: Path) -> None:
    result = write_preview(FIXTURES / "notes_types", tmp_path / "preview")
    page = result.path.read_text(encoding="utf-8")
    assert result.cards == 8  # basic 1, reversed 2, type-in 1, cloze 2, vocabulary 2
    assert page.count('<input id="typeans" type="text" disabled') == 2  # front, light and dark
    assert '<code id="typeans">Paris</code>' in page
    assert "deckgen Reversed · Back to front" in page and "Vocabulary" in page
    assert "font-family: Georgia, serif" in page  # the note type's own CSS
    assert "[sound:chat-" in page
