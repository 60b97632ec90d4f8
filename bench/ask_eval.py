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
went wrong (use it on the tuning half only: the held-out half is for the final report). ``--blind`` judges each
question with the ``asks`` that nearly repeat it left out (same terms, or at least ``BLIND_OVERLAP`` of them shared):
phrasings written while looking at the tuning half make it look better than unseen questions will find it, and this
is the tuning half's honest estimate of that.
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


BLIND_OVERLAP = 0.75  # an ``asks`` phrasing sharing this much of a question's terms (Jaccard) counts as a repeat


def evaluate_blind(cases: Sequence[Case]) -> Scores:
    """As ``evaluate``, each question judged by a matcher built without the phrasings that nearly repeat it."""
    loaded = load_facts(DEFAULT_FACTS)
    full = build_asker(loaded.data, loaded.phrasings)
    scores = Scores()
    for case in cases:
        terms = set(full.terms(case.question))
        kept: dict[Ref, tuple[str, ...]] = {}
        dropped = False
        for ref, asks in loaded.phrasings.items():
            keep = []
            for ask in asks:
                other = set(full.terms(ask, mend=False))
                union = terms | other
                if union and len(terms & other) / len(union) >= BLIND_OVERLAP:
                    dropped = True
                else:
                    keep.append(ask)
            kept[ref] = tuple(keep)
        asker = build_asker(loaded.data, kept, full.lexicon) if dropped else full
        one = evaluate(asker, [case])
        for name in ("answerable", "unanswerable", "right", "honest", "confident_wrong", "unsure_with_right"):
            setattr(scores, name, getattr(scores, name) + getattr(one, name))
        scores.said_unknown += one.said_unknown
        scores.misses += one.misses
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ask_eval", description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="question sets (TOML)")
    parser.add_argument("--misses", action="store_true", help="list what went wrong (the tuning half only)")
    parser.add_argument("--blind", action="store_true", help="leave out the asks that nearly repeat each question")
    args = parser.parse_args(argv)
    asker = the_bots_asker()
    for path in args.sets:
        scores = evaluate_blind(load_cases(path)) if args.blind else evaluate(asker, load_cases(path))
        print(scores.summary(path.name))
        if args.misses:
            print("\n".join(f"  {m}" for m in scores.misses))


if __name__ == "__main__":
    main()
