"""HTML blocks cleaned the plain way: the specification the linear cleaner must meet.

This is how deckgen cleaned a raw HTML block before it was made linear: at each `<`,
markdown-it's tag regex matched against the rest of the block, lines counted from the
block's start, a malformed tag quoted from the rest of its line. Obviously right, and
quadratic (an unclosed `<!--` makes the regex read to the end of the block, at every
`<!--`), so the property tests run it on small blocks only and compare.
"""

from __future__ import annotations

import re

from markdown_it.common.html_re import HTML_TAG_RE

from deckgen.cards.sanitize import _TAG_LIKE, _dropped_content_name, _short, clean_tag


def reference_tag_end(content: str, lt: int) -> int | None:
    match = HTML_TAG_RE.match(content, lt)
    return match.end() if match else None


def reference_clean_html_block(content: str) -> tuple[str, list[tuple[int, str, str]]]:
    out: list[str] = []
    findings: list[tuple[int, str, str]] = []
    pos = 0
    while (lt := content.find("<", pos)) != -1:
        out.append(content[pos:lt])
        line = content.count("\n", 0, lt)
        end = reference_tag_end(content, lt)
        if end is None:
            if _TAG_LIKE.match(content, lt):
                snippet = _short(content[lt:].split("\n", 1)[0], 30)
                message = f"'{snippet}' is not a well-formed HTML tag; shown as text"
                findings.append((line, "DG404", message))
            out.append("&lt;")
            pos = lt + 1
            continue
        safe, tag_findings = clean_tag(content[lt:end])
        out.append(safe)
        findings.extend((line, code, message) for code, message in tag_findings)
        pos = end
        name = _dropped_content_name(content[lt:end])
        if name is not None:
            closing = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(content, pos)
            pos = closing.end() if closing else len(content)
    out.append(content[pos:])
    return "".join(out), findings
