"""Images: what may be packaged, under which name, and every way a reference goes wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.cards.media import MediaFolder, MediaProblem, hashed_name, rewrite_img_sources
from deckgen.pipeline import check_notes
from helpers import NotesFactory

PNG = b"\x89PNG\r\n\x1a\nnot really"


def test_hashed_name_changes_with_the_bytes_and_keeps_a_readable_stem() -> None:
    first = hashed_name("VPC Diagram", b"one", ".PNG")
    assert first.startswith("vpc-diagram-") and first.endswith(".png")
    assert hashed_name("VPC Diagram", b"one", ".PNG") == first
    assert hashed_name("VPC Diagram", b"two", ".PNG") != first
    assert hashed_name("日本", b"x", ".png").startswith("ri-ben-")
    assert hashed_name("…", b"x", ".png").startswith("media-")


def test_an_image_beside_the_notes_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a b.png").write_bytes(PNG)
    folder = MediaFolder(tmp_path)
    file = folder.image("media/a%20b.png", "ec2.md")
    assert file.data == PNG
    assert file.name == hashed_name("a b", PNG, ".png")
    assert folder.image("./media/../media/a%20b.png", "ec2.md") is file


@pytest.mark.parametrize(
    ("src", "code", "message"),
    [
        ("https://example.com/x.png", "DG201", "is remote: cards must work offline"),
        ("http://example.com/x.png", "DG201", "is remote"),
        ("//cdn.example.com/x.png", "DG201", "is remote"),
        ("ftp://example.com/x.png", "DG201", "is remote"),
        ("data:image/png;base64,AAAA", "DG202", "data: URL"),
        ("../outside.png", "DG203", "leaves the notes folder"),
        ("media/../../outside.png", "DG203", "leaves the notes folder"),
        ("/etc/passwd", "DG203", "is an absolute path"),
        ("C:/Windows/x.png", "DG203", "is an absolute path"),
        ("C:%5CWindows%5Cx.png", "DG203", "is an absolute path"),
        ("media/missing.png", "DG204", "not found: no file media/missing.png"),
        ("media", "DG204", "not found"),
    ],
)
def test_references_that_cannot_be_packaged(
    tmp_path: Path, src: str, code: str, message: str
) -> None:
    (tmp_path / "media").mkdir()
    with pytest.raises(MediaProblem) as caught:
        MediaFolder(tmp_path).image(src, "ec2.md")
    assert caught.value.code == code
    assert message in caught.value.message


def test_a_symlink_pointing_outside_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    (notes / "innocent.png").symlink_to(secret)
    with pytest.raises(MediaProblem) as caught:
        MediaFolder(notes).image("innocent.png", "ec2.md")
    assert caught.value.code == "DG203"
    assert "symlink to a file outside the notes folder" in caught.value.message


def test_a_symlink_inside_the_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "real.png").write_bytes(PNG)
    (tmp_path / "alias.png").symlink_to(tmp_path / "real.png")
    assert MediaFolder(tmp_path).image("alias.png", "ec2.md").data == PNG


def test_raw_img_tags_are_rewritten_in_place_and_other_html_kept() -> None:
    html = '<p>a</p>\n<IMG alt="x" SRC="one.png" width=3>\n<img src="two.png"/><img>'
    seen: list[tuple[str, int]] = []

    def replace(src: str, line: int) -> str | None:
        seen.append((src, line))
        return None if src == "two.png" else "hashed.png"

    assert rewrite_img_sources(html, replace) == (
        '<p>a</p>\n<img alt="x" src="hashed.png" width="3">\n<img src="two.png"/><img>'
    )
    assert seen == [("one.png", 1), ("two.png", 2)]


EC2 = """\
# EC2

## Images

### What does a good picture show?
![ok](media/ok.png)

### What does a bad picture show?
Text first.

![remote](https://example.com/x.png) and ![up](../x.png)

<img src="/etc/hosts.png">

### Which language is this?
```cobolish
MOVE A TO B
```
"""


def test_check_reports_each_bad_image_at_its_line(make_notes: NotesFactory) -> None:
    notes = make_notes({"ec2.md": EC2, "media/ok.png": ""})
    result = check_notes(notes)
    assert result.deck is None
    problems = [str(d) for d in result.diagnostics if d.severity.value != "info"]
    shown = notes.as_posix()
    assert problems == [
        f"{shown}/ec2.md:11: error DG201 image 'https://example.com/x.png' is remote: cards must work offline, so save it in the notes folder and link it by a relative path",
        f"{shown}/ec2.md:11: error DG203 image '../x.png' leaves the notes folder",
        f"{shown}/ec2.md:13: error DG203 image '/etc/hosts.png' is an absolute path: link images relative to the notes file",
    ]


def test_an_unknown_code_language_is_plain_text_without_complaint(
    make_notes: NotesFactory,
) -> None:
    notes = make_notes({"ec2.md": "# EC2\n### Which?\n```cobolish\nMOVE A TO B\n```\n"})
    result = check_notes(notes)
    assert [d for d in result.diagnostics if d.severity.value != "info"] == []


AUDIO = """# EC2

## Sounds

### How is EC2 pronounced?
![say it](data:audio/mp3;base64,AAAA)

### And in a raw tag?
<img src="data:audio/ogg;base64,AAAA">

### From elsewhere?
![remote](https://example.com/x.mp3) ![up](../x.ogg) ![gone](media/none.opus)
"""


def test_audio_follows_the_rules_of_images(make_notes: NotesFactory) -> None:
    """No data: URL, nothing remote, nothing outside the notes folder, nothing missing."""
    notes = make_notes({"ec2.md": AUDIO})
    result = check_notes(notes)
    assert result.deck is None
    found = [(d.loc.line, d.code) for d in result.diagnostics if d.severity.value == "error"]
    assert found == [(6, "DG202"), (9, "DG202"), (12, "DG201"), (12, "DG203"), (12, "DG204")]
    messages = [d.message for d in result.diagnostics if d.code == "DG202"]
    assert all(m.startswith("audio is a data: URL") for m in messages)
