"""Raw HTML and link URLs written in notes → only what cannot run code in a learner's Anki.

Decks are shared, so notes are untrusted input: a `<script>`, an `onerror=` or a
`javascript:` link in a note would run inside every learner's Anki. deckgen keeps the
author's harmless HTML (`<br>`, `<sub>`, `<kbd>`, `<span>`, tables …) and removes the
rest, with a warning at the line it was written on.

Only what the author wrote is touched. The markdown-it rule below runs right after
inline parsing, when every token still comes from the notes: `html_block` and
`html_inline` tokens, and the URLs of Markdown links and images. Everything deckgen
generates later (Pygments spans, cloze markers, math delimiters, media `<img>`) is
never seen by it. Each raw tag is cleaned on its own by nh3 (the Rust `ammonia`
sanitiser), so HTML that opens in one block and closes in another keeps its shape;
any `<` in raw HTML that does not start a well-formed tag is escaped to text. What it
removes is recorded in the parse's env and becomes warnings (html_diagnostics).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from deckgen.cards.raw_tags import RawTags
from deckgen.errors import Diagnostic, warning
from deckgen.model import SourceLoc


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALLOWED_TAGS = _words(
    """a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div
    dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q rp rt
    ruby s samp small span strike strong sub summary sup table tbody td tfoot th thead tr u
    ul var wbr"""
)
_GENERIC_ATTRIBUTES = _words("class title lang dir style")
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(_GENERIC_ATTRIBUTES),
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in ALLOWED_TAGS},
}
# Properties that change how text looks but cannot load a URL or lay a box over the card.
# (min-width: deckgen sets it on diagrams itself, so an imported deckgen deck keeps it.)
ALLOWED_STYLE_PROPERTIES = _words(
    """color background-color font-weight font-style font-size font-family font-variant
    text-decoration text-align text-transform vertical-align white-space border
    border-collapse padding margin width height min-width"""
)
ALLOWED_URL_SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES)
# Elements whose content is code or an embedded document: removed with their content.
DROP_CONTENT_TAGS = _words(
    """script style template textarea title xmp noscript noembed noframes iframe object
    embed applet svg math"""
)
_CLOSING_TAG = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in DROP_CONTENT_TAGS}
# data: media (images, audio) cannot run code: they stay for the media rules, which refuse
# them with an error (DG202), as they refuse any media not kept as a file
_DATA_IMAGE = re.compile(
    r"^data:(?:image/(?:gif|png|jpeg|webp)|audio/[a-z0-9.+-]+);", re.IGNORECASE
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STYLE_TRICKS = re.compile(r"url\s*\(|expression\s*\(|@import|javascript:|\\", re.IGNORECASE)
_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "background"})
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")
# html5 parsers drop table parts outside a table: clean them inside one.
_CONTEXT = {
    "caption": "<table>",
    "colgroup": "<table>",
    "thead": "<table>",
    "tbody": "<table>",
    "tfoot": "<table>",
    "col": "<table><colgroup>",
    "tr": "<table><tbody>",
    "td": "<table><tbody><tr>",
    "th": "<table><tbody><tr>",
}

ENV_KEY = "deckgen_html_findings"


@dataclass(frozen=True)
class Finding:
    """Something removed from the author's HTML: 0-based line, stable code, message."""

    line0: int
    code: str
    message: str


def _keep_style(_tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style" and _STYLE_TRICKS.search(value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROP_CONTENT_TAGS - ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_style,
    link_rel=None,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    filter_style_properties=set(ALLOWED_STYLE_PROPERTIES),
)


class _StartTag(HTMLParser):
    """The first start tag named `name` in a fragment: its exact text and attributes."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.text: str | None = None
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.text is None and tag == self.name:
            self.text = self.get_starttag_text()
            for key, value in attrs:
                self.attrs.setdefault(key, value or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _start_tag(fragment: str, name: str) -> _StartTag:
    parser = _StartTag(name)
    parser.feed(fragment)
    parser.close()
    return parser


def url_is_safe(url: str, *, image: bool = False) -> bool:
    """Relative URLs and the schemes nh3 allows (http, https, mailto …); data: images too."""
    compact = _URL_NOISE.sub("", url)
    if image and _DATA_IMAGE.match(compact):
        return True
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() in ALLOWED_URL_SCHEMES


def _short(text: str, limit: int = 40) -> str:
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _style_properties(style: str) -> set[str]:
    return {part.split(":", 1)[0].strip().lower() for part in style.split(";") if ":" in part}


def _keep_data_image(name: str, original: _StartTag, cleaned: _StartTag) -> _StartTag:
    """A data: image cannot run code, so it is not the HTML policy's to remove: it stays for
    the media rules, which refuse it with an error like a Markdown image's (DG202)."""
    src = original.attrs.get("src")
    if name != "img" or src is None or "src" in cleaned.attrs or not _DATA_IMAGE.match(src):
        return cleaned
    text = (cleaned.text or "<img>").replace("<img", f'<img src="{html.escape(src)}"', 1)
    return _start_tag(text, name)


@lru_cache(maxsize=4096)  # notes repeat their tags; hostile ones must not grow it forever
def clean_tag(raw: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """One raw tag → (its safe form, possibly '', and findings as (code, message) pairs)."""
    named = _TAG_NAME.match(raw)
    if named is None:  # a comment (inert: dropped quietly), <?…?>, <!DOCTYPE…> or CDATA
        if raw.startswith("<!--"):
            return "", ()
        kind = {"<?": "<?…?>", "<![": "<![CDATA[…]]>"}.get(raw[:3] if raw[1] == "!" else raw[:2])
        return "", (("DG401", f"removed raw HTML {kind or '<!…>'}: not allowed in notes"),)
    name = named.group(1).lower()
    if raw.startswith("</"):
        return (f"</{name}>" if name in ALLOWED_TAGS else ""), ()
    if name not in ALLOWED_TAGS:
        return "", (("DG401", f"removed raw HTML <{name}>: not allowed in notes"),)
    original = _start_tag(raw, name)
    cleaned = _start_tag(_CLEANER.clean(_CONTEXT.get(name, "") + raw), name)
    cleaned = _keep_data_image(name, original, cleaned)
    findings: list[tuple[str, str]] = []
    for key, value in original.attrs.items():
        if cleaned.attrs.get(key) == value:
            continue
        if key in _URL_ATTRIBUTES and not url_is_safe(value):
            findings.append(("DG403", f"removed unsafe URL '{_short(value)}' from <{name} {key}>"))
        elif key.startswith("on"):
            findings.append(("DG402", f"removed event handler '{key}' from raw HTML <{name}>"))
        elif key == "style" and key in cleaned.attrs:
            removed = sorted(_style_properties(value) - _style_properties(cleaned.attrs[key]))
            if removed:
                listed = ", ".join(f"'{p}'" for p in removed)
                what = "property" if len(removed) == 1 else "properties"
                findings.append(("DG402", f"removed style {what} {listed} from raw HTML <{name}>"))
        elif key in cleaned.attrs:
            findings.append(("DG402", f"removed part of attribute '{key}' of raw HTML <{name}>"))
        else:
            findings.append(("DG402", f"removed attribute '{key}' from raw HTML <{name}>"))
    return cleaned.text or "", tuple(findings)


def clean_html_block(content: str) -> tuple[str, list[tuple[int, str, str]]]:
    """An HTML block → safe HTML and findings as (line offset, code, message).

    One pass over the block: lines are counted on from the previous `<`, tags are found
    by RawTags, a malformed `<` is quoted from the few characters after it, so the work
    grows with the block, never with its square (notes files reach 8 MiB).
    """
    out: list[str] = []
    findings: list[tuple[int, str, str]] = []
    tags = RawTags(content)
    pos = line = counted = 0
    while (lt := content.find("<", pos)) != -1:
        out.append(content[pos:lt])
        line += content.count("\n", counted, lt)
        counted = lt
        end = tags.end(lt)
        if end is None:
            if _TAG_LIKE.match(content, lt, lt + 2):
                findings.append((line, "DG404", _malformed(content, lt)))
            out.append("&lt;")
            pos = lt + 1
            continue
        raw = content[lt:end]
        safe, tag_findings = clean_tag(raw)
        out.append(safe)
        findings.extend((line, code, message) for code, message in tag_findings)
        pos = end
        name = _dropped_content_name(raw)
        if name is not None:
            closing = _CLOSING_TAG[name].search(content, pos)
            pos = closing.end() if closing else len(content)
    out.append(content[pos:])
    return "".join(out), findings


_SNIPPET = 30


def _malformed(content: str, lt: int) -> str:
    # The rest of the line, shortened by _short: its first _SNIPPET + 1 characters decide
    # it, and reading no further keeps a long line from costing its length per `<`.
    rest_of_line = content[lt : lt + _SNIPPET + 1].split("\n", 1)[0]
    return f"'{_short(rest_of_line, _SNIPPET)}' is not a well-formed HTML tag; shown as text"


def _dropped_content_name(raw: str) -> str | None:
    named = _TAG_NAME.match(raw)
    if named is None or raw.startswith("</") or raw.rstrip().endswith("/>"):
        return None
    name = named.group(1).lower()
    return name if name in DROP_CONTENT_TAGS else None


# --- the markdown-it rule ---------------------------------------------------------------


def _record(state: StateCore, line0: int, code: str, message: str) -> None:
    state.env.setdefault(ENV_KEY, []).append(Finding(line0, code, message))


def _sanitize_inline(state: StateCore, parent: Token) -> None:
    line0 = parent.map[0] if parent.map else 0
    kept: list[Token] = []
    dropping: str | None = None  # inside <script>…</script>: skip until its end tag
    for child in parent.children or []:
        line = line0
        if child.type in ("softbreak", "hardbreak"):
            line0 += 1
        elif child.type == "html_inline":
            line0 += child.content.count("\n")
        if dropping is not None:
            named = _TAG_NAME.match(child.content) if child.type == "html_inline" else None
            if named and child.content.startswith("</") and named.group(1).lower() == dropping:
                dropping = None
            continue
        if child.type == "html_inline":
            safe, findings = clean_tag(child.content)
            for code, message in findings:
                _record(state, line, code, message)
            dropping = _dropped_content_name(child.content)
            child.content = safe
        elif child.type == "link_open":
            _check_url(state, child, "href", line)
        elif child.type == "image" and not _check_url(state, child, "src", line):
            replacement = Token("text", "", 0)
            replacement.content = child.content
            child = replacement
        kept.append(child)
    parent.children = kept


def _check_url(state: StateCore, token: Token, attribute: str, line: int) -> bool:
    url = str(token.attrGet(attribute) or "")
    if url_is_safe(url, image=token.type == "image"):
        return True
    what = "Markdown image" if token.type == "image" else "Markdown link"
    _record(state, line, "DG403", f"removed unsafe URL '{_short(url)}' from a {what}")
    if token.attrs is not None:
        token.attrs.pop(attribute, None)
    return False


def _sanitize(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "html_block":
            safe, findings = clean_html_block(token.content)
            start = token.map[0] if token.map else 0
            for offset, code, message in findings:
                _record(state, start + offset, code, message)
            token.content = safe
        elif token.type == "inline":
            _sanitize_inline(state, token)


def sanitize_plugin(md: MarkdownIt) -> None:
    """Install the HTML policy; what it removes is recorded in env[ENV_KEY].

    It must run before any rule that adds deckgen's own HTML, so it goes right after
    inline parsing. Link URLs are judged here, so markdown-it's own check lets all
    through: a `javascript:` link becomes a warning and a plain `<a>`, not literal text.
    """
    # markdown-it documents replacing validateLink on an instance as the way to change it.
    md.validateLink = _accept_all_links  # type: ignore[method-assign, assignment]
    md.core.ruler.after("inline", "deckgen_sanitize", _sanitize)


def _accept_all_links(_url: str) -> bool:
    return True


def html_diagnostics(env: Mapping[str, Any], path: str, *, first_line: int = 1) -> list[Diagnostic]:
    """The findings a parse left in `env`, as warnings at path:line; `first_line` is the
    file line of the Markdown's first line."""
    findings: list[Finding] = env.get(ENV_KEY, [])
    return [warning(SourceLoc(path, first_line + f.line0), f.code, f.message) for f in findings]
