"""The house: folders that are the pipeline's parts, imports that point one way, no cycles.

import-linter (`make lint`) checks the layers; these tests check what it does not: no
module anywhere imports one that imports it back (parents and children included), and
every part says in its docstring and in the README what lives there.
"""

from __future__ import annotations

import importlib
import re
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
        "incremental",
        "notes",
        "preview",
        "quality",
        "releases",
    ]


@pytest.mark.parametrize("part", PARTS)
def test_every_part_says_what_lives_there(part: str) -> None:
    module = importlib.import_module(f"deckgen.{part}")
    assert module.__doc__ and len(module.__doc__.strip()) > 40
    layout = README[README.index("## Project layout") :]
    assert re.search(rf"^\s*{part}/", layout, re.MULTILINE), f"README layout lacks {part}/"


def test_no_module_is_much_over_350_lines() -> None:
    sizes = {
        path.relative_to(SOURCE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in SOURCE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 370} == {}
