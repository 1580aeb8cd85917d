"""Is this .apkg exactly the deck these notes build? `deckgen verify`.

The notes (a folder, or the tree of a release tag read from git) are built again into a
temporary folder with the lock's times, and the two packages are compared byte for byte.
A tag's release is rebuilt as it was published: what it changed carries the tag's date,
as in the build of the tagged tree (releases.published).
Where the bytes differ, both packages are read back (apkg.contents) and every note, note
type, deck and media file that differs becomes an error at the place it is written in the
notes, so a learner or an author sees *what* is not the release.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from deckgen.apkg.contents import Difference, PackageError, compare, read_package
from deckgen.apkg.reproducible import sha256_of
from deckgen.atomic import real_path
from deckgen.errors import DeckgenError, Diagnostic, error, plural
from deckgen.model import SourceLoc
from deckgen.pipeline import build
from deckgen.releases.lock import read_lock
from deckgen.releases.published import Base, as_published, tag_time

PACKAGE_UNREADABLE = "DG090"
PACKAGE_DIFFERS = "DG091"
TAG_UNREADABLE = "DG092"


class TagError(DeckgenError):
    """--tag names nothing git can give: a usage error (exit 2), not a verdict."""


@dataclass(frozen=True)
class Verdict:
    package: Path
    deck: str  # "Learn AWS 1.0.0"
    sha256: str
    rebuilt_sha256: str
    differences: list[Difference]
    diagnostics: list[Diagnostic]  # the rebuild's warnings, then one error per difference

    @property
    def identical(self) -> bool:
        return self.sha256 == self.rebuilt_sha256


def verify(
    package: Path, notes_dir: Path, tag: str | None = None, timestamp: int | None = None
) -> Verdict:
    """Rebuild the deck of `notes_dir` (at `tag`, when given; built at `timestamp`, when
    given, else with the lock's times) and compare `package` with it.
    Raises DeckgenError when the notes cannot be built, TagError when the tag cannot be read."""
    with tempfile.TemporaryDirectory(prefix="deckgen-verify-") as work:
        tree = Path(work, "tree")
        notes = notes_dir if tag is None else tag_tree(tag, notes_dir, tree)
        shown = None if tag is None else (f"{tree.as_posix()}/", f"{tag}:")
        published_at = None if tag is None else tag_time(notes_dir, tag)
        try:
            rebuilt, deck, locations, warnings = _rebuild(
                notes, Path(work, "decks"), timestamp, published_at
            )
        except DeckgenError as exc:
            raise DeckgenError([_relocated(d, shown) for d in exc.diagnostics]) from None
        try:
            mine, theirs = sha256_of(package), sha256_of(rebuilt)
        except OSError as exc:
            message = f"cannot read the package: {exc.strerror or exc}"
            loc = SourceLoc(package.as_posix(), 1)
            raise DeckgenError([error(loc, PACKAGE_UNREADABLE, message)]) from None
        differences: list[Difference] = []
        if mine != theirs:
            try:
                differences = compare(read_package(package), read_package(rebuilt))
            except PackageError as exc:
                message = f"cannot read the package: {exc}"
                loc = SourceLoc(package.as_posix(), 1)
                raise DeckgenError([error(loc, PACKAGE_UNREADABLE, message)]) from None
        diagnostics = [*warnings, *_errors(package, differences, locations, mine != theirs)]
        diagnostics = [_relocated(d, shown) for d in diagnostics]
    return Verdict(package, deck, mine, theirs, differences, diagnostics)


def _published(notes_dir: Path, published_at: int | None) -> Base | None:
    """The lock as the tagged release published it, or None to build as `deckgen build`."""
    if published_at is None:
        return None
    lock = read_lock(notes_dir)
    return Base(None if lock is None else as_published(lock, published_at))


def _rebuild(
    notes_dir: Path, out_dir: Path, timestamp: int | None, published_at: int | None
) -> tuple[Path, str, dict[str, SourceLoc], list[Diagnostic]]:
    """The deck the notes build, as `deckgen build` makes it: with the lock's times, unless
    `timestamp` (SOURCE_DATE_EPOCH) says when; for a tagged release, against its own lock
    as published (`published_at`). Its path, name and version, where each note is written,
    and the build's warnings."""
    built = build(
        notes_dir,
        out_dir,
        timestamp,
        history=_published(notes_dir, published_at),  # not kept here: the build lets go
        at_release=True,  # of the lock (a whole deck) before its zip
        store=False,
    )
    assert built.config is not None
    deck = f"{built.config.name} {built.version}"
    return built.path, deck, built.locations, built.diagnostics


def _errors(
    package: Path,
    differences: list[Difference],
    locations: dict[str, SourceLoc],
    bytes_differ: bool,
) -> list[Diagnostic]:
    here = SourceLoc(package.as_posix(), 1)
    if bytes_differ and not differences:
        message = (
            "the package's bytes differ from the rebuilt deck's, but none of its notes, cards,"
            " note types, decks or media files do: it was packaged by another deckgen"
            " version or another writer"
        )
        return [error(here, PACKAGE_DIFFERS, message)]
    # a note is shown where the notes write it; anything else, at the package
    return [
        error(
            locations.get(d.name, here) if d.kind == "note" else here, PACKAGE_DIFFERS, describe(d)
        )
        for d in differences
    ]


def describe(difference: Difference) -> str:
    """One difference as the rest of a diagnostic line."""
    kind, name = difference.kind, difference.name
    what = f"{kind} {name!r}"
    if kind == "note":
        what = f"note {difference.question[:80]!r} (guid {name})"
    if difference.only_in == "package":
        return f"the package has a {what} that the notes do not make"
    if difference.only_in == "rebuilt":
        return f"the package lacks the {what}"
    return f"the package's {what} differs in {', '.join(difference.parts)}"


def _relocated(diagnostic: Diagnostic, shown: tuple[str, str] | None) -> Diagnostic:
    """A diagnostic about the temporary tree of a tag, shown as `TAG:path`."""
    if shown is None or not diagnostic.loc.path.startswith(shown[0]):
        return diagnostic
    path = shown[1] + diagnostic.loc.path[len(shown[0]) :]
    return replace(diagnostic, loc=replace(diagnostic.loc, path=path))


def summary(verdict: Verdict) -> str:
    """What differs, counted: `1 note differs`, `2 notes, 1 media file differ`."""
    counts = Counter(difference.kind for difference in verdict.differences)
    if not counts:
        return "only its bytes differ"
    verb = "differs" if sum(counts.values()) == 1 else "differ"
    return f"{', '.join(plural(n, kind) for kind, n in counts.items())} {verb}"


# --- a tag's tree, from git ----------------------------------------------------------------


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], input=stdin, capture_output=True, check=False
        )
    except OSError as exc:
        raise _tag_error(cwd, f"git cannot be run: {exc.strerror}") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _tag_error(cwd, reason[-1] if reason else f"git {args[0]} failed")
    return done.stdout


def _tag_error(where: Path, message: str) -> TagError:
    return TagError([error(SourceLoc(where.as_posix(), 1), TAG_UNREADABLE, message)])


def tag_tree(tag: str, notes_dir: Path, into: Path) -> Path:
    """Write the notes folder as `tag` holds it, byte for byte as committed (no checkout
    filters or line-ending conversion), under `into`; its path there."""
    start = next(p for p in [notes_dir.absolute(), *notes_dir.absolute().parents] if p.is_dir())
    top = Path(_git(start, "rev-parse", "--show-toplevel").decode().strip())
    try:
        relative = real_path(notes_dir).relative_to(real_path(top)).as_posix()
    except ValueError:
        raise _tag_error(
            notes_dir, f"{notes_dir.as_posix()} is not in the repository {top}"
        ) from None
    commit = f"refs/tags/{tag}^{{commit}}"
    try:
        _git(top, "rev-parse", "--verify", "--quiet", commit)
    except TagError:
        raise _tag_error(notes_dir, f"no tag {tag!r} in this repository (git tag --list)") from None
    listing = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", relative)
    blobs: list[tuple[str, str, str]] = []  # (mode, object, path)
    for row in filter(None, listing.split(b"\0")):
        meta, path = row.decode("utf-8", "surrogateescape").split("\t", 1)
        mode, kind, obj = meta.split()
        if kind == "blob":
            blobs.append((mode, obj, path))
    if not blobs:
        raise _tag_error(notes_dir, f"tag {tag} has no files in {relative}")
    contents = _git(
        top, "cat-file", "--batch", stdin="".join(f"{o}\n" for _, o, _ in blobs).encode()
    )
    at = 0
    for mode, _, path in blobs:
        header_end = contents.index(b"\n", at)
        size = int(contents[at:header_end].split()[2])
        data = contents[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(data.decode("utf-8", "surrogateescape"))
        else:
            target.write_bytes(data)
    return into / relative
