"""The media a deck's notes use → files under the notes folder's `media/`, and the names a
build packages them under.

deckgen packages a file as `<stem>-<16 hex of its sha256>.<suffix>` (cards/media.py). A
file a deckgen build shipped already carries that name, so it is written back as
`<stem>.<suffix>` and packages under its old name again; any other file keeps its own
name. Two files that would share a path are told apart by a folder named by the digest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote

from deckgen.cards.media import AUDIO_SUFFIXES, hashed_name

FOLDER = "media"
SOUND = re.compile(r"\[sound:([^\]\x1f]+)\]")
_DECKGEN_NAME = re.compile(r"^(?P<stem>.+)-(?P<digest>[0-9a-f]{16})$")
_UNSAFE = re.compile(r"[\x00-\x1f/\\]")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,(.*)$", re.IGNORECASE | re.DOTALL)
_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


@dataclass(frozen=True)
class MediaFile:
    """One file written under media/: its original name, path in the notes folder, bytes
    and the name a build packages it under."""

    original: str
    path: str  # relative to the notes folder, e.g. media/cat.png
    data: bytes
    packaged: str

    @property
    def is_audio(self) -> bool:
        return PurePosixPath(self.path).suffix.lower() in AUDIO_SUFFIXES


@dataclass
class MediaFiles:
    """Every media file the import writes, by original name."""

    files: dict[str, MediaFile] = field(default_factory=dict)
    _paths: set[str] = field(default_factory=set)

    def add(self, original: str, data: bytes) -> MediaFile:
        if original in self.files:
            return self.files[original]
        digest = hashlib.sha256(data).hexdigest()[:16]
        name = PurePosixPath(_safe(original))
        stem, suffix = name.stem, name.suffix
        deckgen = _DECKGEN_NAME.match(stem)
        if deckgen and deckgen.group("digest") == digest:
            stem = deckgen.group("stem")
        path = f"{FOLDER}/{stem}{suffix}"
        if path in self._paths:
            path = f"{FOLDER}/{digest}/{stem}{suffix}"
        self._paths.add(path)
        written = PurePosixPath(path)  # as a build reads it (cards/media.py)
        file = MediaFile(original, path, data, hashed_name(written.stem, data, written.suffix))
        self.files[original] = file
        return file

    def add_data_url(self, url: str) -> MediaFile | None:
        """An image given inline as a `data:` URL, saved as a file; None if it is not one."""
        found = _DATA_IMAGE.match(url.strip())
        if found is None:
            return None
        try:
            data = base64.b64decode(found.group(2), validate=False)
        except (binascii.Error, ValueError):
            return None
        suffix = ".jpg" if found.group(1).lower() == "jpeg" else f".{found.group(1).lower()}"
        name = f"image-{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
        return self.add(name, data)

    def packaged_names(self) -> dict[str, str]:
        """Packaged name → original name, for comparing rendered fields with the originals."""
        return {file.packaged: file.original for file in self.files.values()}


def _safe(name: str) -> str:
    """A media name as a file name in the notes folder: no separators, not hidden."""
    cleaned = _UNSAFE.sub("_", name).lstrip(".") or "media"
    return cleaned


def is_remote(src: str) -> bool:
    return bool(_REMOTE.match(src.strip())) and not src.strip().lower().startswith("data:")


def link_to(path: str, depth: int) -> str:
    """The URL of a file of the notes folder from a notes file `depth` folders deep."""
    return quote("../" * depth + path, safe="/")
