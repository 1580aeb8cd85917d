"""`deckgen init`: a new deck project that checks, builds and releases as it is, with an
identity of its own and nothing of Learn AWS; deck.toml alone for a notes folder."""

from __future__ import annotations

import json
import re
import tomllib
from email.message import Message
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckgen.cli import cli
from deckgen.scaffold import source as deckgen_source
from deckgen.scaffold.project import PROJECT_FILES

SOURCE = "deckgen @ git+https://example.org/deckgen@0123abcd"
TREE = sorted(PROJECT_FILES)


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_a_project_and_says_what_each_file_is(here: Path) -> None:
    result = run("init", "my-deck", "--name", "My Deck", "--deckgen-source", SOURCE)
    assert result.exit_code == 0, result.output
    deck = tomllib.loads((here / "my-deck/notes/deck.toml").read_text(encoding="utf-8"))
    assert tree(here / "my-deck") == TREE
    assert result.output == (
        f'Created the deck "My Deck" (slug my-deck, id {deck["id"]}) in my-deck:\n'
        "  my-deck/notes/deck.toml                the deck: name, slug, version 0.1.0 and its own id\n"
        "  my-deck/notes/examples.md              one card of each kind, to replace with yours\n"
        "  my-deck/README.md                      how to build, release and import the deck\n"
        "  my-deck/.gitignore                     built decks stay out of git\n"
        "  my-deck/.github/workflows/check.yml    checks every pull request and push to main\n"
        "  my-deck/.github/workflows/release.yml  publishes the release of every v* tag\n"
        f"The workflows install {SOURCE}.\n"
        "Next:\n"
        "  cd my-deck\n"
        "  deckgen check     # every card, and every mistake as path:line\n"
        "  deckgen build     # the deck, to import into Anki\n"
    )


def test_the_deck_has_a_fresh_identity_of_its_own(here: Path) -> None:
    for name in ("one", "two"):
        assert run("init", name, "--name", "Vocabulary").exit_code == 0
    one, two = (
        tomllib.loads((here / name / "notes/deck.toml").read_text(encoding="utf-8"))
        for name in ("one", "two")
    )
    assert {k: v for k, v in one.items() if k != "id"} == {
        "name": "Vocabulary",
        "slug": "vocabulary",
        "version": "0.1.0",
        "description": "",
    }
    assert re.fullmatch(r"[0-9a-f]{32}", one["id"]) and re.fullmatch(r"[0-9a-f]{32}", two["id"])
    assert one["id"] != two["id"]


def test_the_new_project_checks_strict_builds_and_releases_as_it_is(here: Path) -> None:
    assert run("init", "deck", "--name", "Capitals").exit_code == 0
    notes, decks = "deck/notes", "deck/decks"
    checked = run("check", "--strict", notes)
    assert checked.exit_code == 0, checked.output
    assert checked.output == f"{notes}: 4 notes, 5 cards in 1 sub-deck; 0 errors, 0 warnings\n"
    listed = run("list", "--json", notes)
    kinds = [(n["kind"], n["question"]) for n in json.loads(listed.output)]
    assert kinds == [
        ("basic", "What is the capital of Australia?"),
        ("basic", "Which planet of the solar system is the largest?"),
        ("cloze", "Water boils at {{c1::100 °C}} at sea level."),
        ("basic", "bonjour"),
    ]
    assert json.loads(listed.output)[0]["id"] == "capital-of-australia"
    built = run("build", notes, "-o", decks)
    assert built.exit_code == 0, built.output
    assert (here / decks / "capitals-0.1.0-dev.apkg").is_file()  # until 0.1.0 is released
    released = run("release", notes, "-o", decks)
    assert released.exit_code == 0, released.output
    assert released.output.startswith("Released 0.1.0, the first release: 4 notes in all.\n")


def test_nothing_of_learn_aws_comes_along(here: Path) -> None:
    assert run("init", "deck", "--name", "Birds").exit_code == 0
    for path in tree(here / "deck"):
        text = (here / "deck" / path).read_text(encoding="utf-8")
        assert not re.search(r"aws|learn-aws|ec2", text, re.IGNORECASE), path
    assert not (here / "deck/notes/deck.lock.json").exists()


def test_every_template_is_written_and_no_field_is_left(here: Path) -> None:
    templates = files("deckgen.scaffold") / "templates"
    assert sorted(t.name for t in templates.iterdir()) == sorted(
        template for template, _ in PROJECT_FILES.values()
    )
    assert run("init", "deck", "--deckgen-source", SOURCE).exit_code == 0
    for path in tree(here / "deck"):
        text = (here / "deck" / path).read_text(encoding="utf-8")
        assert not re.search(r"@[A-Z_]+@", text), path


def test_the_workflows_and_readme_install_the_deckgen_source(here: Path) -> None:
    assert run("init", "deck", "--deckgen-source", SOURCE).exit_code == 0
    for workflow in ("check.yml", "release.yml"):
        text = (here / "deck/.github/workflows" / workflow).read_text(encoding="utf-8")
        assert f"  DECKGEN: '{SOURCE}'\n" in text
        assert 'run: python -m pip install "$DECKGEN"' in text
    readme = (here / "deck/README.md").read_text(encoding="utf-8")
    assert 'pipx install "git+https://example.org/deckgen@0123abcd"' in readme


def test_the_name_defaults_to_the_folders(here: Path) -> None:
    assert run("init", "spanish_verbs").exit_code == 0
    deck = tomllib.loads((here / "spanish_verbs/notes/deck.toml").read_text(encoding="utf-8"))
    assert (deck["name"], deck["slug"]) == ("Spanish Verbs", "spanish-verbs")


def test_a_folder_with_only_git_in_it_is_empty(here: Path) -> None:
    (here / ".git").mkdir()
    result = run("init", "--name", "Here")
    assert result.exit_code == 0, result.output
    assert result.output.startswith('Created the deck "Here" (slug here, id ')
    assert " in this folder:\n  notes/deck.toml " in result.output
    assert result.output.endswith(
        "Next:\n  deckgen check     # every card, and every mistake as path:line\n  deckgen build     # the deck, to import into Anki\n"
    )


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(here: Path) -> None:
    (here / "deck").mkdir()
    (here / "deck" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("init", "deck")
    assert result.exit_code == 1
    assert result.output == (
        "deck:1: error DG054 the folder is not empty (notes.txt): deckgen init writes a new"
        " deck project into an empty folder only, so it wrote nothing\n"
        "Error: 1 error, 0 warnings\n"
    )
    assert tree(here / "deck") == ["notes.txt"]


def test_a_deck_project_is_refused(here: Path) -> None:
    assert run("init", "deck").exit_code == 0
    again = run("init", "deck", "--yes")
    assert again.exit_code == 1
    assert again.output.startswith(
        "deck:1: error DG054 the folder holds a deck already (deck/notes/deck.toml):"
        " nothing was written\n"
    )


@pytest.mark.parametrize(("answer", "written"), [("y\n", True), ("\n", True), ("n\n", False)])
def test_a_notes_folder_without_deck_toml_is_offered_one(
    here: Path, answer: str, written: bool
) -> None:
    (here / "notes").mkdir()
    (here / "notes" / "birds.md").write_text("# Birds\n\n### Q?\nA.\n", encoding="utf-8")
    (here / "README.md").write_text("my repository", encoding="utf-8")
    result = run("init", "--name", "Birds", stdin=answer)
    prompt = "notes holds notes but no deck.toml: write notes/deck.toml alone? [Y/n]: " + answer
    assert result.output.startswith(prompt)
    if not written:
        assert (result.exit_code, result.output[len(prompt) :]) == (1, "Aborted!\n")
        assert tree(here) == ["README.md", "notes/birds.md"]
        return
    assert result.exit_code == 0, result.output
    assert tree(here) == ["README.md", "notes/birds.md", "notes/deck.toml"]
    deck = tomllib.loads((here / "notes/deck.toml").read_text(encoding="utf-8"))
    assert result.output[len(prompt) :] == (
        f'Wrote notes/deck.toml: the deck "Birds" (slug birds, id {deck["id"]}).\n'
        "Next: deckgen check notes\n"
    )
    assert run("check", "--strict", "notes").exit_code == 0


def test_yes_writes_deck_toml_without_asking(here: Path) -> None:
    (here / "cards").mkdir()
    (here / "cards" / "birds.md").write_text("# Birds\n", encoding="utf-8")
    result = run("init", "cards", "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.startswith('Wrote cards/deck.toml: the deck "Cards" (slug cards, id ')
    assert tree(here / "cards") == ["birds.md", "deck.toml"]


def test_notes_only_writes_deck_toml_into_the_folder_named(here: Path) -> None:
    result = run("init", "--notes-only", "notes", "--name", "Empty So Far")
    assert result.exit_code == 0, result.output
    assert tree(here) == ["notes/deck.toml"]
    again = run("init", "--notes-only", "notes")
    assert again.exit_code == 1
    assert again.output == (
        "notes/deck.toml:1: error DG054 the notes folder has a deck.toml already: nothing was"
        " written\nError: 1 error, 0 warnings\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--name", "A::B"],
            "Invalid value for --name: a deck's name needs letters or digits, and no '::'",
        ),
        (
            ["--name", "!!!"],
            "Invalid value for --name: a deck's name needs letters or digits, and no '::'",
        ),
        (
            ["--deckgen-source", "deckgen'; rm -rf /"],
            "Invalid value for --deckgen-source: one pip requirement on one line, without quotes, $, ` or \\",
        ),
    ],
)
def test_bad_values_are_usage_errors(here: Path, args: list[str], message: str) -> None:
    result = run("init", "deck", *args)
    assert result.exit_code == 2
    assert result.output.endswith(f"Error: {message}\n")
    assert not (here / "deck").exists()


# --- which deckgen the workflows install -------------------------------------------------


class FakeDistribution:
    def __init__(self, direct_url: dict[str, object] | None, urls: list[str]) -> None:
        self.direct_url = direct_url
        self.metadata = Message()
        for url in urls:
            self.metadata["Project-URL"] = url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


URLS = ["Homepage, https://example.org/home", "Source, https://example.org/deckgen"]


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            {
                "url": "https://example.org/fork/deckgen.git",
                "vcs_info": {"vcs": "git", "commit_id": "c0ffee", "requested_revision": "main"},
            },
            deckgen_source.Source(
                "deckgen @ git+https://example.org/fork/deckgen.git@c0ffee", True
            ),
        ),
        (
            {"url": "file:///home/me/deckgen-0.1.0-py3-none-any.whl", "archive_info": {}},
            deckgen_source.Source("deckgen @ git+https://example.org/deckgen", False),
        ),
        (
            {"url": "file:///home/me/deckgen", "dir_info": {"editable": True}},
            deckgen_source.Source("deckgen @ git+https://example.org/deckgen", False),
        ),
        (
            {"url": "file:///home/me/deckgen", "vcs_info": {"vcs": "git", "commit_id": "c0ffee"}},
            deckgen_source.Source("deckgen @ git+https://example.org/deckgen", False),
        ),
        # from an index: never `deckgen==X`, since PyPI's deckgen is another project
        (None, deckgen_source.Source("deckgen @ git+https://example.org/deckgen", False)),
    ],
)
def test_the_default_source_is_the_running_deckgen_where_ci_can_reach_it(
    monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, object] | None, expected: object
) -> None:
    fake = FakeDistribution(direct_url, URLS)
    monkeypatch.setattr(deckgen_source, "distribution", lambda name: fake)
    assert deckgen_source.running_source() == expected


def test_an_unpinned_source_is_said(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeDistribution(None, URLS)
    monkeypatch.setattr(deckgen_source, "distribution", lambda name: fake)
    result = run("init", "deck")
    assert "The workflows install deckgen @ git+https://example.org/deckgen.\n" in result.output
    assert (
        "Note: that is whatever deckgen's repository holds when they run (this deckgen was not"
        " installed from git): pin one with --deckgen-source, e.g. a commit.\n"
    ) in result.output


def test_the_repository_is_the_one_pyproject_names() -> None:
    pyproject = tomllib.loads(
        (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert pyproject["project"]["urls"]["Source"] == deckgen_source.REPOSITORY
    assert deckgen_source.repository() == deckgen_source.REPOSITORY
