"""A field's HTML → the Markdown that deckgen renders back to it, by markdownify.

markdownify does the conversion; this module tells it deckgen's dialect: `-` bullets, ATX
headings, `\\` line breaks, `$…$` for MathJax's `\\(…\\)`, and `![name](media/x.mp3)` for a
`[sound:x.mp3]`. What the notes format gives a meaning of its own stays raw HTML inside
the Markdown: `<hr>` and H1–H4 (they would end a card or start a field), elements
Markdown has no syntax for (`<u>`, `<sub>`, a `<span style>`, an image with a size).
Text is escaped only where Markdown (or the notes format: `{{c1::`, `Q:`) would read it.
Whether the result is faithful is not assumed: the caller renders it and compares.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bs4 import Tag
from markdownify import MarkdownConverter

# markdownify's stubs leave out the convert_<tag> methods a subclass overrides (its
# documented way to change a conversion): its own are called through this.
_BASE: Any = MarkdownConverter

LINE_BREAK = "\x00br\x00"  # a <br>, until it is known whether it ends its paragraph
_RAW_INLINE = frozenset(
    [
        "u",
        "sub",
        "sup",
        "mark",
        "small",
        "big",
        "ins",
        "abbr",
        "cite",
        "dfn",
        "var",
        "bdi",
        "bdo",
        "ruby",
        "rt",
        "rp",
        "wbr",
    ]
)
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~]|$)")
_ALWAYS = re.compile(r"([*`])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LT = re.compile(r"<(?=[A-Za-z/!?])")
_AMP = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BRACKETS = re.compile(r"[\[\]]")
_LINK_LIKE = re.compile(r"\](?:[(\[:])")
_TILDES = re.compile(r"~(?=~)")
# What starts a line's block in Markdown (a heading, a quote, a list item, a setext
# underline) or a card in the notes (`Q:`, `A:`).
_LINE_START = re.compile(
    r"(^|\n)([ \t]*)("
    r"#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|\d{1,9}(?=[.)](?:[ \t]|$))"
    r"|=+[ \t]*(?=\n|$)|-+[ \t]*(?=\n|$)|[QA](?=:))"
)
_CLOZE = re.compile(r"\{\{(?=c\d+::)")


def escape_text(text: str, *, table: bool = False, cloze: bool = False) -> str:
    """Plain text as Markdown that renders as that text, in deckgen's renderer."""
    pieces: list[str] = []
    last = 0
    for match in _MATH.finditer(text):
        tex = match.group(1) if match.group(1) is not None else match.group(2)
        inline = match.group(1) is not None
        after = text[match.end() : match.end() + 1]
        if tex != tex.strip() or "$" in tex or after.isdigit() or not tex:
            continue  # Pandoc's dollars could not hold it: stays text
        pieces.append(_escape_plain(text[last : match.start()], table, cloze))
        pieces.append(f"${tex}$" if inline else f"$${tex}$$")
        last = match.end()
    pieces.append(_escape_plain(text[last:], table, cloze))
    return "".join(pieces)


def _escape_plain(text: str, table: bool, cloze: bool) -> str:
    if not text:
        return ""
    text = _BACKSLASH.sub(r"\\\\", text)
    text = _ALWAYS.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _LT.sub(r"\\<", text)
    text = _AMP.sub(r"\\&", text)
    text = _TILDES.sub(r"\\~", text)
    if _LINK_LIKE.search(text) or "![" in text:
        text = _BRACKETS.sub(lambda m: "\\" + m.group(0), text)
    if text.count("$") >= 2:
        text = text.replace("$", "\\$")
    if table:
        text = text.replace("|", "\\|")
    if not cloze:  # elsewhere a `{{c1::` would make a cloze card of its paragraph
        text = _CLOZE.sub(r"{\\{", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    lead, indent, marker = match.group(1), match.group(2), match.group(3)
    if marker in ("Q", "A"):
        return f"{lead}{indent}{marker}\\"
    if marker[0].isdigit():
        return f"{lead}{indent}{marker}\\"
    return f"{lead}{indent}\\{marker}"


def _attributes(tag: Tag, skip: tuple[str, ...] = ()) -> str:
    parts = []
    for key, value in tag.attrs.items():
        if key in skip:
            continue
        text = " ".join(value) if isinstance(value, list) else str(value)
        parts.append(f' {key}="{html.escape(text, quote=True)}"')
    return "".join(parts)


def _language(el: Tag) -> str:
    """A code block's language from its `class="language-x"` (deckgen's, and most
    highlighters'); a mermaid block stays code: a build would draw it instead."""
    code = el.find("code")
    classes = [*(el.get("class") or []), *((code.get("class") or []) if code else [])]
    for name in classes:
        for prefix in ("language-", "lang-"):
            if name.startswith(prefix) and name[len(prefix) :] not in ("", "mermaid"):
                return str(name[len(prefix) :])
    return ""


class ToMarkdown(MarkdownConverter):
    """markdownify, speaking deckgen's Markdown."""

    def __init__(self, *, cloze: bool) -> None:
        self.cloze = cloze  # converting a cloze text: its {{c1::…}} stay clozes
        super().__init__(
            heading_style="atx",
            bullets="-",
            newline_style="backslash",
            strong_em_symbol="*",
            keep_inline_images_in=["td", "th"],
            code_language_callback=_language,
            escape_misc=False,
        )

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape_text(text, table=bool({"td", "th"} & parent_tags), cloze=self.cloze)

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "<br>" if "_inline" in parent_tags else LINE_BREAK + "\n" + text

    def convert_hr(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "\n\n<hr>\n\n"

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        if n <= 4 or el.attrs or "_inline" in parent_tags:
            return f"\n\n{el}\n\n"  # H1–H4 end a card or start a field in the notes
        return str(_BASE.convert_hN(self, n, el, text, parent_tags))

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.get("data-sound") is not None:
            return f"![{el.get('alt', '')}]({el.get('src', '')})"
        if set(el.attrs) - {"src", "alt", "title"}:
            return f"<img{_attributes(el)}>"
        return str(_BASE.convert_img(self, el, text, parent_tags))

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if set(el.attrs) - {"href", "title"} or not el.get("href"):
            return f"<a{_attributes(el)}>{text}</a>"
        return str(_BASE.convert_a(self, el, text, parent_tags))

    def convert_div(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if not el.attrs:
            return str(_BASE.convert_div(self, el, text, parent_tags))
        if "_inline" in parent_tags:
            return f"<{el.name}{_attributes(el)}>{text.strip()}</{el.name}>"
        return f"\n\n<{el.name}{_attributes(el)}>\n\n{text.strip()}\n\n</{el.name}>\n\n"

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.attrs:
            return self.convert_div(el, text, parent_tags)
        return str(_BASE.convert_p(self, el, text, parent_tags))

    def _raw_inline(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.name == "span" and not el.attrs:
            return text
        if el.name == "wbr":
            return "<wbr>"
        return f"<{el.name}{_attributes(el)}>{text}</{el.name}>"

    def get_conv_fn(self, tag_name: str) -> Any:
        if tag_name in _RAW_INLINE or tag_name == "span":
            return self._raw_inline
        return _BASE.get_conv_fn(self, tag_name)


_CONVERTERS = {False: ToMarkdown(cloze=False), True: ToMarkdown(cloze=True)}


def to_markdown(markup: str, *, cloze: bool = False) -> str:
    """The field as block Markdown, its line breaks still marked (LINE_BREAK + newline);
    `cloze`: a cloze text, whose `{{c1::…}}` are not escaped."""
    return str(_CONVERTERS[cloze].convert(markup))


def block_markdown(marked: str) -> str:
    """Block Markdown: a line break that ends a paragraph is dropped (Markdown has none
    there), the others become `\\` at the end of the line."""
    text = re.sub(re.escape(LINE_BREAK) + r"\n(?=\n|$)", "\n", marked)
    text = re.sub(re.escape(LINE_BREAK) + r"$", "", text)
    return text.replace(LINE_BREAK, "\\").strip("\n")


def line_markdown(marked: str) -> str:
    """The field on one line (a heading's text): line and paragraph breaks become `<br>`."""
    text = marked.strip("\n")
    text = re.sub(re.escape(LINE_BREAK) + r"\n?", "<br>", text)
    text = re.sub(r"\n{2,}", "<br>", text)
    return text.replace("\n", " ").strip()
