"""Every question in tests/data/ask_questions.toml, asked through /ask end to end.

Each [[questions]] entry must get its expected fact as the best match; each [[unanswerable]] entry must get the
honest no-match answer. The hit rate is printed at the end of the module (run with -s, or read it in -rA output).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bot_under_test import module_bot

from bot.models import FilmData
from bot.render.markup import escape
from standin import StandIn

QUESTIONS = tomllib.loads((Path(__file__).parent / "data" / "ask_questions.toml").read_text(encoding="utf-8"))
ANSWERABLE = [(q["q"], q["expect"]) for q in QUESTIONS["questions"]]
UNANSWERABLE = [q["q"] for q in QUESTIONS["unanswerable"]]
NO_MATCH = "isn't in what I know about the film"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Tally:
    hits: list[str] = field(default_factory=list)  # expected fact was the best match
    misses: list[str] = field(default_factory=list)
    honest: list[str] = field(default_factory=list)  # unanswerable, and said so
    guessed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        asked, off_topic = len(self.hits) + len(self.misses), len(self.honest) + len(self.guessed)
        lines = [
            f"/ask hit rate: {len(self.hits)}/{asked} questions got their expected fact"
            + (f" ({len(self.hits) / asked:.0%})" if asked else ""),
            f"/ask honesty: {len(self.honest)}/{off_topic} unanswerable questions got the no-match answer",
        ]
        return "\n".join(lines + [f"  miss: {m}" for m in self.misses + self.guessed])


@pytest.fixture(scope="module")
def tally(request: pytest.FixtureRequest) -> Tally:
    result = Tally()
    yield result
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None and (result.hits or result.misses or result.honest or result.guessed):
        with capture.global_and_fixture_disabled():
            print("\n" + result.summary())


discord_api, db_path, bot, after_each = module_bot("ask")


def first_entry(film: FilmData, text: str) -> tuple[str, str] | None:
    """Which entry the answer shows first (the best match): the earliest of any entry's text in the message."""
    texts = [("fact", f.id, f.answer) for f in film.facts]
    texts += [("character", c.id, c.summary) for c in film.characters]
    texts += [("moment", m.id, m.summary) for m in film.moments]
    texts += [("theory", t.id, t.claim) for t in film.theories]
    texts += [("quote", q.id, q.text) for q in film.quotes]
    found = [(text.find(escape(body)), kind, ref) for kind, ref, body in texts if escape(body) in text]
    return min(found)[1:] if found else None


async def test_the_question_set_is_big_enough() -> None:
    assert len(ANSWERABLE) >= 30 and len(UNANSWERABLE) >= 5


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE, ids=[q for q, _ in ANSWERABLE])
async def test_question_gets_its_fact(bot, discord_api: StandIn, tally: Tally, question: str, expected: str) -> None:
    assert bot.film.fact(expected) is not None, f"{expected!r} is not a fact id in the facts file"
    reply = await discord_api.slash("ask", question=question)
    got = first_entry(bot.film, reply.text)
    if got == ("fact", expected) and not reply.ephemeral:
        tally.hits.append(question)
    else:
        tally.misses.append(f"{question!r}: expected {expected}, got {got}")
    assert not reply.ephemeral, f"{question!r} got no answer: {reply.text}"
    assert got == ("fact", expected)


@pytest.mark.parametrize("question", UNANSWERABLE)
async def test_unanswerable_question_gets_the_honest_answer(
    bot, discord_api: StandIn, tally: Tally, question: str
) -> None:
    reply = await discord_api.slash("ask", question=question)
    got = first_entry(bot.film, reply.text)
    honest = reply.ephemeral and NO_MATCH in reply.text and got is None
    (tally.honest if honest else tally.guessed).append(question if honest else f"{question!r} answered with {got}")
    assert reply.ephemeral and NO_MATCH in reply.text
    assert got is None, f"{question!r} was answered with {got}"
