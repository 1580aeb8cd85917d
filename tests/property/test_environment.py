"""What surrounds the notes is input too: SOURCE_DATE_EPOCH, the lock, the build cache.

Whatever they hold, deckgen answers with a deck or diagnostics, never a traceback; and the
cache only ever makes a build faster: after any sequence of edits and tampering, a build
gives the very bytes a build with no cache at all gives.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.errors import DeckgenError
from deckgen.incremental.build import build
from deckgen.releases.lock import parse_lock
from deckgen.times import pinned_time
from helpers import examples

T = 1_790_000_000
NOW = 1_800_000_000
FIXTURE = Path(__file__).parent.parent / "fixtures" / "notes_release"


@settings(max_examples=examples(0.5))
@given(
    st.one_of(
        st.text(),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.from_regex(r"\A[0-9]{1,40}\Z"),
        st.sampled_from(["", " 1790000000", "1790000000\n", "0x6AB0", "1e9", "١٧٩٠٠٠٠٠٠٠"]),
    )
)
def test_any_source_date_epoch_is_a_time_or_dg050(value: str) -> None:
    try:
        found = pinned_time({"SOURCE_DATE_EPOCH": value}, lambda: NOW)
    except DeckgenError as exc:
        assert [d.code for d in exc.diagnostics] == ["DG050"]
        return
    assert found is None or 946_684_800 <= found <= NOW + 300


def _released_lock() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(shutil.copytree(FIXTURE, Path(tmp) / "notes"))
        from deckgen.publish import release

        release(notes, Path(tmp) / "decks", T, None)
        return (notes / "deck.lock.json").read_text(encoding="utf-8")


LOCK = _released_lock()


@st.composite
def damaged_lock(draw: st.DrawFn) -> str:
    """The released lock, damaged the ways editors, merges and bad tools damage it."""
    how = draw(st.sampled_from(["truncate", "flip", "value", "markers", "drop-key", "format"]))
    text = LOCK
    if how == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    if how == "flip":
        at = draw(st.integers(0, len(text) - 1))
        return text[:at] + draw(st.characters()) + text[at + 1 :]
    if how == "markers":
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines)))
        marker = draw(st.sampled_from(["<<<<<<< HEAD\n", "=======\n", ">>>>>>> b\n"]))
        return "".join([*lines[:at], marker, *lines[at:]])
    data = json.loads(text)
    if how == "drop-key":
        data.pop(draw(st.sampled_from(sorted(data))))
    elif how == "format":
        data["format"] = draw(st.one_of(st.integers(), st.text(), st.none()))
    else:
        key = draw(st.sampled_from(["version", "released", "notes", "removed", "deck"]))
        data[key] = draw(
            st.one_of(st.integers(-(10**20), 10**20), st.text(), st.lists(st.integers()), st.none())
        )
    return json.dumps(data)


@settings(max_examples=examples(0.5))
@given(damaged_lock())
def test_any_lock_is_a_lock_or_a_diagnostic(text: str) -> None:
    try:
        parse_lock(text, "notes/deck.lock.json", NOW)
    except DeckgenError as exc:
        assert {d.code for d in exc.diagnostics} <= {"DG060", "DG071", "DG072"}
        assert all(d.loc.path == "notes/deck.lock.json" for d in exc.diagnostics)


# --- the cache never changes the deck -------------------------------------------------------

EDITS = [
    ("ec2.md", "two-minute warning", "two-minute notice"),
    ("ec2.md", "## Tenancy", "### What is a Savings Plan?\nA commitment.\n\n## Tenancy"),
    ("ec2.md", "Spare EC2 capacity", "Unused EC2 capacity"),
    ("storage.md", "eu-west-1", "us-east-1"),
    ("deck.toml", 'description = "', 'description = "Edited. '),
]
TAMPER = [
    "content",
    "truncate",
    "flip",
    "delete",
    "swap",
    "garbage-media",
    "truncate-media",
    "stamp",
]


def _tamper(cache: Path, how: str, rng: random.Random) -> None:
    """Damage every entry (or media file) of the cache one way."""
    entries = sorted(cache.glob("*/*.json"))
    targets = sorted(cache.glob("*/media/*")) if how.endswith("media") else entries
    for target in targets:
        data = target.read_bytes()
        if how == "content":  # valid JSON, other words on a card: only the seal tells
            target.write_bytes(data.replace(b"<p>", b"<p>Tampered ", 1))
        elif how in ("truncate", "truncate-media"):
            target.write_bytes(data[: rng.randrange(len(data) + 1)])
        elif how == "flip" and data:
            at = rng.randrange(len(data))
            target.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :])
        elif how == "delete":
            target.unlink()
        elif how == "swap" and len(entries) > 1:
            other = rng.choice([e for e in entries if e != target])
            target.write_bytes(other.read_bytes())
        elif how == "garbage-media":
            target.write_bytes(b"<svg>not the picture</svg>")
        elif how == "stamp" and target.name.startswith("build-"):
            target.write_bytes(data.replace(b'"notes":', b'"notes":1,"x":'))


def _fresh_build(notes: Path, tmp: Path, name: str) -> bytes:
    cache = tmp / f"fresh-cache-{name}"
    old = os.environ["DECKGEN_CACHE_DIR"]
    os.environ["DECKGEN_CACHE_DIR"] = str(cache)
    try:
        path = build(notes, tmp / f"fresh-{name}", T).path
    finally:
        os.environ["DECKGEN_CACHE_DIR"] = old
        shutil.rmtree(cache, ignore_errors=True)
    return path.read_bytes()


ROUNDS = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, len(TAMPER) - 1)),
        st.one_of(st.none(), st.integers(0, len(EDITS) - 1)),
    ),
    min_size=1,
    max_size=5,
)


@pytest.mark.slow
@settings(max_examples=examples(0.025))
@given(ROUNDS, st.integers(0, 2**32))
def test_the_cache_never_changes_the_deck(
    rounds: list[tuple[int | None, int | None]], seed: int
) -> None:
    """Rounds of: damage the cache, edit a file, build; every build equals a fresh one."""
    rng = random.Random(seed)  # what to damage depends on the cache's state: not drawn
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        notes = Path(shutil.copytree(FIXTURE, tmp / "notes"))
        (notes / "media").mkdir()
        (notes / "media" / "dot.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        storage = notes / "storage.md"
        storage.write_text(storage.read_text() + "\n### Which picture?\n![dot](media/dot.svg)\n")
        cache = Path(os.environ["DECKGEN_CACHE_DIR"])
        out = tmp / "decks"
        build(notes, out, T)
        for index, (damage, edit) in enumerate(rounds):
            if damage is not None:
                _tamper(cache, TAMPER[damage], rng)
            if edit is not None:
                name, old, new = EDITS[edit]
                text = (notes / name).read_text()
                done = new in text  # an edit made once; again, it only adds a blank line
                (notes / name).write_text(text + "\n" if done else text.replace(old, new, 1))
            cached = build(notes, out, T).path.read_bytes()
            assert cached == _fresh_build(notes, tmp, str(index))
