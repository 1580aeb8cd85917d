"""deckgen as an author installs it: the wheel `python -m build` makes, installed with pip into
a fresh virtual environment outside the checkout (its dependencies from PyPI), then the
README's "Your own deck" path run as written, the deck published as the project's release
workflow does it, and imported into Anki.

Slow-ish (the build, a venv and pip: about half a minute with pip's cache warm), and it
must run in CI: a skip there fails (the `install` marker)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from anki.collection import Collection
from anki_helpers import import_deck, note_by_field

from helpers import code_blocks, section

pytestmark = pytest.mark.install

ROOT = Path(__file__).parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
AUTHORS = section("Your own deck", (ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built as a release would be: the sdist first, then the wheel from it."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("deckgen-*.whl")
    return built


@pytest.fixture(scope="module")
def bin_dir(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with deckgen installed from the wheel, its dependencies from PyPI."""
    venv = tmp_path_factory.mktemp("venv") / "deckgen"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return venv / "bin"


def shell(script: str, cwd: Path, bin_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `script` with bash -e as an author's shell would, the venv's deckgen on PATH and
    nothing of the checkout (no PYTHONPATH, another working folder)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    environment |= {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "Author",
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_COMMITTER_NAME": "Author",
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        **env,
    }
    environment.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_the_wheel_carries_every_runtime_file_and_complete_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"deckgen-{VERSION}.dist-info/METADATA").decode()
    for template in ("deck.toml", "examples.md", "README.md", "gitignore", "check.yml"):
        assert f"deckgen/scaffold/templates/{template}" in names
    assert "deckgen/py.typed" in names
    for field in (
        f"Version: {VERSION}",
        "Summary: Turn structured Markdown notes",
        "Project-URL: Source, https://",
        "License-Expression: MIT",
        "Classifier: Programming Language :: Python :: 3.11",
        "Requires-Python: >=3.11",
        "Description-Content-Type: text/markdown",
    ):
        assert field in metadata, field


def test_the_installed_deckgen_runs_from_its_venv(bin_dir: Path, tmp_path: Path) -> None:
    done = shell(
        "deckgen --version; python -c 'import deckgen; print(deckgen.__file__)'", tmp_path, bin_dir
    )
    assert done.returncode == 0, done.stderr
    version, where = done.stdout.splitlines()
    assert version == f"deckgen, version {VERSION}"
    assert Path(where).is_relative_to(bin_dir.parent) and not Path(where).is_relative_to(ROOT)


def test_the_readme_authors_path_works_as_written(bin_dir: Path, tmp_path: Path) -> None:
    start, release = (block for block in code_blocks(AUTHORS) if "deckgen " in block)
    install = start.splitlines()[0]
    assert install.startswith('pipx install "git+https://')
    # installed from the wheel instead: this checkout's commit is nowhere to fetch from
    done = shell(start.replace(install, ": installed"), tmp_path, bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "notes: 4 notes, 5 cards in 1 sub-deck; 0 errors, 0 warnings" in done.stdout
    assert "Built decks/my-deck-0.1.0-dev.apkg: 4 notes, 5 cards" in done.stdout
    deck = tmp_path / "my-deck"

    (card,) = (b for b in code_blocks(AUTHORS) if b.startswith("# Birds"))
    (deck / "notes" / "birds.md").write_text(card, encoding="utf-8")
    checked = shell("deckgen check --strict", deck, bin_dir)
    assert checked.stdout == "notes: 5 notes, 6 cards in 2 sub-decks; 0 errors, 0 warnings\n"

    local = "\n".join(line for line in release.splitlines() if "origin" not in line)
    done = shell(local, deck, bin_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Released 0.1.0, the first release: 5 notes in all." in done.stdout
    assert shell("git status --porcelain", deck, bin_dir).stdout == ""

    published = publish_as_ci(deck, tmp_path / "ci", bin_dir, tmp_path / "runner")
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        log = import_deck(collection, published)
        assert (len(log.new), len(log.updated)) == (5, 0)
        birds = collection.get_note(
            note_by_field(collection, "Front", "Which bird can fly backwards?")
        )
        assert birds["Back"] == "<p>The hummingbird.</p>"
        assert birds.cards()[0].did == collection.decks.id_for_name("My Deck::Birds")
    finally:
        collection.close()


def publish_as_ci(repository: Path, work: Path, bin_dir: Path, runner: Path) -> Path:
    """The new project's workflows as GitHub runs them, each in a clone of its own: check.yml
    on main, release.yml on the tag; every `run:` line but fetching the tag, installing
    deckgen (it is on PATH) and the upload to GitHub."""
    runner.mkdir()
    for name, ref in (("check.yml", "main"), ("release.yml", "v0.1.0")):
        clone = work / name
        subprocess.run(["git", "clone", "-q", "-b", ref, str(repository), str(clone)], check=True)
        workflow = yaml.safe_load((clone / ".github" / "workflows" / name).read_text())
        (job,) = workflow["jobs"].values()
        for step in job["steps"]:
            script = step.get("run", "")
            if not script or re.match(r"(git fetch|python -m pip install|gh release)", script):
                continue
            done = shell(script, clone, bin_dir, GITHUB_REF_NAME=ref, RUNNER_TEMP=str(runner))
            assert done.returncode == 0, f"{name}: {script}\n{done.stdout}{done.stderr}"
    assert (runner / "release-notes.md").read_text(encoding="utf-8").startswith("## 0.1.0 (")
    return work / "release.yml" / "decks" / "my-deck-0.1.0.apkg"


def test_a_diagram_without_a_renderer_is_shown_as_code_with_the_commands(
    bin_dir: Path, tmp_path: Path
) -> None:
    """No Chromium, playwright or bundle in a fresh install: the documented fallback."""
    init = shell("deckgen init deck --name Flows", tmp_path, bin_dir)
    assert init.returncode == 0, init.stderr
    notes = tmp_path / "deck" / "notes"
    (notes / "flows.md").write_text(
        "# Flows\n\n### What does this show?\n```mermaid\nflowchart LR\n  A --> B\n```\n",
        encoding="utf-8",
    )
    no_chromium = {"DECKGEN_CHROMIUM": str(tmp_path / "no-chromium")}
    built = shell("deckgen build", tmp_path / "deck", bin_dir, **no_chromium)
    assert built.returncode == 0, built.stderr
    assert (
        "warning DG301 1 diagram is not in notes/.diagrams and cannot be rendered here"
        in built.stderr
    )
    assert "the mermaid bundle (`deckgen diagrams install`)" in built.stderr
    assert (
        f"the playwright package (`{bin_dir / 'python'} -m pip install playwright`)" in built.stderr
    )
    status = shell("deckgen diagrams status", tmp_path, bin_dir, **no_chromium)
    assert status.returncode == 1
    assert status.stdout == "Chromium:        missing\nmermaid bundle:  missing\n"
    assert shutil.which("deckgen", path=str(bin_dir)) is not None
