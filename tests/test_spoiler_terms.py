"""The /ask echo's judge: how much a member's own words give away, by the facts' vocabulary (pure)."""

from __future__ import annotations

import pytest

from bot.facts import load_facts
from bot.models import Level
from bot.settings import DEFAULT_FACTS
from bot.spoiler_terms import SpoilerTerms

DATA = load_facts(DEFAULT_FACTS).data
TERMS = SpoilerTerms.build(DATA)


@pytest.mark.parametrize(
    "question",
    [
        "what is the song",
        "what song plays at the end",
        "who plays harry",
        "is it a ghost story",
        "how did adam's parents die",
        "what happens at the end",
        "is the ending sad",
        "where can I stream it",
        "what happens at the diner",
        "xyzzy plugh",  # words the facts never use say nothing about the film
    ],
)
def test_harmless_questions_are_shown_as_typed(question: str) -> None:
    assert TERMS.level(question) is Level.NONE


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("is harry a ghost", Level.ENDING),
        ("was harry dead all along?", Level.ENDING),
        ("what killed harry", Level.ENDING),
        ("is harry real", Level.ENDING),
        ("frankie goes to hollywood", Level.ENDING),
        ("why the power of love", Level.ENDING),
        ("does adam come out", Level.PLOT),
        ("let me in", Level.PLOT),
    ],
)
def test_questions_that_give_the_film_away_are_judged_at_their_level(question: str, level: Level) -> None:
    assert TERMS.level(question) is level


def test_every_spoiler_free_question_of_the_facts_reads_as_typed() -> None:
    """The facts' own questions at level none are exactly what members ask: never hidden."""
    for fact in DATA.facts:
        if fact.topic_spoiler is Level.NONE:
            assert TERMS.level(fact.question) is Level.NONE, fact.question


def test_typo_mended_terms_count_too() -> None:
    assert TERMS.level("is hary a gost", ["harry", "ghost"]) is Level.ENDING
