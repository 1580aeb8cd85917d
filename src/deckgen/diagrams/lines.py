"""Where in a diagram's source mermaid's error is: its reported line, mapped back.

Mermaid reports lines of the text it parsed, not of what the author wrote; error_line
undoes the difference, and without_its_lines takes mermaid's own numbers out of its
message. `result` is what the page script in mermaid_render.py leaves for
a failed render: {"message", "firstLine", "hashLine"}.
"""

from __future__ import annotations

import re
from typing import Any

_LINE_IN_MESSAGE_RE = re.compile(r"\bline (\d+)", re.IGNORECASE)
# "on line 5:", "on line 3, column 12", " at offset: 41": places in the text mermaid parsed
_PLACE_IN_MESSAGE_RE = re.compile(
    r"\s+(?:on line \d+(?:, column \d+)?|at offset: \d+)(?=[\s.,:]|$)", re.IGNORECASE
)


def without_its_lines(message: str) -> str:
    """Mermaid's message without the lines, columns and offsets it counts in the text it
    parsed, which are not the notes file's: the diagnostic carries the file's line."""
    return _PLACE_IN_MESSAGE_RE.sub("", message)


def error_line(source: str, result: dict[str, Any]) -> int | None:
    """1-based line of the error within `source`, or None if mermaid gave none."""
    reported = _reported_line(result)
    if reported is None:
        return None
    line = _unprocess_line(source, reported)
    return max(1, min(line, source.count("\n") + 1))


def _reported_line(result: dict[str, Any]) -> int | None:
    # Jison parsers: loc.first_line (1-based) is where the offending token starts, which
    # beats `line` (0-based, where the lexer stopped - the end of file for an unclosed
    # bracket). Langium parsers only say "line N" in the message.
    first_line, hash_line = result.get("firstLine"), result.get("hashLine")
    if isinstance(first_line, int):
        return first_line
    if isinstance(hash_line, int):
        return hash_line + 1
    match = _LINE_IN_MESSAGE_RE.search(str(result.get("message", "")))
    return int(match.group(1)) if match else None


# Mermaid parses a preprocessed text: front matter, %%{directives}%% and %% comment lines
# removed, then leading whitespace trimmed. Its line numbers count lines of that text, so
# they are mapped back by replaying the deletions. Mirrors mermaid's preprocess.ts and
# is checked against the pinned version by tests/browser; best effort for exotic input.
_FRONT_MATTER_RE = re.compile(r"\A[ \t]*---[ \t]*\n.*?\n[ \t]*---[ \t]*(?:\n|\Z)", re.DOTALL)
_DIRECTIVE_RE = re.compile(
    r"%{2}\{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!\}%{2}).|\r?\n)*))?\s*(?:\}%{2})?",
    re.IGNORECASE,
)
_COMMENT_RE = re.compile(r"^\s*%%(?!\{)[^\n]+\n?", re.MULTILINE)
_LEADING_SPACE_RE = re.compile(r"\A\s+")


def _unprocess_line(source: str, reported: int) -> int:
    text, origin = source, list(range(len(source)))
    for pattern in (_FRONT_MATTER_RE, _DIRECTIVE_RE, _COMMENT_RE, _LEADING_SPACE_RE):
        text, origin = _delete_matches(text, origin, pattern)
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    if not origin:
        return reported
    # Past the end (an unclosed construct reported at end of file): the last line; a
    # line 0 (seen from lexers that count from 0) is the first.
    index = starts[max(1, min(reported, len(starts))) - 1]
    offset = origin[index] if index < len(origin) else len(source)
    return source.count("\n", 0, offset) + 1


def _delete_matches(
    text: str, origin: list[int], pattern: re.Pattern[str]
) -> tuple[str, list[int]]:
    """`text` without `pattern`'s matches, and each kept char's offset in the source."""
    dropped = {i for m in pattern.finditer(text) for i in range(m.start(), m.end())}
    kept = [i for i in range(len(text)) if i not in dropped]
    return "".join(text[i] for i in kept), [origin[i] for i in kept]
