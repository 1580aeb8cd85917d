"""The card-quality lint: every check over the deck's cards, as diagnostics with codes,
minus what the deck turned off and what cards silenced (with a reason).

`deckgen check` runs it (deckgen.pipeline.check_notes). Findings are warnings where the
check is confident and info where it only hints; never errors, so a deck that does not
gate on quality (`check --strict`) always builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deckgen.errors import Diagnostic, Severity
from deckgen.memory import few_collections
from deckgen.model import Card, QualitySettings, Silence
from deckgen.quality import across, single
from deckgen.quality.findings import Finding
from deckgen.quality.reading import read

# check → (code, severity); the README's "Card quality" section says why each is what it is
CHECKS: dict[str, tuple[str, Severity]] = {
    "long-answer": ("DG501", Severity.WARNING),
    "list": ("DG502", Severity.WARNING),
    "two-questions": ("DG503", Severity.WARNING),
    "cloze-count": ("DG504", Severity.WARNING),
    "cloze-guessable": ("DG505", Severity.INFO),
    "leak": ("DG506", Severity.INFO),
    "duplicate": ("DG507", Severity.WARNING),
    "ambiguous": ("DG508", Severity.INFO),
}


@dataclass(frozen=True)
class Silenced:
    """A finding a card accepted: not printed by default, counted, and listed in JSON."""

    diagnostic: Diagnostic
    silence: Silence


@dataclass(frozen=True)
class QualityReport:
    diagnostics: list[Diagnostic]  # the findings still open, and unused quality comments
    silenced: list[Silenced]


def lint(cards: Sequence[Card], settings: QualitySettings) -> QualityReport:
    """Every quality finding on the cards, as the deck's settings and the cards' comments
    leave them."""
    if set(settings.off) >= set(CHECKS):
        return QualityReport([], [])
    # The lint makes a few objects per word of the deck, none of them in a cycle: the
    # cyclic collector would only rescan the caller's big heap (a checked deck) for nothing.
    with few_collections():
        return _lint(cards, settings)


def _lint(cards: Sequence[Card], settings: QualitySettings) -> QualityReport:
    readings = [read(card, index) for index, card in enumerate(cards)]
    findings: list[Finding] = []
    for name, check in single.CHECKS.items():
        if name not in settings.off:
            findings += [f for reading in readings for f in check(reading, settings)]
    deck_checks = [check for name, check in across.CHECKS.items() if name not in settings.off]
    if deck_checks:  # the stems common to the deck serve only these
        common = across.common_stems(readings)
        for deck_check in deck_checks:
            findings += deck_check(readings, common)
    # two cards that ask the same fact also leak each other's answer: one finding says it
    same = {frozenset((id(f.card), id(f.other))) for f in findings if f.check == "duplicate"}
    findings = [
        f for f in findings if f.check != "leak" or frozenset((id(f.card), id(f.other))) not in same
    ]
    return _silence(findings, cards, settings)


def _silence(
    findings: list[Finding], cards: Sequence[Card], settings: QualitySettings
) -> QualityReport:
    open_: list[Diagnostic] = []
    silenced: list[Silenced] = []
    used: set[tuple[int, str]] = set()
    for finding in findings:
        code, severity = CHECKS[finding.check]
        diagnostic = Diagnostic(
            finding.card.loc, code, f"{finding.message} [{finding.check}]", severity
        )
        silence = next((s for s in finding.card.silences if s.check == finding.check), None)
        if silence is None:
            open_.append(diagnostic)
        else:
            silenced.append(Silenced(diagnostic, silence))
            used.add((id(finding.card), silence.check))
    for card in cards:
        for silence in card.silences:
            if (id(card), silence.check) not in used and silence.check not in settings.off:
                message = (
                    f"'ok {silence.check}' silences nothing: the {silence.check} check finds"
                    " nothing on this card now; remove the comment"
                )
                open_.append(Diagnostic(silence.loc, "DG512", message, Severity.INFO))
    return QualityReport(open_, silenced)
