"""A learner's Anki of one version, driven from the test process through driver.py.

The test process builds decks with deckgen; each Anki version runs in its own environment
(.venv-anki/<version>/, made by `make anki-venvs`) and only .apkg paths and JSON cross
the boundary. An older Anki may not open a collection a newer one wrote, so every learner
has a collection of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
DRIVER = HERE / "driver.py"
ROOT = HERE.parent.parent
# One version of each importer generation, as each version's desktop imports by default.
VERSIONS = ("2.1.49", "2.1.66", "24.11", "26.9.3")


def venv_python(version: str) -> Path:
    root = Path(os.environ.get("DECKGEN_ANKI_VENVS", ROOT / ".venv-anki"))
    return root / version / "bin" / "python"


class DriverError(RuntimeError):
    pass


@dataclass(frozen=True)
class Counts:
    """What the import screen reports."""

    new: int
    updated: int
    duplicate: int
    conflicting: int


@dataclass
class Learner:
    version: str
    collection: Path

    def run(self, *commands: dict[str, Any]) -> list[dict[str, Any]]:
        request = {"collection": str(self.collection), "commands": list(commands)}
        done = subprocess.run(
            [str(venv_python(self.version)), str(DRIVER)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
        try:
            answer = json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            message = f"Anki {self.version}: no answer (exit {done.returncode})\n{done.stderr}"
            raise DriverError(message) from exc
        if not answer["ok"]:
            raise DriverError(f"Anki {self.version}: {answer['error']}\n{answer['traceback']}")
        results: list[dict[str, Any]] = answer["results"]
        return results

    def imports(
        self, *apkgs: Path, update_notes: str = "if-newer", legacy: bool = False
    ) -> tuple[Counts, Collection]:
        """File › Import of each package in turn, with the import screen's defaults (or
        "Update notes: Always"; or with Preferences › "Legacy import/export handling"):
        the last import's counts and the collection after it."""
        commands = [
            {"cmd": "import", "apkg": str(p), "update_notes": update_notes, "legacy": legacy}
            for p in apkgs
        ]
        *imported, dumped = self.run(*commands, {"cmd": "dump"})
        return Counts(**imported[-1]["counts"]), Collection(dumped)

    def answers(self, *card_ids: int) -> list[str]:
        """Each card's back as the reviewer renders it (HTML)."""
        return [r["html"] for r in self.run(*({"cmd": "answer", "card_id": c} for c in card_ids))]

    def reviews(self, *card_ids: int) -> Collection:
        """Answers each card Good, as the reviewer does: the collection after."""
        answers = [{"cmd": "review", "card_id": card_id, "ease": 3} for card_id in card_ids]
        return Collection(self.run(*answers, {"cmd": "dump"})[-1])


@dataclass(frozen=True)
class Collection:
    """A learner's collection as the driver dumped it."""

    data: dict[str, Any]

    @property
    def notes(self) -> list[dict[str, Any]]:
        notes: list[dict[str, Any]] = self.data["notes"]
        return notes

    def note(self, field: str, start: str) -> dict[str, Any]:
        """The one note whose `field` starts with `start`."""
        found = [n for n in self.notes if n["fields"].get(field, "").startswith(start)]
        assert len(found) == 1, f"{len(found)} notes with {field} starting {start!r}"
        return found[0]

    def tagged(self, tag: str) -> list[dict[str, Any]]:
        return [n for n in self.notes if tag in n["tags"]]

    def card(self, field: str, start: str) -> dict[str, Any]:
        card: dict[str, Any] = self.note(field, start)["cards"][0]
        return card

    def cards(self, card_ids: list[int]) -> list[dict[str, Any]]:
        """The cards with these ids (with their deck and schedule), in that order."""
        by_id = {card["id"]: card for note in self.notes for card in note["cards"]}
        return [by_id[card_id] for card_id in card_ids]

    @property
    def decks(self) -> dict[str, str]:
        """Deck name → description."""
        decks: dict[str, str] = self.data["decks"]
        return decks

    @property
    def revlog(self) -> list[int]:
        """The card id of every review, oldest first."""
        revlog: list[int] = self.data["revlog"]
        return revlog

    def note_types(self, prefix: str = "deckgen") -> dict[str, dict[str, Any]]:
        return {m["name"]: m for m in self.data["note_types"] if m["name"].startswith(prefix)}
