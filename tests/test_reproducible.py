"""Same notes, lock, tool and SOURCE_DATE_EPOCH → the same bytes, whatever else differs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import genanki
import pytest

from deckgen.apkg.package import make_package, write_package
from deckgen.cards.render import render_card
from deckgen.errors import DeckgenError
from deckgen.pipeline import load_deck
from deckgen.releases.plan import make_plan
from release_helpers import FIXTURE

EPOCH = "1790000000"
DECKGEN = Path(sys.executable).parent / "deckgen"


def build_in(workdir: Path, *, tz: str, umask: int, mode: int, mtime: int) -> bytes:
    notes = Path(shutil.copytree(FIXTURE, workdir / "notes"))
    for file in notes.iterdir():
        file.chmod(mode)
        os.utime(file, (mtime, mtime))
    env = {**os.environ, "TZ": tz, "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run(
        ["sh", "-c", f'umask {umask:03o} && exec "$0" build notes -o decks', str(DECKGEN)],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
    )
    return (workdir / "decks" / "learn-aws-1.0.0-dev.apkg").read_bytes()


def test_two_builds_in_different_settings_are_byte_identical(tmp_path: Path) -> None:
    first = build_in(tmp_path / "a", tz="UTC", umask=0o022, mode=0o644, mtime=1_700_000_000)
    time.sleep(2.1)  # zip dates have a two-second resolution
    second = build_in(
        tmp_path / "other place",
        tz="Asia/Kathmandu",
        umask=0o077,
        mode=0o600,
        mtime=1_750_000_000,
    )
    assert first == second


def test_the_archive_is_normalised(tmp_path: Path) -> None:
    apkg = build_in(tmp_path, tz="Pacific/Chatham", umask=0o027, mode=0o640, mtime=0)
    path = tmp_path / "copy.apkg"
    path.write_bytes(apkg)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {(i.date_time, i.external_attr >> 16, i.create_system) for i in infos} == {
        ((1980, 1, 1, 0, 0, 0), 0o100644, 3)
    }


def test_media_files_are_reproducible_too(tmp_path: Path) -> None:
    """The package layer with media: different file dates and modes, the same bytes."""
    deck, _ = load_deck(FIXTURE)
    plan = make_plan(deck, [render_card(c) for c in deck.cards], None, int(EPOCH))
    outputs = []
    for name, mode, mtime in (("a", 0o644, 1_700_000_000), ("b", 0o600, 1_760_000_000)):
        media = tmp_path / name / "diagram.svg"
        media.parent.mkdir()
        media.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
        media.chmod(mode)
        os.utime(media, (mtime, mtime))
        package = make_package(deck, plan.shipped, plan.shipped_note_types, media=[media])
        write_package(package, tmp_path / name / "deck.apkg", plan.timestamp)
        outputs.append((tmp_path / name / "deck.apkg").read_bytes())
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(tmp_path / "a" / "deck.apkg") as archive:
        assert archive.read("media") == b'{"0": "diagram.svg"}'
        assert archive.read("0").startswith(b"<svg")


def test_an_apsw_linking_another_sqlite_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A distribution's apsw links the system's SQLite: its decks would not match anyone's."""
    import apsw

    from deckgen.apkg import collection

    monkeypatch.setattr(apsw, "sqlite_lib_version", lambda: "3.40.1")
    deck, _ = load_deck(FIXTURE)
    plan = make_plan(deck, [render_card(c) for c in deck.cards], None, int(EPOCH))
    package = make_package(deck, plan.shipped, plan.shipped_note_types)
    with pytest.raises(DeckgenError) as caught:
        write_package(package, tmp_path / "deck.apkg", plan.timestamp)
    (problem,) = caught.value.diagnostics
    assert (problem.code, problem.loc.path) == ("DG053", collection.apsw.__file__)
    assert problem.message == (
        "apsw 3.54.1.0 links SQLite 3.40.1, not the pinned 3.54.1: a deck built here would"
        " not match the published checksums; install the wheel deckgen pins"
        " (pip install 'apsw==3.54.1.0')"
    )


def test_packages_skip_genankis_quadratic_html_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """genanki's own HTML check is quadratic in a long line of tags and only warns; the HTML
    policy has already cleaned every field, so the package writer must not run it."""

    def refuse(self: object) -> None:
        raise AssertionError("genanki's HTML check ran")

    monkeypatch.setattr(genanki.Note, "_check_invalid_html_tags_in_fields", refuse)
    deck, _ = load_deck(FIXTURE)
    plan = make_plan(deck, [render_card(c) for c in deck.cards], None, int(EPOCH))
    package = make_package(deck, plan.shipped, plan.shipped_note_types)
    write_package(package, tmp_path / "deck.apkg", plan.timestamp)
    assert zipfile.is_zipfile(tmp_path / "deck.apkg")
