"""deckgen.diagrams.cache and deckgen.diagrams.renderer without a browser: keys, the cache,
discovery, error lines."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from deckgen.diagrams import bundle as mermaid_bundle
from deckgen.diagrams import cache as diagrams
from deckgen.diagrams import lines as mermaid_lines
from deckgen.diagrams import renderer as mermaid_render
from deckgen.diagrams.cache import (
    MERMAID_VERSION,
    THEMES,
    DiagramCache,
    MermaidError,
    RendererError,
    diagram_key,
)
from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.diagrams.source import render_cached

ROOT = Path(__file__).resolve().parents[2]
FLOW = "flowchart LR\n  A --> B"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


# --- keys -------------------------------------------------------------------------------


def test_key_is_pinned() -> None:
    # A changed key silently orphans every committed cache file: change it on purpose only
    # (bump RENDER_SCHEME or MERMAID_VERSION, then re-render and commit the cache).
    assert diagram_key(FLOW, "light") == (
        "4249e0bde476d5d4accc6cb1ce2058fbaac51ef60099d18b9a3cb3e9c65466a6"
    )


def test_key_shape_and_inputs() -> None:
    key = diagram_key(FLOW, "light")
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == diagram_key(FLOW, "light")
    assert key != diagram_key(FLOW, "dark")
    assert key != diagram_key(FLOW + "\n  B --> C", "light")


def test_key_depends_on_mermaid_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = diagram_key(FLOW, "light")
    monkeypatch.setattr(diagrams, "MERMAID_VERSION", "0.0.1")
    assert diagram_key(FLOW, "light") != before


def test_key_ignores_line_endings_and_surrounding_blank_space() -> None:
    crlf = "\r\n" + FLOW.replace("\n", "\r\n") + "\r\n\r\n"
    assert diagram_key(crlf, "dark") == diagram_key(FLOW, "dark")


def test_unknown_theme_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown diagram theme"):
        diagram_key(FLOW, "default")


# --- cache ------------------------------------------------------------------------------


def test_cache_get_put_roundtrip(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path / "notes" / ".diagrams")
    assert cache.get(FLOW, "light") is None
    cache.put(FLOW, "light", SVG)
    assert cache.get(FLOW, "light") == SVG
    assert cache.get(FLOW, "dark") is None
    names = sorted(p.name for p in cache.folder.iterdir())
    assert names == [f"{diagram_key(FLOW, 'light')}.svg"]


def test_cache_keeps_bytes_exactly(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path)
    svg = SVG.replace("/>", ">\r\n<text>é</text></svg>")
    cache.put(FLOW, "dark", svg)
    assert cache.get(FLOW, "dark") == svg
    assert cache.path_for(FLOW, "dark").read_bytes() == svg.encode("utf-8")


def test_cache_files_are_world_readable(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path)
    cache.put(FLOW, "light", SVG)
    mode = stat.S_IMODE(cache.path_for(FLOW, "light").stat().st_mode)
    assert mode & 0o044 == 0o044


def test_unused_lists_stale_files(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path)
    assert DiagramCache(tmp_path / "absent").unused([FLOW]) == []
    old = "flowchart LR\n  A --> C"
    for theme in THEMES:
        cache.put(FLOW, theme, SVG)
        cache.put(old, theme, SVG)
    (tmp_path / "README.md").write_text("not a diagram", encoding="utf-8")
    stale = sorted(cache.path_for(old, theme) for theme in THEMES)
    assert cache.unused([FLOW]) == stale
    assert cache.unused([FLOW, old]) == []


def test_put_is_atomic_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = DiagramCache(tmp_path)
    cache.put(FLOW, "light", SVG)

    def broken_replace(self: Path, target: Any) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        cache.put(FLOW, "light", "<svg>half")
    # The old file is intact and no temp file is left behind.
    assert cache.get(FLOW, "light") == SVG
    assert [p.name for p in tmp_path.iterdir()] == [f"{diagram_key(FLOW, 'light')}.svg"]


def test_put_is_atomic_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = DiagramCache(tmp_path)

    def broken_fsync(fd: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="I/O error"):
        cache.put(FLOW, "dark", SVG)
    assert list(tmp_path.iterdir()) == []


# --- render_cached ----------------------------------------------------------------------


class FakeRenderer:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def render(self, source: str, theme: str) -> str:
        self.calls.append((source, theme))
        return SVG.replace("/>", f"><desc>{theme}</desc></svg>")


def test_render_cached_renders_only_what_is_missing(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path)
    cache.put(FLOW, "light", SVG)
    fake = FakeRenderer()
    svgs = render_cached(FLOW, cache, fake)  # type: ignore[arg-type]
    assert fake.calls == [(FLOW, "dark")]
    assert svgs == {"light": SVG, "dark": cache.get(FLOW, "dark")}
    assert all(cache.get(FLOW, theme) is not None for theme in THEMES)
    # Now fully cached: no renderer needed.
    assert render_cached(FLOW, cache, None) == svgs


def test_render_cached_without_renderer_returns_none_when_uncached(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path)
    cache.put(FLOW, "light", SVG)
    assert render_cached(FLOW, cache, None) is None


def test_themes() -> None:
    assert THEMES == ("light", "dark")


# --- pin --------------------------------------------------------------------------------


def test_version_pin_matches_package_json_and_lock() -> None:
    package = json.loads((ROOT / "tools/mermaid/package.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["mermaid"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version, no range"
    assert pinned == MERMAID_VERSION
    lock = json.loads((ROOT / "tools/mermaid/package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/mermaid"]["version"] == MERMAID_VERSION
    assert lock["packages"][""]["dependencies"]["mermaid"] == MERMAID_VERSION


# --- discovery --------------------------------------------------------------------------


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty PATH and no overrides; returns that PATH directory."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("DECKGEN_CHROMIUM", raising=False)
    monkeypatch.delenv("DECKGEN_MERMAID_JS", raising=False)
    monkeypatch.setattr(mermaid_render, "_playwright_available", lambda: True)
    return bin_dir


def fake_executable(folder: Path, name: str) -> Path:
    exe = folder / name
    exe.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    exe.chmod(0o755)
    return exe


def fake_project(root: Path, version: str = MERMAID_VERSION) -> Path:
    bundle = root / mermaid_bundle.BUNDLE_RELPATH
    bundle.parent.mkdir(parents=True)
    bundle.write_text("/* mermaid */", encoding="utf-8")
    package = {"name": "mermaid", "version": version}
    (bundle.parent.parent / "package.json").write_text(json.dumps(package), encoding="utf-8")
    return bundle


def test_locate_none_without_chromium_on_path(bare_env: Path, tmp_path: Path) -> None:
    fake_project(tmp_path / "proj")
    assert MermaidRenderer.locate(tmp_path / "proj") is None


def test_locate_none_without_bundle(bare_env: Path, tmp_path: Path) -> None:
    fake_executable(bare_env, "chromium")
    assert MermaidRenderer.locate(tmp_path) is None


def test_locate_none_without_playwright(
    bare_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_executable(bare_env, "chromium")
    fake_project(tmp_path / "proj")
    monkeypatch.setattr(mermaid_render, "_playwright_available", lambda: False)
    assert MermaidRenderer.locate(tmp_path / "proj") is None


def test_missing_names_each_absent_piece_with_its_install_command(
    bare_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a checkout (an editable install) `make diagrams` installs the bundle and playwright."""
    monkeypatch.chdir(tmp_path)
    checkout = tmp_path / "checkout"
    (checkout / "tools" / "mermaid").mkdir(parents=True)
    (checkout / "tools" / "mermaid" / "install.py").touch()
    monkeypatch.setattr(mermaid_bundle, "SOURCE_CHECKOUT", checkout)
    assert MermaidRenderer.missing(tmp_path) == [
        "Chromium (`sudo apt-get install chromium`)",
        "the mermaid bundle (`make diagrams`)",
    ]
    monkeypatch.setattr(mermaid_render, "_playwright_available", lambda: False)
    fake_executable(bare_env, "chromium")
    fake_project(tmp_path / "proj")
    assert MermaidRenderer.missing(tmp_path / "proj") == [
        "the playwright package (`make diagrams`)"
    ]
    monkeypatch.setattr(mermaid_render, "_playwright_available", lambda: True)
    assert MermaidRenderer.missing(tmp_path / "proj") == []


def test_an_installed_deckgen_names_its_own_install_commands(
    bare_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a checkout (pip, pipx) there is no `make`: deckgen installs the bundle."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(mermaid_bundle, "SOURCE_CHECKOUT", tmp_path / "site-packages")
    monkeypatch.setattr(mermaid_render, "_playwright_available", lambda: False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert MermaidRenderer.missing() == [
        "Chromium (`sudo apt-get install chromium`)",
        "the mermaid bundle (`deckgen diagrams install`)",
        f"the playwright package (`{sys.executable} -m pip install playwright`)",
    ]
    monkeypatch.setattr(sys, "prefix", str(tmp_path / ".local/pipx/venvs/deckgen"))
    assert (
        MermaidRenderer.missing()[-1] == "the playwright package (`pipx inject deckgen playwright`)"
    )


def test_the_user_data_folder_holds_the_bundle_deckgen_installs(
    bare_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(mermaid_bundle, "SOURCE_CHECKOUT", tmp_path / "site-packages")
    exe = fake_executable(bare_env, "chromium")
    assert MermaidRenderer.locate() is None
    folder = mermaid_bundle.user_bundle_folder()
    assert folder.parts[-2:] == ("mermaid", MERMAID_VERSION)
    bundle = fake_project(tmp_path / "proj")
    shutil.copytree(bundle.parent.parent, folder)
    renderer = MermaidRenderer.locate()
    assert renderer is not None
    assert (renderer.chromium, renderer.bundle) == (exe, folder / "dist" / "mermaid.min.js")


@pytest.mark.parametrize("name", ["chromium", "chromium-browser"])
def test_locate_finds_chromium_and_bundle(bare_env: Path, tmp_path: Path, name: str) -> None:
    exe = fake_executable(bare_env, name)
    bundle = fake_project(tmp_path / "proj")
    renderer = MermaidRenderer.locate(tmp_path / "proj")
    assert renderer is not None
    assert (renderer.chromium, renderer.bundle) == (exe, bundle)


def test_env_overrides(bare_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = fake_executable(elsewhere, "my-chrome")
    bundle = tmp_path / "mermaid.min.js"
    bundle.write_text(f'var x={{version:"{MERMAID_VERSION}"}};', encoding="utf-8")
    monkeypatch.setenv("DECKGEN_CHROMIUM", str(exe))
    monkeypatch.setenv("DECKGEN_MERMAID_JS", str(bundle))
    renderer = MermaidRenderer.locate(tmp_path / "no-project-here")
    assert renderer is not None
    assert (renderer.chromium, renderer.bundle) == (exe, bundle)


def test_chromium_override_that_does_not_resolve_means_none(
    bare_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_executable(bare_env, "chromium")
    fake_project(tmp_path / "proj")
    monkeypatch.setenv("DECKGEN_CHROMIUM", str(tmp_path / "nope"))
    assert MermaidRenderer.locate(tmp_path / "proj") is None


def test_locate_rejects_a_bundle_of_another_version(bare_env: Path, tmp_path: Path) -> None:
    fake_executable(bare_env, "chromium")
    fake_project(tmp_path / "proj", version="10.0.0")
    with pytest.raises(RendererError, match=r"mermaid 10\.0\.0.*make diagrams"):
        MermaidRenderer.locate(tmp_path / "proj")


def test_render_needs_the_context_manager() -> None:
    renderer = MermaidRenderer(Path("/nonexistent/chromium"), Path("/nonexistent/m.js"))
    with pytest.raises(RuntimeError, match="context manager"):
        renderer.render(FLOW, "light")


# --- errors -----------------------------------------------------------------------------


def test_mermaid_error_carries_message_and_line() -> None:
    err = MermaidError("Parse error on line 2:\n...", 4)
    assert (err.message, err.line) == ("Parse error on line 2:\n...", 4)
    assert str(err).startswith("line 4: Parse error")
    assert MermaidError("No diagram type detected").line is None


# The shapes below are what mermaid reports (checked against the real renderer in
# tests/browser); mermaid counts lines after dropping front matter and comments.
@pytest.mark.parametrize(
    ("source", "result", "line"),
    [
        ("flowchart TD\n  A --> B\n  B -- )", {"hashLine": 2}, 3),
        ("flowchart TD\n  A --> B[x\n  C", {"firstLine": 2, "hashLine": 4}, 2),
        ("pie\n  x", {"message": "Lexer error on line 2, column 3"}, 2),
        ("%% c\n%% d\nflowchart TD\n  A --> )", {"hashLine": 1}, 4),
        ("---\ntitle: T\n---\nflowchart TD\n  A --> )", {"hashLine": 1}, 5),
        ("flowchart TD\n  %% c\n  A --> B\n  B --> )", {"hashLine": 2}, 4),
        ("%%{init: {'theme':'dark'}}%%\nflowchart TD\n  A --> )", {"hashLine": 2}, 3),
        ("flowchart TD\n  A --> )", {"hashLine": 40}, 2),  # clamped to the last line
        ("nonsense", {"message": "No diagram type detected"}, None),
    ],
)
def test_error_line_maps_back_to_the_source(
    source: str, result: dict[str, Any], line: int | None
) -> None:
    assert mermaid_lines.error_line(source, {"message": "", **result}) == line


def test_a_reported_line_0_maps_to_the_first_line_not_the_last() -> None:
    from deckgen.diagrams.lines import error_line

    source = "flowchart TD\n  A --> B\n  B --> C\n"
    assert error_line(source, {"firstLine": 0}) == 1
