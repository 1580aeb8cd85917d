"""`make diagrams` installs mermaid's bundle from its own tarball, only if it is the pinned one."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from deckgen.diagrams.cache import MERMAID_VERSION
from helpers import fake_tarball

ROOT = Path(__file__).parent.parent


def load_installer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("install", ROOT / "tools/mermaid/install.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


install = load_installer()


FILES = {
    "package.json": b'{"name": "mermaid"}',
    "LICENSE": b"MIT",
    "dist/mermaid.min.js": b"/* bundle */",
    "dist/mermaid.esm.mjs": b"/* not needed */",
}


def test_the_lock_pins_the_version_deckgen_renders_with() -> None:
    version, integrity = install.pinned(ROOT / "tools/mermaid/package-lock.json")
    assert version == MERMAID_VERSION
    assert integrity.startswith("sha512-")


def test_the_pinned_tarball_installs_only_what_the_renderer_loads(tmp_path: Path) -> None:
    tarball = fake_tarball(tmp_path, FILES)
    destination = tmp_path / "node_modules" / "mermaid"
    destination.mkdir(parents=True)
    (destination / "stale.js").write_text("old", encoding="utf-8")
    install.unpack_verified(tarball, install.integrity_of(tarball), destination)
    found = sorted(
        p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file()
    )
    assert found == ["LICENSE", "dist/mermaid.min.js", "package.json"]
    assert (destination / "dist" / "mermaid.min.js").read_bytes() == b"/* bundle */"


def test_another_tarball_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    tarball = fake_tarball(tmp_path, FILES)
    destination = tmp_path / "node_modules" / "mermaid"
    destination.mkdir(parents=True)
    (destination / "kept.js").write_text("kept", encoding="utf-8")
    with pytest.raises(ValueError, match=r"package-lock\.json pins sha512-AAAA"):
        install.unpack_verified(tarball, "sha512-AAAA", destination)
    assert [p.name for p in destination.iterdir()] == ["kept.js"]
    assert [p.name for p in destination.parent.iterdir()] == ["mermaid"]
