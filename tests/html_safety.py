"""An independent judge of rendered HTML: does anything in it run code or load a document?

Written apart from deckgen.cards.sanitize on purpose (its own lists, stdlib parser), so the
tests do not grade the sanitiser with the sanitiser's own rules.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


RUNNABLE_TAGS = words(
    """script style iframe frame frameset object embed applet svg math link meta base form
    input button select textarea template xml video audio source track portal body html head
    title noscript isindex marquee bgsound layer ilayer xss image"""
)
URL_ATTRIBUTES = words(
    "href src action formaction background cite poster dynsrc lowsrc longdesc xlink:href"
)
FORBIDDEN_ATTRIBUTES = words("srcdoc formaction xlink:href dynsrc lowsrc data action")
SAFE_DATA_IMAGE = re.compile(r"^data:image/(gif|png|jpeg|webp);", re.IGNORECASE)
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
RUNNABLE_SCHEMES = words(
    """javascript vbscript livescript mocha data file jar view-source about blob filesystem
    ms-its mhtml"""
)
STYLE_TRICKS = re.compile(
    r"url\s*\(|expression|javascript:|behavior|-moz-binding|@import|\\|position\s*:",
    re.IGNORECASE,
)


class _Judge(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in RUNNABLE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES:
                self.problems.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and not _safe_url(value, image=tag == "img"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and STYLE_TRICKS.search(value):
                self.problems.append(f"<{tag} style={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"<?{data}>")


def _safe_url(url: str, *, image: bool) -> bool:
    compact = re.sub(r"[\x00-\x20\x7f]", "", url)
    if image and SAFE_DATA_IMAGE.match(compact):
        return True
    scheme = SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() not in RUNNABLE_SCHEMES


def unsafe_parts(html: str) -> list[str]:
    """Every runnable element, event handler, dangerous URL or style trick in `html`."""
    judge = _Judge()
    judge.feed(html)
    judge.close()
    problems = judge.problems
    if re.search(r"<\s*script", html, re.IGNORECASE):
        problems.append("a literal <script")
    return problems
