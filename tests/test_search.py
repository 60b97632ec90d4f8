"""Query logic: typo mending, stopwords, coverage, safe FTS expressions, and finding moments and characters by name."""

from __future__ import annotations

import re
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.facts import load_facts
from bot.models import FilmData, SearchHit
from bot.search import (
    MIN_COVERAGE,
    IndexRow,
    Searcher,
    filter_characters,
    index_rows,
    osa_distance,
)
from bot.settings import DEFAULT_FACTS
from bot.store import Store

SAFE_MATCH = re.compile(r'^("[a-z0-9]+"( OR "[a-z0-9]+")*)?$')
PROPERTIES = settings(max_examples=100, deadline=None)


@cache
def film() -> FilmData:
    return load_facts(DEFAULT_FACTS).data


@cache
def searcher() -> Searcher:
    data = film()
    return Searcher.build(index_rows(data), film_title=data.film.title)


def reference_osa(a: str, b: str) -> int:
    """The textbook optimal-string-alignment table, without shortcuts, to check the fast one against."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


# ---------------------------------------------------------------- distance and mending


def test_a_swap_of_neighbouring_letters_is_one_slip() -> None:
    assert osa_distance("sogn", "song", 2) == 1
    assert osa_distance("nominatons", "nominations", 2) == 1
    assert osa_distance("directd", "directed", 2) == 1
    assert osa_distance("harry", "harry", 0) == 0
    assert osa_distance("weather", "father", 1) == 2  # over the limit: reported as limit + 1


@PROPERTIES
@given(st.text(alphabet="abcd", max_size=9), st.text(alphabet="abcd", max_size=9), st.integers(0, 3))
def test_distance_with_a_limit_agrees_with_the_reference(a: str, b: str, limit: int) -> None:
    assert osa_distance(a, b, limit) == min(reference_osa(a, b), limit + 1)


def test_typos_are_mended_against_the_films_own_words() -> None:
    s = searcher()
    assert s.mend("sogn") == "song"  # swapped letters
    assert s.mend("nominatons") == "nominations"
    assert s.mend("directd") == "directed"
    assert s.mend("harrys") == "harrys"  # known through its stem: left for the index's stemmer
    assert s.mend("mescal") == "mescal"


def test_real_words_are_not_mended_into_the_film() -> None:
    s = searcher()
    assert s.mend("weather") is None  # not "father": a different first letter is not a typo we mend
    assert s.mend("bake") is None  # not "take"
    assert s.mend("world") is None  # not "would": stopwords are never a mend
    assert s.mend("cup") is None  # too short to mend at all
    assert s.mend("son") == "son"  # short words the facts use are kept


def test_mending_ties_go_to_the_more_frequent_then_shorter_word() -> None:
    rows = [IndexRow("fact", "a", "cart cart cart", "", ""), IndexRow("fact", "b", "card", "", "")]
    assert Searcher.build(rows).mend("carx") == "cart"
    rows = [IndexRow("fact", "a", "cart", "", ""), IndexRow("fact", "b", "card", "", "")]
    assert Searcher.build(rows).mend("carx") == "card"  # equally frequent and long: alphabetical


# ---------------------------------------------------------------- parsing questions


def test_stopwords_are_dropped_but_never_swallow_a_whole_question() -> None:
    s = searcher()
    assert s.parse("who plays harrys").terms == ("plays", "harrys")
    assert s.parse("whats the movie about").terms == ("movie", "about")
    assert s.parse("what is All of Us Strangers about?").terms == ("film", "about")
    assert s.parse("tell me about the diner").terms == ("diner",)
    assert s.parse("what is it").terms == ()


def test_unknown_words_count_against_coverage() -> None:
    s = searcher()
    query = s.parse("who won the 1998 world cup")
    assert query.terms == ("won", "1998", "world", "cup")
    assert '"world"' not in query.match and '"1998"' not in query.match
    hit = SearchHit("fact", "cast", -1.0)
    assert s.coverage(hit, query.terms) < MIN_COVERAGE
    assert s.best([hit], query.terms) == []


@PROPERTIES
@given(st.text(max_size=200))
def test_any_question_becomes_a_safe_match_expression(question: str) -> None:
    assert SAFE_MATCH.match(searcher().parse(question).match)


def test_fts_and_sql_syntax_become_plain_quoted_words() -> None:
    s = searcher()
    for hostile in ['harry" NEAR(adam) OR * ^title:x', "'; DROP TABLE facts; --", "NOT AND OR ( ) ||x|| @everyone"]:
        query = s.parse(hostile)
        assert SAFE_MATCH.match(query.match), query.match


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
async def test_the_index_accepts_whatever_a_member_types(store: Store, question: str) -> None:
    query = searcher().parse(question)
    await store.search(query.match)  # raises on any FTS5 syntax error


async def test_every_facts_own_question_finds_that_fact(store: Store) -> None:
    """The questions /ask suggests when it has no answer must themselves be answerable."""
    data, s = film(), searcher()
    loaded = load_facts(DEFAULT_FACTS)
    await store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data))
    misses = []
    for fact in data.facts:
        query = s.parse(fact.question)
        best = s.best(await store.search(query.match), query.terms)
        if not best or (best[0].kind, best[0].ref) != ("fact", fact.id):
            misses.append((fact.question, [(h.kind, h.ref) for h in best]))
    assert misses == []


# ---------------------------------------------------------------- moments and characters by name


def test_characters_by_name_actor_or_alias() -> None:
    characters = film().characters
    assert [c.id for c in filter_characters(characters, "Mescal")] == ["harry"]
    assert filter_characters(characters, "ma")[0].id == "mum"  # an exact alias ranks first
