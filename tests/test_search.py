"""Finding moments and characters by name (free questions are tested in test_ask.py)."""

from __future__ import annotations

from functools import cache

from bot.facts import load_facts
from bot.models import FilmData
from bot.search import (
    filter_characters,
)
from bot.settings import DEFAULT_FACTS


@cache
def film() -> FilmData:
    return load_facts(DEFAULT_FACTS).data


# ---------------------------------------------------------------- moments and characters by name


def test_characters_by_name_actor_or_alias() -> None:
    characters = film().characters
    assert [c.id for c in filter_characters(characters, "Mescal")] == ["harry"]
    assert filter_characters(characters, "ma")[0].id == "mum"  # an exact alias ranks first
