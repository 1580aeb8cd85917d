"""The compatibility matrix: every test here runs once per Anki version in learner.VERSIONS,
each in its own environment (`make anki-venvs`). A missing environment skips locally and
fails in CI (tests/conftest.py), so a green CI always ran every version."""

from __future__ import annotations

from pathlib import Path

import pytest
from learner import VERSIONS, Learner, venv_python


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.anki)


@pytest.fixture(params=VERSIONS)
def learner(request: pytest.FixtureRequest, tmp_path: Path) -> Learner:
    version: str = request.param
    if not venv_python(version).is_file():
        pytest.skip(f"no environment for Anki {version}: run `make anki-venvs`")
    return Learner(version, tmp_path / f"anki-{version}" / "collection.anki2")
