"""deck.toml's repository keys → where each card's source is read and edited (SourceLinks).

    repository = "https://github.com/OWNER/REPO"   # cards link to their notes file
    branch = "main"                                # the branch links read and edit
    notes_path = "notes"                           # the notes folder in the repository
    source_url = "https://gitlab.com/o/r/-/blob/{ref}/{path}"   # forges other than GitHub
    edit_url = "https://gitlab.com/o/r/-/edit/{ref}/{path}"

deckgen knows GitHub's addresses; another forge's are given as templates of a file's
address, with `{ref}` for the branch and `{path}` for the file's path in the repository.
A template never holds a line number: a card's line moves whenever a card is added above
it, and its link would change with it (deckgen adds the card's heading anchor instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from deckgen.errors import Diagnostic, error
from deckgen.model import SourceLinks, SourceLoc

LINK_KEYS = ("repository", "branch", "notes_path", "source_url", "edit_url")
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_UNSAFE = re.compile(r"[\s\"'<>`\\]")
_UNSAFE_IN_PATH = re.compile(r"[\t\n\r\f\v\"'<>`\\]")  # folder names may have spaces
_BRANCH = re.compile(r"^(?![-/.])[^\s~^:?*\[\\]+(?<![/.])$")
_GITHUB_PATH = re.compile(r"^/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def _is_branch(name: str) -> bool:
    """A name git accepts for a branch (git check-ref-format's rules, as far as a link needs)."""
    return (
        _BRANCH.match(name) is not None
        and ".." not in name
        and "@{" not in name
        and "//" not in name
        and not name.endswith(".lock")
        and not any(part.startswith(".") for part in name.split("/"))
    )


def parse_links(
    data: Mapping[str, Any], loc: Callable[[str], SourceLoc]
) -> tuple[SourceLinks | None, list[Diagnostic]]:
    """The repository keys of deck.toml (None when `repository` is not set), with a DG015
    error for every value of the wrong type or form."""
    problems: list[Diagnostic] = []

    def bad(key: str, message: str) -> None:
        problems.append(error(loc(key), "DG015", message))

    repository = data.get("repository")
    if repository is None:
        for key in LINK_KEYS[1:]:
            if key in data:
                bad(key, f"'{key}' says how cards link to the repository: set 'repository' too")
        return None, problems
    repo = _repository(repository)
    if repo is None:
        bad(
            "repository",
            "'repository' must be the repository's web address, e.g."
            f' "https://github.com/OWNER/REPO", not {repository!r}',
        )
        return None, problems
    branch = data.get("branch", "main")
    if not isinstance(branch, str) or not _is_branch(branch):
        bad("branch", f"'branch' must be a branch name, e.g. \"main\", not {branch!r}")
    notes_path = _notes_path(data.get("notes_path", "notes"))
    if notes_path is None:
        bad(
            "notes_path",
            "'notes_path' must be the notes folder's path in the repository, e.g. \"notes\""
            f' ("" for its top), not {data.get("notes_path")!r}',
        )
    on_github = urlsplit(repo).hostname in GITHUB_HOSTS
    templates: dict[str, str | None] = {
        "source_url": f"{repo}/blob/{{ref}}/{{path}}" if on_github else None,
        "edit_url": f"{repo}/edit/{{ref}}/{{path}}" if on_github else None,
    }
    for key in ("source_url", "edit_url"):
        if key in data:
            value = data[key]
            why = _template_problem(value)
            if why is not None:
                bad(key, f"'{key}' {why} (it is {value!r})")
            else:
                templates[key] = value
    if on_github and not _GITHUB_PATH.match(urlsplit(repo).path) and "source_url" not in data:
        bad("repository", f"'repository' must be https://github.com/OWNER/REPO, not {repository!r}")
    if templates["source_url"] is None and "source_url" not in data:
        host = urlsplit(repo).hostname
        bad(
            "repository",
            f"deckgen knows GitHub's addresses, not {host}'s: set 'source_url' (and 'edit_url'),"
            ' e.g. "https://gitlab.com/OWNER/REPO/-/blob/{ref}/{path}"',
        )
    if problems:
        return None, problems
    assert isinstance(branch, str) and notes_path is not None
    file_url = templates["source_url"]
    assert file_url is not None
    return SourceLinks(repo, file_url, templates["edit_url"], branch, notes_path), problems


def _repository(value: object) -> str | None:
    """The repository's address without a trailing slash or `.git`, or None."""
    if not isinstance(value, str) or _UNSAFE.search(value):
        return None
    url = value.rstrip("/").removesuffix(".git")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query:
        return None
    return None if parts.fragment or "{" in url else url


def _notes_path(value: object) -> str | None:
    """A relative POSIX path of folders ("" for the repository's top), or None."""
    if not isinstance(value, str) or _UNSAFE_IN_PATH.search(value):
        return None
    path = value.strip("/") if value not in ("", ".") else ""
    parts = path.split("/") if path else []
    if value.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return None
    return path


def _template_problem(value: object) -> str | None:
    """Why a file address template cannot be used, or None."""
    if not isinstance(value, str) or _UNSAFE.search(value):
        return "must be a web address with {path} (and {ref}) in it"
    names = _PLACEHOLDER.findall(value)
    if "line" in names:
        return (
            "must not hold {line}: a card's line moves whenever a card is added above it,"
            " and so would its link (deckgen adds the card's heading anchor)"
        )
    unknown = [name for name in names if name not in ("ref", "path")]
    if unknown:
        return f"knows only {{ref}} and {{path}}, not {{{unknown[0]}}}"
    if "path" not in names:
        return "must hold {path}, where the file's path goes"
    if "#" in value:
        return "must not end in a #fragment: deckgen adds the card's heading anchor"
    parts = urlsplit(value.replace("{ref}", "r").replace("{path}", "p"))
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an https:// address"
    return None
