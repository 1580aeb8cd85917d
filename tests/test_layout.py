"""The house: folders that are the pipeline's parts, imports that point one way, no cycles.

import-linter (`make lint`) checks the layers; these tests check what it does not: no
module anywhere imports one that imports it back (parents and children included), and
every part says in its docstring and in the README what lives there.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).parent.parent
SOURCE = ROOT / "src" / "deckgen"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PARTS = sorted(p.name for p in SOURCE.iterdir() if (p / "__init__.py").is_file())


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = grimp.build_graph("deckgen")
    modules = sorted(m for m in graph.modules if m.startswith("deckgen"))
    cycles = [
        f"{module} -> {imported} -> … -> {module}"
        for module in modules
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if imported.startswith("deckgen") and graph.chain_exists(imported, module)
    ]
    assert cycles == []


def test_the_parts_are_the_pipelines() -> None:
    assert PARTS == [
        "apkg",
        "cards",
        "cli",
        "diagrams",
        "importing",
        "incremental",
        "notes",
        "preview",
        "quality",
        "releases",
        "scaffold",
    ]


@pytest.mark.parametrize("part", PARTS)
def test_every_part_says_what_lives_there(part: str) -> None:
    module = importlib.import_module(f"deckgen.{part}")
    assert module.__doc__ and len(module.__doc__.strip()) > 40
    layout = README[README.index("## Project layout") :]
    assert re.search(rf"^\s*{part}/", layout, re.MULTILINE), f"README layout lacks {part}/"


def test_no_module_is_over_350_lines() -> None:
    sizes = {
        path.relative_to(SOURCE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in SOURCE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 350} == {}


def test_the_readme_layout_names_every_module() -> None:
    layout = README[README.index("## Project layout") :]
    layout = layout[: layout.index("```", layout.index("```") + 3)]
    modules = {
        path.name
        for path in SOURCE.rglob("*.py")
        if path.name not in {"__init__.py", "__main__.py"}
    }
    assert {name for name in modules if name not in layout} == set()


@pytest.mark.parametrize(
    ("contract", "allowed"), [("Only the CLI", {"cli"}), ("Only apkg", {"apkg"})]
)
def test_the_forbidden_contracts_name_every_other_part(contract: str, allowed: set[str]) -> None:
    """A part added later is held to "only cli imports click" and "only apkg imports genanki"
    too: each contract lists every part of deckgen but the one allowed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (found,) = [
        c for c in config["tool"]["importlinter"]["contracts"] if c["name"].startswith(contract)
    ]
    parts = {p.stem for p in SOURCE.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()}
    parts -= {"__init__", "__main__"}
    assert {m.removeprefix("deckgen.") for m in found["source_modules"]} == parts - allowed
