"""Every card of the shipped deck at phone widths, in the reviewer's layout: nothing
scrolls sideways.

Each side of every card (notes/) is filled from the note types' own templates and CSS and
wrapped the way Anki's reviewer wraps it: the note type's CSS, the card's HTML in a
``<body class="card card1">`` (plus ``nightMode night_mode`` at night) and the reviewer's
own rules that change a card's layout (its ``hr``, ``img`` and ``pre`` rules, from Anki
desktop's reviewer.scss). The reviewer's ``overflow-wrap: break-word`` on ``body`` is left
out on purpose: AnkiMobile and the preview page do not add it, so the cards' CSS must
wrap by itself.

A side passes at a width when the document is no wider than the viewport and no element
or text reaches past the card, except inside a box that scrolls sideways by itself (a
table's wrapper, a diagram). Code blocks must not scroll at all: they wrap.

Writes tests/artifacts/card_<width>_<theme>_<id>.png for a few cards, for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from deckgen.apkg.notetypes import card_css
from deckgen.cards.media import stage_media
from deckgen.cards.render import deck_media, render_card
from deckgen.model import Card, CardKind, SourceLoc
from deckgen.notes.notetypes import BASIC_BACK, BASIC_FIELDS, NoteTypes, note_type_of
from deckgen.pipeline import load_and_render
from deckgen.preview import NIGHT_CLASSES, card_sides, fill_template
from helpers import NEEDS_PLAYWRIGHT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytest.importorskip("playwright.sync_api", reason=NEEDS_PLAYWRIGHT)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "notes"
ARTIFACTS = ROOT / "tests" / "artifacts"
WIDTHS = (320, 360, 412)
THEMES = ("light", "dark")
# Cards worth a look: the longest code line, a registry URL, a cloze with several deletions,
# and a diagram.
SHOWN = ("ecr-login-command", "ecr-image-tag", "ecs-task-definition-params", "sg-nat-definition")

# What Anki desktop's reviewer (ts/reviewer/reviewer.scss) adds that changes a card's layout.
REVIEWER_CSS = """\
hr { background-color: #c4c4c4; }
body { margin: 20px; }
img { max-width: 100%; max-height: 95vh; }
li { text-align: start; }
pre { text-align: left; }
"""

# Per side at the current viewport: how wide the document is, what reaches past the card
# outside a box that scrolls, and which code blocks scroll.
_MEASURE_JS = """() => {
  const card = document.body.getBoundingClientRect();
  const scroller = (node) => {
    for (let el = node.parentElement; el && el !== document.body; el = el.parentElement) {
      if (getComputedStyle(el).overflowX !== "visible") return el;
    }
    return null;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
  const past = (r) => r.width > 0 && (r.right > card.right + 0.5 || r.left < card.left - 0.5);
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!scroller(el) && past(el.getBoundingClientRect())) wide.push(name(el));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.data.trim() || scroller(text)) continue;
    range.selectNodeContents(text);
    if (past(range.getBoundingClientRect())) wide.push("text " + JSON.stringify(text.data.slice(0, 40)));
  }
  const cut = [...document.querySelectorAll("pre")]
    .filter((pre) => pre.scrollWidth > pre.clientWidth + 1).map((pre) => pre.textContent.slice(0, 40));
  return {
    width: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
    wide: [...new Set(wide)],
    cut,
  };
}"""


@dataclass(frozen=True)
class Side:
    name: str  # the card's id (or file:line) and side, e.g. "ecr-login-command back"
    html: str


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Side]]:
    """Every side of every card of the shipped deck, and the folder holding its media."""
    loaded = load_and_render(NOTES)
    folder = tmp_path_factory.mktemp("cards")
    stage_media(deck_media(loaded.rendered), folder)
    found: list[Side] = []
    registry = NoteTypes(loaded.deck.note_types)
    for note in loaded.rendered:
        card = note.card
        label = card.explicit_id or f"{card.source}:{card.loc.line}"
        for number, pair in enumerate(card_sides(note, note_type_of(card, registry)), start=1):
            suffix = f" c{number}" if card.kind.value == "cloze" else ""
            found.append(Side(f"{label}{suffix} front", pair.front))
            found.append(Side(f"{label}{suffix} back", pair.back))
    return folder, found


def body_classes(night: bool) -> str:
    return f"card card1 {NIGHT_CLASSES}" if night else "card card1"


def reviewer_page(side: Side, night: bool) -> str:
    classes = body_classes(night)
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{REVIEWER_CSS}</style><style>{card_css()}</style></head>"
        f'<body class="{classes}"><div id="qa">{side.html}</div></body></html>'
    )


@pytest.fixture(scope="module")
def page(chromium: Path, sides: tuple[Path, list[Side]]) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    folder, _ = sides
    (folder / "blank.html").write_text("<!doctype html>", encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 800})
        page.set_default_timeout(180_000)  # a loaded machine lays out slowly
        # A document at a file:// URL in the media folder, so the cards' images resolve.
        page.goto((folder / "blank.html").as_uri())
        yield page
        browser.close()


def measure(page: Page, side: Side) -> dict[tuple[int, str], dict[str, Any]]:
    """The side measured at every width, light and dark (one page load: the theme is
    the body's classes, as Anki switches it)."""
    page.set_content(reviewer_page(side, night=False))
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for theme in THEMES:
            page.evaluate("(c) => { document.body.className = c; }", body_classes(theme == "dark"))
            found[width, theme] = page.evaluate(_MEASURE_JS)
    return found


def overflows(result: dict[str, Any]) -> list[str]:
    found = []
    if result["width"] > result["viewport"]:
        found.append(f"document {result['width']} px wide")
    return found + [f"past the card: {what}" for what in result["wide"]]


def card_of(side_name: str) -> str:
    return side_name.rsplit(" ", 1)[0]  # "ecr-managed-policies c2 back" → the Anki card


def test_no_card_scrolls_sideways_at_phone_widths(
    page: Page, sides: tuple[Path, list[Side]]
) -> None:
    _, every_side = sides
    keys = [(w, t) for w in WIDTHS for t in THEMES]
    wide: dict[tuple[int, str], dict[str, list[str]]] = {key: {} for key in keys}
    cut: dict[tuple[int, str], dict[str, list[str]]] = {key: {} for key in keys}
    for side in every_side:
        for key, result in measure(page, side).items():
            if overflows(result):
                wide[key][side.name] = overflows(result)
            if result["cut"]:
                cut[key][side.name] = result["cut"]
    counts = {
        f"{w} px {t}": (
            len({card_of(name) for name in wide[w, t]}),
            len({card_of(name) for name in cut[w, t]}),
        )
        for w, t in keys
    }
    details = [
        f"{w} px {t}: {name}: {'; '.join(found)}"
        for (w, t), failing in [*wide.items(), *cut.items()]
        for name, found in failing.items()
    ]
    assert all(counts_at == (0, 0) for counts_at in counts.values()), (
        f"(cards wider than the screen, cards with a code block that scrolls): {counts}\n"
        + "\n".join(details)
    )


# What the shipped deck does not have yet but an author may write: the same rules hold.
WIDE = """\
A word longer than any phone: `arn:aws:iam::123456789012:policy/AmazonEC2ContainerRegistryPowerUser`
and Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis.

| Option | Billing | Interruption | Commitment | Typical use | Discount | Notes |
| --- | --- | --- | --- | --- | --- | --- |
| On-Demand | per second | never | none | spiky workloads | none | the default |

```
https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/my-repository/manifests/latest?x=1
```

    indented code that goes on and on and on and on and on and on and on and on and on
"""


def test_what_an_author_may_write_fits_too(page: Page) -> None:
    card = Card(
        CardKind.BASIC, "What fits?", WIDE, "EC2", "T", (), "ec2.md", SourceLoc("ec2.md", 1)
    )
    fields = dict(zip(BASIC_FIELDS, render_card(card).fields, strict=True))
    back = fill_template(BASIC_BACK, fields, question=False, front_side="")
    found = {
        key: overflows(result) + result["cut"]
        for key, result in measure(page, Side("wide", back)).items()
    }
    assert found == {key: [] for key in found}
    assert page.evaluate("document.querySelector('.table-wrap').scrollWidth > 320")  # it scrolls


@pytest.mark.parametrize("width", [360])
def test_screenshots_of_a_few_cards(page: Page, sides: tuple[Path, list[Side]], width: int) -> None:
    _, every_side = sides
    chosen = [s for s in every_side if s.name.split(" ")[0] in SHOWN and s.name.endswith("back")]
    assert {s.name.split(" ")[0] for s in chosen} == set(SHOWN)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for side in chosen:
        label = side.name.split(" ")[0] + ("" if " c" not in side.name else side.name.split(" ")[1])
        for theme in THEMES:
            page.set_viewport_size({"width": width, "height": 800})
            page.set_content(reviewer_page(side, night=theme == "dark"))
            page.screenshot(
                path=str(ARTIFACTS / f"card_{width}_{theme}_{label}.png"), full_page=True
            )


# Computed colours of the small print and of the card behind it.
_COLOURS_JS = """() => {
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const colour = (sel) => rgb(getComputedStyle(document.querySelector(sel)).color);
  return { card: rgb(getComputedStyle(document.body).backgroundColor),
           source: colour(".source"), context: colour(".context") };
}"""


def contrast(one: list[float], two: list[float]) -> float:
    """WCAG 2's contrast ratio of two sRGB colours (channels 0-255)."""

    def luminance(rgb: list[float]) -> float:
        r, g, b = (
            c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
            for c in (v / 255 for v in rgb)
        )
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", THEMES)
def test_small_print_meets_wcag_aa(page: Page, sides: tuple[Path, list[Side]], theme: str) -> None:
    """The breadcrumb and the source file under the answer: 4.5:1 against the card."""
    _, every_side = sides
    back = next(side for side in every_side if side.name.endswith(" back"))
    page.set_content(reviewer_page(back, night=theme == "dark"))
    colours = page.evaluate(_COLOURS_JS)
    ratios = {
        part: round(contrast(colours[part], colours["card"]), 2) for part in ("source", "context")
    }
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios


@pytest.mark.parametrize(("theme", "scheme"), [("light", "normal"), ("dark", "dark")])
def test_night_mode_asks_for_dark_scrollbars(
    page: Page, sides: tuple[Path, list[Side]], theme: str, scheme: str
) -> None:
    """The page's own scrollbar and those of the boxes that scroll (tables, diagrams)."""
    _, every_side = sides
    page.set_content(reviewer_page(every_side[0], night=theme == "dark"))
    schemes = page.evaluate(
        "() => [document.documentElement, document.body].map(e => getComputedStyle(e).colorScheme)"
    )
    assert schemes == [scheme, scheme]
