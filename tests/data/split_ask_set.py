"""Split the /ask evaluation set once, at random with a recorded seed, into a tuning half and a held-out half.

    python tests/data/split_ask_set.py

reads tests/data/ask_set.toml and writes tests/data/ask_tune.toml and tests/data/ask_held_out.toml. Answerable and
unanswerable questions are split separately, each stratified: answerable ones by their first expected answer (so every
fact lands on both sides when it has two or more questions), unanswerable ones by their `why`. Within each stratum the
questions are shuffled with `random.Random(SEED)` and dealt alternately, continuing the alternation across strata, so
the halves differ in size by at most one. Pure stdlib and deterministic: tests/test_ask_set.py re-runs `split` in
memory and checks the committed files are exactly its output. Tune only on ask_tune.toml; report on ask_held_out.toml.
"""

from __future__ import annotations

import json
import random
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SEED = 20261123
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ask_set.toml"
TUNE = HERE / "ask_tune.toml"
HELD_OUT = HERE / "ask_held_out.toml"
SOURCE_NAME = "tests/data/ask_set.toml"

Entry = dict[str, Any]


def deal(
    entries: Sequence[Entry], stratum: Callable[[Entry], str], rng: random.Random
) -> tuple[list[Entry], list[Entry]]:
    """Two halves of `entries`: shuffled within each stratum (strata in sorted order), dealt alternately."""
    strata: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        strata.setdefault(stratum(entry), []).append(index)
    first: list[int] = []
    second: list[int] = []
    turn = 0
    for key in sorted(strata):
        indices = strata[key]
        rng.shuffle(indices)
        for index in indices:
            (first if turn % 2 == 0 else second).append(index)
            turn += 1
    # Each half keeps the source file's order, so it reads fact by fact like the set.
    return [entries[i] for i in sorted(first)], [entries[i] for i in sorted(second)]


def render(entries_q: Sequence[Entry], entries_u: Sequence[Entry], half: str) -> str:
    lines = [
        f"# The {half} of the /ask evaluation set: generated, do not edit by hand.",
        f"# Source: {SOURCE_NAME}; split by tests/data/split_ask_set.py with random.Random(SEED), SEED = {SEED}.",
        f"# {len(entries_q)} answerable questions and {len(entries_u)} unanswerable ones.",
        "",
    ]
    for entry in entries_q:
        expect = ", ".join(json.dumps(e, ensure_ascii=False) for e in entry["expect"])
        lines += ["[[questions]]", f"q = {json.dumps(entry['q'], ensure_ascii=False)}", f"expect = [{expect}]", ""]
    for entry in entries_u:
        lines += ["[[unanswerable]]", f"q = {json.dumps(entry['q'], ensure_ascii=False)}"]
        if "why" in entry:
            lines.append(f"why = {json.dumps(entry['why'], ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def split(source_text: str) -> tuple[str, str]:
    """The text of ask_tune.toml and of ask_held_out.toml for the set in `source_text`."""
    data = tomllib.loads(source_text)
    rng = random.Random(SEED)
    tune_q, held_q = deal(data["questions"], lambda e: str(e["expect"][0]), rng)
    tune_u, held_u = deal(data["unanswerable"], lambda e: str(e.get("why", "")), rng)
    return render(tune_q, tune_u, "tuning half"), render(held_q, held_u, "held-out half")


def main() -> None:
    tune, held_out = split(SOURCE.read_text(encoding="utf-8"))
    TUNE.write_text(tune, encoding="utf-8")
    HELD_OUT.write_text(held_out, encoding="utf-8")
    for path, text in ((TUNE, tune), (HELD_OUT, held_out)):
        data = tomllib.loads(text)
        print(
            f"{path.name}: {len(data['questions'])} answerable, {len(data['unanswerable'])} unanswerable",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
