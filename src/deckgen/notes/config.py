"""deck.toml and per-file front matter, turned into typed settings with diagnostics."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from deckgen import ids
from deckgen.errors import Diagnostic, error, warning
from deckgen.model import QUALITY_CHECKS, DeckConfig, QualitySettings, SourceLoc
from deckgen.notes.links import LINK_KEYS, parse_links

DECK_TOML = "deck.toml"
DECK_KEYS = (
    "name", "slug", "version", "description", "keep_removed", "id", "docs", "quality",
    *LINK_KEYS,
)  # fmt: skip
QUALITY_KEYS = (
    "max_answer_words",
    "max_list_items",
    "max_cloze_deletions",
    "max_definition_words",
    "off",
)
DEFAULT_DOCS = ("README.md",)
_DECK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FRONT_MATTER_KEYS = ("deck", "tags", "notetype")

# semver.org's own pattern
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_TOML_LINE = re.compile(r"at line (\d+)")
_TAG = re.compile(r"^[^\s\"]+$")


def did_you_mean(key: str, known: tuple[str, ...], noun: str = "keys") -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else f"; known {noun}: {', '.join(known)}"


def unknown_key(
    loc: SourceLoc, code: str, what: str, key: str, known: tuple[str, ...]
) -> Diagnostic:
    """An unknown key close to a known one is taken for a typo of it (`tag:` for `tags:`):
    an error with the did-you-mean, since the value it carries would be silently lost. One
    close to none (a note for another tool, say) is only a warning naming the known keys."""
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        message = f"unknown {what} '{key}'; did you mean '{close[0]}'? (its value is not used)"
        return error(loc, code, message)
    return warning(loc, code, f"unknown {what} '{key}'; known keys: {', '.join(known)}")


def key_line(text: str, key: str) -> int:
    """The line a key is set on (or its `[table]` opens), for pointing at it (1 when not found)."""
    name = re.escape(key)
    pattern = re.compile(rf"^\s*(?:[\"']?{name}[\"']?\s*[=:]|\[\s*{name}\s*\])", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def parse_deck_toml(text: str, path: str) -> tuple[DeckConfig | None, list[Diagnostic]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else 1
        return None, [error(SourceLoc(path, line), "DG011", f"invalid TOML: {exc}")]
    except (ValueError, RecursionError) as exc:
        # tomllib lets these through on absurd input: ints over 4300 digits, deep nesting
        return None, [error(SourceLoc(path, 1), "DG011", f"invalid TOML: {_unreadable(exc)}")]
    problems: list[Diagnostic] = []

    def loc(key: str) -> SourceLoc:
        return SourceLoc(path, key_line(text, key))

    for key in data:
        if key not in DECK_KEYS:
            problems.append(unknown_key(loc(key), "DG014", "key", key, DECK_KEYS))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(error(loc("name"), "DG012", "'name' must be a non-empty string"))
    elif "::" in name:
        problems.append(error(loc("name"), "DG012", "'name' must not contain '::'"))
    version = data.get("version")
    if version is None:
        problems.append(error(loc("version"), "DG013", "'version' is missing (e.g. \"1.0.0\")"))
    elif not isinstance(version, str) or not SEMVER.match(version):
        problems.append(
            error(loc("version"), "DG013", f"'version' must be semver like 1.2.3, not {version!r}")
        )
    description = data.get("description", "")
    if not isinstance(description, str):
        problems.append(error(loc("description"), "DG015", "'description' must be a string"))
    slug_value = data.get("slug")
    if slug_value is not None and (
        not isinstance(slug_value, str) or ids.slug(slug_value) != slug_value
    ):
        problems.append(
            error(
                loc("slug"),
                "DG015",
                f"'slug' must be lowercase letters, digits and hyphens, not {slug_value!r}",
            )
        )
    keep_removed = data.get("keep_removed", 2)
    if not isinstance(keep_removed, int) or isinstance(keep_removed, bool) or keep_removed < 1:
        problems.append(
            error(
                loc("keep_removed"),
                "DG015",
                f"'keep_removed' must be a whole number, 1 or more, not {keep_removed!r}",
            )
        )
    deck_id = data.get("id")
    if deck_id is not None and (not isinstance(deck_id, str) or not _DECK_ID.match(deck_id)):
        message = f"'id' must be letters, digits, '.', '_' and '-' (at most 64), not {deck_id!r}"
        problems.append(error(loc("id"), "DG015", message))
    docs = data.get("docs", list(DEFAULT_DOCS))
    if not isinstance(docs, list) or not all(_is_doc_name(d) for d in docs):
        message = (
            "'docs' must be a list of Markdown file names in the notes folder that document"
            f' the notes, e.g. ["README.md", "COVERAGE.md"], not {docs!r}'
        )
        problems.append(error(loc("docs"), "DG015", message))
    quality, quality_problems = parse_quality(data.get("quality", {}), loc)
    problems += quality_problems
    links, link_problems = parse_links(data, loc)
    problems += link_problems
    if any(p.is_error for p in problems):
        return None, problems
    assert isinstance(name, str) and isinstance(version, str) and isinstance(description, str)
    assert isinstance(keep_removed, int)
    slug_text = slug_value if isinstance(slug_value, str) else ids.slug(name)
    if not slug_text:
        problems.append(error(loc("name"), "DG012", "'name' needs letters or digits for a slug"))
        return None, problems
    config = DeckConfig(
        name.strip(),
        slug_text,
        version,
        description.strip(),
        keep_removed,
        deck_id if isinstance(deck_id, str) else None,
        tuple(dict.fromkeys(docs)),
        quality,
        links,
    )
    return config, problems


def parse_quality(
    table: object, loc: Callable[[str], SourceLoc]
) -> tuple[QualitySettings, list[Diagnostic]]:
    """deck.toml's `[quality]` table: the thresholds of the card-quality checks, and the
    checks turned off."""
    if not isinstance(table, dict):
        message = "'quality' must be a table, e.g. [quality] with max_answer_words = 40"
        return QualitySettings(), [error(loc("quality"), "DG015", message)]
    problems: list[Diagnostic] = []
    for key in table:
        if key not in QUALITY_KEYS:
            message = f"unknown key 'quality.{key}'{did_you_mean(key, QUALITY_KEYS)}"
            problems.append(warning(loc(key), "DG014", message))
    numbers: dict[str, int] = {}
    for key in QUALITY_KEYS[:-1]:
        value = table.get(key, getattr(QualitySettings, key))
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            numbers[key] = value
        else:
            message = f"'quality.{key}' must be a whole number, 1 or more, not {value!r}"
            problems.append(error(loc(key), "DG015", message))
    off = table.get("off", [])
    unknown = [n for n in off if n not in QUALITY_CHECKS] if isinstance(off, list) else [off]
    if unknown:
        name = unknown[0]
        hint = did_you_mean(name, QUALITY_CHECKS) if isinstance(name, str) else ""
        message = (
            f"'quality.off' must be a list of check names, e.g. [\"ambiguous\"];"
            f" {name!r} is not one{hint.replace('known keys', 'checks')}"
        )
        problems.append(error(loc("off"), "DG015", message))
    if problems and any(p.is_error for p in problems):
        return QualitySettings(), problems
    assert isinstance(off, list)
    return QualitySettings(**numbers, off=tuple(dict.fromkeys(off))), problems


def _is_doc_name(value: object) -> bool:
    return (
        isinstance(value, str)
        and bool(value.strip())
        and "/" not in value
        and "\\" not in value
        and not value.startswith(".")
    )


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, ValueError):
        return str(exc)
    return "a value that cannot be read"


@dataclass(frozen=True)
class FrontMatter:
    deck: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    notetype: tuple[str, SourceLoc] | None = None  # the file's basic cards' note type, and where


def parse_front_matter(
    text: str, path: str, first_line: int
) -> tuple[FrontMatter, list[Diagnostic]]:
    """`first_line` is the line of the opening `---`; YAML lines count from the one after."""
    start = SourceLoc(path, first_line)
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + 1 + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        return FrontMatter(), [
            error(SourceLoc(path, line), "DG020", f"invalid front matter: {problem}")
        ]
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        # PyYAML's constructors raise these on malformed scalars (`!!int x`, `2001-13-45`,
        # `!!timestamp x`), and its recursive composer overflows on deep nesting.
        return FrontMatter(), [error(start, "DG020", f"invalid front matter: {_unreadable(exc)}")]
    if data is None:
        return FrontMatter(), []
    if not isinstance(data, dict):
        kind = type(data).__name__
        return FrontMatter(), [
            error(start, "DG021", f"front matter must be a mapping of keys, not a {kind}")
        ]
    problems: list[Diagnostic] = []

    def loc(key: str) -> SourceLoc:
        return SourceLoc(path, first_line + key_line(text, key))

    for key in map(str, data):
        if key not in FRONT_MATTER_KEYS:
            problems.append(
                unknown_key(loc(key), "DG022", "front-matter key", key, FRONT_MATTER_KEYS)
            )
    deck = data.get("deck")
    if deck is not None and (not isinstance(deck, str) or not deck.strip() or "::" in deck):
        problems.append(error(loc("deck"), "DG023", "'deck' must be a non-empty name without '::'"))
        deck = None
    tags, tag_problems = parse_tags(data.get("tags"), loc("tags"))
    notetype = data.get("notetype")
    if notetype is not None and (not isinstance(notetype, str) or not notetype.strip()):
        problems.append(error(loc("notetype"), "DG023", "'notetype' must be a note type's name"))
        notetype = None
    chosen = (notetype.strip(), loc("notetype")) if isinstance(notetype, str) else None
    front = FrontMatter(deck.strip() if isinstance(deck, str) else None, tags, chosen)
    return front, problems + tag_problems


def parse_tags(value: object, loc: SourceLoc) -> tuple[tuple[str, ...], list[Diagnostic]]:
    if value is None:
        return (), []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        return (), [
            error(loc, "DG023", "'tags' must be a list of strings, e.g. [compute, storage]")
        ]
    bad = [t for t in items if not _TAG.match(t)]
    if bad:
        return (), [
            error(loc, "DG024", f"tag {bad[0]!r} must not be empty or contain spaces or quotes")
        ]
    return tuple(dict.fromkeys(items)), []
