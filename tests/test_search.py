"""Finding moments and characters by name (free questions are tested in test_ask.py)."""

from __future__ import annotations

from functools import cache

from bot.facts import load_facts
from bot.models import FilmData
from bot.search import (
    did_you_mean,
    filter_characters,
    filter_moments,
    find_character,
    find_moment,
    moment_label,
)
from bot.settings import DEFAULT_FACTS


@cache
def film() -> FilmData:
    return load_facts(DEFAULT_FACTS).data


# ---------------------------------------------------------------- moments and characters by name


def test_moments_filter_in_film_order() -> None:
    moments = film().moments
    assert filter_moments(moments, "") == list(moments)
    diner = filter_moments(moments, "DINER")
    assert "the-diner" in [m.id for m in diner]
    assert [m.position for m in diner] == sorted(m.position for m in diner)
    assert filter_moments(moments, "no such moment") == []
    assert moment_label(film().moment("the-diner")) == "15. The diner"


def test_find_moment_by_id_label_title_number_or_a_unique_match() -> None:
    moments = film().moments
    for typed in ("the-diner", "15. The diner", "the diner", "15", "diner", "family special"):
        assert find_moment(moments, typed).id == "the-diner", typed
    assert find_moment(moments, "harry") is None  # several moments: no single answer
    assert find_moment(moments, "   ") is None


def test_characters_by_name_actor_or_alias() -> None:
    characters = film().characters
    assert [c.id for c in filter_characters(characters, "Mescal")] == ["harry"]
    for typed in ("mum", "mom", "Mother", "claire foy", "Adam's mum"):
        assert find_character(characters, typed).id == "mum", typed
    assert find_character(characters, "dad").id == "dad"
    assert find_character(characters, "Andrew Scott").id == "adam"
    assert filter_characters(characters, "ma")[0].id == "mum"  # an exact alias ranks first
    assert find_character(characters, "zzz") is None


def test_did_you_mean_offers_close_names() -> None:
    names = {c.name: c.name for c in film().characters} | {c.actor: c.name for c in film().characters}
    assert did_you_mean("Harrry", names) == ["Harry"]
    assert did_you_mean("Paul Mescall", names) == ["Harry"]
    assert did_you_mean("qqqq", names) == []
