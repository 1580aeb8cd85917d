"""The bad-input corpus: each folder under tests/fixtures/bad/ is a broken notes folder and
the exact output of `deckgen check notes` on it (expected.txt, exit code last).

Adding a case is adding a folder: `<case>/notes/…`, and `<case>/setup.toml` for what git
cannot hold or should not (`mkdir`, `[[symlink]]`, `[[generate]]` for big files). Write
expected.txt by hand, or run with DECKGEN_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli

CORPUS = Path(__file__).parent / "fixtures" / "bad"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def set_up(case_dir: Path) -> None:
    """Carry out <case>/setup.toml inside a copy of the case."""
    setup_file = case_dir / "setup.toml"
    if not setup_file.exists():
        return
    setup = tomllib.loads(setup_file.read_text(encoding="utf-8"))
    for folder in setup.get("mkdir", []):
        (case_dir / folder).mkdir(parents=True, exist_ok=True)
    for link in setup.get("symlink", []):
        (case_dir / link["path"]).symlink_to(link["target"])
    for big in setup.get("generate", []):
        head = big["head"].encode("utf-8")
        fill = big["fill"].encode("utf-8")
        body = fill * ((big["size"] - len(head)) // len(fill) + 1)
        (case_dir / big["path"]).write_bytes((head + body)[: big["size"]])


def run_check(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    case_dir = Path(shutil.copytree(CORPUS / case, tmp_path / case, symlinks=True))
    set_up(case_dir)
    monkeypatch.chdir(case_dir)
    result = CliRunner().invoke(cli, ["check", "notes"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return f"{result.output}[exit {result.exit_code}]\n"


@pytest.mark.parametrize("case", CASES)
def test_bad_notes(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    actual = run_check(case, tmp_path, monkeypatch)
    expected_path = CORPUS / case / "expected.txt"
    if os.environ.get("DECKGEN_UPDATE_GOLDEN"):
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_corpus_covers_the_issue_list() -> None:
    required = {
        "duplicate-id-across-files",
        "duplicate-question",
        "cloze-unclosed",
        "cloze-misnumbered",
        "q-without-a",
        "empty-answer",
        "front-matter-not-mapping",
        "front-matter-unknown-key",
        "tags-with-spaces",
        "h3-without-answer",
        "invalid-utf8",
        "bom",
        "file-10mb",
        "empty-notes-folder",
        "deck-toml-bad-version",
        "symlink-outside",
    }
    assert required <= set(CASES)
    assert all((CORPUS / case / "expected.txt").is_file() for case in CASES)


def test_twenty_mistakes_are_all_reported_sorted_by_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = run_check("twenty-mistakes", tmp_path, monkeypatch).splitlines()
    errors = [line for line in lines if ": error DG" in line]
    assert len(errors) == 20
    assert len({line.split(" ")[2] for line in errors}) == 20, "twenty different mistakes"

    def position(line: str) -> tuple[str, int]:
        path, number = line.split(":")[:2]
        return path, int(number)

    assert [position(line) for line in errors] == sorted(position(line) for line in errors)
    assert lines[-2:] == ["Error: 20 errors, 0 warnings", "[exit 1]"]


def test_the_symlinked_secret_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = run_check("symlink-outside", tmp_path, monkeypatch)
    assert "hunter2" not in output and "password" not in output
    assert "root:" not in output
