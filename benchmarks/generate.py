"""Synthetic notes in the v1 format, for benchmarks: N Anki cards over M files.

The mix follows a real deck: heading-form and Q:/A: basic cards with prose answers,
lists, inline code, a fenced code block with a language every few cards, a table
every few cards, cloze paragraphs and cloze list items, and explicit ids on half of
the notes. The output is deterministic for a given (cards, files, seed).

    python benchmarks/generate.py OUT_DIR --cards 10000 [--files 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

CARDS_PER_FILE = 500
CARDS_PER_TOPIC = 12

_WORD_TEXT = (
    "instance volume cluster region zone bucket snapshot replica queue policy role task "
    "service container image registry node pod subnet gateway balancer target scaling "
    "capacity throughput latency storage network endpoint lifecycle encryption key "
    "backup retention quota limit request response schedule job compute memory disk"
)
WORDS = tuple(_WORD_TEXT.split())
LANGUAGES = ("python", "bash", "json", "yaml", "sql", "javascript", "go", "rust")
CODE = {
    "python": 'def handler(event, context):\n    items = [x["id"] for x in event["Records"]]\n'
    '    return {"count": len(items), "ok": True}\n',
    "bash": 'aws ec2 describe-instances \\\n  --filters "Name=tag:env,Values=prod" \\\n'
    "  --query 'Reservations[].Instances[].InstanceId'\n",
    "json": '{\n  "Effect": "Allow",\n  "Action": ["s3:GetObject"],\n'
    '  "Resource": "arn:aws:s3:::bucket/*"\n}\n',
    "yaml": "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n"
    "  template:\n    spec:\n      containers:\n        - name: web\n",
    "sql": "SELECT region, COUNT(*) AS n\nFROM instances\nWHERE state = 'running'\n"
    "GROUP BY region;\n",
    "javascript": "export async function handler(event) {\n  const ids = event.Records"
    ".map((r) => r.id);\n  return { count: ids.length };\n}\n",
    "go": "func main() {\n\tsess := session.Must(session.NewSession())\n"
    '\tfmt.Println("ok", sess)\n}\n',
    "rust": "fn main() {\n    let v: Vec<u32> = (1..10).collect();\n"
    '    println!("{}", v.len());\n}\n',
}


@dataclass
class Note:
    """What the floor benchmark needs of a note: its kind, Markdown fields and tags."""

    kind: str  # "basic" or "cloze"
    front: str
    back: str
    deck: str
    tags: list[str]
    cards: int


@dataclass
class Corpus:
    notes_dir: Path
    cards: int
    files: list[Path] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize()


def _answer(rng: random.Random, i: int) -> str:
    """A prose answer, sometimes with a list, a fenced code block or a table."""
    parts = [
        f"{_sentence(rng, 12)} with `{rng.choice(WORDS)}-{i}` and **{rng.choice(WORDS)}**;"
        f" {_sentence(rng, 8).lower()}."
    ]
    if i % 3 == 0:
        parts.append("\n".join(f"- {_sentence(rng, 6)} `{rng.choice(WORDS)}`" for _ in range(3)))
    if i % 4 == 1:
        lang = LANGUAGES[i % len(LANGUAGES)]
        code = CODE[lang].replace("3", str(i)).replace("id", rng.choice(WORDS))  # no two alike
        parts.append(f"```{lang}\n{code}```")
    if i % 5 == 2:
        rows = "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {_sentence(rng, 4)} |"
            for _ in range(3)
        )
        parts.append(f"| Name | Limit | Notes |\n| --- | ---: | --- |\n{rows}")
    if i % 7 == 3:
        parts.append(f"{_sentence(rng, 10)}, see *{rng.choice(WORDS)}* for details.")
    return "\n\n".join(parts)


def _id_comment(file_no: int, i: int) -> str | None:
    return f"<!-- id: f{file_no}-card-{i} -->" if i % 2 == 0 else None


def _file_text(
    rng: random.Random, file_no: int, deck: str, budget: int, notes: list[Note]
) -> tuple[str, int]:
    """One service file holding `budget` Anki cards; returns its text and the cards made."""
    tag = f"area{file_no % 7}"
    out = ["---", f"deck: {deck}", f"tags: [{tag}]", "---", f"# {deck}", ""]
    made = 0
    i = 0
    while made < budget:
        if i % CARDS_PER_TOPIC == 0:
            out += [f"## Topic {i // CARDS_PER_TOPIC + 1} {rng.choice(WORDS)}", ""]
        id_line = _id_comment(file_no, i)
        kind = i % 8
        tags = [tag]
        if kind in (0, 2, 3, 5, 6):  # heading-form basic
            question = f"What does the {rng.choice(WORDS)} {i} of {deck} do?"
            answer = _answer(rng, i)
            out += [f"### {question}", *([id_line] if id_line else []), answer, ""]
            notes.append(Note("basic", question, answer, deck, tags, 1))
            made += 1
        elif kind == 1:  # Q:/A: basic
            question = f"Which {rng.choice(WORDS)} limit applies to item {i} in {deck}?"
            answer = f"{_sentence(rng, 10)} (`{rng.choice(WORDS)}`)."
            out += [f"Q: {question}", *([id_line] if id_line else []), f"A: {answer}", ""]
            notes.append(Note("basic", question, answer, deck, tags, 1))
            made += 1
        elif kind == 4 and budget - made >= 2:  # cloze list item with two deletions
            text = (
                f"A {rng.choice(WORDS)} {i} stores {{{{c1::{rng.choice(WORDS)} data}}}}"
                f" for {{{{c2::{rng.randint(1, 90)} days}}}}."
            )
            first = [f"- {id_line}", f"  {text}"] if id_line else [f"- {text}"]
            out += [*first, f"- Plain item {i} without a cloze.", ""]
            notes.append(Note("cloze", text, "", deck, tags, 2))
            made += 2
        else:  # cloze paragraph
            text = (
                f"The {rng.choice(WORDS)} {i} of {deck} is billed per"
                f" {{{{c1::{rng.choice(('second', 'hour', 'request'))}}}}} of use."
            )
            out += [*([id_line] if id_line else []), text, ""]
            notes.append(Note("cloze", text, "", deck, tags, 1))
            made += 1
        i += 1
    return "\n".join(out), made


def generate(out: Path, cards: int, files: int | None = None, seed: int = 1) -> Corpus:
    """Write a notes folder of exactly `cards` Anki cards into `out` (replacing it)."""
    files = files or max(1, cards // CARDS_PER_FILE)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "deck.toml").write_text(
        'name = "Bench"\nslug = "bench"\nversion = "1.0.0"\n'
        f'description = "{cards} synthetic cards"\n',
        encoding="utf-8",
    )
    rng = random.Random(seed)
    corpus = Corpus(out, cards)
    left = cards
    for file_no in range(files):
        budget = left // (files - file_no)
        deck = f"Service {file_no + 1:03d}"
        text, made = _file_text(rng, file_no, deck, budget, corpus.notes)
        left -= made
        path = out / f"service-{file_no + 1:03d}.md"
        path.write_text(text, encoding="utf-8")
        corpus.files.append(path)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--files", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = generate(args.out, args.cards, args.files, args.seed)
    print(f"{corpus.notes_dir}: {len(corpus.notes)} notes, {corpus.cards} cards")


if __name__ == "__main__":
    main()
