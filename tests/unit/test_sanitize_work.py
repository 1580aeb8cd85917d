"""Cleaning an HTML block is linear in its size: counted, not timed.

A notes file may hold 8 MiB of raw HTML from a stranger's pull request, and the cleaner
once read the rest of the block at every `<` (lines counted from the start, tag patterns
that scan to the end before failing, the rest of a line copied to quote it), so 120 KB
of `<!--` took 41 s. Speed itself is measured in benchmarks/html_policy.py; this test
meters the work: the block is a str that charges each of its methods for the characters
that method may read, and each regex of the cards modules is charged, when it matches,
for what it matched and, when it fails, for everything it was allowed to read.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from deckgen.cards import sanitize
from deckgen.cards.sanitize import clean_html_block
from html_reference import reference_clean_html_block

SIZE = 16 * 1024


class Meter:
    def __init__(self) -> None:
        self.chars = 0


class MeteredText(str):
    """A str whose methods charge `meter` for the characters they may read."""

    meter: Meter

    def __getattribute__(self, name: str) -> Any:
        attribute = super().__getattribute__(name)
        if name.startswith("__") or not callable(attribute) or name in _MODELLED:
            return attribute
        meter = super().__getattribute__("meter")

        def read_all(*args: Any, **kwargs: Any) -> Any:
            meter.chars += len(self)
            return attribute(*args, **kwargs)

        return read_all

    def _bounds(self, start: int | None, end: int | None) -> tuple[int, int]:
        return slice(start, end).indices(len(self))[:2]

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:
        lo, hi = self._bounds(start, end)
        found = str.find(self, sub, lo, hi)
        self.meter.chars += hi - lo if found == -1 else found + len(sub) - lo
        return found

    def rfind(self, sub: str, start: int | None = None, end: int | None = None) -> int:
        lo, hi = self._bounds(start, end)
        found = str.rfind(self, sub, lo, hi)
        self.meter.chars += hi - lo if found == -1 else hi - found
        return found

    def count(self, sub: str, start: int | None = None, end: int | None = None) -> int:
        lo, hi = self._bounds(start, end)
        self.meter.chars += max(0, hi - lo)
        return str.count(self, sub, lo, hi)

    def startswith(self, prefix: Any, start: int | None = None, end: int | None = None) -> bool:
        prefixes = prefix if isinstance(prefix, tuple) else (prefix,)
        self.meter.chars += max(len(p) for p in prefixes)
        lo, hi = self._bounds(start, end)
        return str.startswith(self, prefix, lo, hi)

    def __getitem__(self, key: Any) -> str:
        piece = str.__getitem__(self, key)
        self.meter.chars += len(piece)
        return piece


_MODELLED = frozenset({"find", "rfind", "count", "startswith", "_bounds", "meter"})


class MeteredPattern:
    """A compiled regex that charges the meter when it reads a MeteredText."""

    def __init__(self, pattern: re.Pattern[str], meter: Meter) -> None:
        self.pattern, self.meter = pattern, meter

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)

    def _charged(self, method: str) -> Callable[..., re.Match[str] | None]:
        def run(text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
            found: re.Match[str] | None = getattr(self.pattern, method)(text, pos, endpos)
            if isinstance(text, MeteredText):
                self.meter.chars += (found.end() if found else min(endpos, len(text))) - pos
            return found

        return run

    def match(self, *args: Any) -> re.Match[str] | None:
        return self._charged("match")(*args)

    def fullmatch(self, *args: Any) -> re.Match[str] | None:
        return self._charged("fullmatch")(*args)

    def search(self, *args: Any) -> re.Match[str] | None:
        return self._charged("search")(*args)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[Any]:
        if isinstance(text, MeteredText):
            self.meter.chars += min(endpos, len(text)) - pos
        return self.pattern.finditer(text, pos, endpos)


def _meter_patterns(module: ModuleType, meter: Meter, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in vars(module).items():
        if isinstance(value, re.Pattern):
            monkeypatch.setattr(module, name, MeteredPattern(value, meter))
        elif (
            isinstance(value, dict)
            and value
            and all(isinstance(v, re.Pattern) for v in value.values())
        ):
            metered = {key: MeteredPattern(v, meter) for key, v in value.items()}
            monkeypatch.setattr(module, name, metered)


def work(clean: Callable[[str], object], content: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Characters read by `clean(content)`, as metered."""
    meter = Meter()
    with monkeypatch.context() as patch:
        for module in list(sys.modules.values()):
            if module is not None and module.__name__.startswith(("deckgen.cards", "html_")):
                _meter_patterns(module, meter, patch)
        text = MeteredText(content)
        text.meter = meter
        clean(text)
    return meter.chars


def repeated(unit: str, size: int, head: str = "<div>\n", tail: str = "\n</div>") -> str:
    return head + unit * (size // len(unit)) + tail


# The shapes of hostile or merely large raw HTML; each was quadratic somewhere.
SHAPES: dict[str, Callable[[int], str]] = {
    "unclosed comments": lambda n: repeated("<!--", n),
    "comments whose `--->` closes none": lambda n: repeated("<!--x", n, tail="x--->"),
    "unclosed <?": lambda n: repeated("<?", n),
    "unclosed CDATA": lambda n: repeated("<![CDATA[", n),
    "unclosed <!X": lambda n: repeated("<!X", n, head="<div\n", tail=""),
    "lone <": lambda n: repeated("a < b ", n),
    "<a fragments": lambda n: repeated("<a", n),
    "</ fragments": lambda n: repeated("</", n),
    "quoted attribute fragments": lambda n: repeated('<x y="', n),
    "unclosed <script>, <style>, <iframe>": lambda n: repeated("<script><style><iframe>", n),
    "deep nesting": lambda n: (
        repeated("<b><i><span>", n // 2) + repeated("</span></i></b>", n // 2)
    ),
    "a pasted table, one row a line": lambda n: repeated("<tr><td>c</td><td>d</td></tr>\n", n),
    "a pasted table on one line": lambda n: repeated('<tr><td class="c">c</td></tr>', n),
    "images": lambda n: repeated('<img src="a.png" alt="x">\n', n),
    "closed comments and CDATA": lambda n: repeated("<!-- c --><![CDATA[x]]>", n),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_cleaning_an_html_block_reads_each_character_a_few_times(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = SHAPES[shape](SIZE), SHAPES[shape](2 * SIZE)
    small_work, large_work = (work(clean_html_block, c, monkeypatch) for c in (small, large))
    assert small_work <= 32 * len(small), f"{small_work / len(small):.0f} reads per character"
    # Linear work doubles with the block; quadratic work would be four times as much.
    assert large_work <= 2.5 * small_work, f"{large_work / small_work:.2f}× the work for 2× size"


def test_the_meter_sees_the_plain_cleaners_quadratic_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without this the test above could pass for a meter that counts nothing."""
    content = SHAPES["unclosed comments"](SIZE)
    assert work(reference_clean_html_block, content, monkeypatch) > 100 * len(content)
    assert work(sanitize.clean_html_block, content, monkeypatch) < 32 * len(content)
