"""Moments by name for a reader: what they may see of each title, and matching that never answers a question."""

from __future__ import annotations

from bot.facts import load_facts
from bot.models import OPEN, STRICTEST, Level, Policy
from bot.names import find_named_moment, matching_moments, moment_choices, moment_name
from bot.settings import DEFAULT_FACTS

MOMENTS = load_facts(DEFAULT_FACTS).data.moments
PLOT = Policy(Level.PLOT)


def test_names_follow_the_readers_level() -> None:
    song = next(m for m in MOMENTS if m.id == "the-power-of-love")
    assert moment_name(song).shown(OPEN) == "20. The Power of Love"
    assert moment_name(song).shown(PLOT) == moment_name(song).shown(STRICTEST) == "Moment 20 (ending)"
    diner = next(m for m in MOMENTS if m.id == "the-diner")
    assert moment_name(diner).shown(STRICTEST) == "15. The diner"


def test_matching_is_in_film_order_and_sees_only_what_the_reader_may() -> None:
    assert matching_moments(MOMENTS, "", STRICTEST) == list(MOMENTS)
    diner = matching_moments(MOMENTS, "DINER", STRICTEST)
    assert [m.id for m in diner] == ["the-diner"]
    for guess in ("ghost", "dead", "power of love", "the-power-of-love", "overdose"):
        assert matching_moments(MOMENTS, guess, STRICTEST) == [], guess
    assert [m.id for m in matching_moments(MOMENTS, "ghost", OPEN)] == ["harry-appears"]
    # the spoiler-free form matches itself: numbers and levels are no secret
    assert [m.position for m in matching_moments(MOMENTS, "moment 20", STRICTEST)] == [20]
    assert {m.position for m in matching_moments(MOMENTS, "ending", STRICTEST)} >= {16, 17, 20, 21}


def test_choices_send_numbers_for_hidden_titles() -> None:
    choices = dict(moment_choices(MOMENTS, "", STRICTEST))
    assert choices["15. The diner"] == "the-diner"
    assert choices["Moment 20 (ending)"] == "20"
    assert dict(moment_choices(MOMENTS, "", OPEN))["20. The Power of Love"] == "the-power-of-love"


def test_find_by_number_id_title_or_name_else_one_visible_match() -> None:
    for typed in ("the-diner", "15. The diner", "the diner", "15", "#15", "diner"):
        assert find_named_moment(MOMENTS, typed, STRICTEST).id == "the-diner", typed
    # a scene's keywords count only where the scene may be read ("family special" tells what happens there)
    assert find_named_moment(MOMENTS, "family special", STRICTEST) is None
    assert find_named_moment(MOMENTS, "family special", PLOT).id == "the-diner"
    for typed in ("20", "Moment 20 (ending)", "The Power of Love"):  # exact: the member knows it already
        assert find_named_moment(MOMENTS, typed, STRICTEST).id == "the-power-of-love", typed
    assert find_named_moment(MOMENTS, "ghost", STRICTEST) is None  # a guess at hidden text finds nothing
    assert find_named_moment(MOMENTS, "ghost", OPEN).id == "harry-appears"
    assert find_named_moment(MOMENTS, "the", STRICTEST) is None  # several: no single answer
    assert find_named_moment(MOMENTS, "   ", STRICTEST) is None
