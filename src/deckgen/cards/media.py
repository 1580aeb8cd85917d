"""Images in cards: found inside the notes folder, shipped under content-hashed names.

Anki keeps an existing media file of the same name on import, so a fixed name would
freeze the first version of an image forever; a name that carries a hash of the bytes
makes an edited image a new file that replaces the old reference. Cards must work
offline and must never leak files from outside the notes folder, so remote URLs,
``data:`` URLs and paths that leave the folder (``..``, absolute, symlinks) are errors.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlsplit

from deckgen.atomic import real_path
from deckgen.ids import slug

REMOTE = "DG201"
DATA_URL = "DG202"
OUTSIDE = "DG203"
MISSING = "DG204"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAX_STEM = 40


AUDIO_SUFFIXES = frozenset({".mp3", ".ogg", ".oga", ".wav", ".m4a", ".opus", ".webm", ".flac"})


def is_audio(src: str) -> bool:
    """`![label](media/x.mp3)`: a sound to play, not a picture to show."""
    return PurePosixPath(src.split("?", 1)[0].split("#", 1)[0]).suffix.lower() in AUDIO_SUFFIXES


def _kind(src: str) -> str:
    return "audio file" if is_audio(src) else "image"


@dataclass(frozen=True)
class MediaFile:
    """A file to ship in the package: its name in Anki's media folder and its bytes."""

    name: str
    data: bytes


def hashed_name(stem: str, data: bytes, suffix: str) -> str:
    """`<readable stem>-<16 hex of sha256>.<suffix>`: a new name whenever the bytes change."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    readable = slug(stem)[:_MAX_STEM].strip("-") or "media"
    return f"{readable}-{digest}{suffix.lower()}"


class MediaProblem(Exception):
    """An image reference that cannot be shipped; `code` is its diagnostic code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class MediaFolder:
    """The notes folder as the one place images may come from."""

    root: Path
    _found: dict[str, MediaFile] = field(default_factory=dict)

    def image(self, src: str, notes_file: str) -> MediaFile:
        """The image `src` (as written in `notes_file`, relative to the notes folder).

        Raises MediaProblem for anything that cannot or must not be packaged.
        """
        relative = _local_path(src, notes_file)
        if relative not in self._found:
            self._found[relative] = self._read(relative, src)
        return self._found[relative]

    def _read(self, relative: str, src: str) -> MediaFile:
        target = self.root / relative
        root = real_path(self.root)
        if not real_path(target).is_relative_to(root):
            raise MediaProblem(
                OUTSIDE, f"{_kind(src)} '{src}' is a symlink to a file outside the notes folder"
            )
        if not target.is_file():
            raise MediaProblem(
                MISSING, f"{_kind(src)} '{src}' not found: no file {relative} in the notes folder"
            )
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise MediaProblem(
                MISSING, f"{_kind(src)} '{src}' cannot be read: {exc.strerror}"
            ) from exc
        name = PurePosixPath(relative)
        return MediaFile(hashed_name(name.stem, data, name.suffix), data)


def _local_path(src: str, notes_file: str) -> str:
    """`src` as a normalised POSIX path relative to the notes folder, or MediaProblem."""
    if src.lower().startswith("data:"):
        kind = "audio" if src.lower().startswith("data:audio/") else "image"
        raise MediaProblem(
            DATA_URL,
            f"{kind} is a data: URL: save it as a file in the notes folder and link that file",
        )
    if src.startswith("//") or (_SCHEME.match(src) and not PureWindowsPath(src).drive):
        raise MediaProblem(
            REMOTE,
            f"{_kind(src)} '{src}' is remote: cards must work offline, so save it in the notes"
            " folder and link it by a relative path",
        )
    path = unquote(urlsplit(src).path) if not PureWindowsPath(src).drive else unquote(src)
    if PureWindowsPath(path).drive or path.startswith(("/", "\\")):
        raise MediaProblem(
            OUTSIDE,
            f"{_kind(src)} '{src}' is an absolute path:"
            f" link {_kind(src)}s relative to the notes file",
        )
    if not path:
        raise MediaProblem(MISSING, "image has an empty path")
    joined = posixpath.join(posixpath.dirname(notes_file), path.replace("\\", "/"))
    relative = posixpath.normpath(joined)
    if relative == ".." or relative.startswith("../"):
        raise MediaProblem(OUTSIDE, f"{_kind(src)} '{src}' leaves the notes folder")
    return relative


# --- raw <img> tags in author HTML -------------------------------------------------------


class _ImgTags(HTMLParser):
    """Start tags of <img> elements: (line within the text, column, raw tag, attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            line, column = self.getpos()
            self.found.append((line - 1, column, self.get_starttag_text() or "", attrs))


def rewrite_img_sources(html: str, replace: Callable[[str, int], str | None]) -> str:
    """`html` with each <img src> passed through `replace(src, line)`.

    `line` is the 0-based line of the tag within `html`. When `replace` returns None the
    tag is kept as written (the caller has reported why).
    """
    parser = _ImgTags()
    parser.feed(html)
    parser.close()
    if not parser.found:
        return html
    line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
    pieces: list[str] = []
    done = 0
    for line, column, raw, attrs in parser.found:
        src = next((value for name, value in attrs if name == "src"), None)
        if not src:
            continue
        new_src = replace(src, line)
        start = line_starts[line] + column
        if new_src is None or html[start : start + len(raw)] != raw:
            continue
        pieces += [html[done:start], _img_tag(attrs, new_src, raw.endswith("/>"))]
        done = start + len(raw)
    pieces.append(html[done:])
    return "".join(pieces)


def _img_tag(attrs: list[tuple[str, str | None]], src: str, self_closing: bool) -> str:
    parts = ["<img"]
    for name, value in attrs:
        value = src if name == "src" else value
        parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
    return " ".join(parts) + (" />" if self_closing else ">")


# --- files on disk -----------------------------------------------------------------------


def stage_media(files: Iterable[MediaFile], folder: Path) -> list[Path]:
    """Write each file into `folder` under its media name; their paths, sorted by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for file in sorted({f.name: f for f in files}.values(), key=lambda f: f.name):
        path = folder / file.name
        path.write_bytes(file.data)
        paths.append(path)
    return paths
