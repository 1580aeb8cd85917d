"""One field of an imported note → the text a notes file holds for it: Markdown when deckgen
renders that Markdown back to equivalent HTML (equivalence.py), else the HTML itself.

First the field is prepared: its media are found and written under media/ (a missing file,
a remote image or a `data:` image is dealt with and reported), `<font>` becomes the
`<span style>` the HTML policy allows. Then markdownify's Markdown is rendered by deckgen's
own renderer (cards/fields.py) and compared with the prepared HTML; when it differs, the
field is kept as HTML, laid out so that the notes format passes it through untouched.
"""

from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from deckgen.cards.fields import FieldEnv, RenderSetup, render_block, render_inline
from deckgen.cards.media import MediaFolder
from deckgen.importing.equivalence import equivalent
from deckgen.importing.markdown import block_markdown, line_markdown, to_markdown
from deckgen.importing.media import SOUND, MediaFile, MediaFiles, is_remote, link_to
from deckgen.importing.rawhtml import raw_block, raw_line
from deckgen.importing.source import Source
from deckgen.notes.cloze import CLOZE_OPEN

KEPT_AS_HTML = "DG610"
RENDERS_DIFFERENTLY = "DG611"
MEDIA_MISSING = "DG612"
MEDIA_NOT_SHIPPED = "DG613"
REMOTE_IMAGE = "DG614"


class Role(enum.Enum):
    QUESTION = "question"  # a standard note's first field: the H3 line, rendered inline
    CLOZE = "cloze"  # a cloze note's first field: a cloze paragraph, or the H3 line
    BLOCK = "block"  # any other field: Markdown blocks


@dataclass(frozen=True)
class FieldText:
    """What a notes file holds for one field, and how it came out."""

    text: str
    expected: str  # the original as it should render (media by their original names)
    markdown: bool  # False: kept as HTML
    faithful: bool  # renders to HTML equivalent to the original
    paragraph: bool = False  # a cloze text that stands as a cloze paragraph
    problems: tuple[tuple[str, str], ...] = ()  # (code, message), to place at its line


@dataclass
class _Prepared:
    expected: str  # the field as it should show, media by their original names
    writing: str  # the same, media linked into the notes folder, sounds as markers
    problems: list[tuple[str, str]] = field(default_factory=list)


_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_FONT = re.compile(r"<font\b[^>]*>|</font\s*>", re.IGNORECASE)
_FONT_SIZES = {"1": "x-small", "2": "small", "3": "medium", "4": "large", "5": "x-large"}
_FONT_SIZES |= {"6": "xx-large", "7": "xxx-large"}


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = attrs

    handle_startendtag = handle_starttag


def _attrs_of(tag: str) -> list[tuple[str, str | None]]:
    parser = _Attrs()
    parser.feed(tag)
    parser.close()
    return parser.attrs


def _tag(name: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = [key if value is None else f'{key}="{_escape(value)}"' for key, value in attrs]
    return "<" + " ".join([name, *parts]) + ">"


class FieldConverter:
    """Converts the fields of one import; media found on the way are written to `root`."""

    def __init__(self, root: Path, source: Source, media: MediaFiles) -> None:
        self.root = root
        self.source = source
        self.media = media
        self.setup = RenderSetup(MediaFolder(root))

    # --- preparing --------------------------------------------------------------------

    def prepare(self, markup: str, depth: int) -> _Prepared:
        markup = markup.replace("\r\n", "\n").replace("\r", "\n")
        if "<font" in markup.lower():
            markup = _FONT.sub(_font_to_span, markup)
        prepared = _Prepared("", "")
        expected: list[str] = []
        writing: list[str] = []
        last = 0
        for match in _IMG.finditer(markup):
            expected.append(markup[last : match.start()])
            writing.append(markup[last : match.start()])
            shown, written = self._image(match.group(0), depth, prepared.problems)
            expected.append(shown)
            writing.append(written)
            last = match.end()
        expected.append(markup[last:])
        writing.append(markup[last:])
        prepared.expected = "".join(expected)
        prepared.writing = SOUND.sub(
            lambda m: self._sound(m.group(1), depth, prepared.problems), "".join(writing)
        )
        return prepared

    def _image(self, tag: str, depth: int, problems: list[tuple[str, str]]) -> tuple[str, str]:
        attrs = _attrs_of(tag)
        src = next((value or "" for key, value in attrs if key == "src"), "")
        if src.lower().startswith("data:"):
            file = self.media.add_data_url(src)
            name = self._write(file).original if file else None
        elif is_remote(src):
            link = f'<a href="{_escape(src)}">{_escape(_alt(attrs) or src)}</a>'
            message = f"remote image '{src}' became a link to it: cards must work offline"
            problems.append((REMOTE_IMAGE, message))
            return link, link
        else:
            name = self._local(src)
        if name is None:
            problems.append((MEDIA_MISSING, f"image '{src}' is not in the package: left out"))
            return "", ""
        path = self.media.files[name].path
        shown = [(k, name if k == "src" else v) for k, v in attrs]
        written = [(k, link_to(path, depth) if k == "src" else v) for k, v in attrs]
        return _tag("img", shown), _tag("img", written)

    def _write(self, file: MediaFile) -> MediaFile:
        """A media file into the notes folder, when first met: rendering reads it there."""
        target = self.root / file.path
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.data)
        return file

    def _local(self, src: str) -> str | None:
        for name in dict.fromkeys((src, unquote(src))):
            path = self.source.media_file(name)
            if path is not None:
                self._write(self.media.add(name, path.read_bytes()))
                return name
        return None

    def _sound(self, name: str, depth: int, problems: list[tuple[str, str]]) -> str:
        if self._local(name) is None:
            message = f"sound '{name}' is not in the package: kept as [sound:{name}]"
            problems.append((MEDIA_MISSING, message))
            return f"[sound:{name}]"
        file = self.media.files[name]
        if not file.is_audio:
            message = (
                f"'{name}' is not a sound deckgen packages (mp3, ogg, wav, m4a, opus, webm,"
                f" flac): kept as [sound:{name}] and in {file.path}, but not shipped"
            )
            problems.append((MEDIA_NOT_SHIPPED, message))
            return f"[sound:{name}]"
        stem = PurePosixPath(file.path).stem
        return f'<img data-sound="1" src="{link_to(file.path, depth)}" alt="{_escape(stem)}">'

    # --- converting -------------------------------------------------------------------

    def convert(self, markup: str, role: Role, source: str, depth: int) -> FieldText:
        """The text for a field of the notes file `source` (relative to the notes folder,
        `depth` folders deep)."""
        prepared = self.prepare(markup, depth)
        problems = tuple(prepared.problems)
        marked = to_markdown(prepared.writing, cloze=role is Role.CLOZE)
        for text, paragraph in self._candidates(marked, role):
            if self._renders_as(text, role, paragraph, source, prepared.expected):
                return FieldText(text, prepared.expected, True, True, paragraph, problems)
        raw = (
            raw_line(prepared.writing, cloze=role is Role.CLOZE)
            if role is not Role.BLOCK
            else raw_block(prepared.writing)
        )
        env = self._env(source)
        faithful = self._renders_as(raw, role, False, source, prepared.expected, env)
        notes = [(KEPT_AS_HTML, "kept as HTML: its Markdown would render differently")]
        policy = any(d.code.startswith("DG40") for d in env.diagnostics)
        if not faithful and not policy:
            message = "renders differently from the original even as HTML: see the field"
            notes.append((RENDERS_DIFFERENTLY, message))
        return FieldText(raw, prepared.expected, False, faithful, False, problems + tuple(notes))

    def _candidates(self, marked: str, role: Role) -> list[tuple[str, bool]]:
        if role is Role.BLOCK:
            text = block_markdown(marked)
            return [] if _cloze_outside_code(text) else [(text, False)]
        line = line_markdown(marked)
        if role is Role.QUESTION:
            return [(line, False)]
        paragraph = block_markdown(marked).replace("\n\n", "\\\n")
        return [(paragraph, True), (line, False)]

    def _env(self, source: str) -> FieldEnv:
        return FieldEnv(self.setup, source, source, 1)

    def _renders_as(
        self,
        text: str,
        role: Role,
        paragraph: bool,
        source: str,
        expected: str,
        env: FieldEnv | None = None,
    ) -> bool:
        if not text.strip():
            return not expected.strip()
        env = env or self._env(source)
        if role is Role.QUESTION:
            rendered = render_inline(text, env)
        else:
            rendered = render_block(text, env)
            if paragraph and not _one_paragraph(rendered):
                return False
        if any(d.is_error for d in env.diagnostics):
            return False
        return equivalent(expected, rendered, self.media.packaged_names())


def _one_paragraph(rendered: str) -> bool:
    return rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1


def _cloze_outside_code(markdown: str) -> bool:
    """Whether the notes would read a cloze in this Markdown: `{{c1::` in a code span."""
    without_fences = re.sub(r"^(`{3,}|~{3,}).*?^\1", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return CLOZE_OPEN.search(without_fences) is not None


def _font_to_span(match: re.Match[str]) -> str:
    tag = match.group(0)
    if tag.startswith("</"):
        return "</span>"
    styles = []
    for key, value in _attrs_of(tag):
        if key == "color" and value:
            styles.append(f"color: {value}")
        elif key == "face" and value:
            styles.append(f"font-family: {value}")
        elif key == "size" and value in _FONT_SIZES:
            styles.append(f"font-size: {_FONT_SIZES[value]}")
    return f'<span style="{_escape("; ".join(styles))}">' if styles else "<span>"


def _alt(attrs: list[tuple[str, str | None]]) -> str:
    return next((value or "" for key, value in attrs if key == "alt"), "")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
