"""Real imports: built decks go through the official `anki` package into temporary collections."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportResponse
from anki.scheduler.v3 import CardAnswer


def import_deck(col: Collection, apkg: Path) -> ImportResponse.Log:
    """Import as Anki desktop does by default (update notes if newer, no scheduling)."""
    request = ImportAnkiPackageRequest(
        package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def review(col: Collection, card_id: int, rating: CardAnswer.Rating.V = CardAnswer.GOOD) -> None:
    """Answer one card the way the reviewer does."""
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card.id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))


def note_by_field(col: Collection, field: str, text: str) -> int:
    found = col.find_notes(f'"{field}:{text}"')
    assert len(found) == 1, f"expected one note with {field} = {text!r}, found {len(found)}"
    return found[0]
