"""deckgen import, one field at a time: HTML → the Markdown deckgen renders back to it, or
the HTML kept; and what counts as HTML that shows the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.importing.convert import FieldConverter, Role
from deckgen.importing.equivalence import equivalent
from deckgen.importing.markdown import escape_text
from deckgen.importing.media import MediaFiles
from deckgen.importing.source import Source


@pytest.fixture
def converter(tmp_path: Path) -> FieldConverter:
    media = tmp_path / "package-media"
    media.mkdir()
    (media / "cat.png").write_bytes(b"\x89PNG not really")
    (media / "a.mp3").write_bytes(b"ID3 not really")
    (media / "clip.mp4").write_bytes(b"not really")
    notes = tmp_path / "notes"
    notes.mkdir()
    source = Source(tmp_path / "deck.apkg", "Top", "", (), {}, media)
    return FieldConverter(notes, source, MediaFiles())


MARKDOWN = [
    ("Hello <b>world</b>", Role.QUESTION, "Hello **world**"),
    ("<div>a</div><div>b</div>", Role.QUESTION, "a<br>b"),
    ("<ul><li>a</li><li>b</li></ul>", Role.BLOCK, "- a\n- b"),
    ("line one<br>line two<br>", Role.BLOCK, "line one\\\nline two"),
    ("<div>a</div><div>b</div>", Role.BLOCK, "a\n\nb"),
    ('Img <img src="cat.png">', Role.QUESTION, "Img ![](media/cat.png)"),
    ("[sound:a.mp3]", Role.BLOCK, "![a](media/a.mp3)"),
    ("Paris is in {{c1::France}}", Role.CLOZE, "Paris is in {{c1::France}}"),
    ("see {{c1::this}}", Role.BLOCK, "see {\\{c1::this}}"),  # not a cloze card in an answer
    ("Q: what?", Role.BLOCK, "Q\\: what?"),  # not a Q/A card
    ("x \\(x^2\\) and snake_case and 5 * 3", Role.BLOCK, "x $x^2$ and snake_case and 5 \\* 3"),
    (
        '<pre><code class="language-python">def f():\n    return 1\n</code></pre>',
        Role.BLOCK,
        "```python\ndef f():\n    return 1\n```",
    ),
    (
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
        Role.BLOCK,
        "| A | B |\n| --- | --- |\n| 1 | 2 |",
    ),
    (
        '<a href="https://example.com">link</a> <u>u</u>',
        Role.BLOCK,
        "[link](https://example.com) <u>u</u>",
    ),
    ('<font color="#ff0000">red</font>', Role.BLOCK, '<span style="color: #ff0000">red</span>'),
    ("<h2>Title</h2>text", Role.BLOCK, "<h2>Title</h2>\n\ntext"),  # an H2 would end the card
    ("a<hr>b", Role.BLOCK, "a\n\n<hr>\n\nb"),  # so would ---
    ("# not a heading", Role.QUESTION, "\\# not a heading"),
    ("1. not a list", Role.BLOCK, "1\\. not a list"),
    ("$5 and $10", Role.BLOCK, "\\$5 and \\$10"),
    ("a &lt;b&gt; &amp; c", Role.QUESTION, "a \\<b> & c"),
]


@pytest.mark.parametrize(("html", "role", "expected"), MARKDOWN)
def test_fields_that_become_markdown(
    converter: FieldConverter, html: str, role: Role, expected: str
) -> None:
    field = converter.convert(html, role, "top.md", 0)
    assert (field.text, field.markdown, field.faithful) == (expected, True, True)


def test_a_file_in_a_folder_links_media_from_there(converter: FieldConverter) -> None:
    field = converter.convert('<img src="cat.png">', Role.BLOCK, "Sub/leaf.md", 1)
    assert field.text == "![](../media/cat.png)"
    assert (converter.root / "media" / "cat.png").read_bytes() == b"\x89PNG not really"


KEPT = [
    ("<table><tr><td>1</td></tr></table>", Role.BLOCK, "<table><tr><td>1</td></tr></table>", True),
    ("<ul><li>a</li></ul>", Role.QUESTION, "<ul><li>a</li></ul>", True),
    ("x<script>alert(1)</script>", Role.BLOCK, "<div>x<script>alert(1)</script></div>", False),
    ("<div onclick='go()'>hi</div>", Role.BLOCK, "<div onclick='go()'>hi</div>", False),
    ("<table><tr><td>a\n\nb</td></tr></table>", Role.BLOCK, "<table><tr><td>a\n&#10;b", True),
]


@pytest.mark.parametrize(("html", "role", "start", "faithful"), KEPT)
def test_fields_kept_as_html(
    converter: FieldConverter, html: str, role: Role, start: str, faithful: bool
) -> None:
    field = converter.convert(html, role, "top.md", 0)
    assert not field.markdown and field.text.startswith(start)
    assert field.faithful is faithful
    assert ("DG610", "kept as HTML: its Markdown would render differently") in field.problems
    assert "\n\n" not in field.text  # one raw HTML block: a blank line would end it


def test_what_the_package_lacks_or_deckgen_cannot_ship(converter: FieldConverter) -> None:
    missing = converter.convert('a<img src="gone.png">', Role.BLOCK, "top.md", 0)
    assert missing.text == "a" and missing.problems[0][0] == "DG612"
    remote = converter.convert('<img src="https://x.org/a.png">', Role.BLOCK, "top.md", 0)
    assert remote.text == "<https://x.org/a.png>" and remote.problems[0][0] == "DG614"
    video = converter.convert("[sound:clip.mp4]", Role.BLOCK, "top.md", 0)
    assert video.text == "[sound:clip.mp4]" and video.problems[0][0] == "DG613"


@pytest.mark.parametrize(
    ("original", "rendered", "same"),
    [
        ("Hello <b>world</b>", "Hello <strong>world</strong>", True),
        ("a<br>b", "<p>a<br>\nb</p>", True),
        ("<div>a</div><div>b</div>", "<p>a</p>\n<p>b</p>", True),
        ("a<b> b</b>", "a <strong>b</strong>", True),
        ("x&nbsp;y", "x y", True),
        (
            "<pre><code>x = 1\n</code></pre>",
            '<pre class="highlight"><code><span>x = 1\n</span></code></pre>',
            True,
        ),
        (
            "<table><tr><td>1</td></tr></table>",
            '<div class="table-wrap"><table><tbody><tr><td>1</td></tr></tbody></table></div>',
            True,
        ),
        ('<img src="cat.png">', '<img src="cat-0123456789abcdef.png" alt="">', True),
        ("<u>x</u>", "x", False),
        ('<span style="color: red">x</span>', "x", False),
        ("a b", "ab", False),
        ("<ol><li>a</li></ol>", "<ul><li>a</li></ul>", False),
    ],
)
def test_html_that_shows_the_same(original: str, rendered: str, same: bool) -> None:
    assert equivalent(original, rendered, {"cat-0123456789abcdef.png": "cat.png"}) is same


def test_text_is_escaped_only_where_markdown_would_read_it() -> None:
    assert escape_text("plain words, commas; and (parens)") == "plain words, commas; and (parens)"
    assert escape_text("- item") == "\\- item"
    assert escape_text("*stars* and `ticks`") == "\\*stars\\* and \\`ticks\\`"
    assert escape_text("[link](x)") == "\\[link\\](x)"
    assert escape_text("{{c1::x}}", cloze=True) == "{{c1::x}}"
