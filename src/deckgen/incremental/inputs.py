"""What a build depends on, fingerprinted: deckgen itself, every file of the notes folder and
the release tags (a release ships at its tag's date: deckgen.releases.published).

Imports nothing heavy, so that a build that changes nothing is decided in milliseconds.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

from deckgen.atomic import real_path
from deckgen.notes.files import is_markdown

_FORMAT = "deckgen-cache-3"
# Libraries whose version can change the bytes of a deck.
_LIBRARIES = (
    "markdown-it-py",
    "mdit-py-plugins",
    "Pygments",
    "genanki",
    "python-slugify",
    "PyYAML",
    "nh3",
    "apsw",  # bundles the SQLite that writes the collection
    "deflate",  # bundles the libdeflate that compresses the zip
)
_NOT_INPUTS = frozenset({".git", ".hg", ".svn", "__pycache__"})


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        # surrogateescape: file names that are not UTF-8 reach here as lone surrogates
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@cache
def tool_fingerprint() -> str:
    """deckgen's own files byte for byte, plus Python's and the libraries' versions.

    Hashing the source rather than trusting the version number keeps a development
    checkout (whose version never moves) from reusing entries an older build made."""
    package = Path(__file__).parents[1]  # the whole deckgen package
    parts: list[str | bytes] = [_FORMAT, sys.version]
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(root, name)
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    for name, installed in library_versions(_LIBRARIES).items():
        parts += [name, *installed]
    return digest(*parts)


def _project(name: str) -> str:
    """A project name as package metadata folders spell it, normalised (PEP 503, 427)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def library_versions(names: tuple[str, ...]) -> dict[str, list[str]]:
    """Each library's installed metadata folders along sys.path, as pip names them with the
    version in the name (`genanki-0.13.1.dist-info`), in the order Python finds them; a
    library found so by none is asked of importlib.metadata ("-" when not installed).

    Listing the folders costs a fraction of a millisecond; importing importlib.metadata
    alone costs more than everything else a build that finds its deck up to date does."""
    wanted = {_project(name): name for name in names}
    found: dict[str, list[str]] = {name: [] for name in names}
    for entry in sys.path:
        try:
            listing = sorted(os.listdir(entry or "."))  # noqa: PTH208 (names only, no Path per entry)
        except OSError:  # a zip, a missing folder
            continue
        for item in listing:
            stem, dot, kind = item.rpartition(".")
            if dot and kind in ("dist-info", "egg-info"):
                name = wanted.get(_project(stem.split("-", 1)[0]))
                if name is not None:
                    found[name].append(item)
    for name, installed in found.items():
        if not installed:
            from importlib.metadata import PackageNotFoundError, version

            try:
                installed.append(version(name))
            except PackageNotFoundError:
                installed.append("-")
    return found


def scan_inputs(notes_dir: Path, *, notes_files: bool = True) -> dict[str, str]:
    """Every file of the notes folder → the sha256 of its bytes (the Markdown files only
    with `notes_files`). Hidden files count too (the diagram cache is `.diagrams/`); only
    version control does not. A linked folder (`notetypes/` → elsewhere), which note types
    and images are read through, counts as where it points: a folder of the notes folder,
    whose files count under their own names, or a path outside it (which the loaders
    refuse to read)."""
    digests: dict[str, str] = {}
    for root, dirs, files in os.walk(notes_dir):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_INPUTS)
        for name in dirs:
            path = Path(root, name)
            if path.is_symlink():
                digests[path.relative_to(notes_dir).as_posix()] = _link_target(notes_dir, path)
        for name in sorted(files):
            path = Path(root, name)
            if notes_files or not is_markdown(path):
                digests[path.relative_to(notes_dir).as_posix()] = _input_digest(notes_dir, path)
    return digests


def _link_target(notes_dir: Path, link: Path) -> str:
    try:
        target = real_path(link)
        inside = real_path(notes_dir)
        if target.is_relative_to(inside):
            return f"folder-link:{target.relative_to(inside).as_posix()}"
        return f"folder-link-outside:{link.readlink()}"
    except OSError as exc:  # gone since it was listed: the key must still change
        return f"unreadable:{exc.errno}"


def tags_fingerprint(notes_dir: Path) -> str:
    """The `v*` tags of the repository holding the notes folder and what each points at
    ("" outside git): tagging a release changes its deck without changing a file."""
    try:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(notes_dir),
                "for-each-ref",
                "--format=%(refname) %(objectname)",
                "refs/tags/v*",
            ],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else ""


def _input_digest(notes_dir: Path, path: Path) -> str:
    """A regular file's content hash; a link or a special file (a FIFO would block a read)
    is named by what it is, and is only read when it is a file inside the folder."""
    try:
        if path.is_symlink():
            target = real_path(path)
            if not (target.is_relative_to(real_path(notes_dir)) and target.is_file()):
                return f"link:{path.readlink()}"
        elif not path.is_file():
            return "special"
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as exc:  # the load reports it; the key must still change
        return f"unreadable:{exc.errno}"


def file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None
