"""`deckgen diagrams install`: an installed deckgen (no checkout, no `make diagrams`) gets the
pinned mermaid bundle into the user's data folder, only if it is the pinned one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.diagrams import bundle as mermaid_bundle
from deckgen.diagrams import renderer as mermaid_render
from deckgen.diagrams.cache import MERMAID_VERSION
from helpers import fake_tarball

ROOT = Path(__file__).parent.parent
FILES = {
    "package.json": json.dumps({"name": "mermaid", "version": MERMAID_VERSION}).encode(),
    "LICENSE": b"MIT",
    "dist/mermaid.min.js": b"/* bundle */",
    "dist/mermaid.esm.mjs": b"/* not needed */",
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """deckgen as pip installs it: no checkout beside it, no bundle in the current folder."""
    monkeypatch.setattr(mermaid_bundle, "SOURCE_CHECKOUT", tmp_path / "site-packages")
    monkeypatch.delenv("DECKGEN_MERMAID_JS", raising=False)
    monkeypatch.chdir(tmp_path)


def test_the_pin_is_the_lock_of_make_diagrams() -> None:
    lock = json.loads((ROOT / "tools/mermaid/package-lock.json").read_text(encoding="utf-8"))
    entry = lock["packages"]["node_modules/mermaid"]
    assert (entry["version"], entry["integrity"]) == (MERMAID_VERSION, mermaid_bundle.INTEGRITY)
    assert mermaid_bundle.TARBALL_URL.endswith(f"/mermaid/-/mermaid-{MERMAID_VERSION}.tgz")


def test_the_pinned_tarball_installs_what_the_renderer_loads(
    installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tarball = fake_tarball(tmp_path, FILES)
    monkeypatch.setattr(
        mermaid_bundle, "INTEGRITY", mermaid_bundle.integrity_of(tarball.read_bytes())
    )
    assert mermaid_bundle.locate_bundle() is None

    result = CliRunner().invoke(cli, ["diagrams", "install", "--from", str(tarball)])

    folder = mermaid_bundle.user_bundle_folder()
    bundle = folder / "dist" / "mermaid.min.js"
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Installed mermaid {MERMAID_VERSION}: {bundle}"
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert found == ["LICENSE", "dist/mermaid.min.js", "package.json"]
    assert mermaid_bundle.locate_bundle() == bundle
    assert mermaid_bundle.bundle_version(bundle) == MERMAID_VERSION


def test_another_tarball_installs_nothing(
    installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = mermaid_bundle.user_bundle_folder()
    folder.mkdir(parents=True)
    (folder / "kept").write_text("the bundle installed before", encoding="utf-8")
    tarball = fake_tarball(tmp_path, FILES)

    result = CliRunner().invoke(cli, ["diagrams", "install", "--from", str(tarball)])

    assert result.exit_code == 1
    found = mermaid_bundle.integrity_of(tarball.read_bytes())
    assert result.output == (
        f"Error: {tarball} is not mermaid {MERMAID_VERSION} as deckgen pins it (its sha512 is"
        f" {found}, not {mermaid_bundle.INTEGRITY}): nothing was installed\n"
    )
    assert [p.name for p in folder.parent.iterdir()] == [MERMAID_VERSION]
    assert (folder / "kept").is_file()


def test_a_tarball_without_the_bundle_installs_nothing(
    installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tarball = fake_tarball(tmp_path, {"package.json": b"{}"})
    monkeypatch.setattr(
        mermaid_bundle, "INTEGRITY", mermaid_bundle.integrity_of(tarball.read_bytes())
    )
    result = CliRunner().invoke(cli, ["diagrams", "install", "--from", tarball.as_uri()])
    assert result.exit_code == 1
    assert result.output == f"Error: {tarball.as_uri()} has no regular file package/LICENSE\n"
    assert not mermaid_bundle.user_bundle_folder().exists()


def test_a_missing_file_is_an_error_not_a_traceback(installed: None) -> None:
    result = CliRunner().invoke(cli, ["diagrams", "install", "--from", "nope.tgz"])
    assert result.exit_code == 1
    assert result.output == "Error: cannot read nope.tgz: No such file or directory\n"


def test_status_names_what_is_missing_and_how_to_install_it(
    installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    monkeypatch.delenv("DECKGEN_CHROMIUM", raising=False)
    monkeypatch.setattr(mermaid_render, "_playwright_available", lambda: True)
    result = CliRunner().invoke(cli, ["diagrams", "status"])
    assert result.exit_code == 1
    assert result.output == (
        "Chromium:        missing\n"
        "mermaid bundle:  missing\n"
        "Error: diagrams cannot be rendered here yet: install Chromium (`sudo apt-get install"
        " chromium`) and the mermaid bundle (`deckgen diagrams install`)\n"
    )


@pytest.mark.install
def test_the_real_tarball_from_npm_is_the_pinned_one(installed: None, tmp_path: Path) -> None:
    """The tarball npm gives for the pinned version passes the check and installs."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("needs npm (`sudo apt-get install npm`)")
    command = [npm, "pack", f"mermaid@{MERMAID_VERSION}", "--pack-destination", str(tmp_path)]
    subprocess.run([*command, "--silent"], check=True, capture_output=True, timeout=300)
    tarball = tmp_path / f"mermaid-{MERMAID_VERSION}.tgz"
    result = CliRunner().invoke(cli, ["diagrams", "install", "--from", str(tarball)])
    assert result.exit_code == 0, result.output
    bundle = mermaid_bundle.locate_bundle()
    assert bundle == mermaid_bundle.user_bundle_folder() / "dist" / "mermaid.min.js"
    assert mermaid_bundle.bundle_version(bundle) == MERMAID_VERSION
