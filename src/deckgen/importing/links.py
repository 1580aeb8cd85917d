"""deck.toml's repository keys, read back from the Source links of a deck deckgen built.

A deck with `repository` links each card's Source field to its notes file on the forge
(cards/render.py). Its imported notes build the same fields only with the same keys, so
they are recovered from the links: on GitHub a file's page is
`https://github.com/OWNER/REPO/blob/<branch>/<notes_path>/<file>`. A branch with a `/` in
its name cannot be told from the notes path there; the first segment is taken as the branch.
Links of another forge (deck.toml's own templates) are not recovered: the import says so.
A branch whose name holds a `/` is read as the branch's first segment and a longer
`notes_path`: the links are the same, but `check` may then suggest another `notes_path`
(DG016); give such a deck its `branch` by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from deckgen.cards.render import SourceOf
from deckgen.importing.toml import string
from deckgen.notes.links import GITHUB_HOSTS

SOURCE_LINKS_LOST = "DG620"


@dataclass(frozen=True)
class RepositoryKeys:
    repository: str
    branch: str
    notes_path: str

    def toml_lines(self) -> list[str]:
        """The keys deck.toml needs: the defaults (main, notes) are left out."""
        lines = [f"repository = {string(self.repository)}"]
        if self.branch != "main":
            lines.append(f"branch = {string(self.branch)}")
        if self.notes_path != "notes":
            lines.append(f"notes_path = {string(self.notes_path)}")
        return lines


def repository_keys(sources: Iterable[SourceOf]) -> tuple[RepositoryKeys | None, bool]:
    """The keys every linked Source field agrees on, and whether some links were not
    understood (another forge, or fields that disagree): then no keys."""
    found: set[RepositoryKeys | None] = {_github_keys(s) for s in sources if s.url is not None}
    if not found:
        return None, False
    if len(found) == 1 and None not in found:
        return found.pop(), False
    return None, True


def _github_keys(source: SourceOf) -> RepositoryKeys | None:
    assert source.url is not None
    parts = urlsplit(source.url)
    if parts.scheme not in ("https", "http") or parts.hostname not in GITHUB_HOSTS:
        return None
    owner_repo_kind, _, rest = parts.path.lstrip("/").partition("/blob/")
    segments = owner_repo_kind.split("/")
    suffix = "/" + source.file
    rest = unquote(rest)
    if len(segments) != 2 or not rest.endswith(suffix) or "/" not in rest:
        return None
    repository = f"{parts.scheme}://{parts.netloc}/{segments[0]}/{segments[1]}"
    branch, _, notes_path = rest[: -len(suffix)].partition("/")
    if not branch:
        return None
    if source.edit_url is not None and unquote(source.edit_url) != (f"{repository}/edit/{rest}"):
        return None
    return RepositoryKeys(repository, branch, notes_path)
