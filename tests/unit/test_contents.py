"""apkg.contents.compare: what differs between two packages' contents, named."""

from __future__ import annotations

from deckgen.apkg.contents import Contents, Difference, Note, compare


def note(guid: str, back: str = "B", *, mod: int = 1, deck: str = "D::E") -> Note:
    return Note(
        guid,
        "deckgen Basic",
        (("Front", "<b>Q</b> &amp; A?"), ("Back", back)),
        ("t",),
        mod,
        ((deck, 0),),
    )


def contents(*notes: Note, media: dict[str, str] | None = None, desc: str = "") -> Contents:
    decks = {"D::E": {"name": "D::E", "id": 5, "desc": desc}}
    return Contents(
        {n.guid: n for n in notes}, {"deckgen Basic": {"name": "deckgen Basic"}}, decks, media or {}
    )


def test_the_same_contents_have_no_difference() -> None:
    assert compare(contents(note("a")), contents(note("a"))) == []


def test_every_kind_of_difference_is_named_with_both_values() -> None:
    package = contents(
        note("a", "old", mod=1), note("gone"), media={"x.png": "1", "extra.png": "3"}, desc="v1"
    )
    rebuilt = contents(
        note("a", "new", mod=2, deck="D::F"), note("new"), media={"x.png": "2"}, desc="v2"
    )
    assert compare(package, rebuilt) == [
        Difference(
            "note",
            "a",
            None,
            ("Back", "mod", "cards"),
            "Q & A?",
            {"Back": ("old", "new"), "mod": ("1", "2"), "cards": ("D::E #1", "D::F #1")},
        ),
        Difference("note", "new", "rebuilt", question="Q & A?"),
        Difference("note", "gone", "package", question="Q & A?"),
        Difference("deck", "D::E", None, ("desc",), values={"desc": ("v1", "v2")}),
        Difference("media file", "extra.png", "package"),
        Difference("media file", "x.png", None, ("bytes",), values={"bytes": ("1", "2")}),
    ]
