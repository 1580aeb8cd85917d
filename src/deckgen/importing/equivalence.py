"""When two fields' HTML show the same: the test a field's Markdown must pass to replace it.

A field becomes Markdown only when deckgen's renderer turns that Markdown back into HTML
equivalent to the original. Equivalent means the same text, in the same formatting, the
same structure of lists, tables, code and links, and the same images, sounds and
attributes; it ignores what a reader cannot see or what only names the same thing:

- how lines and paragraphs are made: `<br>`, `<div>…</div>` and `<p>…</p>` are all one line
  break between blocks (a run of them counts once, at either end not at all);
- how whitespace is spelled: runs of spaces, newlines and no-break spaces are one space,
  none next to a line break or a block, and a space just inside an inline element is the
  same as one just outside it;
- synonyms: `<b>`/`<strong>`, `<i>`/`<em>`, `<strike>`/`<del>`/`<s>`, and entities/characters;
- deckgen's wrappers: a table's scrolling box, `<thead>`/`<tbody>`, and the highlighting
  spans and classes of code blocks (a code block is its text);
- media names: a packaged file's content-hashed name is the original name (`names`).

Anything else, an attribute or a style, a `<span>`, an underline, counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser

from deckgen.releases.diff import plain_words

_SYNONYMS = {"b": "strong", "i": "em", "strike": "s", "del": "s"}
_BREAKS = frozenset({"br", "div", "p"})
_IGNORED = frozenset({"thead", "tbody", "tfoot", "font"})
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "pre",
        "section",
        "summary",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_VOID = frozenset({"br", "hr", "img", "wbr", "col", "input", "source", "track", "area"})
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0]+")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
BREAK = "|"


def normalise(markup: str, names: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The field's HTML as a sequence of what shows: text runs, elements with their
    attributes, and line breaks. `names` maps packaged media names to original ones."""
    parser = _Tokens(names or {})
    parser.feed(markup)
    parser.close()
    return _tidy(parser.tokens)


def equivalent(a: str, b: str, names: Mapping[str, str] | None = None) -> bool:
    """Whether `b` (rendered, with packaged media names) shows what `a` shows."""
    return normalise(a) == normalise(b, names)


class _Tokens(HTMLParser):
    def __init__(self, names: Mapping[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.names = names
        self.tokens: list[str] = []
        self.pre = 0  # inside <pre>: only the text counts, exactly
        self.stack: list[tuple[str, str]] = []  # each open element: (tag, token emitted or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.pre:
            return
        token = self._open(tag, attrs)
        if token:
            self.tokens.append(token)
        if tag == "pre":
            self.pre += 1
        if tag not in _VOID:
            self.stack.append((tag, token))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.pre:
            return
        token = self._open(tag, attrs)
        if token:
            self.tokens.append(token)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.pre:
            self.pre -= 1
        if self.pre or tag in _VOID:
            return
        if not any(name == tag for name, _ in self.stack):
            return  # a stray end tag closes nothing
        name, opened = self.stack.pop()
        while name != tag:
            self._close(name, opened)
            name, opened = self.stack.pop()
        self._close(tag, opened)

    def _close(self, tag: str, opened: str) -> None:
        if opened == BREAK or (not opened and tag in _BREAKS):
            self.tokens.append(BREAK)
        elif opened:
            self.tokens.append("</" + opened[1:].split(" ", 1)[0].rstrip(">") + ">")

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.tokens.append("=" + data)
            return
        text = _SOUND.sub(lambda m: f"[sound:{self.names.get(m.group(1), m.group(1))}]", data)
        self.tokens.append("T" + text)

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        name = _SYNONYMS.get(tag, tag)
        kept = self._attributes(name, attrs)
        if name in _IGNORED or (name == "span" and not kept):
            return ""
        if name == "div" and kept == [("class", "table-wrap")]:
            return ""
        if name in _BREAKS and not kept:
            return BREAK
        if name in ("pre", "code"):
            kept = []  # a code block is its text: deckgen's highlighting classes aside
        shown = "".join(f' {key}="{value}"' for key, value in kept)
        return f"<{name}{shown}>"

    def _attributes(self, name: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
        kept: list[tuple[str, str]] = []
        for key, raw in attrs:
            value = raw or ""
            if key == "class":
                value = " ".join(sorted(value.split()))
            elif key == "style":
                value = _style(value)
            elif key == "src" and name == "img":
                value = self.names.get(value, value)
            if value or key not in ("class", "style", "alt", "title"):
                kept.append((key, value))
        return sorted(kept)


def _style(value: str) -> str:
    parts = []
    for declaration in value.split(";"):
        if ":" in declaration:
            prop, val = declaration.split(":", 1)
            parts.append(f"{prop.strip().lower()}: {' '.join(val.split())}")
    return "; ".join(parts)


def _tidy(tokens: list[str]) -> tuple[str, ...]:
    """Merge text, spell whitespace one way, move spaces out of inline elements, and keep
    only the line breaks that separate content."""
    merged: list[str] = []
    for token in tokens:
        if (token[0] == "T" and merged and merged[-1][0] == "T") or (
            token[0] == "=" and merged and merged[-1][0] == "="
        ):
            merged[-1] += token[1:]
        else:
            merged.append(token)
    out: list[str] = []
    for token in merged:
        if token[0] == "T":
            text = _SPACE.sub(" ", token[1:])
            if text:
                out.append("T" + text)
        elif token[0] == "=":
            out.append("=" + token[1:].rstrip("\n"))
        else:
            out.append(token)
    return tuple(_breaks(_spaces(out)))


def _is_block(token: str) -> bool:
    if token == BREAK:
        return True
    name = token.lstrip("</").split(" ", 1)[0].rstrip(">")
    return name in _BLOCKS or token[0] == "="


def _spaces(tokens: list[str]) -> list[str]:
    """A space at the edge of an inline element moves outside it; spaces at blocks go."""
    items = list(tokens)
    changed = True
    while changed:
        changed = False
        for i, token in enumerate(items):
            if token[0] != "<" or _is_block(token) or token.startswith("<img"):
                continue
            closing = token.startswith("</")
            j = i + 1 if not closing else i - 1
            if not 0 <= j < len(items) or items[j][0] != "T":
                continue
            text = items[j][1:]
            edge = text[:1] if not closing else text[-1:]
            if edge != " ":
                continue
            items[j] = "T" + (text[1:] if not closing else text[:-1])
            k = i - 1 if not closing else i + 1
            if 0 <= k < len(items) and items[k][0] == "T":
                items[k] = items[k] + " " if not closing else "T " + items[k][1:]
            else:
                items.insert(i if not closing else i + 1, "T ")
            changed = True
            break
    cleaned: list[str] = []
    for index, token in enumerate(items):
        if token[0] == "T":
            text = _SPACE.sub(" ", token[1:])
            before = cleaned[-1] if cleaned else BREAK
            after = items[index + 1] if index + 1 < len(items) else BREAK
            if _is_block(before):
                text = text.lstrip(" ")
            if _is_block(after):
                text = text.rstrip(" ")
            if not text:
                continue
            if cleaned and cleaned[-1][0] == "T":
                cleaned[-1] = "T" + _SPACE.sub(" ", cleaned[-1][1:] + text)
                continue
            token = "T" + text
        cleaned.append(token)
    return cleaned


def _breaks(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        if token == BREAK and (not out or _is_block(out[-1])):
            continue
        if out and out[-1] == BREAK and _is_block(token):
            out.pop()
        out.append(token)
    while out and out[-1] == BREAK:
        out.pop()
    return out


def plain_text(markup: str) -> str:
    """The text a field shows, on one line (for ids and messages)."""
    return " ".join(plain_words(markup))
