"""Synthetic notes in the v1 format, for benchmarks: N Anki cards over M files.

Two shapes of deck, each deterministic for a given (cards, files, seed):

- `standard`: files of 500 cards; heading-form and Q:/A: basic cards with prose answers,
  lists, inline code, a fenced code block with a language every eighth note, a table every
  few cards, cloze paragraphs and cloze list items, and explicit ids on half of the notes.
- `mixed`: many small files (40 cards) and a few large ones (2,000 cards, 40% of the deck
  together, spread among the small ones); short prose answers, a fenced code block in a
  quarter of them, a table in a tenth, a list in a sixth; a third of the notes Q:/A:, an
  eighth cloze, ids on half.

    python benchmarks/generate.py OUT_DIR --cards 10000 [--shape mixed] [--files 20] [--seed 1]
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


SHAPES = ("standard", "mixed")
SMALL_FILE_CARDS = 40
LARGE_FILE_CARDS = 2_000
LARGE_SHARE = 0.4


def _mixed_answer(rng: random.Random, i: int) -> str:
    """A short prose answer; a quarter with a fenced code block, some with a list or table."""
    parts = [f"{_sentence(rng, rng.randint(5, 9))} (`{rng.choice(WORDS)}-{i}`)."]
    if i % 4 == 1:
        lang = LANGUAGES[(i // 4) % len(LANGUAGES)]
        code = CODE[lang].replace("3", str(i)).replace("id", rng.choice(WORDS))
        parts.append(f"```{lang}\n{code}```")
    if i % 6 == 2:
        parts.append("\n".join(f"- {_sentence(rng, 4)}" for _ in range(3)))
    if i % 10 == 5:
        rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} |" for _ in range(2))
        parts.append(f"| Name | Limit |\n| --- | ---: |\n{rows}")
    return "\n\n".join(parts)


def _mixed_file_text(
    rng: random.Random, file_no: int, deck: str, budget: int, notes: list[Note]
) -> tuple[str, int]:
    """A file of the `mixed` shape holding `budget` Anki cards."""
    tag = f"area{file_no % 7}"
    out = ["---", f"deck: {deck}", f"tags: [{tag}]", "---", f"# {deck}", ""]
    made = i = 0
    while made < budget:
        if i % CARDS_PER_TOPIC == 0:
            out += [f"## Topic {i // CARDS_PER_TOPIC + 1} {rng.choice(WORDS)}", ""]
        id_line = _id_comment(file_no, i)
        ids = [id_line] if id_line else []
        roll = (i * 7 + file_no) % 24  # 8 of 24 Q:/A:, 3 of 24 cloze, the rest headings
        if roll < 8:
            question = f"Which {rng.choice(WORDS)} setting covers case {i} in {deck}?"
            answer = _mixed_answer(rng, i)
            out += [f"Q: {question}", *ids, f"A: {answer}", ""]
            notes.append(Note("basic", question, answer, deck, [tag], 1))
        elif roll < 11 and budget - made >= 2 and roll == 8:
            text = (
                f"A {rng.choice(WORDS)} {i} keeps {{{{c1::{rng.choice(WORDS)} logs}}}}"
                f" for {{{{c2::{rng.randint(1, 90)} days}}}}."
            )
            first = [f"- {id_line}", f"  {text}"] if id_line else [f"- {text}"]
            out += [*first, f"- Plain item {i}.", ""]
            notes.append(Note("cloze", text, "", deck, [tag], 2))
            made += 1
        elif roll < 11:
            text = f"The {rng.choice(WORDS)} {i} of {deck} is {{{{c1::{rng.choice(WORDS)}}}}}."
            out += [*ids, text, ""]
            notes.append(Note("cloze", text, "", deck, [tag], 1))
        else:
            question = f"What is the {rng.choice(WORDS)} {i} of {deck} for?"
            answer = _mixed_answer(rng, i)
            out += [f"### {question}", *ids, answer, ""]
            notes.append(Note("basic", question, answer, deck, [tag], 1))
        made += 1
        i += 1
    return "\n".join(out), made


def _mixed_budgets(cards: int) -> list[int]:
    """Cards per file: large files holding LARGE_SHARE of the deck, spread evenly among
    small ones."""
    large = max(1, round(cards * LARGE_SHARE / LARGE_FILE_CARDS))
    in_large = min(cards, large * LARGE_FILE_CARDS) if cards > LARGE_FILE_CARDS else cards // 2
    small = max(1, (cards - in_large) // SMALL_FILE_CARDS)
    budgets = [(cards - in_large) // small + (1 if n < (cards - in_large) % small else 0)
               for n in range(small)]  # fmt: skip
    step = len(budgets) // large + 1
    for n in range(large):
        share = in_large // large + (1 if n < in_large % large else 0)
        budgets.insert(min(len(budgets), n * step + step // 2), share)
    return [b for b in budgets if b > 0]


def generate(
    out: Path, cards: int, files: int | None = None, seed: int = 1, shape: str = "standard"
) -> Corpus:
    """Write a notes folder of exactly `cards` Anki cards into `out` (replacing it)."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
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
    if shape == "mixed":
        return _generate_mixed(corpus, rng)
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


def _generate_mixed(corpus: Corpus, rng: random.Random) -> Corpus:
    budgets = _mixed_budgets(corpus.cards)
    left = corpus.cards
    for file_no, budget in enumerate(budgets):
        budget = min(budget, left) if file_no < len(budgets) - 1 else left
        deck = f"Area {file_no + 1:04d}"
        text, made = _mixed_file_text(rng, file_no, deck, budget, corpus.notes)
        left -= made
        path = corpus.notes_dir / f"area-{file_no + 1:04d}.md"
        path.write_text(text, encoding="utf-8")
        corpus.files.append(path)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--files", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="standard")
    args = parser.parse_args()
    corpus = generate(args.out, args.cards, args.files, args.seed, args.shape)
    print(f"{corpus.notes_dir}: {len(corpus.notes)} notes, {corpus.cards} cards")


if __name__ == "__main__":
    main()
