"""Drive one installed Anki (2.1.49 … 26.9.x) as its desktop app would: a JSON request on
stdin, a JSON answer on stdout.

It runs under the python of each version's own environment (.venv-anki/<version>/), never
in the test process, which has its own `anki`. The request:

    {"collection": "/tmp/x/collection.anki2",          # created if missing
     "commands": [{"cmd": "import", "apkg": "/tmp/v1.apkg"},
                  {"cmd": "review", "card_id": 123, "ease": 3},   # 1..4: Again … Easy
                  {"cmd": "dump"}, {"cmd": "version"},
                  {"cmd": "answer", "card_id": 123}]}   # the back as the reviewer renders it

The answer: {"ok": true, "anki_version": "24.11", "importer": "new-with-options",
"results": [one per command]}, or {"ok": false, "error", "traceback", "failed_command"}
with exit status 1. The collection is opened once per request and closed (saved) at its
end, as a learner reopening Anki would.

`import` is what that version's File › Import does with an .apkg:
  * legacy (before 2.1.55, where the new importer was off by default): aqt's importFile
    runs anki.importing.apkg.AnkiPackageImporter(col, path).run();
  * new-no-options (2.1.55 … 2.1.66): the import page sends only the package's path,
    col.import_anki_package(path);
  * new-with-options (23.10 and later): the page sends the options it shows, filled from
    the collection's presets, which on a profile that never changed them are: merge note
    types off, update notes and note types "if newer", no scheduling, no deck presets.
    The driver sends those; {"update_notes": "always"} sends "Update notes: Always", the
    choice a learner can make on that screen.
  {"legacy": true} imports as 2.1.55–24.06 do with Preferences › "Legacy import/export
  handling" turned on: the legacy importer.
`review` answers a card as that version's reviewer does (v2 scheduler on 2.1.49, v3 after).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

# Anki (2.1.49 above all) may print(); stdout carries only the JSON answer.
_ANSWER = sys.stdout
sys.stdout = sys.stderr

import anki.lang  # noqa: E402
from anki.buildinfo import version as ANKI_VERSION  # noqa: E402
from anki.collection import Collection  # noqa: E402

anki.lang.set_lang("en_US")  # as the desktop app does on start (the legacy importer needs it)

try:  # 23.10 and later
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

    HAS_OPTIONS = True
except ImportError:
    HAS_OPTIONS = False


def _version(text: str) -> tuple[int, ...]:
    """ "26.09.3" → (26, 9, 3)."""
    return tuple(int("".join(ch for ch in part if ch.isdigit()) or 0) for part in text.split("."))


VERSION = _version(ANKI_VERSION)


def importer() -> str:
    if VERSION < (2, 1, 55) or not hasattr(Collection, "import_anki_package"):
        return "legacy"
    return "new-with-options" if HAS_OPTIONS else "new-no-options"


# --- import -------------------------------------------------------------------------------


def _notes_in(apkg: Path) -> int:
    """How many notes the package holds (the legacy importer does not count conflicts)."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "collection.anki2"
        copy.write_bytes(archive.read("collection.anki2"))
        db = sqlite3.connect(copy)
        try:
            return int(db.execute("select count() from notes").fetchone()[0])
        finally:
            db.close()


def _desktop_options(update_notes: str) -> Any:
    condition = ImportAnkiPackageUpdateCondition
    always = condition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
    if_newer = condition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
    return ImportAnkiPackageOptions(
        merge_notetypes=False,
        update_notes=always if update_notes == "always" else if_newer,
        update_notetypes=if_newer,
        with_scheduling=False,
        with_deck_configs=False,
    )


def _legacy_import(col: Collection, apkg: Path) -> dict[str, Any]:
    from anki.importing.apkg import AnkiPackageImporter

    imp = AnkiPackageImporter(col, str(apkg))
    imp.run()
    if VERSION < (2, 1, 50):
        col.save()  # the desktop's autosave
    found = _notes_in(apkg)
    return {
        "new": imp.added,
        "updated": imp.updated,
        "duplicate": imp.dupes,
        # the legacy log's "could not be imported": found = added + updated + dupes + these
        "conflicting": found - imp.added - imp.updated - imp.dupes,
    }


def cmd_import(col: Collection, cmd: dict[str, Any]) -> dict[str, Any]:
    apkg = Path(cmd["apkg"]).resolve()
    update_notes = cmd.get("update_notes", "if-newer")
    kind = "legacy" if cmd.get("legacy") else importer()
    started = time.time()
    if kind == "legacy":
        counts = _legacy_import(col, apkg)
    else:
        if kind == "new-no-options":
            response = col.import_anki_package(str(apkg))
        else:
            options = _desktop_options(update_notes)
            request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
            response = col.import_anki_package(request)
        log = response.log
        counts = {
            "new": len(log.new),
            "updated": len(log.updated),
            "duplicate": len(log.duplicate),
            "conflicting": len(log.conflicting),
        }
    if update_notes != "if-newer" and kind != "new-with-options":
        raise ValueError(f"Anki {ANKI_VERSION} has no 'Update notes' choice")
    return {"counts": counts, "started": started, "finished": time.time()}


# --- review -------------------------------------------------------------------------------


def _v3(col: Collection) -> bool:
    return bool(getattr(col, "v3_scheduler", lambda: False)())


def cmd_review(col: Collection, cmd: dict[str, Any]) -> dict[str, Any]:
    """The v3 reviewer (2.1.55 and later): the card's states from the deck's queue, then
    build_answer and answer_card. The v2 one (2.1.49): getCard() until the card comes up
    (which starts its timer), then answerCard()."""
    card_id, ease = int(cmd["card_id"]), int(cmd.get("ease", 3))
    card = col.get_card(card_id)
    col.decks.select(card.did)
    if _v3(col):
        queued = col.sched.get_queued_cards(fetch_limit=10_000)
        states = next((qc.states for qc in queued.cards if qc.card.id == card_id), None)
        if states is None:
            raise ValueError(f"card {card_id} is not in the reviewer's queue")
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=ease - 1))
    else:
        col.sched.reset()
        shown = col.sched.getCard()
        while shown is not None and shown.id != card_id:
            shown = col.sched.getCard()
        if shown is None:
            raise ValueError(f"card {card_id} is not in the reviewer's queue")
        col.sched.answerCard(shown, ease)
        if VERSION < (2, 1, 50):
            col.save()
    return {"reps": col.get_card(card_id).reps}


# --- dump ---------------------------------------------------------------------------------


def _note_types(col: Collection) -> list[dict[str, Any]]:
    found = []
    for ref in col.models.all_names_and_ids():
        model = col.models.get(ref.id)
        found.append(
            {
                "id": model["id"],
                "name": model["name"],
                "mod": model["mod"],
                "use_count": col.models.use_count(model),
                "fields": [field["name"] for field in model["flds"]],
                "css_sha1": hashlib.sha1(model["css"].encode()).hexdigest(),
            }
        )
    return found


def cmd_dump(col: Collection, _cmd: dict[str, Any]) -> dict[str, Any]:
    """The collection as plain data: notes with their fields by name and their cards, note
    types, decks (with descriptions) and the review log."""
    note_types = _note_types(col)
    names = {model["id"]: model["fields"] for model in note_types}
    decks = {d.id: d.name for d in col.decks.all_names_and_ids()}
    cards: dict[int, list[dict[str, Any]]] = {}
    query = "select id, nid, did, type, queue, due, ivl, factor, reps from cards order by nid, ord"
    for cid, nid, did, ctype, queue, due, ivl, factor, reps in col.db.all(query):
        schedule = [ctype, queue, due, ivl, factor, reps]
        cards.setdefault(nid, []).append(
            {"id": cid, "deck": decks.get(did, str(did)), "schedule": schedule}
        )
    notes = []
    for nid, guid, mid, mod, tags, flds in col.db.all(
        "select id, guid, mid, mod, tags, flds from notes order by id"
    ):
        notes.append(
            {
                "id": nid,
                "guid": guid,
                "note_type_id": mid,
                "mod": mod,
                "tags": tags.split(),
                "fields": dict(zip(names.get(mid, []), flds.split("\x1f"), strict=False)),
                "cards": cards.get(nid, []),
            }
        )
    descriptions = {d.name: col.decks.get(d.id)["desc"] for d in col.decks.all_names_and_ids()}
    revlog = col.db.list("select cid from revlog order by id")
    return {"notes": notes, "note_types": note_types, "decks": descriptions, "revlog": revlog}


def cmd_answer(col: Collection, cmd: dict[str, Any]) -> dict[str, Any]:
    """The answer side of a card as that version's reviewer renders it (the note type's CSS
    and template filled with the note's fields)."""
    return {"html": col.get_card(int(cmd["card_id"])).answer()}


def cmd_version(col: Collection, _cmd: dict[str, Any]) -> dict[str, Any]:
    return {"anki_version": ANKI_VERSION, "importer": importer(), "v3_scheduler": _v3(col)}


COMMANDS = {
    "import": cmd_import,
    "review": cmd_review,
    "dump": cmd_dump,
    "version": cmd_version,
    "answer": cmd_answer,
}


def run(request: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "ok": True,
        "anki_version": ANKI_VERSION,
        "importer": importer(),
        "results": [],
    }
    path = Path(request["collection"])
    path.parent.mkdir(parents=True, exist_ok=True)
    col = Collection(str(path))
    try:
        for cmd in request["commands"]:
            answer["results"].append(COMMANDS[cmd["cmd"]](col, cmd))
    except Exception as exc:  # the caller gets JSON either way, with the traceback
        answer.update(
            ok=False,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
            failed_command=len(answer["results"]),
        )
    finally:
        # 2.1.50–23.x commit on close only when the collection's `mod` differs from its value
        # at the last begin, in milliseconds: an operation in the very millisecond of that
        # begin (a second review straight after the first, as no person answers) would be
        # rolled back. Mark the Python side modified so that close always commits.
        if hasattr(getattr(col, "db", None), "modified_in_python"):
            col.db.modified_in_python = True
        with contextlib.suppress(Exception):
            col.close()
    return answer


def main() -> int:
    answer = run(json.load(sys.stdin))
    _ANSWER.write(json.dumps(answer) + "\n")
    _ANSWER.flush()
    return 0 if answer["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
