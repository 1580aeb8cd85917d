"""The preview page in headless Chromium, and builds with and without the real renderer.

Writes tests/artifacts/preview_light.png, preview_dark.png and preview_phone.png (the
diagram card as it looks light, dark, and on a phone-sized screen) for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from deckgen.diagrams.renderer import MermaidRenderer
from deckgen.errors import DeckgenError
from deckgen.pipeline import build, check_notes
from deckgen.preview import PreviewResult, write_preview
from helpers import NEEDS_PLAYWRIGHT, build_time_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytest.importorskip("playwright.sync_api", reason=NEEDS_PLAYWRIGHT)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
FIXTURE = ROOT / "tests" / "fixtures" / "notes_media"
NOTES = ROOT / "notes"
LABELS = {"User", "Load balancer", "Instance"}
SVG_NS = "{http://www.w3.org/2000/svg}"
T1 = 1_790_000_000


def svg_labels(svg: Path) -> set[str]:
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    texts = ("".join(el.itertext()).strip() for el in root.iter(f"{SVG_NS}text"))
    return {" ".join(t.split()) for t in texts if t}


def open_page(browser: Browser, path: Path, width: int, height: int, scale: int = 1) -> Page:
    """The page at `path`, once every image has loaded."""
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    # the shipped deck's page is long: on a loaded machine laying it out for a screenshot
    # takes more than Playwright's default 30 s
    page.set_default_timeout(180_000)
    page.goto(path.as_uri())
    page.wait_for_function("[...document.images].every(i => i.complete)")
    return page


# Per diagram image on the page: is it shown, is it loaded, its natural and shown size.
_IMAGES_JS = """(sel) => [...document.querySelectorAll(sel)].map(img => ({
  src: img.getAttribute("src"), cls: img.className, shown: getComputedStyle(img).display !== "none",
  loaded: img.complete && img.naturalWidth > 0, natural: img.naturalWidth,
  width: img.getBoundingClientRect().width }))"""


def test_preview_shows_diagrams_as_svg_in_light_and_dark(chromium: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    out = tmp_path / "preview"
    result = write_preview(FIXTURE, out)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = open_page(browser, result.path, width=1400, height=900)
        section = page.locator("section.note", has=page.locator(".diagram")).first
        for theme, pane_index in (("light", 1), ("dark", 3)):  # the back of each side
            pane = section.locator(".side").nth(pane_index)
            images = page.evaluate(
                _IMAGES_JS,
                f"section.note:has(.diagram) .side:nth-child({pane_index + 1}) .diagram img",
            )
            shown = [img for img in images if img["shown"]]
            assert len(images) == 2 and len(shown) == 1, images
            visible = shown[0]
            assert visible["cls"] == f"diagram-{theme}"
            assert visible["src"].endswith(".svg") and visible["loaded"]
            assert visible["width"] >= 0.55 * visible["natural"] - 1  # not shrunk to a smudge
            assert svg_labels(out / visible["src"]) >= LABELS
            pane.screenshot(path=str(ARTIFACTS / f"preview_{theme}.png"))
        phone = open_page(browser, result.path, width=390, height=844, scale=2)
        phone.locator("section.note", has=phone.locator(".diagram")).first.locator(".side").nth(
            3
        ).screenshot(path=str(ARTIFACTS / "preview_phone.png"))
        browser.close()


@pytest.fixture(scope="module")
def shipped_preview(tmp_path_factory: pytest.TempPathFactory) -> PreviewResult:
    """The preview of notes/, written once for the tests that only look at it."""
    return write_preview(NOTES, tmp_path_factory.mktemp("preview"))


def test_the_shipped_deck_previews_with_every_diagram(
    chromium: Path, shipped_preview: PreviewResult
) -> None:
    from playwright.sync_api import sync_playwright

    result = shipped_preview
    assert [d for d in result.diagnostics if d.severity.value == "warning"] == []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = open_page(browser, result.path, width=1400, height=900)
        images = page.evaluate(_IMAGES_JS, ".diagram img")
        assert images and all(img["loaded"] for img in images)
        assert "language-mermaid" not in page.content()
        page.locator("section.note", has=page.locator(".diagram")).nth(2).screenshot(
            path=str(ARTIFACTS / "preview_shipped_diagram.png")
        )
        page.locator("section.note", has=page.locator("pre.highlight")).first.screenshot(
            path=str(ARTIFACTS / "preview_shipped_code.png")
        )
        browser.close()


# The page at the current width: how wide it is, what reaches past the screen outside a
# box that scrolls, and where each of the first card's four views stands.
_LAYOUT_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const inScroller = (node) => {
    for (let el = node.parentElement; el && el !== document.body; el = el.parentElement) {
      if (getComputedStyle(el).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > vw + 0.5 && !inScroller(el);
  }).map((el) => el.tagName.toLowerCase() + "." + el.className);
  const views = [...document.querySelector("section.note").querySelectorAll(".side")].map(
    (side) => { const r = side.getBoundingClientRect(); return [Math.round(r.top), Math.round(r.left)]; });
  return { width: document.documentElement.scrollWidth, viewport: vw, wide, views };
}"""


@pytest.mark.parametrize("width", [320, 360, 412, 1280])
def test_the_preview_reads_in_order_and_never_scrolls_sideways(
    chromium: Path, shipped_preview: PreviewResult, width: int
) -> None:
    from playwright.sync_api import sync_playwright

    result = shipped_preview
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = open_page(browser, result.path, width=width, height=900)
        layout = page.evaluate(_LAYOUT_JS)
        targets = page.evaluate(
            "[...document.querySelectorAll('#index a')].map(a => a.getAttribute('href'))"
        )
        found = [page.locator(target).count() for target in targets]
        if width == 360:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "preview_360_index.png"))
        browser.close()
    assert (layout["width"], layout["wide"]) == (layout["viewport"], [])
    views = layout["views"]
    # Front · light, Back · light, Front · dark, Back · dark: in reading order, two to a
    # row on a wide screen, one to a row on a phone.
    assert views == sorted(views)
    rows = len({top for top, _ in views})
    assert rows == (2 if width >= 1280 else 4)
    assert len(targets) == 8 and found == [1] * 8


def test_broken_mermaid_is_reported_at_its_notes_line(renderer_here: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "deck.toml").write_text('name = "D"\nversion = "1.0.0"\n', encoding="utf-8")
    (notes / "ec2.md").write_text(
        "# EC2\n\n### How?\nLike this:\n\n```mermaid\nflowchart TD\n  A --> B\n"
        "  B --> C[oops\n  C --> D\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(DeckgenError) as caught:
        build(notes, tmp_path / "decks", T1)
    first = caught.value.errors[0]
    assert (first.loc.path, first.loc.line, first.code) == (
        f"{notes.as_posix()}/ec2.md",
        9,
        "DG310",
    )
    # mermaid counts this error at its line 5 (the end of its text): the message must not
    # say so beside the file's line 9
    assert first.message.startswith("mermaid: Parse error: ")
    assert "line" not in first.message
    assert "Expecting" in first.message and "\n" not in first.message
    assert not (notes / ".diagrams").exists() or not any((notes / ".diagrams").iterdir())


def test_check_has_mermaid_check_new_diagrams_and_writes_nothing(
    renderer_here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "deck.toml").write_text('name = "D"\nversion = "1.0.0"\n', encoding="utf-8")
    (notes / "ec2.md").write_text(
        "# EC2\n\n### How?\nLike this:\n\n```mermaid\nflowchart TD\n  A --> B\n"
        "  B --> C[oops\n  C --> D\n```\n\n### And then?\n```mermaid\nflowchart TD\n"
        "  X --> Y\n```\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(ROOT)  # where tools/mermaid is
    result = check_notes(notes)
    found = [(d.loc.line, d.code, d.message) for d in result.diagnostics]
    assert [(line, code) for line, code, _ in found] == [(9, "DG310"), (14, "DG302")]
    assert found[0][2].startswith("mermaid: Parse error: ") and "line" not in found[0][2]
    assert "(mermaid accepts it)" in found[1][2]
    assert not (notes / ".diagrams").exists()


def _hide_renderer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    monkeypatch.delenv("DECKGEN_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    assert MermaidRenderer.locate(ROOT) is None


def _entries(apkg: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(apkg) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _fields(apkg: Path, tmp_path: Path) -> list[tuple[str, str]]:
    import sqlite3

    db = tmp_path / f"{apkg.stem}-{os.getpid()}.anki2"
    db.write_bytes(_entries(apkg)["collection.anki2"])
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("select guid, flds from notes"))


def _two_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Build the shipped notes with the renderer, then with it hidden from PATH."""
    notes = Path(shutil.copytree(NOTES, tmp_path / "notes"))
    monkeypatch.chdir(ROOT)  # where tools/mermaid is
    when = build_time_for(notes)
    with_renderer = build(notes, tmp_path / "with", when)
    assert [d for d in with_renderer.diagnostics if d.severity.value == "warning"] == []
    _hide_renderer(monkeypatch, tmp_path)
    without = build(notes, tmp_path / "without", when)
    assert [d for d in without.diagnostics if d.severity.value == "warning"] == []
    return with_renderer.path, without.path


def test_a_build_without_renderer_uses_the_cache_and_ships_the_same_content(
    renderer_here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _two_builds(tmp_path, monkeypatch)
    one, two = _entries(first), _entries(second)
    assert one.keys() == two.keys()
    assert one["media"] == two["media"] and one["media"].count(b".svg") == 10
    media = [name for name in one if name not in ("media", "collection.anki2")]
    assert all(one[name] == two[name] for name in media)
    assert _fields(first, tmp_path) == _fields(second, tmp_path)


def test_a_build_without_renderer_yields_the_same_apkg_bytes(
    renderer_here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _two_builds(tmp_path, monkeypatch)
    assert first.read_bytes() == second.read_bytes()


def test_each_card_wears_only_its_own_note_types_css(chromium: Path, tmp_path: Path) -> None:
    """As in Anki: the Vocabulary note type's `.card { font-family: Georgia … }` styles its
    cards and no other; deckgen's built-in CSS styles the built-ins' cards and not it."""
    from playwright.sync_api import sync_playwright

    result = write_preview(ROOT / "tests" / "fixtures" / "notes_types", tmp_path / "preview")
    style = """(sel) => [...document.querySelectorAll(sel)].map(c => {
      const s = getComputedStyle(c); return [s.fontFamily, s.fontSize, c.className] })"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = open_page(browser, result.path, width=1400, height=900)
        custom = page.evaluate(style, ".side.note-type-1790000000101 > .card")
        builtin = page.evaluate(style, ".side:not(.note-type-1790000000101) > .card")
        browser.close()
    assert custom and builtin
    assert all("Georgia" in family and size == "24px" for family, size, _ in custom), custom
    assert not any("Georgia" in family for family, _, _ in builtin), builtin
    # deckgen's own card CSS (its system font stack) is not the custom note type's
    assert all("system-ui" in family or "apple-system" in family for family, _, _ in builtin)
    assert {c.split()[1] for _, _, c in builtin} >= {"card1", "card2"}  # Reversed's 2nd card
