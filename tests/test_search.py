"""Finding moments and characters by name (free questions are tested in test_ask.py)."""

from __future__ import annotations

from functools import cache

from bot.facts import load_facts
from bot.models import FilmData
from bot.search import (
    did_you_mean,
    filter_characters,
    find_character,
)
from bot.settings import DEFAULT_FACTS


@cache
def film() -> FilmData:
    return load_facts(DEFAULT_FACTS).data


# ---------------------------------------------------------------- moments and characters by name


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
