"""Shared fixtures: small notes folders written into tmp_path."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import DECK_TOML, NotesFactory

# Property tests: "default" is quick and deterministic (same examples every run, no example
# database), for `make test` and CI; "nightly" tries ten times as many, freshly random.
# Pick one with HYPOTHESIS_PROFILE=nightly. Tests scale their share with helpers.examples().
settings.register_profile(
    "default",
    max_examples=1000,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "nightly",
    max_examples=10_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def build_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test builds with a cache folder of its own (subprocesses inherit it)."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has a user data folder of its own: a mermaid bundle `deckgen diagrams
    install` put in yours never reaches a test, and a test never writes to yours."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture
def make_notes(tmp_path: Path) -> NotesFactory:
    """Write a notes folder: make_notes({"ec2.md": "..."}, deck_toml=...) -> its path.

    File texts are dedented, so tests can indent them with the code."""

    def make(files: dict[str, str], deck_toml: str | None = DECK_TOML, name: str = "notes") -> Path:
        notes = tmp_path / name
        notes.mkdir(parents=True, exist_ok=True)
        if deck_toml is not None:
            (notes / "deck.toml").write_text(deck_toml, encoding="utf-8")
        for rel, text in files.items():
            path = notes / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return notes

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """In CI a browser, Anki, libraries or install test may not skip: a skip there hides a
    missing install step."""
    report: pytest.TestReport = yield
    in_ci = os.environ.get("CI") == "true"
    needs_real_parts = any(
        item.get_closest_marker(name) for name in ("browser", "anki", "libraries", "install")
    )
    if in_ci and needs_real_parts and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where it must run: {report.longrepr}"
    return report
