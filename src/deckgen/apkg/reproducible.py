"""Byte-reproducible artifacts: the .apkg zip, written entry by entry, and the SHA256SUMS beside it.

The zip is written here rather than by zipfile so that every byte of it is fixed by its
contents: entries sorted by name, the earliest date a zip can hold, mode rw-r--r--, no
extra fields, and each entry deflated by libdeflate (the `deflate` wheel, pinned), whose
output depends only on its own version, never on the zlib this Python links (zlib 1.2,
1.3 or zlib-ng, as Fedora and Python 3.14 on Windows ship, give different bytes). An entry
that deflate does not shrink (an image) is stored. Sizes and times for the Learn AWS deck
and a 100,000-card deck are in the README (Reproducible builds).
"""

from __future__ import annotations

import hashlib
import mmap
import struct
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import deflate

CHECKSUMS = "SHA256SUMS"
DEFLATE_PIN = "0.9.0"  # the `deflate` wheel; pyproject.toml pins the same
LEVEL = 6  # libdeflate's 6 is smaller and faster than zlib's default 6; 12 takes 20x longer for 6%

_STORED, _DEFLATED = 0, 8
_VERSION = 20  # zip 2.0: deflate
_MADE_BY = (3 << 8) | _VERSION  # on Unix, so the mode below is read
_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00
_UTF8_NAME = 0x800
_LIMIT = 0xFFFFFFFF  # sizes and offsets of a zip without zip64

Entry = Path | bytes  # a file to read, or the bytes themselves


@contextmanager
def _contents(entry: Entry) -> Iterator[bytes | mmap.mmap]:
    """The entry's bytes; a file is mapped, not read, so that a large collection is not
    held twice in memory while it is compressed."""
    if isinstance(entry, bytes):
        yield entry
        return
    with entry.open("rb") as file:
        if file.seek(0, 2) == 0:
            yield b""
            return
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped


def write_zip(path: Path, entries: Mapping[str, Entry]) -> None:
    """Write the zip of `entries` (name → contents) at `path`, sorted by name."""
    central: list[bytes] = []
    with path.open("wb") as out:
        for name in sorted(entries):
            offset = out.tell()
            with _contents(entries[name]) as data:
                crc = zlib.crc32(data)
                size = len(data)
                packed = deflate.deflate_compress(data, LEVEL)
                method = _DEFLATED if len(packed) < size else _STORED
                body = packed if method == _DEFLATED else data
                fields = _fields(name, method, crc, len(body), size)
                out.write(struct.pack("<IH", 0x04034B50, _VERSION) + fields + b"\0\0")
                out.write(name.encode())
                out.write(body)
            if max(offset, size) > _LIMIT:
                raise ValueError(f"{name}: too large for a zip without zip64 ({size} bytes)")
            central.append(
                struct.pack("<IHH", 0x02014B50, _MADE_BY, _VERSION)
                + fields
                + struct.pack("<HHHHII", 0, 0, 0, 0, _MODE, offset)
                + name.encode()
            )
        start = out.tell()
        out.write(b"".join(central))
        size, count = out.tell() - start, len(central)
        if count > 0xFFFF or out.tell() > _LIMIT:
            raise ValueError(f"{path}: too many entries or bytes for a zip without zip64")
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, start, 0))


def _fields(name: str, method: int, crc: int, packed: int, size: int) -> bytes:
    """What the local header and the central directory say alike: flags, method, date,
    CRC-32, sizes and the name's length (the caller adds the extra field's length, 0)."""
    flags = 0 if name.isascii() else _UTF8_NAME
    encoded = len(name.encode())
    return struct.pack("<HHHHIIIH", flags, method, _DOS_TIME, _DOS_DATE, crc, packed, size, encoded)


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
