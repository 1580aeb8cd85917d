"""Card text as the quality checks read it: Markdown → plain prose → words → content stems.

Simple, explainable rules on the author's Markdown, no parser: fenced code and HTML
comments are not prose, inline marks are dropped, and words are lowercased. A *content
stem* is a word that is not a stop word, cut by a light suffix rule (Harman's S-stemmer
for plurals, then `-ed`, `-ing` and a final `-e`: `policies` → `policy`, `stopped` →
`stop`), so that two wordings of a fact meet without a stemming library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from deckgen.notes.cloze import CLOZE_DELETION

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TAG_START = re.compile(r"</?[A-Za-z]")
_NO_MARKS = str.maketrans("", "", "*`~")  # emphasis, code spans, strikethrough (`_` stays:
# a word never starts or ends with it, so `_emphasis_` still reads as `emphasis`)
_WORD = re.compile(r"[0-9a-z]+(?:[-'’.:/_@,][0-9a-z]+)*")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
LIST_ITEM = re.compile(r"^( {0,3})(?:[-+*]|\d{1,9}[.)])[ \t]+\S")
# e.g., i.e., etc., vs.: a period that ends no sentence (the group is the word without it)
ABBREVIATION = re.compile(r"\b(e\.g|i\.e|etc|vs)\.", re.IGNORECASE)

_STOP_TEXT = """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did
    didn't do does doesn't doing don't down during each either else etc e.g few for from
    further get gets got had hadn't has hasn't have haven't having he her here hers
    herself him himself his how i i.e if in into is isn't it it's its itself just let's
    may me might more most must mustn't my myself neither no nor not now of off on once
    one's only or other ought our ours ourselves out over own per same shall she should
    shouldn't so some such than that that's the their theirs them themselves then there
    there's these they this those through to too under until up upon us use used uses
    using very via vs was wasn't we were weren't what what's whatever when where whether
    which while who whom whose why will with within without won't would wouldn't yes you
    your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def prose_lines(markdown: str) -> list[str]:
    """The lines of Markdown that are prose or lists: no fenced code, no HTML comments."""
    if "<!--" in markdown:
        markdown = without_comments(markdown, "")
    lines: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = _FENCE.match(line) if "``" in line or "~~" in line else None
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        lines.append(line)
    return lines


def is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|")


def is_table_rule(line: str) -> bool:
    return "--" in line and bool(_TABLE_RULE.match(line))


def plain(markdown: str) -> str:
    """Inline Markdown as the eye reads it: no images, links as their text, no marks."""
    text = markdown
    if "<" in text:
        text = without_tags(without_comments(text, " "))
    if "](" in text:
        text = without_links(without_links(text, image=True), image=False)
    if "*" in text or "`" in text or "~" in text:
        text = text.translate(_NO_MARKS)
    return " ".join(text.split())


# What `plain` removes, each in one pass over the text: a notes file may hold 8 MiB of
# hostile Markdown (a thousand unclosed `<!--`), which a regular expression such as
# `<!--.*?-->` would read again from every opening it tries (tests/property/test_lint_text.py
# holds each to its regular expression).


def without_comments(text: str, replacement: str) -> str:
    """`<!--.*?-->` (across lines) replaced; an unclosed comment is left as it is."""
    parts, at = [], 0
    while (start := text.find("<!--", at)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        parts += [text[at:start], replacement]
        at = end + 3
    return "".join([*parts, text[at:]])


def without_tags(text: str) -> str:
    """`</?[A-Za-z][^>]*>` (an HTML tag) replaced by a space."""
    parts, at, scan = [], 0, 0
    while (found := _TAG_START.search(text, scan)) is not None:
        end = text.find(">", found.end())
        if end < 0:
            break  # no tag closes after this one, nor after any later one
        parts += [text[at : found.start()], " "]
        at = scan = end + 1
    return "".join([*parts, text[at:]])


def without_links(text: str, *, image: bool) -> str:
    """Images `![alt](src)` replaced by a space, or links `[text](url)` by their text."""
    opening = "![" if image else "["
    parts, at, scan = [], 0, 0
    while (start := text.find(opening, scan)) >= 0:
        close = text.find("]", start + len(opening))
        if close < 0:
            break  # no `]`: no link starts here or later
        if not text.startswith("(", close + 1):
            scan = close  # every opening before this `]` ends at it too, and fails alike
            continue
        end = text.find(")", close + 2)
        if end < 0:
            break
        label = text[start + len(opening) : close]
        parts += [text[at:start], " " if image else label]
        at = scan = end + 1
    return "".join([*parts, text[at:]])


def words(text: str) -> list[str]:
    """Lowercased words; `kube-scheduler`, `m7g.large`, `3,000` and `ecr:GetLogin` are one."""
    lowered = text.lower()
    return _WORD.findall(lowered.replace("’", "'") if "’" in lowered else lowered)


def stem(word: str) -> str:
    """A light suffix rule on words of letters: Harman's S-stemmer for plurals, then `-ed`
    and `-ing` (undoubling `stopped` → `stop`) and a final `-e`, so that `stop`, `stopped`
    and `stops`, or `terminate` and `terminated`, meet. Short words stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("us", "ss")):
        word = word[:-1]  # Harman: -es → -e except after a, e, o; then -s → '' (so both drop s)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def content(items: Iterable[str]) -> list[str]:
    """The content stems of words, in order: stop words left out."""
    known = _CONTENT_STEMS
    found = []
    for word in items:
        stemmed = known.get(word)
        if stemmed is None:
            if len(known) > MAX_KNOWN_WORDS:
                known.clear()
            stemmed = known[word] = "" if word in STOP_WORDS else stem(word.removesuffix("'s"))
        if stemmed:
            found.append(stemmed)
    return found


# a word's content stem, or '' for a stop word: a deck has a few thousand words, each met often
_CONTENT_STEMS: dict[str, str] = {}
MAX_KNOWN_WORDS = 200_000


def stems(text: str) -> list[str]:
    """Plain text → its content stems."""
    return content(words(text))


def word_count(text: str) -> int:
    return len(words(text))


@dataclass(frozen=True)
class Deletion:
    number: int
    hidden: str
    hint: str


def cloze_segments(text: str) -> list[str | Deletion]:
    """A cloze's Markdown cut into its plain text and its deletions, in order."""
    segments: list[str | Deletion] = []
    at = 0
    for match in CLOZE_DELETION.finditer(text):
        segments.append(text[at : match.start()])
        segments.append(Deletion(int(match.group(1)), match.group(2), match.group(3) or ""))
        at = match.end()
    segments.append(text[at:])
    return segments


def cloze_text(segments: list[str | Deletion], *, shown: bool) -> str:
    """A cloze's text with its deletions `shown` as written or left out."""
    parts = []
    for segment in segments:
        if isinstance(segment, str):
            parts.append(segment)
        elif shown:
            parts.append(segment.hidden)
    return " ".join(parts)
