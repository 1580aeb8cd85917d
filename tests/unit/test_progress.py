"""The progress bar: silent for short builds, in pipes and in CI; erased when done."""

from __future__ import annotations

import io

from deckgen.cli.progress import Bar, progress_bar, wanted


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_in_the_first_second() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = Bar(stream, clock)
    clock.now += 0.9
    bar("files", 1, 4)
    bar.close()
    assert stream.getvalue() == ""


def test_a_long_build_draws_the_bar_and_erases_it() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = Bar(stream, clock)
    clock.now += 1.5
    bar("files", 2, 4)
    bar("files", 3, 4)  # within the redraw interval: skipped
    clock.now += 0.2
    bar("package", 0, 1)
    bar.close()
    assert stream.getvalue() == (
        "\r\x1b[KBuilding [###############...............] 2/4 files"
        "\r\x1b[KWriting the package…"
        "\r\x1b[K"
    )


def test_only_a_terminal_outside_ci_gets_a_bar() -> None:
    assert wanted(Terminal(), {})
    assert not wanted(Terminal(), {"CI": "true"})
    assert not wanted(Terminal(), {"TERM": "dumb"})
    assert not wanted(io.StringIO(), {})
    assert wanted(Terminal(), {"CI": "false"})


def test_a_pipe_gets_no_callback() -> None:
    with progress_bar(stream=io.StringIO()) as progress:
        assert progress is None
    with progress_bar(enabled=False, stream=Terminal()) as progress:
        assert progress is None
