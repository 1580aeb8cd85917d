"""The changed-cards preview of a pull request in headless Chromium: exactly the cards it
touches, before and after, light and dark, readable on a phone; the source links on their
backs read at WCAG AA in both themes.

Writes tests/artifacts/changed_preview.png and changed_preview_phone.png for a human to
look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from deckgen.preview.changes import write_changed_preview
from deckgen.publish import release
from helpers import NEEDS_PLAYWRIGHT
from release_helpers import FIXTURE, three_card_changes, with_settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytest.importorskip("playwright.sync_api", reason=NEEDS_PLAYWRIGHT)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"
T1 = 1_790_000_000
REPOSITORY = 'repository = "https://github.com/acme/learn-aws"\n'
BLOB = "https://github.com/acme/learn-aws/blob/main/notes/ec2.md"
ANCHORS = {
    "What is a Savings Plan?": "what-is-a-savings-plan",
    "What is a Spot Instance?": "what-is-a-spot-instance",
    "Reserved Instances?": "what-do-you-commit-to-with-reserved-instances",
}

# Per pane: its caption, whether it is a night-mode card, the card's colours, and each
# link's colour and address.
_PANES_JS = """(kind) => [...document.querySelectorAll(`section.change.${kind} figure.side`)]
  .map(fig => { const card = fig.querySelector(".card"); const style = getComputedStyle(card);
    return { caption: fig.querySelector("figcaption").textContent,
      night: card.classList.contains("nightMode"), background: style.backgroundColor,
      color: style.color, text: card.innerText,
      links: [...card.querySelectorAll("a")].map(a => ({ href: a.getAttribute("href"),
        text: a.textContent, color: getComputedStyle(a).color })) }; })"""


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pull-request")
    notes = with_settings(Path(shutil.copytree(FIXTURE, root / "notes")), REPOSITORY)
    release(notes, root / "decks", T1, None)
    three_card_changes(notes)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return write_changed_preview(notes, root / "changed").path


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Browser:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def test_the_page_shows_exactly_the_three_cards(browser: Browser, page_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(page_path.as_uri())
    headings = page.locator("section.note > h3").all_inner_texts()
    assert [h.split(" · ")[0] for h in headings] == [
        "EC2: What is a Savings Plan?",
        "EC2: What is a Spot Instance?",
        "EC2: What do you commit to with Reserved Instances?",
    ]
    added, changed, removed = (
        page.evaluate(_PANES_JS, kind) for kind in ("added", "changed", "removed")
    )
    assert [p["caption"] for p in added] == [
        "Front · light",
        "Back · light",
        "Front · dark",
        "Back · dark",
    ]
    assert [p["caption"].split(" · ")[0] for p in changed] == ["Before"] * 4 + ["After"] * 4
    assert [p["caption"].split(" · ")[0] for p in removed] == ["Removed"] * 4
    backs = {p["caption"]: p["text"] for p in changed if "Back" in p["caption"]}
    for theme in ("light", "dark"):
        assert "two-minute warning." in backs[f"Before · Back · {theme}"]
        assert "two-minute interruption notice." in backs[f"After · Back · {theme}"]
    page.screenshot(path=str(ARTIFACTS / "changed_preview.png"), full_page=True)


def test_light_and_dark_and_the_links_read_in_both(browser: Browser, page_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(page_path.as_uri())
    panes = [p for kind in ("added", "changed", "removed") for p in page.evaluate(_PANES_JS, kind)]
    for pane in panes:
        assert pane["night"] == pane["caption"].endswith("dark"), pane["caption"]
        assert pane["background"] == ("rgb(30, 31, 34)" if pane["night"] else "rgb(255, 255, 255)")
        assert contrast(pane["color"], pane["background"]) >= 7
    backs = [p for p in panes if "Back" in p["caption"]]
    assert backs and all(len(p["links"]) == 2 for p in backs)
    for pane in backs:
        file_link, fix_link = pane["links"]
        anchor = next(a for q, a in ANCHORS.items() if q in pane["text"])
        assert file_link["href"] == f"{BLOB}#{anchor}"
        assert (file_link["text"], fix_link["text"]) == ("ec2.md", "suggest a fix")
        assert fix_link["href"] == "https://github.com/acme/learn-aws/edit/main/notes/ec2.md"
        for link in pane["links"]:  # the small print's colour, which meets AA on both
            assert contrast(link["color"], pane["background"]) >= 4.5, (pane["caption"], link)


def test_the_page_fits_a_phone(browser: Browser, page_path: Path) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 800}, device_scale_factor=2)
    page.goto(page_path.as_uri())
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.locator("section.change.changed").screenshot(
        path=str(ARTIFACTS / "changed_preview_phone.png")
    )
