"""Where each raw tag in an HTML block ends, as markdown-it's tag regex says, in linear time.

The HTML policy walks an HTML block `<` by `<` and asks whether a well-formed tag starts
there, using markdown-it's own patterns (open and close tags, comments, `<?…?>`,
`<!…>`, CDATA). Matched naively at every `<`, a pattern that cannot match scans to the
end of the block before it fails: a run of `<!--`, `<?` or `<![CDATA[` without their
terminator costs time quadratic in the block (120 KB of `<!--` took 41 s). So each kind
of tag first finds where its match would have to end, with work that later matches or
cached positions pay for, and the pattern then only confirms the tag between `<` and that
end: same tags, same ends, never a scan past them.
"""

from __future__ import annotations

import bisect
import re

from markdown_it.common.html_re import cdata, close_tag, comment, declaration, open_tag, processing

_OPEN = re.compile(open_tag)
_CLOSE = re.compile(close_tag)
_COMMENT = re.compile(comment)
_PROCESSING = re.compile(processing)
_DECLARATION = re.compile(declaration)
_CDATA = re.compile(cdata)
# Quoted strings and text free of <, >, " and ': an open or close tag cannot end elsewhere
# than at the `>` where this stops (its quotes delimit attribute values, nothing else).
# Scans from two `<` are never at one character in the same state (outside quotes, in
# "…", in '…'), or both would have been outside at the later `<`, where the earlier one
# stops: so all of them together read each character at most three times.
_TAG_SPAN = re.compile(r"""[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*""")
_DASHES = re.compile(r"-*")
# A run of dashes then `>`, found once at its first dash (not again at every later one).
_DASH_RUN_CLOSE = re.compile(r"(?<!-)-+>")


class RawTags:
    """The tags of one HTML block: `end(lt)` is where the tag starting at `lt` ends."""

    def __init__(self, content: str) -> None:
        self.content = content
        self._last: dict[str, int] = {}  # terminator -> its last index in content
        self._comment_closes: list[int] | None = None

    def end(self, lt: int) -> int | None:
        """The end of the well-formed tag that starts at content[lt] == '<', or None.

        The same answer as markdown-it's HTML_TAG_RE.match(content, lt).
        """
        text = self.content
        second = text[lt + 1 : lt + 2]
        if second.isascii() and second.isalpha():
            return self._tag(_OPEN, lt)
        if second == "/":
            return self._tag(_CLOSE, lt)
        if second == "?":
            return self._until(_PROCESSING, lt, "?>", lt + 2)
        if text.startswith("<!--", lt):
            return self._comment(lt)
        if text.startswith("<![CDATA[", lt):
            return self._until(_CDATA, lt, "]]>", lt + 9)
        letter = text[lt + 2 : lt + 3]
        if second == "!" and letter.isascii() and letter.isalpha():
            return self._until(_DECLARATION, lt, ">", lt + 3)
        return None

    def _confirmed(self, pattern: re.Pattern[str], lt: int, end: int) -> int | None:
        return end if pattern.fullmatch(self.content, lt, end) else None

    def _tag(self, pattern: re.Pattern[str], lt: int) -> int | None:
        span = _TAG_SPAN.match(self.content, lt + 1)
        assert span is not None  # it matches the empty string
        close = span.end()
        if self.content[close : close + 1] != ">":
            return None
        return self._confirmed(pattern, lt, close + 1)

    def _until(self, pattern: re.Pattern[str], lt: int, terminator: str, start: int) -> int | None:
        """A tag that ends at the first `terminator` at or after `start` (a lazy match)."""
        last = self._last.get(terminator)
        if last is None:
            last = self._last[terminator] = self.content.rfind(terminator)
        if last < start:
            return None  # none left: the pattern would scan to the end and fail
        return self._confirmed(pattern, lt, self.content.find(terminator, start) + len(terminator))

    def _comment(self, lt: int) -> int | None:
        """The comment pattern's body is a deterministic walk: a non-dash, `-x` or `--x`
        (x not '>') per step. It stops at the first `-->` it lands on, which ends the
        comment, or at the end of the block, where the comment fails. Every walk lands
        right after each non-dash it passes and enters each run of dashes at its first,
        so past its first run it meets `-->` exactly at the runs of 3k+2 dashes then `>`."""
        text = self.content
        if text.startswith("<!-->", lt):
            return self._confirmed(_COMMENT, lt, lt + 5)
        if text.startswith("<!--->", lt):
            return self._confirmed(_COMMENT, lt, lt + 6)
        walk = lt + 4
        if text.startswith("-", walk):  # the walk starts inside the run of `<!--`'s dashes
            run_end = _run_end(text, walk)
            if text.startswith(">", run_end) and (run_end - walk) % 3 == 2:
                return self._confirmed(_COMMENT, lt, run_end + 1)
            walk = run_end + 1
        closes = self._closing_runs()
        found = bisect.bisect_left(closes, walk)
        if walk > len(text) or found == len(closes):
            return None
        return self._confirmed(_COMMENT, lt, _run_end(text, closes[found]) + 1)

    def _closing_runs(self) -> list[int]:
        """Starts of the runs of 3k+2 dashes followed by `>`, in order."""
        if self._comment_closes is None:
            self._comment_closes = [
                m.start()
                for m in _DASH_RUN_CLOSE.finditer(self.content)
                if (m.end() - m.start() - 1) % 3 == 2
            ]
        return self._comment_closes


def _run_end(text: str, start: int) -> int:
    dashes = _DASHES.match(text, start)
    assert dashes is not None  # it matches the empty string
    return dashes.end()
