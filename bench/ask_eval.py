"""How well /ask answers questions as members type them: one evaluation, shared by the test and this report.

A question set (TOML) has ``[[questions]]`` entries (``q``, and ``expect``: one or a list of acceptable answers,
each a fact id, ``character:<id>`` or ``moment:<id>``) and ``[[unanswerable]]`` entries (``q``). Every question
goes through the same matcher the bot uses, and each outcome is one of: a sure answer (right or wrong), "not sure,
did you mean" or "that isn't in what I know". The figures:

- right: answerable questions whose sure answer is an expected entry, of all answerable ones;
- honest: unanswerable questions that got no sure answer, of all unanswerable ones;
- confident-wrong: sure answers that are wrong (a wrong entry, or any entry for an unanswerable question), of all
  questions asked.

``python -m bench.ask_eval tests/data/ask_tune.toml`` prints the figures; ``--misses`` lists the questions that
went wrong (use it on the tuning half only: the held-out half is for the final report).
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.ask import Asker, Confidence, Ref, build_asker
from bot.facts import load_facts
from bot.settings import DEFAULT_FACTS

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: tuple[Ref, ...]  # empty: the facts cannot answer it


@dataclass(slots=True)
class Scores:
    answerable: int = 0
    unanswerable: int = 0
    right: int = 0
    honest: int = 0
    confident_wrong: int = 0
    unsure_with_right: int = 0  # answerable, "did you mean" offered an expected entry
    said_unknown: int = 0  # unanswerable, and told plainly "that isn't in what I know" (the rest of honest: unsure)
    # Per question: for the tuning half only. Left out of the repr, so a failed assertion on the held-out half
    # never prints its questions.
    misses: list[str] = field(default_factory=list, repr=False)

    @property
    def asked(self) -> int:
        return self.answerable + self.unanswerable

    @property
    def right_share(self) -> float:
        return self.right / self.answerable if self.answerable else 1.0

    @property
    def honest_share(self) -> float:
        return self.honest / self.unanswerable if self.unanswerable else 1.0

    @property
    def confident_wrong_share(self) -> float:
        return self.confident_wrong / self.asked if self.asked else 0.0

    def summary(self, name: str) -> str:
        return (
            f"{name}: right {self.right}/{self.answerable} ({self.right_share:.1%}), "
            f"honest {self.honest}/{self.unanswerable} ({self.honest_share:.1%}; "
            f"{self.said_unknown} of them 'not in what I know', the rest 'did you mean'), "
            f"confident-wrong {self.confident_wrong}/{self.asked} ({self.confident_wrong_share:.1%}); "
            f"'did you mean' offered the right entry for {self.unsure_with_right} more"
        )


def parse_expect(value: str) -> Ref:
    kind, sep, ref = value.partition(":")
    return (kind, ref) if sep else ("fact", value)


def load_cases(path: Path) -> list[Case]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for entry in doc.get("questions", []):
        expect = entry["expect"]
        expected = [expect] if isinstance(expect, str) else list(expect)
        cases.append(Case(entry["q"], tuple(parse_expect(e) for e in expected)))
    cases += [Case(entry["q"], ()) for entry in doc.get("unanswerable", [])]
    return cases


def evaluate(asker: Asker, cases: Sequence[Case]) -> Scores:
    scores = Scores()
    for case in cases:
        verdict = asker.ask(case.question)
        sure = verdict.confidence is Confidence.SURE
        if case.expect:
            scores.answerable += 1
            if sure and verdict.best in case.expect:
                scores.right += 1
                continue
            if sure:
                scores.confident_wrong += 1
            elif any(r in case.expect for r in verdict.refs):
                scores.unsure_with_right += 1
            wanted = ", ".join(":".join(r) for r in case.expect)
            got = ", ".join(":".join(r) for r in verdict.refs)
            scores.misses.append(f"{case.question!r}: expected {wanted}; {verdict.confidence} [{got}]")
        else:
            scores.unanswerable += 1
            if sure:
                scores.confident_wrong += 1
                scores.misses.append(f"{case.question!r}: unanswerable, but sure of {':'.join(verdict.refs[0])}")
            else:
                scores.honest += 1
                scores.said_unknown += verdict.confidence is Confidence.UNKNOWN
    return scores


def the_bots_asker() -> Asker:
    loaded = load_facts(DEFAULT_FACTS)
    return build_asker(loaded.data, loaded.phrasings)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ask_eval", description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="question sets (TOML)")
    parser.add_argument("--misses", action="store_true", help="list what went wrong (the tuning half only)")
    args = parser.parse_args(argv)
    asker = the_bots_asker()
    for path in args.sets:
        scores = evaluate(asker, load_cases(path))
        print(scores.summary(path.name))
        if args.misses:
            print("\n".join(f"  {m}" for m in scores.misses))


if __name__ == "__main__":
    main()
