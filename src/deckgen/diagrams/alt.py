"""What a diagram shows, in words: the alt text of its images, for screen readers and for
a learner whose reviewer cannot show the image.

It is read from the rendered SVG, so a diagram from the committed cache gets the same
words as a fresh render: the author's own `accTitle` / `accDescr` when the source has
them (mermaid writes them to <title> and <desc>); else, for a flowchart, its edges in
the order they were written, as chains of node labels
(``Flowchart: AMI —Launch instance→ EC2 instance → Customized instance``); else every
label of the diagram in the SVG's order. Each starts with what kind of diagram it is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_SVG = "{http://www.w3.org/2000/svg}"
# mermaid's aria-roledescription of the diagram types a learner is likely to meet
_KINDS = {
    "flowchart-v2": "Flowchart",
    "flowchart": "Flowchart",
    "sequence": "Sequence diagram",
    "classDiagram": "Class diagram",
    "stateDiagram": "State diagram",
    "er": "Entity relationship diagram",
    "gantt": "Gantt chart",
    "pie": "Pie chart",
    "mindmap": "Mind map",
    "timeline": "Timeline",
}
_WHITESPACE = re.compile(r"\s+")


def alt_text(svg: str) -> str:
    root = ET.fromstring(svg)
    kind = _KINDS.get(root.get("aria-roledescription", ""), "Diagram")
    own = [_words(root.find(f"{_SVG}{tag}")) for tag in ("title", "desc")]
    shown = ". ".join(text for text in own if text) or _flow(root) or ", ".join(_labels(root))
    return f"{kind}: {shown}" if shown else kind


def _flow(root: ET.Element) -> str:
    """A flowchart's edges as chains: an edge that starts where the last one ended
    continues its chain; nodes on no edge come last."""
    prefix = re.escape(root.get("id", ""))
    nodes: dict[str, str] = {}
    for group in root.iter(f"{_SVG}g"):
        found = re.fullmatch(rf"{prefix}-flowchart-(.+)-\d+", group.get("id", ""))
        if found and "node" in group.get("class", "").split():
            nodes[found.group(1)] = _label(group)
    edge_labels = {g.get("data-id"): _label(g) for g in root.iter(f"{_SVG}g") if g.get("data-id")}
    chains: list[str] = []
    used: set[str] = set()
    last_end = None
    for path in root.iter(f"{_SVG}path"):
        found = re.fullmatch(rf"{prefix}-L_(.+)_(\d+)", path.get("id", ""))
        ends = _ends(found.group(1), nodes) if found else None
        if found is None or ends is None:
            continue
        start, end = ends
        label = edge_labels.get(f"L_{found.group(1)}_{found.group(2)}", "")
        arrow = f" —{label}→ " if label else " → "
        if chains and start == last_end:
            chains[-1] += arrow + nodes[end]
        else:
            chains.append(nodes[start] + arrow + nodes[end])
        used |= {start, end}
        last_end = end
    return "; ".join([*chains, *(label for node, label in nodes.items() if node not in used)])


def _ends(joined: str, nodes: dict[str, str]) -> tuple[str, str] | None:
    """The start and end node of an edge id `<start>_<end>` (node ids may hold `_`)."""
    for at in (i for i, ch in enumerate(joined) if ch == "_"):
        start, end = joined[:at], joined[at + 1 :]
        if start in nodes and end in nodes:
            return start, end
    return None


def _label(group: ET.Element) -> str:
    """The text of the first <text> in `group`, its rows (mermaid's tspans) one line."""
    text = group.find(f".//{_SVG}text")
    if text is None:
        return ""
    rows = [row for row in text.iter(f"{_SVG}tspan") if "row" in row.get("class", "").split()]
    return " ".join(filter(None, (_words(row) for row in rows))) or _words(text)


def _labels(root: ET.Element) -> list[str]:
    found = (_words(text) for text in root.iter(f"{_SVG}text"))
    return list(dict.fromkeys(label for label in found if label))


def _words(element: ET.Element | None) -> str:
    return "" if element is None else _WHITESPACE.sub(" ", "".join(element.itertext())).strip()
