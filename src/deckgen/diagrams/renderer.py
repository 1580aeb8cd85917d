"""The browser renderer of mermaid diagrams: the pinned bundle in headless Chromium.

Cards must not run JavaScript, so a fenced ```mermaid block is rendered once, at build
time, by the real renderer: the pinned ``mermaid`` browser bundle (bundle.py: ``make
diagrams`` in a checkout, ``deckgen diagrams install`` elsewhere) inside headless
Chromium, driven by Playwright. Keys, the committed cache and the errors are in cache.py.

API::

    MermaidRenderer.locate(project_root=None) -> MermaidRenderer | None
        None when Chromium, the bundle or Playwright is absent ("no renderer available").
        Use as a context manager: one browser serves every render() inside the block,
        and it is launched lazily, so a build whose diagrams are all cached never
        starts Chromium.
        .render(source, theme) -> str   raises MermaidError
        .close()                        shut the browser now; a later render() relaunches
        Playwright's sync API allows one instance per thread and none inside a running
        asyncio loop, so keep other Playwright use out of the `with` block.
    MermaidRenderer.missing(project_root=None) -> list[str]
        what locate() lacks here, each with the command that installs it

Environment: DECKGEN_CHROMIUM (a Chromium executable, path or name) overrides the search
of PATH for ``chromium``/``chromium-browser``. Where the bundle is found, and how an
installed deckgen installs it, is bundle.py's (DECKGEN_MERMAID_JS overrides it).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from deckgen.diagrams.bundle import bundle_hint, bundle_version, locate_bundle, playwright_hint
from deckgen.diagrams.cache import (
    MERMAID_VERSION,
    MermaidError,
    RendererError,
    check_theme,
    diagram_key,
    leading_blank_lines,
    normalize_source,
)
from deckgen.diagrams.lines import error_line

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM_NAMES = ("chromium", "chromium-browser")
# What installs Chromium, said wherever it is missing (bundle.py says the others').
INSTALL_CHROMIUM = "sudo apt-get install chromium"
RENDER_TIMEOUT_MS = 30_000
_FROZEN_TIME = "2000-01-01T00:00:00Z"

_MERMAID_THEME = {"light": "default", "dark": "dark"}

# Arial first: Debian's Chromium measures it with Liberation Sans (metric-compatible), and
# Windows/macOS viewers draw real Arial, so labels keep the width they were laid out for.
_FONT_FAMILY = 'Arial, "Liberation Sans", Helvetica, sans-serif'

# Flags known to work in containers; Playwright adds --headless and a fresh profile dir.
_CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# --- renderer ---------------------------------------------------------------------------

# Installed once per page, after the bundle. Runs one render and leaves the outcome in
# window.__deckgenResult, so Python can wait for it with a timeout that still works when
# a diagram sends mermaid into a synchronous endless loop.
_PAGE_SETUP_JS = """
window.__deckgenStart = (id, source, theme, fontFamily) => {
  window.__deckgenResult = undefined;
  // setTimeout: return to Python at once, even if rendering blocks the thread.
  setTimeout(async () => {
    try {
      mermaid.initialize({
        startOnLoad: false,
        theme,
        fontFamily,
        securityLevel: "strict",
        deterministicIds: true,
        deterministicIDSeed: "deckgen",
        suppressErrorRendering: true,
        htmlLabels: false,
        flowchart: { htmlLabels: false },
      });
      const { svg } = await mermaid.render(id, source);
      window.__deckgenResult = { ok: true, svg: window.__deckgenFinish(svg) };
    } catch (e) {
      const hash = (e && e.hash) || {};
      window.__deckgenResult = {
        ok: false,
        message: String((e && e.message) || e),
        firstLine: (hash.loc && hash.loc.first_line) ?? null,
        hashLine: hash.line ?? null,
      };
    } finally {
      document.body.replaceChildren();
    }
  }, 0);
};

// Re-serialise as XML (an <img> needs well-formed SVG, not HTML serialisation) and give
// the SVG an intrinsic size: mermaid emits width="100%" plus a max-width style, which
// an <img> cannot size from.
window.__deckgenFinish = (svgText) => {
  const host = document.createElement("div");
  host.innerHTML = svgText;
  const svg = host.querySelector("svg");
  const box = svg.viewBox.baseVal;
  if (box && box.width > 0 && box.height > 0) {
    svg.setAttribute("width", String(Math.ceil(box.width)));
    svg.setAttribute("height", String(Math.ceil(box.height)));
    svg.style.removeProperty("max-width");
    if (!svg.getAttribute("style")) svg.removeAttribute("style");
  }
  return new XMLSerializer().serializeToString(svg);
};
"""


@dataclass
class _Session:
    playwright: Playwright
    browser: Browser
    page: Page | None = None


class MermaidRenderer:
    """Renders mermaid source to SVG in one headless Chromium, launched on first use."""

    def __init__(self, chromium: Path, bundle: Path) -> None:
        self.chromium = chromium
        self.bundle = bundle
        self._session: _Session | None = None
        self._entered = False

    @classmethod
    def locate(cls, project_root: Path | None = None) -> MermaidRenderer | None:
        """The renderer of this machine, or None when a piece is missing.

        Raises RendererError when the bundle is present but is not MERMAID_VERSION:
        rendering it would file SVGs under keys that claim another version.
        """
        chromium, bundle = find_chromium(), locate_bundle(project_root)
        if chromium is None or bundle is None or not _playwright_available():
            return None
        found = bundle_version(bundle)
        if found != MERMAID_VERSION:
            raise RendererError(
                f"{bundle} is mermaid {found or '(unknown version)'}, deckgen pins "
                f"{MERMAID_VERSION}; run `{bundle_hint()}`"
            )
        return cls(chromium, bundle)

    @staticmethod
    def missing(project_root: Path | None = None) -> list[str]:
        """What this machine lacks for `locate` to find a renderer, each with the command
        that installs it (empty when one is found)."""
        lacks = []
        if find_chromium() is None:
            lacks.append(f"Chromium (`{INSTALL_CHROMIUM}`)")
        if locate_bundle(project_root) is None:
            lacks.append(f"the mermaid bundle (`{bundle_hint()}`)")
        if not _playwright_available():
            lacks.append(f"the playwright package (`{playwright_hint()}`)")
        return lacks

    def __enter__(self) -> Self:
        self._entered = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._entered = False
        self.close()

    def close(self) -> None:
        """Shut the browser down; a later render() inside the block launches a new one."""
        session, self._session = self._session, None
        if session is None:
            return
        # Shut down as far as possible even if the browser already died.
        with contextlib.suppress(Exception):
            session.browser.close()
        with contextlib.suppress(Exception):
            session.playwright.stop()

    def render(self, source: str, theme: str) -> str:
        """SVG text of `source` in `theme`; raises MermaidError if mermaid rejects it."""
        check_theme(theme)
        if not self._entered:
            raise RuntimeError("use MermaidRenderer as a context manager: `with renderer:`")
        normalized = normalize_source(source)
        # Id from the key: deterministic, and distinct per diagram in case SVGs are
        # ever inlined into one document (their internal ids are prefixed with it).
        svg_id = "mmd-" + diagram_key(normalized, theme)[:16]
        result = self._run(svg_id, normalized, _MERMAID_THEME[theme])
        if not result.get("ok"):
            message = str(result.get("message", "mermaid failed"))
            line = error_line(normalized, result)
            if line is not None:
                # Count from the caller's first line, not from the stripped source's.
                line += leading_blank_lines(source)
            raise MermaidError(message, line)
        svg = str(result["svg"])
        _check_svg(svg)
        return svg

    def _run(self, svg_id: str, source: str, mermaid_theme: str) -> dict[str, Any]:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            page = self._page()
        except PlaywrightError as err:
            self.close()
            raise RendererError(f"cannot start {self.chromium}: {err}") from err
        try:
            page.evaluate(
                "([id, src, theme, font]) => window.__deckgenStart(id, src, theme, font)",
                [svg_id, source, mermaid_theme, _FONT_FAMILY],
            )
            handle = page.wait_for_function(
                "() => window.__deckgenResult", timeout=RENDER_TIMEOUT_MS, polling=20
            )
            result: dict[str, Any] = handle.json_value()
            return result
        except PlaywrightTimeout:
            self._discard_page()
            raise MermaidError(
                f"mermaid did not finish within {RENDER_TIMEOUT_MS // 1000} s"
            ) from None
        except PlaywrightError as err:
            self._discard_page()
            raise RendererError(f"headless Chromium failed: {err}") from err

    def _page(self) -> Page:
        session = self._session or self._launch()
        if session.page is None:
            session.page = self._new_page(session.browser)
        return session.page

    def _launch(self) -> _Session:
        from playwright.sync_api import sync_playwright

        # Raises playwright's Error inside a running asyncio loop or if Chromium fails;
        # _run turns that into RendererError.
        playwright = sync_playwright().start()
        try:
            browser = playwright.chromium.launch(
                executable_path=str(self.chromium), headless=True, args=list(_CHROMIUM_ARGS)
            )
        except BaseException:
            playwright.stop()
            raise
        self._session = _Session(playwright, browser)
        return self._session

    def _new_page(self, browser: Browser) -> Page:
        # Fixed viewport, scale, locale and zone: layout and date labels (gantt axes)
        # must not depend on the machine that renders.
        context = browser.new_context(
            viewport={"width": 1600, "height": 1200},
            device_scale_factor=1,
            locale="en-US",
            timezone_id="UTC",
        )
        # Everything is local; refuse any request so a bundle update cannot phone home.
        context.route("**/*", lambda route: route.abort())
        page = context.new_page()
        # Gantt charts draw a "today" marker: freeze the clock, else the SVG changes daily.
        page.clock.set_fixed_time(_FROZEN_TIME)
        page.set_content("<!doctype html><html><head></head><body></body></html>")
        # path= inlines the file's text into the page: no file:// or network access.
        page.add_script_tag(path=str(self.bundle))
        page.add_script_tag(content=_PAGE_SETUP_JS)
        return page

    def _discard_page(self) -> None:
        # A page that timed out may still be spinning; the next render starts afresh.
        session = self._session
        if session is None or session.page is None:
            return
        page, session.page = session.page, None
        with contextlib.suppress(Exception):
            page.context.close()


# --- discovery --------------------------------------------------------------------------


def find_chromium() -> Path | None:
    override = os.environ.get("DECKGEN_CHROMIUM")
    # An explicit choice that does not resolve means "none", not "search elsewhere".
    candidates = (override,) if override else CHROMIUM_NAMES
    for name in candidates:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _playwright_available() -> bool:
    return importlib.util.find_spec("playwright") is not None


# --- results ----------------------------------------------------------------------------


def _check_svg(svg: str) -> None:
    # Cheap guard for what cards rely on: well-formed XML and no script.
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as err:
        raise RendererError(f"mermaid produced malformed SVG: {err}") from err
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        raise RendererError(f"mermaid produced <{root.tag}>, not an SVG")
    if any(el.tag.endswith("}script") or el.tag == "script" for el in root.iter()):
        raise RendererError("mermaid produced an SVG containing <script>")
