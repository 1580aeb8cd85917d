"""Byte-reproducible artifacts: a normalised .apkg zip and the SHA256SUMS beside it.

genanki stamps each zip entry with the temporary file's wall-clock date in the local
timezone and its mode under the current umask, so two builds of the same notes differ.
Rewriting the archive with sorted entries, a fixed date and fixed modes leaves only the
contents, which are themselves a function of the notes, the lock and the build time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

CHECKSUMS = "SHA256SUMS"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
_FILE_MODE = 0o100644  # a regular file, rw-r--r--
_UNIX = 3


def normalise_zip(path: Path, scratch: Path) -> None:
    """Rewrite the zip at `path`, by way of the file `scratch`: sorted entries, fixed dates
    and modes, deflated. The caller names `scratch` (beside `path`) and removes it on failure.

    Entries are streamed in chunks: the collection of a large deck is tens of megabytes,
    too much to hold in memory beside the deck itself."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(scratch, "w") as target:
        for entry in sorted(source.infolist(), key=lambda info: info.filename):
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_EPOCH)
            info.external_attr = _FILE_MODE << 16
            info.create_system = _UNIX
            info.compress_type = zipfile.ZIP_DEFLATED
            # no level set: zlib's default (6); 9 takes twice the time for 1% smaller decks
            info.file_size = entry.file_size  # known up front, as writestr would set it
            with source.open(entry) as data, target.open(info, "w") as out:
                shutil.copyfileobj(data, out, 1 << 20)
    os.replace(scratch, path)  # noqa: PTH105 (Path.replace is the deck's own rename: tests pause there)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksums_text(existing: str, out_dir: Path, written: dict[str, str]) -> str:
    """SHA256SUMS in `sha256sum -c` format: the files just `written` (name → sha256), and
    the lines of the `existing` file for other files still in `out_dir` (a release stays
    listed beside a later build), sorted by name."""
    sums = dict(written)
    for line in existing.splitlines():
        digest, _, name = line.partition("  ")
        listed = len(digest) == 64 and name and "/" not in name and name not in sums
        if listed and (out_dir / name).is_file():
            sums[name] = digest
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items()))
