"""Diagnostics: every user mistake carries a location and a stable code.

A run collects diagnostics instead of stopping at the first one, so an author sees
every problem of a notes folder at once. `str()` of a diagnostic is the line a
user reads: ``notes/ec2.md:12: error DG101 duplicate id 'ec2-spot' (first at notes/ecs.md:40)``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deckgen.model import SourceLoc


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    loc: SourceLoc
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.loc}: {self.severity.value} {self.code} {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.loc.path, self.loc.line, self.loc.column or 0, self.code)

    def as_dict(self) -> dict[str, str | int | None]:
        """The diagnostic for machines (`deckgen check --format json`)."""
        return {
            "path": self.loc.path,
            "line": self.loc.line,
            "column": self.loc.column,
            "severity": self.severity.value,
            "code": self.code,
            "name": CODES.get(self.code),
            "message": self.message,
        }


def error(loc: SourceLoc, code: str, message: str) -> Diagnostic:
    return Diagnostic(loc, code, message, Severity.ERROR)


def warning(loc: SourceLoc, code: str, message: str) -> Diagnostic:
    return Diagnostic(loc, code, message, Severity.WARNING)


def info(loc: SourceLoc, code: str, message: str) -> Diagnostic:
    return Diagnostic(loc, code, message, Severity.INFO)


def plural(n: int, word: str) -> str:
    """`1 error`, `2 errors`: counts in messages and summaries."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def fails(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    """Whether a run fails: on any error, and with `strict` on any warning too."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


class DeckgenError(Exception):
    """Raised by the core when user input cannot be turned into a deck.

    It carries every diagnostic of the run (errors and warnings), already sorted.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted_diagnostics(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        super().__init__(str(errors[0]) if errors else "deckgen failed")

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


# The stable codes, one place. The README lists them; a test keeps the two in step.
CODES: dict[str, str] = {
    "DG001": "file-not-utf8",
    "DG002": "file-unreadable",
    "DG003": "byte-order-mark",
    "DG004": "file-too-large",
    "DG005": "outside-notes-folder",
    "DG006": "markdown-not-read",
    "DG010": "deck-toml-missing",
    "DG011": "deck-toml-invalid",
    "DG012": "deck-toml-name",
    "DG013": "deck-toml-version",
    "DG014": "deck-toml-unknown-key",
    "DG015": "deck-toml-value",
    "DG016": "notes-path-elsewhere",
    "DG020": "front-matter-invalid",
    "DG021": "front-matter-not-mapping",
    "DG022": "front-matter-unknown-key",
    "DG023": "front-matter-value",
    "DG024": "tag-invalid",
    "DG030": "missing-h1",
    "DG031": "second-h1",
    "DG032": "topic-without-slug",
    "DG033": "folder-name",
    "DG040": "no-notes-files",
    "DG041": "no-cards",
    "DG050": "source-date-epoch",
    "DG051": "output-unwritable",
    "DG052": "output-inside-notes",
    "DG053": "sqlite-not-pinned",
    "DG054": "folder-not-empty",
    "DG060": "lock-invalid",
    "DG061": "time-backwards",
    "DG062": "nothing-to-release",
    "DG063": "bump-too-low",
    "DG064": "first-release-bump",
    "DG065": "lock-missing",
    "DG066": "notes-not-released",
    "DG067": "version-not-released",
    "DG068": "changelog-missing",
    "DG069": "tag-mismatch",
    "DG070": "lock-of-another-deck",
    "DG071": "lock-merge-conflict",
    "DG072": "lock-from-newer-deckgen",
    "DG073": "lock-not-published",
    "DG074": "changelog-unreadable",
    "DG075": "tag-in-the-future",
    "DG076": "changelog-differs",
    "DG080": "cache-unsafe",
    "DG090": "package-unreadable",
    "DG091": "package-differs",
    "DG092": "tag-unreadable",
    "DG101": "duplicate-id",
    "DG102": "duplicate-question",
    "DG103": "invalid-id",
    "DG104": "dangling-id",
    "DG106": "comment-repeated",
    "DG110": "question-without-answer",
    "DG111": "answer-without-question",
    "DG112": "empty-answer",
    "DG120": "cloze-unclosed",
    "DG121": "cloze-number",
    "DG122": "cloze-gap",
    "DG130": "notetype-invalid",
    "DG131": "notetype-taken",
    "DG132": "notetype-unknown",
    "DG133": "field-unknown",
    "DG134": "field-twice",
    "DG135": "notetype-kind",
    "DG136": "field-nowhere",
    "DG138": "notetype-switched",
    "DG201": "image-remote",
    "DG202": "image-data-url",
    "DG203": "image-outside-notes",
    "DG204": "image-missing",
    "DG301": "diagrams-shown-as-code",
    "DG302": "diagram-not-rendered",
    "DG303": "diagram-cache-stale",
    "DG310": "mermaid-syntax",
    "DG311": "diagram-renderer-failed",
    "DG401": "html-tag-removed",
    "DG402": "html-attribute-removed",
    "DG403": "unsafe-url",
    "DG404": "html-malformed",
    "DG501": "long-answer",
    "DG502": "list",
    "DG503": "two-questions",
    "DG504": "cloze-count",
    "DG505": "cloze-guessable",
    "DG506": "leak",
    "DG507": "duplicate",
    "DG508": "ambiguous",
    "DG510": "quality-comment-invalid",
    "DG511": "quality-comment-dangling",
    "DG512": "quality-comment-unused",
    "DG600": "import-needs-anki",
    "DG601": "import-unreadable",
    "DG602": "import-folder-not-empty",
    "DG603": "import-which-deck",
    "DG604": "import-no-notes",
    "DG610": "field-kept-as-html",
    "DG611": "field-renders-differently",
    "DG612": "media-missing",
    "DG613": "media-not-shipped",
    "DG614": "image-remote-linked",
    "DG615": "note-not-imported",
    "DG616": "tag-dropped",
    "DG617": "cards-in-several-decks",
    "DG618": "field-filled-by-deckgen",
    "DG619": "deck-renamed",
    "DG620": "source-links-lost",
    "DG900": "skipped-prose",
}
